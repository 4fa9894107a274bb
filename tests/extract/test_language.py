"""An article's language: declared by the page, else detected, with the source's hint
deciding between close candidates only (``pipeline.extract.language``)."""

from __future__ import annotations

import pytest

from pipeline.extract.language import choose_language, detect_language

# Croatian/Bosnian/Serbian (Latin) share most of their words: the detector gives each a
# real probability on a sentence like this one.
SOUTH_SLAVIC = (
    "Vlada je odlučila da će se škole ponovo otvoriti nakon Uskrsa, a učenici se mogu "
    "vratiti u svoje razrede."
)
ENGLISH = (
    "The city council voted on Tuesday to reopen the public library after a two-year "
    "renovation, and readers will be able to borrow books again from next week."
)


def test_without_a_hint_the_most_likely_language_wins():
    assert detect_language(ENGLISH) == "en"
    assert detect_language(SOUTH_SLAVIC) == "hr"


def test_a_hint_decides_between_close_candidates():
    assert detect_language(SOUTH_SLAVIC, hint="bs") == "bs"
    assert detect_language(SOUTH_SLAVIC, hint="sr") == "sr"


@pytest.mark.parametrize("hint", ["de", "fr", "bs"])
def test_a_hint_never_overrules_clear_text(hint):
    assert detect_language(ENGLISH, hint=hint) == "en"


def test_a_declared_language_wins_over_detection_and_hint():
    assert choose_language(["de-AT"], ENGLISH, hint="fr") == "de"
    assert choose_language([None, "ger"], ENGLISH) == "de"


def test_too_little_text_has_no_language_even_with_a_hint():
    assert choose_language([None], "Kurz.", hint="de") is None
