"""Discovery documents: sitemaps, feeds and robots.txt parsed into discovered URLs."""

import gzip
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from crawlers.discovery import MalformedDocument, parse_feed, parse_sitemap, robots_sitemaps
from pipeline.utc import parse_utc

DATA = Path(__file__).parent / "data"


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def test_sitemap_index_lists_its_children_resolved_against_its_url():
    sitemap = parse_sitemap(read("sitemap_index.xml"), "https://news.example.com/sitemap.xml")
    assert sitemap.children == (
        "https://news.example.com/sitemap-2024-05.xml",
        "https://news.example.com/sitemap-news.xml.gz",
    )
    assert sitemap.pages == ()


def test_sitemap_pages_are_canonical_with_lastmod_in_utc():
    pages = parse_sitemap(read("sitemap.xml")).pages
    assert [p.url for p in pages] == [
        "https://news.example.com/2024/05/01/story",
        "https://news.example.com/2024/05/02/other",
    ]
    assert pages[0].fetch_url == "https://News.Example.com/2024/05/01/story?utm_source=sm"
    assert pages[0].lastmod == datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
    assert pages[1].lastmod is None


def test_news_sitemap_gives_publication_date_and_title():
    (page,) = parse_sitemap(read("news_sitemap.xml")).pages
    assert page.published == datetime(2024, 5, 3, 8, 30, tzinfo=UTC)
    assert page.title == "Breaking: something happened"
    assert page.via == "news"
    assert page.window_date == date(2024, 5, 3)


def test_news_sitemap_keywords_are_split_on_commas_and_trimmed():
    (page,) = parse_sitemap(read("news_sitemap.xml")).pages
    assert page.keywords == ("Business", "Mergers and acquisitions")


def test_plain_sitemap_pages_have_no_keywords():
    assert all(p.keywords == () for p in parse_sitemap(read("sitemap.xml")).pages)


def test_gzipped_sitemap_is_read_like_a_plain_one():
    assert parse_sitemap(gzip.compress(read("sitemap.xml"))) == parse_sitemap(read("sitemap.xml"))


def test_truncated_sitemap_gives_its_complete_entries_and_is_marked_recovered():
    sitemap = parse_sitemap(read("broken.xml"))
    assert [p.url for p in sitemap.pages] == ["https://news.example.com/a"]
    assert sitemap.recovered


def test_html_instead_of_a_sitemap_raises_malformed_document():
    with pytest.raises(MalformedDocument):
        parse_sitemap(b"<html><body>oops</body></html>")


def test_xml_entities_are_not_expanded():
    evil = (
        b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<urlset><url><loc>http://a.com/&x;</loc></url></urlset>"
    )
    pages = parse_sitemap(evil).pages
    assert all("root:" not in p.url for p in pages)


def test_rss_items_give_links_dates_and_permalink_guids():
    items = parse_feed(read("feed.rss")).items
    assert [i.url for i in items] == [
        "https://news.example.com/first",
        "https://news.example.com/guid",
    ]
    assert items[0].published == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert items[0].title == "First"


def test_atom_entries_give_the_alternate_link_and_both_dates():
    (entry,) = parse_feed(read("feed.atom"))
    assert entry.url == "https://news.example.com/atom-one"
    assert entry.published == datetime(2024, 5, 2, 11, 0, tzinfo=UTC)
    assert entry.lastmod == datetime(2024, 5, 4, tzinfo=UTC)
    assert entry.window_date == date(2024, 5, 2)


def test_malformed_feed_is_read_as_far_as_it_goes_and_marked_recovered():
    feed = parse_feed(b"<rss><channel><item><link>http://a.com/x</link></channel>")
    assert [i.url for i in feed] == ["http://a.com/x"]
    assert feed.recovered


def test_well_formed_documents_are_not_marked_recovered():
    assert not parse_sitemap(read("sitemap.xml")).recovered
    assert not parse_feed(read("feed.rss")).recovered


def test_robots_sitemap_lines_are_listed_once_each():
    text = (
        "User-agent: *\nDisallow: /x\nSitemap: http://a.com/s1.xml\n"
        "sitemap:http://a.com/s2.xml # news\nSITEMAP: http://a.com/s1.xml\nSitemap: /rel\n"
    )
    assert robots_sitemaps(text) == ["http://a.com/s1.xml", "http://a.com/s2.xml"]
    assert robots_sitemaps(text, "http://a.com/robots.txt")[-1] == "http://a.com/rel"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024-05-01", datetime(2024, 5, 1, tzinfo=UTC)),
        ("2024-05-01T10:00:00Z", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("2024-05-01T10:00:00-05:00", datetime(2024, 5, 1, 15, tzinfo=UTC)),
        ("Wed, 01 May 2024 10:00:00 +0200", datetime(2024, 5, 1, 8, tzinfo=UTC)),
        ("yesterday", None),
        ("", None),
    ],
)
def test_dates_parse_to_utc(text, expected):
    assert parse_utc(text) == expected


def test_failure_reasons_of_discovery_documents_are_told_from_article_reasons():
    from crawlers.result import CrawlResult, is_discovery_reason

    assert all(
        map(
            is_discovery_reason,
            ["sitemap_malformed", "feed_http_404", "nav_timeout", "document_error_ValueError"],
        )
    )
    assert not any(
        map(
            is_discovery_reason,
            [
                "http_404",
                "timeout",
                "not_html",
                "too_large",
                "redirect_loop",
                "url_too_long",
                "error_OSError",
            ],
        )
    )
    result = CrawlResult("s", failed_by_reason={"sitemap_malformed": 2, "http_500": 3})
    assert (result.failed, result.discovery_failed) == (3, 2)


def test_a_source_fails_only_when_every_discovery_document_it_tried_failed():
    from crawlers.result import CrawlResult

    broken = CrawlResult(
        "x",
        failed_documents=(
            "https://a.com/sitemap.xml answered 404",
            "https://a.com/rss refused the connection",
        ),
    )
    assert broken.discovery_error() == (
        "source 'x': no discovery document could be read: https://a.com/sitemap.xml "
        "answered 404; https://a.com/rss refused the connection"
    )
    partly = CrawlResult("x", documents_read=1, failed_documents=broken.failed_documents)
    assert partly.discovery_error() is None and partly.failed_documents
    assert CrawlResult("x", documents_read=1).discovery_error() is None  # a quiet day
    assert CrawlResult("x").discovery_error() is None  # start URLs that are articles
    crashed = CrawlResult("x", error="child died", failed_documents=broken.failed_documents)
    assert crashed.source_error() == "child died"


def test_a_result_keeps_its_failed_documents_through_json():
    import json

    from crawlers.result import CrawlResult

    result = CrawlResult(
        "x",
        documents_read=2,
        discovery_recovered=1,
        failed_documents=("https://a.com/s.xml answered 500",),
    )
    assert CrawlResult.from_dict(json.loads(json.dumps(result.as_dict()))) == result


@pytest.mark.parametrize(
    "reason, detail, expected",
    [
        ("http_404", "", "https://a.com/s.xml answered 404"),
        ("dns", "", "https://a.com/s.xml has a host name that does not resolve (DNS)"),
        ("malformed", "empty document", "https://a.com/s.xml could not be read: empty document"),
        (
            "robots",
            "Forbidden by robots.txt: https://a.com/s.xml",
            "https://a.com/s.xml not fetched: disallowed by robots.txt",
        ),
        ("error_OSError", "", "https://a.com/s.xml failed (error_OSError)"),
    ],
)
def test_a_failed_document_is_described_in_one_line(reason, detail, expected):
    from crawlers.outcomes import document_failure

    assert document_failure("https://a.com/s.xml", reason, detail) == expected


def test_documents_read_but_no_url_fail_only_a_source_that_found_urls_before():
    from crawlers.result import CrawlResult

    emptied = CrawlResult(
        "x",
        documents_read=2,
        discovered_before=120,
        failed_documents=("https://a.com/rss answered 500",),
    )
    assert emptied.discovery_error() == (
        "source 'x': discovery found no article URL in 2 document(s) read, where an earlier "
        "run found 120; check that the sitemaps and feeds still list the articles and that "
        "allow/deny still match their URLs; failed: https://a.com/rss answered 500"
    )
    assert CrawlResult("x", documents_read=2).discovery_error() is None  # a new source
    quiet = CrawlResult("x", documents_read=2, discovered=40, discovered_before=120)
    assert quiet.discovery_error() is None  # all known or outside the window
