"""The consent-wall trap: an opt-in sitemap of pages that show the article only to a
client sending the cookie ``consent=yes``."""

from __future__ import annotations

from html import escape

from crawlers.botwall import detect
from devtools.sample_site.consent import (
    CONSENT_PAGES,
    CONSENT_SITEMAP,
    consent_article,
    consent_paths,
)
from tests.sample_site.conftest import fetch

CONSENT = {"Cookie": "consent=yes"}


def test_the_consent_sitemap_lists_every_page_on_the_host_it_was_asked_under(site) -> None:
    paths = consent_paths(site)
    assert len(paths) == CONSENT_PAGES
    body = fetch(site.base_url + CONSENT_SITEMAP).body
    assert all(f"<loc>{site.base_url}{path}</loc>".encode() in body for path in paths)
    other = site.base_url.replace("127.0.0.1", "localhost")
    body = fetch(other + CONSENT_SITEMAP).body
    assert all(f"<loc>{other}{path}</loc>".encode() in body for path in paths)


def test_without_the_cookie_a_page_is_an_interstitial_without_the_article(site) -> None:
    path = consent_paths(site)[0]
    response = fetch(site.base_url + path, headers={"Cookie": "consent=no; other=yes"})
    assert response.status == 200
    assert b"Before you continue" in response.body
    assert consent_article(site, path).paragraphs[0].encode() not in response.body


def test_the_interstitial_is_not_a_bot_wall(site) -> None:
    response = fetch(site.base_url + consent_paths(site)[1])
    headers = {name.lower(): value for name, value in response.headers.items()}
    assert detect(response.status, headers, response.body) is None


def test_with_the_cookie_a_page_is_the_whole_article(site) -> None:
    path = consent_paths(site)[2]
    response = fetch(site.base_url + path, headers={"Cookie": "a=1; consent=yes"})
    article = consent_article(site, path)
    assert len(article.paragraphs) >= 6
    text = response.body.decode()
    assert "Before you continue" not in text
    assert f"<h1>{escape(article.title)}</h1>" in text
    assert all(f"<p>{escape(p)}</p>" in text for p in article.paragraphs)


def test_nothing_on_the_site_leads_to_the_consent_wall(site) -> None:
    for path in ("/robots.txt", "/planet/sitemap-index.xml", "/gazette/sitemap.xml", "/"):
        assert b"/consent/" not in fetch(site.base_url + path, headers=CONSENT).body


def test_the_request_log_keeps_the_host_and_cookie_headers(site) -> None:
    path = consent_paths(site)[3]
    fetch(site.base_url + path, headers=CONSENT)
    record = next(r for r in reversed(site.request_log) if r.path == path)
    assert record.headers["cookie"] == "consent=yes"
    assert record.headers["host"] == site.base_url.removeprefix("http://")
