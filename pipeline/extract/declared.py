"""Whether a page declares itself a single article, in ways a section page does not.

:mod:`pipeline.extract.classify` asks this before it rejects a short body on a
link-heavy page as an index page: a 300-800 character news item on a page dense with
navigation looks like a section page by its link share alone. The page's own word
decides, but only evidence that section, tag and index pages do not carry counts:

- a JSON-LD object of an article type (``NewsArticle``, ``Article``,
  ``ReportageNewsArticle``, ...) at the top of a block, in its ``@graph`` or as its
  ``mainEntity``; articles listed in an ``ItemList`` (``itemListElement``) are the
  teasers of an index page and do not count;
- ``og:type`` ``article`` together with a publication time in the meta tags:
  ``og:type`` alone does not count, many sites set it on every page, sections included;
- an ``<article>`` element with a publication date (``<time datetime>`` or
  ``itemprop="datePublished"``) that holds the extracted body from its first to its
  last paragraph: index pages wrap each teaser in its own dated ``<article>``.
"""

from __future__ import annotations

from typing import Any

from lxml.html import HtmlElement

from pipeline.extract.structured import ARTICLE_TYPES, jsonld_documents, objects_of

PUBLISHED_META = frozenset(
    {"article:published_time", "og:article:published_time", "datepublished", "parsely-pub-date"}
)
"""Meta tags (name, property or itemprop, lower-cased) that carry a publication time."""


PAGE_KEYS = ("@graph", "mainEntity")
"""Where a JSON-LD block describes the page itself (not ``itemListElement``: the members
of an ``ItemList`` are an index page's teasers)."""


def jsonld_declares_article(tree: HtmlElement, documents: tuple[Any, ...] | None = None) -> bool:
    """Whether a JSON-LD block describes the page as an article (see module docstring);
    ``documents``: the page's JSON-LD blocks already parsed
    (:func:`pipeline.extract.structured.jsonld_documents`), else they are read from
    ``tree``."""
    if documents is None:
        documents = jsonld_documents(tree)
    return bool(objects_of(documents, ARTICLE_TYPES, PAGE_KEYS))


def og_article_with_date(tree: HtmlElement) -> bool:
    """Whether ``og:type`` is ``article`` and a meta tag gives a publication time."""
    og_article = has_date = False
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        content = (el.get("content") or "").strip()
        if key == "og:type" and content.lower() == "article":
            og_article = True
        elif key in PUBLISHED_META and content:
            has_date = True
    return og_article and has_date


def _has_date(element: HtmlElement) -> bool:
    return (
        element.find(".//time[@datetime]") is not None
        or element.find('.//*[@itemprop="datePublished"]') is not None
    )


def dated_article_holds_body(tree: HtmlElement, body: str) -> bool:
    """Whether one dated ``<article>`` element holds the body's first and last paragraph."""
    paragraphs = body.split("\n\n")
    first, last = paragraphs[0], paragraphs[-1]
    for element in tree.iter("article"):
        if not _has_date(element):
            continue
        text = " ".join(element.text_content().split())
        if first in text and last in text:
            return True
    return False


def declares_single_article(
    tree: HtmlElement, body: str, documents: tuple[Any, ...] | None = None
) -> bool:
    """Whether the page declares itself one article (any rule of the module docstring;
    ``documents`` as for :func:`jsonld_declares_article`)."""
    return (
        jsonld_declares_article(tree, documents)
        or og_article_with_date(tree)
        or dated_article_holds_body(tree, body)
    )
