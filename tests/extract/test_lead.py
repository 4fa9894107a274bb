"""Header lines at the start of an extracted body."""

import pytest

from pipeline.extract.lead import is_dateline, is_label, is_title_variant, strip_lead

TITLE = "Council expands tram network to the airport"
AUTHORS = ("Jane Doe",)
LEDE = "The city council voted on Tuesday to extend the tram line to the airport by 2027."


def test_headline_with_kicker_is_a_title_variant():
    assert is_title_variant("Transport: Council expands tram network to the airport", TITLE)


def test_shortened_headline_is_a_title_variant():
    assert is_title_variant("Council expands tram network", TITLE)


def test_lede_that_restates_the_headline_is_not_a_title_variant():
    assert not is_title_variant(
        "BERLIN (AP) — Council expands tram network to the airport, officials said.", TITLE
    )


@pytest.mark.parametrize(
    "line",
    [
        "05.08.2024, 20:59 Uhr",
        "30. Januar 2024",
        "17:41 JST, October 13, 2024",
        "Uppdaterad 15.59 | Publicerad 14.14",
        "- Veröffentlicht am 13. Mai 2026 um 15:44",
        "2025年1月14日 01時28分",
        "Jane Doe 2 hours ago",
    ],
)
def test_datelines(line):
    assert is_dateline(line, AUTHORS)


@pytest.mark.parametrize(
    "line",
    [
        "In 2024, the council approved 12 new lines.",
        "Trams will run every 10 minutes from May 2027.",
    ],
)
def test_sentences_with_dates_are_not_datelines(line):
    assert not is_dateline(line, AUTHORS)


def test_labels_are_short_and_without_sentence_end():
    assert is_label("Finanzmärkte")
    assert is_label("MIDDLE EAST CRISIS")
    assert not is_label("It works.")


def test_strip_lead_drops_kicker_title_dateline_and_byline():
    body = [
        "Transport",
        "Council expands tram network to the airport",
        "03.05.2024, 13:47 Uhr",
        "By Jane Doe",
        LEDE,
        "Second paragraph.",
    ]
    assert strip_lead(body, TITLE, AUTHORS) == [LEDE, "Second paragraph."]


def test_strip_lead_stops_at_the_first_article_line():
    body = [LEDE, "Transport", "By Jane Doe"]
    assert strip_lead(body, TITLE, AUTHORS) == body


def test_strip_lead_keeps_the_last_line():
    assert strip_lead(["Council expands tram network"], TITLE, AUTHORS) == [
        "Council expands tram network"
    ]


def test_label_before_a_short_line_is_kept():
    assert strip_lead(["Results", "Won 3-1", LEDE], TITLE, AUTHORS)[0] == "Results"


def test_strip_lead_drops_the_author_biography_above_the_article():
    # An author box picked up above the text (Los Angeles Times pages in both dev sets).
    bio = "Jane Doe is a senior editor at the Example Times, based in Washington, D.C."
    assert strip_lead([bio, LEDE, "Second paragraph."], TITLE, AUTHORS) == [
        LEDE,
        "Second paragraph.",
    ]


def test_a_profile_lede_about_someone_else_is_kept():
    lede = "John Roe is a reporter who spent 30 years covering the city's transport plans."
    assert strip_lead([lede, "Second paragraph."], TITLE, AUTHORS)[0] == lede
