"""The JSON-LD articleBody as a fallback when trafilatura missed part of the article."""

from pipeline.extract.fallback import declared_paragraphs, prefer_declared

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
