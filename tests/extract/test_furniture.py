"""Furniture lines in extracted bodies."""

import pytest

from pipeline.extract.furniture import is_furniture, remove_furniture


@pytest.mark.parametrize(
    "line",
    [
        "Share",
        "Advertisement",
        "Read more",
        "Sign up for our newsletter",
        "ANZEIGE",
        "Photo: Getty Images",
        "Credit: Ian West/PA Wire",
        "Story continues below advertisement",
        "Our Standards: The Thomson Reuters Trust Principles.",
        "___",
        "We use cookies to improve your experience. Click accept to continue to the settings.",
    ],
)
def test_furniture_lines(line):
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "The council shared the costs with the region.",
        "Advertisement revenue fell by a third last year, the company said.",
        "Read more about the plan in the council's report, published on Monday.",
        "Getty Images photographers were at the scene when the roof collapsed.",
    ],
)
def test_article_sentences_are_kept(line):
    assert not is_furniture(line)


def test_remove_furniture_keeps_order():
    assert remove_furniture(["One.", "Share", "Two.", "Advertisement"]) == ["One.", "Two."]


@pytest.mark.parametrize(
    "line",
    [
        "Los geht’s: Von Montag an für 49 Euro im Nahverkehr. Bild: Maximilian von Lachner",
        "The mayor opens the new line on Monday. (Photo by Jane Doe/Getty Images)",
        "Read more: Council approves budget for 2025",
        "ALSO READ: Brace for very bad weather this weekend",
        "Les også: Tone Damli ofret musikkarrieren for barna",
    ],
)
def test_captions_and_read_also_pointers(line):
    assert is_furniture(line)


def test_a_sentence_mentioning_a_photo_is_kept():
    assert not is_furniture(
        "The photo: a crowd of commuters waiting in the rain, was shared widely."
    )
