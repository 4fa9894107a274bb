"""Text safety: nothing a page contains may crash a load, nothing is cut."""

from pipeline.text import clean_authors, clean_optional, clean_text, clean_title


def test_nul_characters_are_removed():
    assert clean_text("a\x00b\x00") == "ab"


def test_a_lone_surrogate_becomes_the_replacement_character():
    assert clean_text("bad \udc80 byte") == "bad \ufffd byte"


def test_a_surrogate_pair_becomes_its_character():
    assert clean_text("smile \ud83d\ude00") == "smile \U0001f600"


def test_cleaned_text_encodes_as_utf8():
    clean_text("x\ud800y\x00z").encode("utf-8")


def test_very_long_text_is_kept_whole():
    body = "word " * 2_000_000
    assert clean_text(body) == body


def test_titles_are_trimmed_and_put_on_one_line():
    assert clean_title("  Breaking:\n  the   news \t") == "Breaking: the news"


def test_empty_optional_fields_become_none():
    assert clean_optional("  \x00 ") is None


def test_authors_are_trimmed_and_repeats_dropped_in_order():
    assert clean_authors([" Ann ", "Bob", "", "Ann"]) == ["Ann", "Bob"]
