"""robots.txt, sitemaps, feeds and section pages: served, well-formed, complete."""

from __future__ import annotations

import gzip
from datetime import timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qs, urlsplit

from lxml import etree

from devtools.sample_site import SampleSite
from tests.sample_site.conftest import TODAY, fetch

SM = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
ATOM = {"a": "http://www.w3.org/2005/Atom"}


def _xml(url: str) -> etree._Element:
    response = fetch(url)
    assert response.status == 200, url
    body = response.body
    if url.endswith(".gz"):
        body = gzip.decompress(body)
    return etree.fromstring(body)


def _urls(site: SampleSite, source: str) -> set[str]:
    return {a.url for a in site.expected_articles() if a.source == source}


def test_robots_txt_disallows_private_admin_and_control_and_lists_sitemaps(site) -> None:
    response = fetch(site.base_url + "/robots.txt")
    assert response.status == 200
    assert response.header("Content-Type").startswith("text/plain")
    lines = response.body.decode().splitlines()
    assert "User-agent: *" in lines
    assert [line for line in lines if line.startswith("Disallow:")] == [
        "Disallow: /private/",
        "Disallow: /herald/admin/",
        "Disallow: /_control/",
    ]
    assert f"Sitemap: {site.base_url}/gazette/sitemap.xml" in lines
    assert f"Sitemap: {site.base_url}/planet/sitemap-index.xml" in lines
    assert site.disallowed_paths() == ["/private/", "/herald/admin/", "/_control/"]


def test_sitemap_index_lists_the_news_sitemap_and_one_gzipped_sitemap_per_day(site) -> None:
    root = _xml(site.base_url + "/planet/sitemap-index.xml")
    assert root.tag == f"{{{SM['sm']}}}sitemapindex"
    locs = root.xpath("//sm:sitemap/sm:loc/text()", namespaces=SM)
    days = [TODAY - timedelta(days=n) for n in range(3)]
    assert locs == [site.base_url + "/planet/news-sitemap.xml"] + [
        f"{site.base_url}/planet/sitemaps/{d.isoformat()}.xml.gz" for d in days
    ]
    assert len(root.xpath("//sm:sitemap/sm:lastmod", namespaces=SM)) == len(locs)


def test_daily_sitemaps_together_list_every_planet_article_traps_and_a_private_url(site) -> None:
    listed: set[str] = set()
    for n in range(3):
        day = TODAY - timedelta(days=n)
        root = _xml(f"{site.base_url}/planet/sitemaps/{day.isoformat()}.xml.gz")
        for url in root.xpath("//sm:url", namespaces=SM):
            loc = url.findtext("sm:loc", namespaces=SM)
            assert url.findtext("sm:lastmod", namespaces=SM)
            listed.add(loc)
    assert _urls(site, "daily-planet") <= listed
    assert set(site.trap_urls()) <= listed
    assert any("/private/" in u for u in listed)


def test_daily_sitemap_of_an_unpublished_day_is_404(site) -> None:
    assert (
        fetch(f"{site.base_url}/planet/sitemaps/{TODAY + timedelta(days=1)}.xml.gz").status == 404
    )


def test_news_sitemap_has_the_last_two_days_with_publication_date_and_title(site) -> None:
    root = _xml(site.base_url + "/planet/news-sitemap.xml")
    expected = {
        a.url: a
        for a in site.expected_articles()
        if a.source == "daily-planet" and a.published_at.date() >= TODAY - timedelta(days=1)
    }
    entries = root.xpath("//sm:url", namespaces=SM)
    assert {e.findtext("sm:loc", namespaces=SM) for e in entries} == set(expected)
    for entry in entries:
        article = expected[entry.findtext("sm:loc", namespaces=SM)]
        assert entry.findtext(".//news:title", namespaces=SM) == article.title
        assert entry.findtext(
            ".//news:publication_date", namespaces=SM
        ) == article.published_at.strftime("%Y-%m-%dT%H:%M:%S+00:00")
        assert entry.findtext(".//news:name", namespaces=SM) == "The Daily Planet"


def test_rss_items_link_every_herald_article_with_tracking_parameters(site) -> None:
    response = fetch(site.base_url + "/herald/rss.xml")
    assert response.header("Content-Type").startswith("application/rss+xml")
    root = etree.fromstring(response.body)
    assert root.tag == "rss" and root.get("version") == "2.0"
    links = []
    for item in root.iter("item"):
        link = item.findtext("link")
        assert parse_qs(urlsplit(link).query) == {"utm_source": ["rss"], "utm_medium": ["feed"]}
        assert parsedate_to_datetime(item.findtext("pubDate")).tzinfo is not None
        links.append(link.split("?")[0])
    assert _urls(site, "metro-herald") <= set(links)
    assert any("/herald/admin/" in link for link in links)


def test_atom_feed_has_published_and_updated_for_every_herald_article(site) -> None:
    root = _xml(site.base_url + "/herald/atom.xml")
    entries = root.xpath("//a:entry", namespaces=ATOM)
    hrefs = {e.xpath("a:link/@href", namespaces=ATOM)[0].split("?")[0] for e in entries}
    assert hrefs == _urls(site, "metro-herald")
    for entry in entries:
        assert entry.findtext("a:published", namespaces=ATOM)
        assert entry.findtext("a:updated", namespaces=ATOM)


def test_gazette_sitemap_lists_every_gazette_article_with_lastmod(site) -> None:
    root = _xml(site.base_url + "/gazette/sitemap.xml")
    locs = set(root.xpath("//sm:url/sm:loc/text()", namespaces=SM))
    assert _urls(site, "valley-gazette") <= locs
    assert len(root.xpath("//sm:url/sm:lastmod", namespaces=SM)) == len(locs)
    assert any("/private/" in loc for loc in locs)


def test_news_section_pages_paginate_through_every_gazette_article(site) -> None:
    url, seen, pages = site.base_url + "/gazette/section/news/", set(), 0
    while url:
        response = fetch(url)
        assert response.status == 200
        tree = etree.HTML(response.body)
        seen |= {site.base_url + h for h in tree.xpath("//li[@class='teaser']//a/@href")}
        nxt = tree.xpath("//a[@rel='next']/@href")
        url = site.base_url + nxt[0] if nxt else None
        pages += 1
    assert seen == _urls(site, "valley-gazette")
    assert pages == 1 + (len(seen) - 1) // 20


def test_section_pages_link_to_traps_and_disallowed_pages(site) -> None:
    tree = etree.HTML(fetch(site.base_url + "/gazette/section/sport/").body)
    hrefs = set(tree.xpath("//a/@href"))
    assert {"/planet/traps/oversized/", "/planet/traps/server-error/"} <= hrefs
    assert any(h.startswith("/private/") for h in hrefs)
    assert any(h.startswith("/herald/admin/") for h in hrefs)


def test_unknown_section_and_paths_are_404(site) -> None:
    assert fetch(site.base_url + "/gazette/section/astrology/").status == 404
    assert fetch(site.base_url + "/planet/2026/11/25/no-such-story/").status == 404
    assert fetch(site.base_url + "/herald/news/no-such-story-1.html").status == 404


def test_disallowed_pages_answer_with_an_article_a_rude_crawler_would_take(site) -> None:
    response = fetch(site.base_url + "/private/planet/2026/11/24/embargoed-story-0/")
    assert response.status == 200 and b"EMBARGOED" in response.body
