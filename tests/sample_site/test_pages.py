"""Article pages: served for every expectation, canonical, cacheable, deterministic."""

from __future__ import annotations

from email.utils import format_datetime

from lxml import etree

from devtools.sample_site import SampleSite
from tests.sample_site.conftest import fetch, small_config


def test_every_expected_article_is_served_with_its_canonical_link(site) -> None:
    for article in site.expected_articles():
        if article.url.endswith("/rate-limited/"):
            continue  # answers 429 first; see test_traps
        response = fetch(article.url)
        assert response.status == 200, article.url
        tree = etree.HTML(response.body)
        assert tree.xpath("//link[@rel='canonical']/@href") == [article.url]


def test_the_three_templates_carry_their_own_metadata(site) -> None:
    pages = {}
    for article in site.expected_articles():
        if article.source not in pages and "/traps/" not in article.url:
            pages[article.source] = fetch(article.url).body.decode()
    planet, herald, gazette = pages["daily-planet"], pages["metro-herald"], pages["valley-gazette"]
    assert '"@type": "NewsArticle"' in planet and 'class="byline">By ' in planet
    assert "Advertisement" in planet and "cookie" in planet.lower()
    assert 'property="article:published_time"' in herald and '<meta name="author"' in herald
    assert "related-links" in herald and "newsletter" in herald
    assert "ld+json" not in gazette and "published_time" not in gazette
    assert 'class="dateline">Published ' in gazette and '<p class="byline">By ' in gazette


def test_pages_are_padded_to_about_page_kb() -> None:
    with SampleSite(small_config(page_kb=60)).serve() as site:
        sizes = [len(fetch(a.url).body) for a in site.expected_articles()[:6]]
    assert all(55_000 <= size <= 70_000 for size in sizes), sizes


def test_two_sites_with_the_same_seed_serve_identical_pages(site) -> None:
    with SampleSite(small_config()).serve() as twin:
        for article, other in list(zip(site.expected_articles(), twin.expected_articles()))[:9]:
            mine, theirs = fetch(article.url).body, fetch(other.url).body
            assert mine.replace(site.base_url.encode(), b"") == theirs.replace(
                twin.base_url.encode(), b""
            )


def test_tracking_parameters_do_not_change_the_page(site) -> None:
    article = next(a for a in site.expected_articles() if a.source == "metro-herald")
    plain = fetch(article.url)
    tracked = fetch(article.url + "?utm_source=rss&utm_medium=feed")
    assert tracked.status == 200 and tracked.body == plain.body


def test_articles_send_etag_and_last_modified_of_their_publication(site) -> None:
    article = site.expected_articles()[0]
    response = fetch(article.url)
    assert response.header("ETag").startswith('"')
    assert response.header("Last-Modified") == format_datetime(article.published_at, usegmt=True)


def test_if_none_match_with_the_current_etag_gives_304_without_a_body(site) -> None:
    article = site.expected_articles()[0]
    etag = fetch(article.url).header("ETag")
    response = fetch(article.url, headers={"If-None-Match": etag})
    assert response.status == 304 and response.body == b""
    assert fetch(article.url, headers={"If-None-Match": '"other"'}).status == 200


def test_if_modified_since_gives_304_unless_the_page_changed_later(site) -> None:
    article = site.expected_articles()[0]
    last_modified = fetch(article.url).header("Last-Modified")
    assert fetch(article.url, headers={"If-Modified-Since": last_modified}).status == 304
    earlier = format_datetime(article.published_at.replace(year=2025), usegmt=True)
    assert fetch(article.url, headers={"If-Modified-Since": earlier}).status == 200


def test_head_requests_get_headers_only(site) -> None:
    article = site.expected_articles()[0]
    response = fetch(article.url, method="HEAD")
    assert response.status == 200 and response.body == b""
    assert int(response.header("Content-Length")) == len(fetch(article.url).body)


def test_every_link_on_the_site_leads_to_a_live_page_except_traps_and_disallowed(site) -> None:
    pages = [a.url for a in site.expected_articles() if "/traps/" not in a.url][::5]
    pages += [site.base_url + f"/{p}/section/news/" for p in ("planet", "herald", "gazette")]
    links: set[str] = set()
    for url in pages:
        tree = etree.HTML(fetch(url).body)
        links |= {h.split("#")[0] for h in tree.xpath("//a/@href") if h.startswith("/")}
    links = {
        link for link in links if not link.startswith(("/planet/traps/", *site.disallowed_paths()))
    }
    assert len(links) > 20
    dead = [link for link in sorted(links) if fetch(site.base_url + link).status != 200]
    assert dead == []
