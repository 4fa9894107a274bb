"""The paywall trap: an opt-in sitemap of articles cut at a subscribe prompt, and a free one."""

from __future__ import annotations

from devtools.sample_site.paywalled import (
    PAYWALL_SITEMAP,
    PAYWALLED_ARTICLES,
    PROMPT,
    is_paywalled,
    paywalled_paths,
)
from pipeline.extract import extract_html
from tests.sample_site.conftest import fetch


def test_the_paywall_sitemap_lists_the_paywalled_articles_and_one_free_one(site) -> None:
    response = fetch(site.base_url + PAYWALL_SITEMAP)
    assert response.status == 200
    paths = paywalled_paths()
    assert [is_paywalled(p) for p in paths] == [True] * PAYWALLED_ARTICLES + [False]
    assert all(f"<loc>{site.base_url}{path}</loc>".encode() in response.body for path in paths)


def test_a_paywalled_article_declares_it_and_stops_at_the_prompt(site) -> None:
    response = fetch(site.base_url + paywalled_paths()[0])
    assert response.status == 200
    assert b'"isAccessibleForFree": false' in response.body
    assert PROMPT.encode() in response.body
    article = extract_html(response.body, site.base_url + paywalled_paths()[0]).article
    assert article is not None
    assert (article.is_accessible_for_free, article.truncated) == (False, True)
    assert PROMPT not in article.body


def test_the_free_article_is_whole_and_declared_free(site) -> None:
    path = paywalled_paths()[-1]
    response = fetch(site.base_url + path)
    assert PROMPT.encode() not in response.body
    article = extract_html(response.body, site.base_url + path).article
    assert article is not None
    assert (article.is_accessible_for_free, article.truncated) == (True, False)


def test_the_pages_are_the_same_on_every_request(site) -> None:
    path = paywalled_paths()[1]
    assert fetch(site.base_url + path).body == fetch(site.base_url + path).body


def test_nothing_on_the_site_leads_to_the_paywall_trap(site) -> None:
    for path in ("/robots.txt", "/planet/sitemap-index.xml", "/gazette/sitemap.xml", "/"):
        assert b"/paywalled/" not in fetch(site.base_url + path).body
