"""Paywalls: what a page declares about free access, and bodies cut off at a paywall.

The pages are under tests/fixtures/extract/paywall, one per behaviour; the pure
functions of :mod:`pipeline.extract.paywall` are tested on literal inputs.
"""

from __future__ import annotations

import pytest

from pipeline.extract import extract_html
from pipeline.extract.paywall import (
    MAX_AFTER_PROMPT_WORDS,
    PROMPT_TAIL_LINES,
    accessible_for_free,
    cut_at_prompt,
    declared_word_count,
    is_paywall_prompt,
)
from pipeline.extract.structured import PageMetadata

LONG = " ".join(["The council met again on Thursday to discuss the harbour works."] * 4)


def _page(fixture_bytes, name: str):
    result = extract_html(fixture_bytes(f"paywall/{name}"), f"https://example.com/{name}")
    assert result.status == "ok", result.message
    return result.article


def test_a_body_that_stops_at_a_subscribe_prompt_is_truncated(fixture_bytes):
    article = _page(fixture_bytes, "prompt_end.html")
    assert article.truncated is True
    assert article.is_accessible_for_free is False


def test_the_paywall_prompt_does_not_stay_in_the_body(fixture_bytes):
    body = _page(fixture_bytes, "prompt_end.html").body
    assert "Subscribe" not in body and "subscriber" not in body and "euro for" not in body
    assert body.split("\n\n")[-1].startswith("The work is expected to take three years")


def test_a_free_article_that_mentions_subscribing_mid_text_is_not_truncated(fixture_bytes):
    article = _page(fixture_bytes, "free_mentions_subscribe.html")
    assert article.truncated is False
    assert article.is_accessible_for_free is True
    assert "Subscribe to continue reading the authority's weekly bulletin" in article.body
    assert article.body.split("\n\n")[-1].startswith("The authority said it would monitor")


def test_a_gated_article_much_shorter_than_its_word_count_is_truncated(fixture_bytes):
    article = _page(fixture_bytes, "word_count_short.html")
    assert article.is_accessible_for_free is False
    assert article.truncated is True


def test_a_declared_gated_section_left_empty_is_truncated(fixture_bytes):
    article = _page(fixture_bytes, "gated_section_empty.html")
    assert article.is_accessible_for_free is False  # from hasPart only, inside @graph
    assert article.truncated is True


def test_a_gated_section_delivered_whole_is_not_truncated(fixture_bytes):
    article = _page(fixture_bytes, "gated_section_delivered.html")
    assert article.is_accessible_for_free is False
    assert article.truncated is False
    assert "The authority said it would monitor the water" in article.body


def test_content_tier_meta_and_a_french_prompt(fixture_bytes):
    article = _page(fixture_bytes, "content_tier_prompt_fr.html")
    assert article.is_accessible_for_free is False
    assert article.truncated is True
    assert "abonné" not in article.body
    assert article.body.split("\n\n")[-1].startswith("Les travaux devraient durer")


def test_a_page_that_says_nothing_is_null_and_not_truncated(fixture_bytes):
    article = extract_html(fixture_bytes("article_furniture.html"), "u").article
    assert article.is_accessible_for_free is None
    assert article.truncated is False


def _jsonld(**fields) -> PageMetadata:
    return PageMetadata(jsonld=({"@type": "NewsArticle", **fields},))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (False, False),
        (True, True),
        ("False", False),
        ("false", False),
        ("True", True),
        ("https://schema.org/False", False),
        ("maybe", None),
        (None, None),
    ],
)
def test_is_accessible_for_free_booleans_and_strings(value, expected):
    assert accessible_for_free(_jsonld(isAccessibleForFree=value)) is expected


def test_a_gated_has_part_makes_the_article_not_free():
    part = {"@type": "WebPageElement", "isAccessibleForFree": "False", "cssSelector": ".x"}
    assert accessible_for_free(_jsonld(hasPart=[part])) is False


def test_the_article_object_wins_over_meta_tags():
    meta = PageMetadata(
        jsonld=({"@type": "NewsArticle", "isAccessibleForFree": True},),
        meta={"article:content_tier": "locked"},
    )
    assert accessible_for_free(meta) is True


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ({"isaccessibleforfree": "False"}, False),  # microdata <meta itemprop=...>
        ({"article:content_tier": "locked"}, False),
        ({"article:content_tier": "metered"}, False),
        ({"article:content_tier": "free"}, True),
        ({"article:content_tier": "Free"}, True),
        ({"og:type": "article"}, None),
    ],
)
def test_meta_tags_that_declare_access(meta, expected):
    assert accessible_for_free(PageMetadata(meta=meta)) is expected


def test_declared_word_count_takes_numbers_and_numeric_strings():
    assert declared_word_count(_jsonld(wordCount=800)) == 800
    assert declared_word_count(_jsonld(wordCount=" 950 ")) == 950
    assert declared_word_count(_jsonld(wordCount="many")) is None
    assert declared_word_count(_jsonld()) is None


@pytest.mark.parametrize(
    "line",
    [
        "Subscribe to continue reading.",
        "To continue reading, please subscribe or log in.",
        "This article is only available to subscribers.",
        "You have reached your limit of free articles this month.",
        "Dieser Artikel ist nur für Abonnenten verfügbar.",
        "Lesen Sie jetzt weiter mit SZ Plus",
        "Il vous reste 57.09% de cet article à lire. La suite est réservée aux abonnés.",
        "Este contenido es exclusivo para suscriptores.",
        "Per continuare a leggere, abbonati.",
        "Dit artikel is alleen beschikbaar voor abonnees.",
        "この記事は有料会員限定です。",
    ],
)
def test_paywall_prompts_in_several_languages(line):
    assert is_paywall_prompt(line)


@pytest.mark.parametrize(
    "line",
    [
        "Sign up for our daily newsletter.",
        "Esta funcionalidad es sólo para suscriptores",  # a feature, not the article
        "Cette fonctionnalité est réservée aux abonnés.",
        "Subscribe to our YouTube channel for more videos.",
    ],
)
def test_lines_that_are_not_paywall_prompts(line):
    assert not is_paywall_prompt(line)


def test_a_prompt_followed_by_article_text_does_not_cut():
    paragraphs = [LONG, "Subscribe to continue reading.", LONG]
    assert cut_at_prompt(paragraphs).found is False


def test_a_prompt_followed_by_short_lines_cuts_them_all():
    paragraphs = [
        LONG,
        LONG,
        "Subscribe to continue reading.",
        "Log in",
        "x " * MAX_AFTER_PROMPT_WORDS,
    ]
    cut = cut_at_prompt(paragraphs)
    assert cut.found is True
    assert cut.paragraphs == [LONG, LONG]


def test_a_prompt_far_from_the_end_does_not_cut():
    paragraphs = [LONG, "Subscribe to continue reading.", *(["Short line."] * PROMPT_TAIL_LINES)]
    assert cut_at_prompt(paragraphs).found is False


def test_a_prompt_alone_is_not_cut_away():
    assert cut_at_prompt(["Subscribe to continue reading."]).found is False


def test_a_complete_declared_article_body_is_not_cut_off_by_the_html_prompt(fixture_bytes):
    article = _page(fixture_bytes, "declared_body_complete.html")
    assert article.is_accessible_for_free is False
    assert article.truncated is False
    assert article.body.split("\n\n")[-1].startswith("The authority said it would monitor")
