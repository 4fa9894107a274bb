"""robots.txt ``Crawl-delay`` spaces a host's requests, even for a source with no delay."""

from __future__ import annotations

import itertools

from crawlers.middlewares.robots import rules_from_response
from crawlers.run import crawl_sources
from pipeline.sources import Source
from tests.crawlers.site import TestSite, article_html

PAGES = [f"/news/{i}" for i in range(4)]


def test_crawl_delay_is_read_for_our_agent_or_any_agent():
    ours = rules_from_response(
        200, b"User-agent: newsflow\nCrawl-delay: 3\n\nUser-agent: *\nCrawl-delay: 1\n"
    )
    anyone = rules_from_response(200, b"User-agent: *\nCrawl-delay: 0.5\nDisallow: /x\n")
    assert ours.crawl_delay("newsflow") == 3.0
    assert anyone.crawl_delay("newsflow") == 0.5
    assert (
        rules_from_response(200, b"User-agent: *\nDisallow: /x\n").crawl_delay("newsflow") is None
    )
    assert rules_from_response(404, b"").crawl_delay("newsflow") is None


def test_requests_to_a_host_are_spaced_by_its_crawl_delay(crawl_env):
    site = TestSite()
    with site.serve():
        b = site.base_url
        site.add(
            "/robots.txt", "User-agent: *\nCrawl-delay: 1\n", headers={"Content-Type": "text/plain"}
        )
        urls = "".join(f"<url><loc>{b}{p}</loc></url>" for p in PAGES)
        site.add(
            "/sitemap.xml",
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/'
            f'schemas/sitemap/0.9">{urls}</urlset>',
            headers={"Content-Type": "application/xml"},
        )
        for path in PAGES:
            site.add(path, article_html(path))
        source = Source("delayed", sitemaps=(f"{b}/sitemap.xml",), download_delay=0.0)
        (result,) = crawl_sources(
            crawl_env.settings,
            [source],
            run_id=crawl_env.new_run(),
            database_url=crawl_env.database_url,
        )
        times = [r.at for r in site.requests]  # robots.txt, the sitemap, the pages
    assert result.error is None and result.fetched == len(PAGES)
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert len(gaps) == len(PAGES) + 1 and min(gaps) >= 0.9, gaps
