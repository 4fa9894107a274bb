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

import json
from collections.abc import Iterator
from typing import Any

from lxml.html import HtmlElement

from pipeline.extract.structured import ARTICLE_TYPES

PUBLISHED_META = frozenset(
    {"article:published_time", "og:article:published_time", "datepublished", "parsely-pub-date"}
)
"""Meta tags (name, property or itemprop, lower-cased) that carry a publication time."""


def _page_objects(node: Any) -> Iterator[dict[str, Any]]:
    """JSON-LD objects that describe the page itself: top level, ``@graph``, ``mainEntity``
    (not the members of an ``ItemList``)."""
    if isinstance(node, list):
        for item in node:
            yield from _page_objects(item)
    elif isinstance(node, dict):
        yield node
        for key in ("@graph", "mainEntity"):
            if key in node:
                yield from _page_objects(node[key])


def _is_article_type(obj: dict[str, Any]) -> bool:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and k.rsplit("/", 1)[-1] in ARTICLE_TYPES for k in kinds)


def jsonld_declares_article(tree: HtmlElement) -> bool:
    """Whether a JSON-LD block describes the page as an article (see module docstring)."""
    for script in tree.iterfind('.//script[@type="application/ld+json"]'):
        try:
            doc = json.loads((script.text or "").strip() or "null", strict=False)
        except ValueError:
            continue
        if any(_is_article_type(obj) for obj in _page_objects(doc)):
            return True
    return False


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


def declares_single_article(tree: HtmlElement, body: str) -> bool:
    """Whether the page declares itself one article (any rule of the module docstring)."""
    return (
        jsonld_declares_article(tree)
        or og_article_with_date(tree)
        or dated_article_holds_body(tree, body)
    )
