"""Structured metadata of a page: JSON-LD article objects and <meta> tags."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

log = logging.getLogger(__name__)

ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "Report",
        "BlogPosting",
        "LiveBlogPosting",
        "SocialMediaPosting",
        "TechArticle",
        "ScholarlyArticle",
    }
)


@dataclass(frozen=True, slots=True)
class PageMetadata:
    """What a page declares about itself, before any voting or cleaning."""

    jsonld: tuple[dict[str, Any], ...] = ()
    """JSON-LD objects whose @type is an article type, in page order."""
    meta: dict[str, str] = field(default_factory=dict)
    """First ``content`` of each ``<meta name|property|itemprop>``, keys lower-cased."""
    html_lang: str | None = None
    canonical: str | None = None
    breadcrumbs: tuple[dict[str, Any], ...] = ()
    """JSON-LD ``BreadcrumbList`` objects, in page order."""
    jsonld_documents: tuple[Any, ...] = ()
    """Every well-formed JSON-LD block of the page, parsed, in page order (what
    :func:`objects_of` searches; parsed once, here, for every reader of the page)."""
    h1: str | None = None
    """The text of the page's first ``<h1>``, whitespace collapsed."""

    @property
    def declares_article(self) -> bool:
        """Whether JSON-LD or ``og:type`` says the page is an article."""
        return bool(self.jsonld) or (self.meta.get("og:type") or "").strip().lower() == "article"

    def first_meta(self, *keys: str) -> str | None:
        """The first non-empty meta value among ``keys``."""
        for key in keys:
            value = self.meta.get(key)
            if value and value.strip():
                return value.strip()
        return None


NESTING_KEYS = ("@graph", "mainEntity", "itemListElement")
"""The keys under which JSON-LD objects hold further objects worth reading."""


def _walk(node: Any, keys: tuple[str, ...] = NESTING_KEYS) -> Iterator[dict[str, Any]]:
    """Every dict in a JSON-LD document, including inside lists and the ``keys``."""
    if isinstance(node, list):
        for item in node:
            yield from _walk(item, keys)
    elif isinstance(node, dict):
        yield node
        for key in keys:
            if key in node:
                yield from _walk(node[key], keys)


def _types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.rsplit("/", 1)[-1] for k in kinds if isinstance(k, str)}


JSONLD_TYPE = "application/ld+json"


def _parsed(scripts: Iterable[HtmlElement]) -> tuple[Any, ...]:
    """The JSON of the JSON-LD ``scripts``, in order; empty and malformed blocks skipped."""
    docs = []
    for script in scripts:
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            docs.append(json.loads(raw, strict=False))
        except ValueError:
            log.debug("skipping malformed JSON-LD block")
    return tuple(docs)


def jsonld_documents(tree: HtmlElement) -> tuple[Any, ...]:
    """The page's JSON-LD blocks, parsed, in page order; empty and malformed blocks are
    skipped."""
    return _parsed(s for s in tree.iterdescendants("script") if s.get("type") == JSONLD_TYPE)


def objects_of(
    documents: tuple[Any, ...], types: frozenset[str], keys: tuple[str, ...] = NESTING_KEYS
) -> list[dict[str, Any]]:
    """The objects of one of ``types`` in parsed JSON-LD ``documents`` (see
    :func:`jsonld_documents`), in page order, looking inside ``keys``."""
    return [o for doc in documents for o in _walk(doc, keys) if _types(o) & types]


def _collapsed(element: HtmlElement | None) -> str | None:
    return " ".join(element.text_content().split()) if element is not None else None


def read_metadata(tree: HtmlElement) -> PageMetadata:
    """Collect JSON-LD article objects, meta tags, the html lang, the canonical link and
    the first h1's text (in one walk over the page: on a large page each walk costs)."""
    meta: dict[str, str] = {}
    canonical = h1 = None
    scripts = []
    for el in tree.iterdescendants("meta", "link", "script", "h1"):
        tag = el.tag
        if tag == "meta":
            key = el.get("property") or el.get("name") or el.get("itemprop") or el.get("http-equiv")
            content = el.get("content")
            if key and content is not None:
                meta.setdefault(key.strip().lower(), content)
        elif tag == "link":
            rel, href = el.get("rel"), el.get("href")
            if canonical is None and rel is not None and rel.lower() == "canonical" and href:
                canonical = href.strip()
        elif tag == "script":
            if el.get("type") == JSONLD_TYPE:
                scripts.append(el)
        elif h1 is None:
            h1 = el
    documents = _parsed(scripts)
    objects = objects_of(documents, ARTICLE_TYPES | {"BreadcrumbList"})
    return PageMetadata(
        jsonld=tuple(o for o in objects if _types(o) & ARTICLE_TYPES),
        breadcrumbs=tuple(o for o in objects if "BreadcrumbList" in _types(o)),
        meta=meta,
        html_lang=(tree.get("lang") or tree.get("xml:lang") or None)
        if tree.tag == "html"
        else None,
        canonical=canonical,
        jsonld_documents=documents,
        h1=_collapsed(h1),
    )


def jsonld_values(objects: tuple[dict[str, Any], ...], key: str) -> list[Any]:
    """Values of ``key`` across ``objects``, in order, lists flattened."""
    out: list[Any] = []
    for obj in objects:
        value = obj.get(key)
        if isinstance(value, list):
            out.extend(value)
        elif value is not None:
            out.append(value)
    return out
