"""Bot walls in a real crawl: recorded as blocked, never retried or archived, backed off
on the next crawl, and a host that walls page after page is left alone."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crawlers.middlewares.botwall import MAX_BLOCKED_IN_A_ROW
from crawlers.run import CrawlResult, crawl_sources
from pipeline.sources import Source
from tests.crawlers.site import TestSite, article_html

WALLS = Path(__file__).parent / "data" / "botwall"
GOOD = ["/a/good-1", "/a/good-2"]
BLOCKED = {
    "/a/cloudflare": "bot_wall_cloudflare",
    "/a/captcha": "bot_wall_captcha",
    "/a/datadome": "bot_wall_datadome",
}
FORBIDDEN = "/a/forbidden"
WALLED_PAGES = 12


def sitemap(base: str, paths: list[str]) -> str:
    urls = "".join(f"<url><loc>{base}{p}</loc></url>" for p in paths)
    return (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{urls}</urlset>"
    )


def build_mixed(site: TestSite) -> None:
    html = {"Content-Type": "text/html; charset=utf-8"}
    site.add("/robots.txt", "User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"})
    paths = [*GOOD, *BLOCKED, FORBIDDEN]
    site.add("/sitemap.xml", sitemap(site.base_url, paths), headers={"Content-Type": "text/xml"})
    for path in GOOD:
        site.add(path, article_html(path, words=300), headers=html)
    site.add(
        "/a/cloudflare",
        (WALLS / "cloudflare_403.html").read_bytes(),
        status=403,
        headers={**html, "Server": "cloudflare"},
    )
    site.add("/a/captcha", (WALLS / "captcha_200.html").read_bytes(), headers=html)
    site.add(
        "/a/datadome",
        (WALLS / "datadome_403.html").read_bytes(),
        status=503,  # retryable, were it not a wall
        headers={**html, "X-DataDome": "protected"},
    )
    site.add(FORBIDDEN, (WALLS / "not_wall_forbidden_403.html").read_bytes(), status=403)


@dataclass
class Crawls:
    mixed: TestSite
    first: CrawlResult
    first_paths: list[str]
    second: CrawlResult
    second_paths: list[str]
    walled: TestSite
    walled_result: CrawlResult
    states: dict[str, tuple[str, str | None, int, str | None, bool]]


@pytest.fixture(scope="module")
def crawls(crawl_env) -> Crawls:
    def crawl(source: Source) -> CrawlResult:
        (result,) = crawl_sources(
            crawl_env.settings,
            [source],
            run_id=crawl_env.new_run(),
            database_url=crawl_env.database_url,
        )
        return result

    mixed, walled = TestSite(), TestSite()
    with mixed.serve(), walled.serve():
        build_mixed(mixed)
        source = Source(name="mixed", sitemaps=(f"{mixed.base_url}/sitemap.xml",))
        first = crawl(source)
        first_paths = mixed.paths()
        before = len(mixed.requests)
        second = crawl(source)
        second_paths = [r.path for r in mixed.requests[before:]]
        pages = [f"/w/{n}" for n in range(WALLED_PAGES)]
        walled.add("/robots.txt", "User-agent: *\n", headers={"Content-Type": "text/plain"})
        walled.add("/sitemap.xml", sitemap(walled.base_url, pages))
        for path in pages:
            walled.add(
                path,
                (WALLS / "cloudflare_403.html").read_bytes(),
                status=403,
                headers={"Content-Type": "text/html", "cf-mitigated": "challenge"},
            )
        walled_result = crawl(Source(name="walled", sitemaps=(f"{walled.base_url}/sitemap.xml",)))
    with crawl_env.connect() as conn:
        rows = conn.execute(
            "SELECT url, outcome, failure_reason, failed_attempts, warc_path, pending_extract "
            "FROM warehouse.crawl_state WHERE source = 'mixed' AND kind = 'article'"
        ).fetchall()
    states = {urlsplit(url).path: tuple(rest) for url, *rest in rows}
    return Crawls(mixed, first, first_paths, second, second_paths, walled, walled_result, states)


def test_wall_pages_are_counted_as_blocked_not_as_failed(crawls):
    assert crawls.first.blocked == len(BLOCKED)
    assert crawls.first.failed_by_reason == {"http_403": 1}
    assert crawls.first.fetched == len(GOOD)
    assert crawls.first.run_counts().blocked == len(BLOCKED)


def test_wall_pages_are_recorded_as_blocked_with_the_service_in_crawl_state(crawls):
    for path, reason in BLOCKED.items():
        outcome, failure_reason, attempts, _, _ = crawls.states[path]
        assert (outcome, failure_reason, attempts) == ("blocked", reason, 1)


def test_an_ordinary_403_stays_a_failure(crawls):
    assert crawls.states[FORBIDDEN][:2] == ("failed", "http_403")


def test_a_challenge_served_with_200_is_neither_archived_nor_extracted(crawls):
    _, _, _, warc_path, pending = crawls.states["/a/captcha"]
    assert warc_path is None
    assert pending is False


def test_a_wall_answering_503_is_not_retried(crawls):
    assert crawls.first_paths.count("/a/datadome") == 1


def test_blocked_pages_wait_before_the_next_try(crawls):
    assert not set(crawls.second_paths) & set(BLOCKED)
    assert crawls.second.skipped_failed_recently == len(BLOCKED) + 1  # and the 403
    assert crawls.second.blocked == 0


def test_a_host_that_walls_page_after_page_is_not_asked_for_more(crawls):
    result = crawls.walled_result
    asked = [p for p in crawls.walled.paths() if p.startswith("/w/")]
    assert MAX_BLOCKED_IN_A_ROW <= result.blocked < WALLED_PAGES
    assert result.blocked == len(asked)
    assert result.skipped_blocked_host == WALLED_PAGES - result.blocked
    assert result.failed == 0
