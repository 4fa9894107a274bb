"""One crawl of a purpose-built site exercising discovery, robots, limits and the archive.

The crawl runs once (one child process) for the module; each test checks one behaviour
against the site's request log, the crawl result, crawl state or the archive.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass

import pytest

from crawlers.run import CrawlResult, crawl_sources
from pipeline.archive import iter_pending_pages, read_record
from pipeline.extract.decode import decode_html
from pipeline.sources import Source
from tests.crawlers.site import Request, TestSite, article_html

PRIVATE = [f"/private/{i}" for i in range(8)]
LATIN1 = (
    "<html><head><title>Caf\u00e9</title></head><body><article><p>\u00c7a co\u00fbte "
    "tr\u00e8s cher \u00e0 l'\u00e9t\u00e9, na\u00efve fa\u00e7ade.</p></article>"
    "</body></html>"
).encode("iso-8859-1")
PDF = b"%PDF-1.4\n" + b"0" * 100_000


@dataclass
class Crawled:
    site: TestSite
    result: CrawlResult
    env: object


SITEMAP_PAGES = [
    "/news/plain-1",
    "/news/latin1",
    "/news/report.pdf",
    "/news/loop",
    "/news/missing",
    "/news/huge",
    "/news/slow",
    "/news/throttled",
    "/news/video/denied",
    "/news/alias?utm_source=x",
    "http://elsewhere.invalid/news/offsite",
]
"""What sitemap_pages.xml lists: articles, traps, a tracking-parameter alias, another host."""


def build_site(site: TestSite) -> None:
    """robots.txt, sitemaps, feeds, link-following pages, articles and traps."""
    _add_sitemaps(site)
    _add_feeds(site)
    _add_pages(site)


def _add_sitemaps(site: TestSite) -> None:
    """robots.txt, a sitemap index with a page, a gzipped news and a broken sitemap, and a
    sitemap only robots.txt names."""
    b = site.base_url
    site.add(
        "/robots.txt",
        f"User-agent: *\nDisallow: /private/\nDisallow: /members/\n"
        f"Sitemap: {b}/sitemap_index.xml\nSitemap: {b}/news/video/sitemap.xml\n",
        headers={"Content-Type": "text/plain"},
        delay_s=0.4,
    )
    xml = {"Content-Type": "application/xml"}
    site.add(
        "/sitemap_index.xml",
        f"""<?xml version="1.0"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>{b}/sitemap_pages.xml</loc></sitemap>
  <sitemap><loc>{b}/sitemap_news.xml.gz</loc></sitemap>
  <sitemap><loc>{b}/sitemap_broken.xml</loc></sitemap>
</sitemapindex>""",
        headers=xml,
    )
    urls = "".join(
        f"<url><loc>{p if p.startswith('http') else b + p}</loc><lastmod>2024-05-01</lastmod></url>"
        for p in SITEMAP_PAGES
    )
    site.add(
        "/sitemap_pages.xml",
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/'
        f'schemas/sitemap/0.9">{urls}</urlset>',
        headers=xml,
    )
    news = f"""<?xml version="1.0"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>{b}/news/breaking-1</loc><news:news><news:publication_date>2024-05-02T08:00:00Z</news:publication_date><news:title>One</news:title></news:news></url>
  <url><loc>{b}/news/breaking-2</loc><news:news><news:publication_date>2024-05-02T09:00:00Z</news:publication_date><news:title>Two</news:title></news:news></url>
</urlset>"""
    site.add(
        "/sitemap_news.xml.gz",
        gzip.compress(news.encode()),
        headers={"Content-Type": "application/x-gzip"},
    )
    site.add(
        "/news/video/sitemap.xml",
        f'<?xml version="1.0"?><urlset xmlns="http://www.'
        f'sitemaps.org/schemas/sitemap/0.9"><url><loc>{b}/news/video/clip</loc></url></urlset>',
        headers=xml,
    )
    site.add(
        "/sitemap_broken.xml",
        "<!doctype html><html><body>Oops<p>" + b + "/news/never</body></html>",
        headers=xml,
    )


def _add_feeds(site: TestSite) -> None:
    """RSS and Atom feeds, a feed that answers with plain text."""
    b = site.base_url
    site.add(
        "/feed.rss",
        f"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>r</title><link>{b}/news/rss-1</link>
<pubDate>Thu, 02 May 2024 10:00:00 GMT</pubDate></item>
<item><title>dup</title><link>{b}/news/plain-1#c</link></item></channel></rss>""",
        headers={"Content-Type": "application/rss+xml"},
    )
    site.add(
        "/feed.atom",
        f"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">
<entry><title>a</title><link href="{b}/news/atom-1"/><updated>2024-05-02T10:00:00Z</updated></entry>
</feed>""",
        headers={"Content-Type": "application/atom+xml"},
    )
    site.add(
        "/feed-broken.xml",
        "Service temporarily unavailable",
        headers={"Content-Type": "application/rss+xml"},
    )


def _add_pages(site: TestSite) -> None:
    """Link-following start pages, the articles, and the traps."""
    site.add(
        "/start",
        article_html(
            "Start",
            links=("/news/linked-1", "/section", "/members/", "http://elsewhere.invalid/news/x"),
        ),
    )
    site.add("/section", article_html("Section", links=("/news/linked-2",)))

    for path in (
        "/news/plain-1",
        "/news/breaking-1",
        "/news/breaking-2",
        "/news/rss-1",
        "/news/atom-1",
        "/news/linked-1",
        "/news/linked-2",
        "/news/video/denied",
        "/news/canonical-target",
        *PRIVATE,
    ):
        site.add(path, article_html(path))
    site.add(
        "/news/alias?utm_source=x",
        article_html("alias", extra_head='<link rel="canonical" href="/news/canonical-target">'),
    )
    site.add("/news/latin1", LATIN1, headers={"Content-Type": "text/html"})
    site.add("/news/report.pdf", PDF, headers={"Content-Type": "application/pdf"})
    site.add("/news/loop", status=302, headers={"Location": "/news/loop2"})
    site.add("/news/loop2", status=302, headers={"Location": "/news/loop"})
    site.add("/news/huge", b"<html>" + b"x" * 400_000 + b"</html>")
    site.add("/news/slow", article_html("slow"), delay_s=2.5)
    attempts = []

    def throttled(request: Request):
        attempts.append(request)
        if len(attempts) == 1:
            return 429, {"Retry-After": "1", "Content-Type": "text/html"}, b"slow down"
        return 200, {"Content-Type": "text/html"}, article_html("throttled").encode()

    site.add("/news/throttled", handler=throttled)


@pytest.fixture(scope="module")
def crawled(crawl_env):
    site = TestSite()
    with site.serve():
        build_site(site)
        b = site.base_url
        source = Source(
            name="site",
            sitemaps=("robots",),
            feeds=(f"{b}/feed.rss", f"{b}/feed.atom", f"{b}/feed-broken.xml"),
            start_urls=(*(b + p for p in PRIVATE), f"{b}/start"),
            allow=("/news/", "/private/"),
            deny=("/news/video/",),
        )
        (result,) = crawl_sources(
            crawl_env.settings,
            [source],
            run_id=crawl_env.new_run(),
            database_url=crawl_env.database_url,
        )
    return Crawled(site, result, crawl_env)


def state(crawled, path):
    with crawled.env.connect() as conn:
        return conn.execute(
            "SELECT outcome, failure_reason, http_status, warc_path, warc_offset, pending_extract "
            "FROM warehouse.crawl_state WHERE url = %s",
            (crawled.site.base_url + path,),
        ).fetchone()


def test_crawl_finishes_without_error(crawled):
    assert crawled.result.error is None


def test_robots_txt_is_requested_before_anything_else(crawled):
    assert crawled.site.paths()[0] == "/robots.txt"
    assert crawled.site.count("/robots.txt") == 1


def test_disallowed_urls_are_never_requested_even_in_the_first_burst(crawled):
    assert not [p for p in crawled.site.paths() if p.startswith("/private/")]
    assert crawled.result.skipped_by_robots == len(PRIVATE)
    assert state(crawled, PRIVATE[0])[0] == "skipped_by_robots"


def test_a_sitemap_listed_in_robots_txt_that_the_source_denies_is_not_read(crawled):
    assert "/news/video/sitemap.xml" not in crawled.site.paths()


def test_a_link_into_a_disallowed_section_is_not_followed_and_not_a_failure(crawled):
    assert "/members/" not in crawled.site.paths()
    assert not [r for r in crawled.result.failed_by_reason if "robots" in r]


def test_every_discovery_kind_finds_its_articles(crawled):
    requested = set(crawled.site.paths())
    assert {
        "/news/plain-1",  # sitemap from the robots.txt Sitemap line, via an index
        "/news/breaking-1",
        "/news/breaking-2",  # gzipped news sitemap
        "/news/rss-1",
        "/news/atom-1",  # RSS and Atom
        "/news/linked-1",
        "/news/linked-2",
    } <= requested  # links, two deep


def test_a_url_found_twice_is_fetched_once(crawled):
    assert crawled.site.count("/news/plain-1") == 1


def test_denied_and_offsite_urls_are_not_requested(crawled):
    assert "/news/video/denied" not in crawled.site.paths()


def test_malformed_sitemap_and_feed_are_counted_and_the_rest_still_crawled(crawled):
    failed = crawled.result.failed_by_reason
    assert failed.get("sitemap_malformed") == 1 and failed.get("feed_malformed") == 1
    assert "/news/never" not in crawled.site.paths()


def test_a_source_with_some_broken_documents_succeeds_and_names_them(crawled):
    b = crawled.site.base_url
    assert crawled.result.discovery_error() is None and crawled.result.documents_read >= 4
    assert set(crawled.result.failed_documents) >= {
        f"{b}/sitemap_broken.xml could not be read: an HTML page, not <urlset> or "
        "<sitemapindex> (an error page served with status 200?)",
        f"{b}/feed-broken.xml could not be read: not XML: expected an RSS or Atom feed",
    }


def test_discovery_failures_are_counted_apart_from_article_failures(crawled):
    reasons = crawled.result.failed_by_reason
    discovery = {r: n for r, n in reasons.items() if r.startswith(("sitemap_", "feed_", "nav_"))}
    assert crawled.result.discovery_failed == sum(discovery.values()) >= 2
    assert crawled.result.failed == sum(reasons.values()) - sum(discovery.values())
    assert crawled.result.failed >= 3  # the PDF, the 404 and the redirect loop at least


def test_pdf_is_recorded_as_not_html_and_not_archived(crawled):
    outcome, _reason, status, warc_path, _, pending = state(crawled, "/news/report.pdf")
    assert (outcome, status, warc_path, pending) == ("not_html", 200, None, False)
    assert crawled.result.failed_by_reason.get("not_html") == 1


def test_redirect_loop_is_recorded_not_fatal(crawled):
    assert state(crawled, "/news/loop")[:2] == ("failed", "redirect_loop")


def test_http_errors_are_recorded_by_status(crawled):
    assert state(crawled, "/news/missing")[:3] == ("failed", "http_404", 404)
    assert crawled.result.failed_by_reason.get("http_404") == 1


def test_oversize_page_is_abandoned(crawled):
    assert state(crawled, "/news/huge")[:2] == ("failed", "too_large")


def test_slow_page_times_out_without_stalling_the_crawl(crawled):
    assert state(crawled, "/news/slow")[:2] == ("failed", "timeout")
    assert crawled.result.elapsed_s < 20


def test_429_is_retried_after_its_retry_after_delay(crawled):
    times = [r.at for r in crawled.site.requests if r.path == "/news/throttled"]
    assert len(times) == 2 and times[1] - times[0] >= 0.95
    assert state(crawled, "/news/throttled")[0] == "fetched"


def test_same_host_rel_canonical_keys_the_page_under_its_canonical_url(crawled):
    assert state(crawled, "/news/alias")[0] == "canonical_elsewhere"
    outcome, _, _, warc_path, _, pending = state(crawled, "/news/canonical-target")
    assert outcome == "fetched" and warc_path and pending
    assert "/news/canonical-target" not in crawled.site.paths()


def test_user_agent_names_newsflow_and_the_contact_url(crawled):
    agents = {r.headers.get("user-agent") for r in crawled.site.requests}
    assert len(agents) == 1
    (agent,) = agents
    assert agent.startswith("newsflow/") and "https://example.org/contact" in agent


def test_fetched_pages_are_readable_from_the_archive_by_offset(crawled):
    with crawled.env.connect() as conn:
        rows = conn.execute(
            "SELECT fetched_url, warc_path, warc_offset "
            "FROM warehouse.crawl_state WHERE outcome = 'fetched'"
        ).fetchall()
    assert len(rows) == crawled.result.fetched >= 10
    bodies = {
        crawled.site.base_url + p: r.body
        for p, r in crawled.site.routes.items()
        if r.handler is None
    }
    for url, warc_path, offset in rows:
        _, body = read_record(crawled.env.settings.archive_dir, warc_path, offset)
        if url in bodies:
            assert body == bodies[url]


def test_every_fetched_page_waits_for_extraction(crawled):
    with crawled.env.connect() as conn:
        pages = list(iter_pending_pages(conn, crawled.env.settings.archive_dir, "site"))
    assert len(pages) == crawled.result.fetched


def test_latin1_page_without_http_charset_decodes_correctly(crawled):
    with crawled.env.connect() as conn:
        (page,) = [
            p
            for p in iter_pending_pages(conn, crawled.env.settings.archive_dir, "site")
            if p.url.endswith("/news/latin1")
        ]
    assert page.http_charset is None and page.body == LATIN1
    assert "\u00c7a co\u00fbte tr\u00e8s cher \u00e0 l'\u00e9t\u00e9" in decode_html(page.body)
