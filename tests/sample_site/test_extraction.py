"""The site is realistic and extractable: pipeline.extract on its pages vs the expectations.

Scores every article page of a small site per template with the benchmark's shingle
metric, and checks title, authors and date on each page.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from devtools.extraction_metric import aggregate, author_f1, score_page, title_match
from devtools.sample_site import SampleSite
from pipeline.extract import extract_html
from tests.sample_site.conftest import fetch, small_config

NOW = datetime(2026, 11, 26, tzinfo=UTC)


@pytest.fixture(scope="module")
def extracted():
    """(expected, extraction result) for every article page of a site with 20 KB pages."""
    with SampleSite(small_config(page_kb=20, articles_per_day=5)).serve() as site:
        pairs = []
        for article in site.expected_articles():
            response = fetch(article.url)
            if response.status == 429:
                response = fetch(article.url)
            result = extract_html(
                response.body,
                article.url,
                http_charset=response.headers.get_content_charset(),
                now=NOW,
            )
            pairs.append((article, result))
    return pairs


@pytest.mark.parametrize("source", ["daily-planet", "metro-herald", "valley-gazette"])
def test_body_f1_is_at_least_095_on_each_template(extracted, source) -> None:
    scores = [
        score_page(a.body, r.article.body if r.article else "")
        for a, r in extracted
        if a.source == source
    ]
    assert len(scores) >= 15
    assert aggregate(scores).f1 >= 0.95


@pytest.mark.parametrize("source", ["daily-planet", "metro-herald", "valley-gazette"])
def test_title_authors_and_date_are_extracted_on_each_template(extracted, source) -> None:
    for article, result in extracted:
        if article.source != source:
            continue
        assert result.status == "ok", (article.url, result.message)
        got = result.article
        assert title_match(article.title, got.title), (article.url, got.title)
        assert author_f1(article.authors, got.authors) == 1.0, (article.url, got.authors)
        assert got.published_at is not None, article.url
        if article.date_only_visible:
            assert got.published_at.date() == article.published_at.date(), article.url
        else:
            assert got.published_at == article.published_at, article.url


def test_the_latin1_page_is_extracted_with_its_accents(extracted) -> None:
    article, result = next((a, r) for a, r in extracted if a.url.endswith("/latin1/"))
    assert "señor Ramón Núñez" in result.article.body
    assert result.article.title == article.title
