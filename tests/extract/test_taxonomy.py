"""Section and tags: meta tags, JSON-LD, breadcrumbs and the news sitemap's keywords."""

from __future__ import annotations

from pipeline.extract.core import parse_html
from pipeline.extract.structured import read_metadata
from pipeline.extract.taxonomy import MAX_TAG_CHARS, MAX_TAGS, choose_section, choose_tags

PAGE = "https://news.example/politics/budget-vote/"


def _page(head: str = "", body: str = ""):
    tree = parse_html(f"<html><head>{head}</head><body>{body}</body></html>")
    assert tree is not None
    return read_metadata(tree), tree


def section(head: str = "", body: str = "", title: str = "Budget vote") -> str | None:
    meta, tree = _page(head, body)
    return choose_section(meta, tree, PAGE, title)


def tags(head: str = "", sitemap: tuple[str, ...] = ()) -> tuple[str, ...]:
    meta, tree = _page(head)
    return choose_tags(meta, tree, sitemap)


def _ld(obj: str) -> str:
    return f'<script type="application/ld+json">{obj}</script>'


def test_article_section_meta_comes_first():
    head = '<meta property="article:section" content=" World ">' + _ld(
        '{"@type": "NewsArticle", "articleSection": "Politics"}'
    )
    assert section(head) == "World"


def test_jsonld_article_section_string():
    assert section(_ld('{"@type": "NewsArticle", "articleSection": "Politics"}')) == "Politics"


def test_jsonld_article_section_list_gives_its_first():
    head = _ld('{"@type": "NewsArticle", "articleSection": ["Politics", "Europe"]}')
    assert section(head) == "Politics"


def test_jsonld_breadcrumb_gives_the_last_item_before_the_article():
    head = _ld(
        '{"@type": "BreadcrumbList", "itemListElement": ['
        '{"@type": "ListItem", "position": 3, "name": "Budget vote", "item": "' + PAGE + '"},'
        '{"@type": "ListItem", "position": 1, "name": "Home", "item": "https://news.example/"},'
        '{"@type": "ListItem", "position": 2, "name": "Politics",'
        ' "item": {"@id": "https://news.example/politics/"}}]}'
    )
    assert section(head) == "Politics"


def test_breadcrumb_of_home_alone_is_no_section():
    head = _ld(
        '{"@type": "BreadcrumbList", "itemListElement": ['
        '{"@type": "ListItem", "position": 1, "name": "Home", "item": "https://news.example/"},'
        '{"@type": "ListItem", "position": 2, "name": "Budget vote"}]}'
    )
    assert section(head) is None


def test_nav_breadcrumb_in_the_markup():
    body = (
        '<nav aria-label="Breadcrumb"><ol><li><a href="/">Home</a></li>'
        '<li><a href="/politics/">Politics</a></li>'
        '<li><a href="/politics/budget-vote/" aria-current="page">Budget vote</a></li></ol></nav>'
    )
    assert section(body=body) == "Politics"


def test_page_without_any_section_has_none():
    assert section(body="<article><p>Text</p></article>") is None


def test_article_tags_each_meta_one_tag_in_order():
    head = (
        '<meta property="article:tag" content="Budget">'
        '<meta property="article:tag" content="Parliament, Votes">'
    )
    assert tags(head) == ("Budget", "Parliament, Votes")


def test_jsonld_keywords_string_is_split_on_commas():
    assert tags(_ld('{"@type": "NewsArticle", "keywords": "budget, tax ,  , vote"}')) == (
        "budget",
        "tax",
        "vote",
    )


def test_jsonld_keywords_list_and_defined_terms():
    head = _ld(
        '{"@type": "NewsArticle", "keywords": ["tax", {"@type": "DefinedTerm", "name": "EU"}]}'
    )
    assert tags(head) == ("tax", "EU")


def test_news_keywords_and_keywords_meta():
    head = '<meta name="news_keywords" content="budget, vote"><meta name="keywords" content="tax">'
    assert tags(head) == ("budget", "vote", "tax")


def test_sitemap_keywords_join_the_tags():
    head = '<meta property="article:tag" content="Budget">'
    assert tags(head, sitemap=("budget, Finance Ministry",)) == ("Budget", "Finance Ministry")


def test_tags_are_deduplicated_ignoring_case_keeping_the_first_spelling():
    head = '<meta property="article:tag" content="EU">' + _ld(
        '{"@type": "NewsArticle", "keywords": "eu, Eu, Brexit"}'
    )
    assert tags(head) == ("EU", "Brexit")


def test_tags_are_capped_in_number_and_length():
    many = ", ".join(f"tag{i}" for i in range(MAX_TAGS + 10))
    long = "x" * (MAX_TAG_CHARS + 1)
    found = tags(f'<meta name="keywords" content="{long}, {many}">')
    assert len(found) == MAX_TAGS
    assert found[0] == "tag0"


def test_identifiers_are_not_tags():
    head = (
        '<meta property="article:tag" content="8ae9ab2d-fe1b-4230-acb8-a59b52877682">'
        '<meta property="article:tag" content="12345"><meta property="article:tag" content="G7">'
    )
    assert tags(head) == ("G7",)
