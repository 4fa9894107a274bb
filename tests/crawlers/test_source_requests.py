"""SourceRequestsMiddleware on real Scrapy requests: the source's headers and cookies on
its hosts, off every other host (a redirect's copy included), its proxy on every request."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy import Request
from scrapy.utils.test import get_crawler

from crawlers.job import CrawlJob
from crawlers.middlewares.source_requests import (
    SourceRequestsMiddleware,
    cookie_header,
    redacted,
    secret_names,
)
from pipeline.sources import Source

SOURCE = Source(
    name="s",
    sitemaps=("https://news.example/sitemap.xml",),
    start_urls=("https://www.news.example/",),
    headers=(("X-Api-Key", "k3y"), ("Accept-Language", "de")),
    cookies=(("consent", "yes"), ("session", "abc")),
    proxy="http://user:pw@proxy.example:3128",
)


@pytest.fixture
def middleware() -> SourceRequestsMiddleware:
    job = CrawlJob(SOURCE, 1, "postgresql://unused", Path("/nonexistent"), "newsflow-test")
    crawler = get_crawler(settings_dict={"NEWSFLOW_JOB": job})
    crawler.stats.open_spider()
    return SourceRequestsMiddleware.from_crawler(crawler)


def test_a_request_to_one_of_the_sources_hosts_gets_its_headers_and_cookies(middleware):
    for url in ("https://news.example/a/1", "https://WWW.news.example/robots.txt"):
        request = Request(url)
        middleware.process_request(request)
        assert request.headers["X-Api-Key"] == b"k3y"
        assert request.headers["Accept-Language"] == b"de"
        assert request.headers["Cookie"] == b"consent=yes; session=abc"


def test_a_request_to_another_host_gets_none_of_them(middleware):
    request = Request("https://cdn.example/a/1")
    middleware.process_request(request)
    assert not {b"X-Api-Key", b"Cookie", b"Accept-Language"} & set(request.headers)


def test_a_redirects_copy_to_another_host_loses_them(middleware):
    request = Request("https://news.example/a/1")
    middleware.process_request(request)
    moved = request.replace(url="https://tracker.example/a/1")  # what a redirect does
    assert moved.headers["X-Api-Key"] == b"k3y"
    middleware.process_request(moved)
    assert not {b"X-Api-Key", b"Cookie", b"Accept-Language"} & set(moved.headers)
    assert middleware.crawler.stats.get_value("newsflow/source_headers_withheld") == 1


def test_every_request_goes_through_the_sources_proxy(middleware):
    for url in ("https://news.example/a/1", "https://cdn.example/x"):
        request = Request(url)
        middleware.process_request(request)
        assert request.meta["proxy"] == SOURCE.proxy


def test_a_source_without_options_leaves_requests_alone():
    job = CrawlJob(Source(name="plain"), 1, "postgresql://unused", Path("/x"), "newsflow-test")
    crawler = get_crawler(settings_dict={"NEWSFLOW_JOB": job})
    request = Request("https://news.example/")
    SourceRequestsMiddleware.from_crawler(crawler).process_request(request)
    assert "proxy" not in request.meta and b"Cookie" not in request.headers


def test_the_cookie_header_joins_the_cookies_in_order():
    assert cookie_header([("a", "1"), ("b", "2")]) == "a=1; b=2"
    assert cookie_header([]) is None


def test_redaction_masks_credentials_and_the_sources_own_headers_only():
    pairs = [
        ("Cookie", "consent=yes"),
        ("x-api-key", "k3y"),
        ("Proxy-Authorization", "Basic x"),
        ("User-Agent", "newsflow"),
    ]
    assert redacted(pairs, secret_names(SOURCE)) == [
        ("Cookie", "***"),
        ("x-api-key", "***"),
        ("Proxy-Authorization", "***"),
        ("User-Agent", "newsflow"),
    ]
