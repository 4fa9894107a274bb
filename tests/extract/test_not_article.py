"""The not-article decision on short items and listing pages (fixtures in
tests/fixtures/extract/not_article/, one per behaviour; see pipeline.extract.declared and
pipeline.extract.teasers)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from devtools.sample_site import SampleSite, SiteConfig
from devtools.sample_site.responses import Request
from devtools.sample_site.routes import render_article, respond
from pipeline.extract import extract_html
from pipeline.extract.classify import link_share
from pipeline.extract.core import parse_html
from pipeline.extract.declared import (
    dated_article_holds_body,
    jsonld_declares_article,
    og_article_with_date,
)
from pipeline.extract.teasers import MIN_TEASER_SHARE, find_teasers

TEASERS = "index page: the body is a list of teasers with headline links"


@pytest.fixture
def page(fixture_bytes):
    def read(name: str) -> bytes:
        return fixture_bytes(f"not_article/{name}")

    return read


@pytest.mark.parametrize(
    "name",
    [
        "article_og_type_and_date.html",
        "article_og_type_only.html",
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


# --- the body made of teasers (pipeline.extract.teasers) --------------------------------


def test_a_tag_page_whose_teasers_have_long_summaries_is_rejected(page):
    # Its body (eight summaries of ~350 characters) is too long, and its link share too
    # low, for the link-share rule; every <article> teaser is dated, none holds the body.
    html = page("tag_page_long_summaries.html")
    assert link_share(parse_html(html)) < 0.5
    result = extract_html(html, "https://harbourweekly.example/tag/bridges/")
    assert result.status == "not_article"
    assert result.message == TEASERS


def test_a_short_declared_item_on_a_page_of_navigation_menus_is_kept(page):
    # About 540 characters of story on a 72 KB page whose text is 96 % link text.
    html = page("article_short_huge_nav.html")
    assert link_share(parse_html(html)) > 0.9
    result = extract_html(html, "https://harbourweekly.example/2025/03/mill-river/")
    assert result.status == "ok"
    assert 300 <= len(result.article.body) <= 800


def test_live_blog_entries_sharing_one_share_link_are_not_teasers(page):
    # Every entry is one paragraph in its own block beside a link to another page, but
    # it is the same "Share this update" link each time (and the time links to #entry).
    html = page("article_live_blog_undeclared.html")
    result = extract_html(html, "https://harbourweekly.example/live/harbour-festival")
    assert result.status == "ok"
    assert find_teasers(parse_html(html), result.article.body).headlines == 1


def test_a_story_followed_by_a_box_of_related_teasers_is_kept(page):
    # The extracted body took in five related teasers: most of its text is teasers, but
    # it opens with the story, longer than any of them.
    html = page("article_related_teasers_undeclared.html")
    result = extract_html(html, "https://harbourweekly.example/2025/03/mill-river/")
    assert result.status == "ok"
    teasers = find_teasers(parse_html(html), result.article.body)
    assert teasers.share >= MIN_TEASER_SHARE
    assert teasers.lead > teasers.longest
    assert result.article.body.startswith("The footbridge over the Mill River")


@pytest.fixture(scope="module")
def sample_site():
    """The sample site with bench_e2e's page weight (100 KB of menus, comments, scripts)."""
    config = SiteConfig(seed=11, today=date(2026, 11, 20), days=1, articles_per_day=16)
    with SampleSite(replace(config, page_kb=100)).serve() as site:
        yield site


@pytest.mark.parametrize("publication", ["planet", "herald", "gazette"])
def test_sample_site_section_pages_under_the_link_share_bound_are_rejected(
    sample_site, publication
):
    response = respond(sample_site, Request("GET", f"/{publication}/section/news/"))
    tree = parse_html(response.body)
    assert link_share(tree) < 0.5
    result = extract_html(response.body, f"{sample_site.base_url}/{publication}/section/news/")
    assert result.status == "not_article"
    assert result.message == TEASERS


def test_sample_site_articles_with_long_link_lists_are_kept(sample_site):
    # The valley-gazette declares nothing; its articles on 100 KB pages carry link
    # shares of 0.32-0.37 (the 0.35 bound tried once dropped the shorter ones).
    keys = [k for k in sample_site.article_keys() if k.publication == "valley-gazette"]
    results = [extract_html(render_article(sample_site, k)) for k in keys]
    assert len(results) == 16
    assert [r.message for r in results if r.status != "ok"] == []
