"""The JSON-LD articleBody as a fallback when trafilatura missed part of the article."""

from pipeline.extract.body import clean_paragraphs
from pipeline.extract.fallback import (
    could_prefer_declared,
    declared_paragraphs,
    prefer_declared,
)

FIRST = ["The council voted on Tuesday to extend the tram line to the airport by 2027."]
REST = [
    f"Paragraph {i} explains another part of the plan in enough words to matter." for i in range(4)
]


def test_declared_body_is_preferred_when_it_contains_ours_and_is_much_longer():
    assert prefer_declared(FIRST, FIRST + REST)


def test_declared_body_is_not_preferred_when_only_a_little_longer():
    assert not prefer_declared(FIRST + REST[:3], FIRST + REST)


def test_declared_body_is_not_preferred_when_it_is_different_text():
    assert not prefer_declared(FIRST, ["A teaser about something else entirely, " * 5] + REST)


def test_nothing_extracted_means_no_comparison():
    assert not prefer_declared([], FIRST + REST)


def test_declared_paragraphs_strip_tags_and_entities_and_split_blocks():
    raw = "<p>First &amp; foremost.</p><p>Second   line<br>Third</p>"
    assert declared_paragraphs(raw) == ["First & foremost.", "Second line", "Third"]


def test_a_declared_body_too_short_to_win_is_not_worth_cleaning():
    ours = ["One two three four five six seven eight nine ten eleven twelve."]  # 9 4-grams
    assert not could_prefer_declared(ours, [ours[0] + " thirteen fourteen fifteen"])
    # 20 words could give 17 4-grams >= 1.8 * 9: worth cleaning
    assert could_prefer_declared(ours, [ours[0] + " thirteen fourteen fifteen", "a b c d e"])


def test_the_cheap_bound_never_rules_out_a_declared_body_that_wins_once_cleaned():
    # cleaning drops lines (here furniture and a repeat): the bound uses the uncleaned count
    declared = ["Advertisement", *FIRST, *REST, "Share this article", REST[0]]
    cleaned = clean_paragraphs(declared, "A title", ())
    for extracted in (FIRST, FIRST + REST[:1], FIRST + REST[:2], FIRST + REST):
        if prefer_declared(extracted, cleaned):
            assert could_prefer_declared(extracted, declared)
    assert prefer_declared(FIRST, cleaned)
