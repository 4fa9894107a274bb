"""Body normalisation and content hashes (exact-duplicate detection)."""

from pipeline.dedup.normalize import content_hash, normalize_body


def test_typographic_quotes_case_and_whitespace_do_not_change_the_hash():
    a = "\u201cIt\u2019s over,\u201d she said.\n\nThe  END \u2014 really."
    b = '"it\'s over," SHE said. the end - really.'
    assert content_hash(a) == content_hash(b)


def test_different_words_give_different_hashes():
    assert content_hash("The council approved the budget.") != content_hash(
        "The council rejected the budget."
    )


def test_normalisation_is_idempotent():
    text = "  \u00abQuoted\u00bb\u00a0text\u200b with\tTABS  "
    assert normalize_body(normalize_body(text)) == normalize_body(text)


def test_soft_hyphens_and_zero_width_characters_are_dropped():
    assert normalize_body("co\u00adoper\u200bation") == "cooperation"
