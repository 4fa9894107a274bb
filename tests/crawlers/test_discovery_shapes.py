"""Discovery reads the sitemaps and feeds publishers really serve: one fixture per shape."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawlers.discovery import (
    MalformedDocument,
    feed_links,
    parse_feed,
    parse_sitemap,
    robots_sitemaps,
)
from crawlers.discovery_parse import MAX_SITEMAP_URLS

DATA = Path(__file__).parent / "data" / "discovery"
BASE = "https://news.example.com"


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def urls(found) -> list[str]:
    return [item.url for item in found]


# --- the three shapes that were read as nothing -------------------------------------


def test_text_sitemap_gives_one_url_per_line_ignoring_blank_lines_and_whitespace():
    sitemap = parse_sitemap(read("text_sitemap.txt"), BASE + "/sitemap.txt")
    assert urls(sitemap.pages) == [
        f"{BASE}/2024/05/01/one",
        f"{BASE}/2024/05/02/two",
        f"{BASE}/2024/05/03/three",
    ]
    assert not sitemap.recovered


def test_text_sitemap_is_recognised_by_content_whatever_its_name():
    assert parse_sitemap(read("text_sitemap.txt"), BASE + "/sitemap.xml") == parse_sitemap(
        read("text_sitemap.txt"), BASE + "/sitemap.txt"
    )


def test_xml_sitemap_after_a_byte_order_mark_and_blank_lines_is_read():
    sitemap = parse_sitemap(read("bom_blank_line_sitemap.xml"))
    assert urls(sitemap.pages) == [f"{BASE}/bom/one", f"{BASE}/bom/two"]
    assert not sitemap.recovered


def test_rss_with_a_bare_ampersand_is_recovered_with_every_item():
    feed = parse_feed(read("rss_bare_ampersand.rss"))
    assert urls(feed) == [f"{BASE}/smith-and-sons", f"{BASE}/second"]
    assert feed.items[0].title == "Smith & Sons sold"
    assert feed.items[0].published == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert feed.recovered


def test_rss_with_html_entities_a_stray_less_than_and_a_cut_off_item_is_recovered():
    feed = parse_feed(read("rss_sloppy.rss"))
    assert urls(feed) == [f"{BASE}/prices", f"{BASE}/a-less-than-b", f"{BASE}/complete"]
    assert feed.items[0].title == "Prices\u00a0rise \u2014 again"
    assert feed.items[1].title == "When a < b in sport"
    assert feed.recovered


# --- the shapes that already worked ---------------------------------------------------


def test_gzip_is_recognised_without_a_gz_name():
    assert urls(parse_sitemap(read("gzipped_sitemap_without_gz_name")).pages) == [
        f"{BASE}/gz/one",
        f"{BASE}/gz/two",
    ]


def test_rss_1_0_items_are_read_with_dc_dates():
    feed = parse_feed(read("rss10.rdf"))
    assert urls(feed) == [f"{BASE}/rdf/one", f"{BASE}/rdf/two"]
    assert feed.items[0].published == datetime(2024, 5, 1, 8, tzinfo=UTC)


def test_index_with_a_gzipped_child_and_a_news_sitemap_with_image_tags():
    index = parse_sitemap(read("index_with_gzipped_child.xml"))
    assert index.children == (
        f"{BASE}/sitemaps/child.xml.gz",
        f"{BASE}/sitemaps/news_with_images.xml",
    )
    assert urls(parse_sitemap(read("child.xml.gz")).pages) == [f"{BASE}/child/one"]
    (page,) = parse_sitemap(read("news_with_images.xml")).pages
    assert (page.url, page.title, page.via) == (f"{BASE}/news/pictured", "Pictured story", "news")
    assert page.published == datetime(2024, 5, 3, 8, 30, tzinfo=UTC)


def test_atom_relative_links_are_resolved_against_xml_base():
    feed = parse_feed(read("atom_xml_base.atom"), BASE + "/feeds/atom.xml")
    assert urls(feed) == [
        f"{BASE}/section/2024/relative-story",
        "https://other.example.com/own-base",
        f"{BASE}/root-relative",
    ]


def test_cdata_links_in_a_feed_served_as_html_are_read_as_written():
    (item,) = parse_feed(read("rss_cdata_links.html"))
    assert item.fetch_url == f"{BASE}/cdata?a=1&b=2"
    assert item.title == "Fish & Chips <b>now</b>"


def test_escaped_ampersand_in_a_query_string_is_one_ampersand():
    (page,) = parse_sitemap(read("sitemap_amp_query.xml")).pages
    assert page.fetch_url == f"{BASE}/story?id=7&page=2"


def test_iso_8859_1_sitemap_is_decoded():
    (page,) = parse_sitemap(read("sitemap_latin1.xml")).pages
    assert page.fetch_url == f"{BASE}/caf\u00e9"
    assert page.title == "Caf\u00e9 cr\u00e8me"


# --- more shapes ---------------------------------------------------------------------------


def test_utf16_sitemap_with_its_byte_order_mark_is_read():
    sitemap = parse_sitemap(read("sitemap_utf16.xml"))
    assert [p.fetch_url for p in sitemap.pages] == [f"{BASE}/utf16/one", f"{BASE}/utf16/caf\u00e9"]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_sitemap_without_a_byte_order_mark_after_blank_lines_is_read(codec):
    text = read("sitemap_utf16.xml").decode("utf-16")
    sitemap = parse_sitemap(("\n\n" + text).encode(codec))
    assert [p.fetch_url for p in sitemap.pages] == [f"{BASE}/utf16/one", f"{BASE}/utf16/caf\u00e9"]


def test_truncated_gzip_gives_the_complete_entries_and_counts_as_recovered():
    sitemap = parse_sitemap(read("truncated_sitemap.xml.gz"))
    assert 100 < len(sitemap.pages) < 200
    assert urls(sitemap.pages)[:2] == [f"{BASE}/trunc/0", f"{BASE}/trunc/1"]
    assert sitemap.recovered


def test_html_error_page_where_a_sitemap_should_be_is_malformed_and_says_so():
    with pytest.raises(MalformedDocument, match="HTML page"):
        parse_sitemap(read("html_error_page.xml"))
    with pytest.raises(MalformedDocument, match="HTML page"):
        parse_feed(read("html_error_page.xml"))


def test_sitemap_index_that_points_at_itself_lists_itself_as_its_child():
    index = parse_sitemap(read("self_index.xml"), BASE + "/self_index.xml")
    assert index.children == (f"{BASE}/self_index.xml",)


def test_a_document_with_nothing_recoverable_is_malformed():
    with pytest.raises(MalformedDocument):
        parse_sitemap(b"<urlset><url><loc>")
    with pytest.raises(MalformedDocument):
        parse_feed(b"just some text")


# --- limits --------------------------------------------------------------------------------


def test_sitemap_over_50000_urls_is_read_up_to_the_limit_with_a_warning(caplog):
    body = gzip.compress(
        (
            "<urlset>"
            + "".join(f"<url><loc>{BASE}/p/{i}</loc></url>" for i in range(MAX_SITEMAP_URLS + 10))
            + "</urlset>"
        ).encode(),
        compresslevel=1,
    )
    sitemap = parse_sitemap(body, BASE + "/big.xml")
    assert len(sitemap.pages) == MAX_SITEMAP_URLS
    assert sitemap.cut and "50000" in sitemap.cut
    assert "over the protocol's limit" in caplog.text


def test_sitemap_over_50_mb_uncompressed_is_read_up_to_the_limit():
    entry = f"<url><loc>{BASE}/{'x' * 2000}</loc></url>".encode()
    body = gzip.compress(b"<urlset>" + entry * 27_000 + b"</urlset>", compresslevel=1)
    sitemap = parse_sitemap(body, BASE + "/huge.xml")
    assert sitemap.cut and "50 MB" in sitemap.cut
    assert 20_000 < len(sitemap.pages) < 27_000


def test_text_sitemap_over_50000_lines_is_read_up_to_the_limit():
    body = "\n".join(f"{BASE}/t/{i}" for i in range(MAX_SITEMAP_URLS + 5)).encode()
    assert len(parse_sitemap(body).pages) == MAX_SITEMAP_URLS


# --- robots.txt and autodiscovery ---------------------------------------------------------


def test_relative_robots_sitemap_lines_are_resolved_against_the_robots_url():
    text = (
        "Sitemap: /sitemap.xml\nSitemap: news/sitemap.txt\nSitemap: https://cdn.example.com/s.xml\n"
    )
    assert robots_sitemaps(text, BASE + "/robots.txt") == [
        f"{BASE}/sitemap.xml",
        f"{BASE}/news/sitemap.txt",
        "https://cdn.example.com/s.xml",
    ]


def test_feed_links_of_a_page_are_its_rss_and_atom_alternates():
    page = b"""<!doctype html><html><head>
    <link rel="alternate" type="application/rss+xml" title="RSS" href="/rss.xml">
    <link rel="Alternate" type="application/atom+xml; charset=utf-8" href="atom.xml">
    <link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
    <link rel="stylesheet" type="text/css" href="/s.css">
    <link rel="alternate" type="application/rss+xml" href="/rss.xml">
    </head><body><a href="/x">x</a></body></html>"""
    assert feed_links(page, BASE + "/news/") == [f"{BASE}/rss.xml", f"{BASE}/news/atom.xml"]
