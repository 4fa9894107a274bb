"""The not-article decision on short items and listing pages (fixtures in
tests/fixtures/extract/not_article/, one per behaviour; see pipeline.extract.declared)."""

from __future__ import annotations

import pytest

from pipeline.extract import extract_html
from pipeline.extract.core import parse_html
from pipeline.extract.declared import (
    dated_article_holds_body,
    jsonld_declares_article,
    og_article_with_date,
)


@pytest.fixture
def page(fixture_bytes):
    def read(name: str) -> bytes:
        return fixture_bytes(f"not_article/{name}")

    return read


@pytest.mark.parametrize(
    "name",
    [
        "article_og_type_and_date.html",
        "article_jsonld_newsarticle.html",
        "article_jsonld_graph_reportage.html",
        "article_dated_article_element.html",
    ],
)
def test_short_item_on_a_link_heavy_page_is_kept_when_the_page_declares_it(page, name):
    result = extract_html(page(name), "https://example.com/local/mill-river-footbridge")
    assert result.status == "ok"
    assert 300 <= len(result.article.body) <= 800
    assert result.article.body.startswith("The footbridge over the Mill River")


def test_short_item_that_declares_nothing_is_taken_for_an_index_page(page):
    # Why a declaration is needed: by its links and text alone this page is a section page.
    result = extract_html(page("article_undeclared.html"), "https://example.com/local/x")
    assert result.status == "not_article"
    assert result.message == "index page: mostly links and little text"


@pytest.mark.parametrize(
    "name",
    [
        "section_og_type_sitewide.html",
        "tag_page_og_type_sitewide.html",
        "index_jsonld_itemlist.html",
        "section_dated_article_teasers.html",
    ],
)
def test_section_tag_and_index_pages_are_rejected(page, name):
    result = extract_html(page(name), "https://example.com/local/")
    assert result.status == "not_article"
    assert result.message == "index page: mostly links and little text"


def test_og_type_article_counts_only_with_a_publication_time(page):
    # Many sites set og:type article on every page, their sections included.
    assert not og_article_with_date(parse_html(page("section_og_type_sitewide.html")))
    assert og_article_with_date(parse_html(page("article_og_type_and_date.html")))


def test_jsonld_articles_listed_in_an_itemlist_do_not_declare_the_page(page):
    assert not jsonld_declares_article(parse_html(page("index_jsonld_itemlist.html")))
    assert jsonld_declares_article(parse_html(page("article_jsonld_newsarticle.html")))
    assert jsonld_declares_article(parse_html(page("article_jsonld_graph_reportage.html")))


def test_a_dated_article_element_counts_only_when_it_holds_the_whole_body():
    # Index pages wrap each teaser in its own dated <article>: none holds the whole body.
    html = (
        "<html><body>"
        '<article><time datetime="2025-03-01">1 March</time><p>First teaser text.</p></article>'
        '<article><time datetime="2025-03-02">2 March</time><p>Second teaser text.</p></article>'
        "</body></html>"
    )
    tree = parse_html(html)
    assert not dated_article_holds_body(tree, "First teaser text.\n\nSecond teaser text.")
    assert dated_article_holds_body(tree, "First teaser text.")


def test_undated_article_element_does_not_declare_the_page():
    tree = parse_html("<html><body><article><p>Some text here.</p></article></body></html>")
    assert not dated_article_holds_body(tree, "Some text here.")
