"""Conditional discovery over three crawls of one small site, read from its request log.

A sitemap index (with ETag) lists a child sitemap with a lastmod, one that fails in the
first crawl, and one without lastmod; a start page (with ETag) links a section page
(without validators). Crawl 2 follows straight after; before crawl 3 the section page
gains a link to a new article.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from crawlers.run import CrawlResult, crawl_sources
from pipeline.sources import Source
from tests.crawlers.site import Request, TestSite, article_html

LASTMOD = "2026-11-30T10:00:00Z"
ARTICLES = ("/news/ok1", "/news/flaky1", "/news/n1", "/news/f1", "/news/a1", "/news/a2")


@dataclass
class Runs:
    results: list[CrawlResult]
    requests: list[list[Request]]


def with_etag(body: Callable[[], str], content_type: str) -> Callable:
    """A route that sends an ETag of its body and answers 304 when it is sent back."""

    def handle(request: Request) -> tuple[int, dict[str, str], bytes]:
        data = body().encode()
        etag = f'"{hashlib.sha1(data).hexdigest()[:12]}"'
        if request.headers.get("if-none-match") == etag:
            return 304, {"ETag": etag}, b""
        return 200, {"Content-Type": content_type, "ETag": etag}, data

    return handle


def urlset(base: str, *paths: str) -> str:
    urls = "".join(f"<url><loc>{base}{p}</loc></url>" for p in paths)
    return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'


def build_site(site: TestSite, state: dict[str, object]) -> None:
    b = site.base_url
    xml = "application/xml"
    site.add("/robots.txt", "User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"})
    index = (
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{b}/s/ok.xml</loc><lastmod>{LASTMOD}</lastmod></sitemap>"
        f"<sitemap><loc>{b}/s/flaky.xml</loc><lastmod>{LASTMOD}</lastmod></sitemap>"
        f"<sitemap><loc>{b}/s/nolastmod.xml</loc></sitemap></sitemapindex>"
    )
    site.add("/index.xml", handler=with_etag(lambda: index, xml))
    site.add("/s/ok.xml", handler=with_etag(lambda: urlset(b, "/news/ok1"), xml))
    site.add("/s/nolastmod.xml", handler=with_etag(lambda: urlset(b, "/news/n1"), xml))

    def flaky(request: Request) -> tuple[int, dict[str, str], bytes]:
        if state["flaky_down"]:
            return 500, {"Content-Type": "text/html"}, b"<html>down</html>"
        return 200, {"Content-Type": xml}, urlset(b, "/news/flaky1").encode()

    site.add("/s/flaky.xml", handler=flaky)
    front = article_html("Front", links=("/section/a", "/news/f1"))
    site.add("/front", handler=with_etag(lambda: front, "text/html"))

    def section(request: Request) -> tuple[int, dict[str, str], bytes]:
        links = ("/news/a1", "/news/a2") if state["section_grew"] else ("/news/a1",)
        return 200, {"Content-Type": "text/html"}, article_html("Section A", links=links).encode()

    site.add("/section/a", handler=section)
    for path in ARTICLES:
        site.add(path, article_html(path))


@pytest.fixture(scope="module")
def runs(crawl_env) -> Runs:
    site = TestSite()
    state: dict[str, object] = {"flaky_down": True, "section_grew": False}
    results, requests = [], []
    with site.serve():
        build_site(site, state)
        b = site.base_url
        source = Source(
            name="cond", sitemaps=(f"{b}/index.xml",), start_urls=(f"{b}/front",), allow=("/news/",)
        )
        for step in range(3):
            state["flaky_down"] = step == 0
            state["section_grew"] = step == 2
            before = len(site.requests)
            (result,) = crawl_sources(
                crawl_env.settings,
                [source],
                run_id=crawl_env.new_run(),
                database_url=crawl_env.database_url,
            )
            results.append(result)
            requests.append(site.requests[before:])
    return Runs(results, requests)


def asked(requests: list[Request], path: str) -> list[Request]:
    return [r for r in requests if r.path == path]


def article_paths(requests: list[Request]) -> list[str]:
    return sorted(r.path for r in requests if r.path.startswith("/news/"))


def test_the_first_crawl_reads_everything_that_answers(runs):
    assert article_paths(runs.requests[0]) == ["/news/a1", "/news/f1", "/news/n1", "/news/ok1"]
    assert runs.results[0].failed_by_reason == {"sitemap_http_500": 1}


def test_documents_with_an_etag_are_asked_conditionally_and_answered_304(runs):
    for path in ("/index.xml", "/s/nolastmod.xml", "/front"):
        (request,) = asked(runs.requests[1], path)
        assert request.headers.get("if-none-match", "").startswith('"'), path


def test_a_child_sitemap_with_an_unchanged_lastmod_is_not_asked(runs):
    assert asked(runs.requests[1], "/s/ok.xml") == []
    assert asked(runs.requests[2], "/s/ok.xml") == []


def test_a_child_sitemap_that_failed_is_asked_again_although_its_lastmod_is_unchanged(runs):
    (request,) = asked(runs.requests[1], "/s/flaky.xml")
    assert "if-none-match" not in request.headers
    assert article_paths(runs.requests[1]) == ["/news/flaky1"]
    # Read successfully in crawl 2, it is then skipped like the others.
    assert asked(runs.requests[2], "/s/flaky.xml") == []


def test_a_section_page_behind_a_304_start_page_is_still_visited(runs):
    assert len(asked(runs.requests[1], "/section/a")) == 1
    assert (runs.results[1].discovery_not_modified, runs.results[1].discovery_unchanged) == (4, 1)
    assert runs.results[1].documents_read == 1  # the flaky sitemap, read at last


def test_a_section_page_that_changed_is_read_and_its_new_link_followed(runs):
    assert article_paths(runs.requests[2]) == ["/news/a2"]
    assert runs.results[2].documents_read == 1
    assert runs.results[2].discovery_not_modified == 5
