"""Hostile URLs in sitemaps, feeds and links are never fetched.

The pure rules first (discovery keeps only http(s) URLs; the frontier's ``UrlFilter``
keeps only the source's own hosts, so internal addresses are out when the source is a
public host), then one crawl of a local site whose sitemap and pages point at another
local server, at ``file://`` and ``javascript:`` URLs, at internal and metadata
addresses and at a very long URL. ``tests/crawlers/test_crawl_site.py`` already covers
offsite sitemap entries and links to an ``.invalid`` host, robots and the other traps.
"""

from __future__ import annotations

import pytest

from crawlers.canonical import try_canonical
from crawlers.discovery import parse_feed, parse_sitemap
from crawlers.frontier import UrlFilter
from crawlers.run import crawl_sources
from pipeline.sources import Source
from tests.crawlers.site import TestSite, article_html

PUBLIC = UrlFilter(["news.example.com"], allow=["/news/"], deny=[])

NOT_HTTP = [
    "file:///etc/passwd",
    "file://localhost/etc/shadow",
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "ftp://news.example.com/news/x",
    "gopher://news.example.com:70/_GET",
    "mailto:editor@news.example.com",
    "http:///news/no-host",
    "//",
]

INTERNAL = [
    "http://127.0.0.1/news/x",
    "http://localhost/news/x",
    "http://10.0.0.7/news/x",
    "http://192.168.1.1/news/x",
    "http://172.16.0.1/news/x",
    "http://169.254.169.254/news/latest/meta-data/",
    "http://[::1]/news/x",
    "http://[fd00::1]/news/x",
    "http://0x7f000001/news/x",
    "http://2130706433/news/x",
    "http://0/news/x",
    "http://news.example.com.127.0.0.1.nip.io/news/x",
    "http://news.example.com@127.0.0.1/news/x",
    "https://evil.example.net/news/x",
]


@pytest.mark.parametrize("url", NOT_HTTP)
def test_non_http_urls_have_no_canonical_form(url):
    assert try_canonical(url) is None


@pytest.mark.parametrize("url", INTERNAL)
def test_internal_and_foreign_hosts_are_not_articles_of_a_public_source(url):
    canonical = try_canonical(url)
    assert canonical is None or not PUBLIC.is_article(canonical)


def test_the_public_source_still_accepts_its_own_articles():
    assert PUBLIC.is_article(try_canonical("https://News.Example.com/news/x?utm_source=a"))


def test_sitemap_keeps_only_http_locations():
    locs = "".join(
        f"<url><loc>{u.replace('&', '&amp;').replace('<', '&lt;')}</loc></url>"
        for u in [*NOT_HTTP, "https://news.example.com/news/ok"]
    )
    sitemap = parse_sitemap(
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'.encode()
    )
    assert [p.url for p in sitemap.pages] == ["https://news.example.com/news/ok"]


def test_sitemap_index_keeps_only_http_children():
    children = "".join(
        f"<sitemap><loc>{u.replace('&', '&amp;').replace('<', '&lt;')}</loc></sitemap>"
        for u in [*NOT_HTTP, "https://news.example.com/s.xml"]
    )
    index = parse_sitemap(f"<sitemapindex>{children}</sitemapindex>".encode())
    assert index.children == ("https://news.example.com/s.xml",)


def test_feed_keeps_only_http_links():
    items = "".join(
        f"<item><link>{u.replace('&', '&amp;').replace('<', '&lt;')}</link></item>"
        for u in [*NOT_HTTP, "https://news.example.com/news/ok"]
    )
    feed = parse_feed(f'<rss version="2.0"><channel>{items}</channel></rss>'.encode())
    assert [i.url for i in feed] == ["https://news.example.com/news/ok"]


# --- one crawl ----------------------------------------------------------------------------

LONG_PATH = "/news/" + "a" * 5000


@pytest.fixture(scope="module")
def hostile_crawl(crawl_env, tmp_path_factory):
    secret = tmp_path_factory.mktemp("secret") / "passwd"
    secret.write_text("root:x:0:0\n")
    site, internal = TestSite(), TestSite()
    with site.serve(), internal.serve():
        b = site.base_url
        other = internal.base_url.replace("127.0.0.1", "localhost")
        port = internal.base_url.rsplit(":", 1)[1]
        internal.add("/news/internal", article_html("internal"))
        hostile = [
            f"{other}/news/internal",
            f"file://{secret}",
            "javascript:alert(1)",
            "http://169.254.169.254/news/latest/meta-data/",
            "http://10.255.255.1/news/x",
            f"{b}{LONG_PATH}",
            f"http://user:pw@localhost:{port}/news/internal",
        ]
        entries = "".join(f"<url><loc>{u}</loc></url>" for u in [*hostile, f"{b}/news/ok"])
        site.add("/robots.txt", "User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"})
        site.add(
            "/sitemap.xml",
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/'
            f'schemas/sitemap/0.9">{entries}</urlset>',
            headers={"Content-Type": "application/xml"},
        )
        site.add(
            "/news/ok",
            article_html(
                "ok", links=(f"{other}/news/internal", f"file://{secret}", "javascript:void(0)")
            ),
        )
        site.add("/news/to-internal", status=302, headers={"Location": f"{other}/news/internal"})
        site.add("/news/to-file", status=302, headers={"Location": f"file://{secret}"})
        site.add("/start", article_html("start", links=("/news/to-internal", "/news/to-file")))
        source = Source(
            name="hostile",
            sitemaps=(f"{b}/sitemap.xml",),
            start_urls=(f"{b}/start",),
            allow=("/news/",),
        )
        (result,) = crawl_sources(
            crawl_env.settings,
            [source],
            run_id=crawl_env.new_run(),
            database_url=crawl_env.database_url,
        )
    with crawl_env.connect() as conn:
        state = dict(
            conn.execute(
                "SELECT url, outcome FROM warehouse.crawl_state WHERE source = 'hostile'"
            ).fetchall()
        )
    return site, internal, result, state, secret


def test_hostile_crawl_finishes(hostile_crawl):
    _, _, result, state, _ = hostile_crawl
    assert result.error is None
    assert state[hostile_crawl[0].base_url + "/news/ok"] == "fetched"


def test_other_hosts_are_never_requested_from_sitemaps_links_or_redirects(hostile_crawl):
    site, internal, _, _, _ = hostile_crawl
    assert {"/news/ok", "/news/to-internal", "/news/to-file"} <= set(site.paths())
    assert internal.paths() == []


def test_file_and_javascript_urls_are_never_fetched_or_archived(hostile_crawl):
    _, _, _, state, _secret = hostile_crawl
    assert not [u for u in state if not u.startswith("http")]
    assert not [u for u in state if "169.254" in u or "10.255" in u]


def test_very_long_url_is_never_requested(hostile_crawl):
    site, _, _, _, _ = hostile_crawl
    assert not [p for p in site.paths() if len(p) > 2000]


def test_redirect_to_another_host_or_scheme_is_recorded_with_a_reason(hostile_crawl):
    site, _, _, state, _ = hostile_crawl
    b = site.base_url
    assert state[b + "/news/to-internal"] in ("failed", "skipped_by_robots")
    assert state[b + "/news/to-file"] == "failed"


def test_redirect_to_another_host_is_recorded_as_offsite_redirect(hostile_crawl, crawl_env):
    site, _, _, _, _ = hostile_crawl
    with crawl_env.connect() as conn:
        (reason,) = conn.execute(
            "SELECT failure_reason FROM warehouse.crawl_state WHERE url = %s",
            (site.base_url + "/news/to-internal",),
        ).fetchone()
    assert reason == "offsite_redirect"


def test_very_long_url_is_recorded_with_a_reason(hostile_crawl, crawl_env):
    site, _, _, state, _ = hostile_crawl
    assert state[site.base_url + LONG_PATH] == "failed"
    with crawl_env.connect() as conn:
        (reason,) = conn.execute(
            "SELECT failure_reason FROM warehouse.crawl_state WHERE url = %s",
            (site.base_url + LONG_PATH,),
        ).fetchone()
    assert reason == "url_too_long"
