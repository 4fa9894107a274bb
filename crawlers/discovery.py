"""Reading discovery documents: sitemaps, news sitemaps, RSS/Atom feeds, robots.txt.

Pure functions from bytes to records. Every URL comes out in canonical form
(``crawlers.canonical``) and every date as an aware UTC datetime. How bytes become XML
(gzip, byte-order marks, UTF-16, recovery of malformed documents, the protocol's
limits, security) is ``crawlers.discovery_parse``. A malformed document is read as far
as it can be and marked ``recovered``; one that yields nothing of the expected kind
raises ``MalformedDocument``, which the spider logs and counts before it carries on
with the other documents.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal
from urllib.parse import urljoin, urlsplit

from lxml import etree, html

from crawlers.canonical import try_canonical
from crawlers.discovery_parse import (
    MAX_SITEMAP_URLS,
    MalformedDocument,
    Reading,
    document_bytes,
    is_html_document,
    is_text_document,
    iter_children,
    local_name,
    parse_tree,
    text_sitemap_urls,
)
from pipeline.sources import AUTO, Source
from pipeline.utc import parse_utc

__all__ = [
    "Discovered",
    "Feed",
    "MalformedDocument",
    "Sitemap",
    "feed_links",
    "parse_feed",
    "parse_sitemap",
    "robots_sitemaps",
]

log = logging.getLogger(__name__)

_ABSOLUTE = re.compile(r"https?://", re.IGNORECASE)
"""Links that need no joining with the document's URL (nearly all sitemap entries)."""
FEED_TYPES = ("application/rss+xml", "application/atom+xml")
"""``<link rel="alternate" type=...>`` types that announce a feed."""

Via = Literal["sitemap", "news", "rss", "atom", "link"]


@dataclass(frozen=True, slots=True)
class Discovered:
    """One article URL found by discovery, with the dates the publisher gave for it."""

    url: str
    """Canonical URL."""
    fetch_url: str
    """The URL as the publisher wrote it (what is requested)."""
    lastmod: datetime | None = None
    """Last modification (sitemap ``lastmod``, Atom ``updated``), UTC."""
    published: datetime | None = None
    """Publication time (``news:publication_date``, RSS ``pubDate``, Atom ``published``), UTC."""
    title: str | None = None
    via: Via = "sitemap"
    keywords: tuple[str, ...] = ()
    """News sitemap ``news:keywords`` for the URL (comma-separated, as written)."""

    @property
    def version_date(self) -> datetime | None:
        """The date that changes when the page changes: lastmod, else publication time."""
        return self.lastmod or self.published

    @property
    def window_date(self) -> date | None:
        """The UTC day the run's date window is checked against: publication first."""
        when = self.published or self.lastmod
        return when.date() if when else None


@dataclass(frozen=True, slots=True)
class Sitemap:
    """A parsed sitemap: either an index of child sitemaps or a list of pages."""

    children: tuple[str, ...] = ()
    """Child sitemap URLs of a sitemap index (as written)."""
    child_lastmods: tuple[datetime | None, ...] = ()
    """The ``<lastmod>`` the index gives for each of ``children`` (same order), UTC."""
    pages: tuple[Discovered, ...] = ()
    recovered: bool = False
    """Not well-formed (or a truncated download): what could be read was taken."""
    cut: str | None = None
    """Why the sitemap was read only up to a protocol limit, or None."""


@dataclass(frozen=True, slots=True)
class Feed:
    """A parsed RSS or Atom feed; iterating it gives its items."""

    items: tuple[Discovered, ...] = ()
    recovered: bool = False
    """Not well-formed: what could be read was taken."""

    def __iter__(self) -> Iterator[Discovered]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


# --- XML ---------------------------------------------------------------------------


def _children(element: etree._Element, name: str) -> Iterator[etree._Element]:
    for child in element:
        if local_name(child.tag) == name:
            yield child


def _resolve(link: str | None, base_url: str | None) -> tuple[str, str] | None:
    """(absolute URL as written, canonical URL) of a link; None unless it is http(s)."""
    if not link:
        return None
    link = link.strip()
    absolute = urljoin(base_url, link) if base_url and not _ABSOLUTE.match(link) else link
    url = try_canonical(absolute)
    return (absolute, url) if url else None


def _text(element: etree._Element | None, *path: str) -> str | None:
    for name in path:
        if element is None:
            return None
        element = next(_children(element, name), None)
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


# --- sitemaps ---------------------------------------------------------------------------


def parse_sitemap(body: bytes, base_url: str | None = None) -> Sitemap:
    """Parse a sitemap index, a (news) sitemap or a text sitemap, plain or gzipped.

    Pages keep ``<lastmod>`` and, for Google News sitemaps, ``news:publication_date``
    and ``news:title``. Entries whose ``<loc>`` is not an http(s) URL are skipped. At
    most ``MAX_SITEMAP_URLS`` entries are read (``Sitemap.cut`` says so).
    """
    reading = Reading()
    data = document_bytes(body, reading)
    if not data:
        raise MalformedDocument("empty document")
    if is_html_document(data):
        raise MalformedDocument(_wrong_kind("html", "<urlset> or <sitemapindex>"))
    if is_text_document(data):
        pages = [
            Discovered(url=url, fetch_url=loc)
            for loc, url in _resolved(text_sitemap_urls(data, reading), base_url)
        ]
        return Sitemap(pages=tuple(pages), recovered=reading.recovered, cut=reading.cut)
    elements = iter_children(data, reading)
    root = next(elements, None)
    kind = local_name(root.tag) if root is not None else ""
    if kind not in ("sitemapindex", "urlset"):
        raise MalformedDocument(_wrong_kind(kind, "<urlset> or <sitemapindex>"))
    entry = "sitemap" if kind == "sitemapindex" else "url"
    page_entries: list[Discovered] = []
    child_urls: list[str] = []  # one of the two stays empty
    child_lastmods: list[datetime | None] = []
    for node in elements:
        if local_name(node.tag) != entry:
            continue
        if len(page_entries) + len(child_urls) >= MAX_SITEMAP_URLS:
            reading.cut = f"more than {MAX_SITEMAP_URLS} entries"
            break
        if entry == "url":
            if (page := _sitemap_entry(node, base_url)) is not None:
                page_entries.append(page)
        elif (child := _resolve(_text(node, "loc"), base_url)) is not None:
            child_urls.append(child[0])
            child_lastmods.append(parse_utc(_text(node, "lastmod")))
    elements.close()
    if reading.recovered and not (page_entries or child_urls):
        raise MalformedDocument("not well-formed XML, and no entry could be recovered")
    if reading.cut:
        log.warning(
            "sitemap %s is over the protocol's limit (%s): read up to the limit",
            base_url or "",
            reading.cut,
        )
    return Sitemap(
        children=tuple(child_urls),
        child_lastmods=tuple(child_lastmods),
        pages=tuple(page_entries),
        recovered=reading.recovered,
        cut=reading.cut,
    )


def _sitemap_entry(node: etree._Element, base_url: str | None) -> Discovered | None:
    found = _resolve(_text(node, "loc"), base_url)
    if found is None:
        return None
    loc, url = found
    news = next(_children(node, "news"), None)
    published = parse_utc(_text(news, "publication_date")) if news is not None else None
    return Discovered(
        url=url,
        fetch_url=loc,
        lastmod=parse_utc(_text(node, "lastmod")),
        published=published,
        title=_text(news, "title") if news is not None else None,
        via="news" if news is not None else "sitemap",
        keywords=_keywords(_text(news, "keywords")) if news is not None else (),
    )


def _keywords(text: str | None) -> tuple[str, ...]:
    """The keywords of a ``news:keywords`` element, split on commas, empty ones dropped."""
    return tuple(k for k in (part.strip() for part in (text or "").split(",")) if k)


def _resolved(links: Iterable[str], base_url: str | None) -> Iterator[tuple[str, str]]:
    for link in links:
        found = _resolve(link, base_url)
        if found is not None:
            yield found


def _wrong_kind(kind: str, expected: str) -> str:
    if kind == "html":
        return f"an HTML page, not {expected} (an error page served with status 200?)"
    return f"expected {expected}, got <{kind}>"


def robots_sitemaps(robots_txt: str, robots_url: str | None = None) -> list[str]:
    """The URLs of the ``Sitemap:`` lines of a robots.txt, in order, without repeats;
    relative ones resolved against ``robots_url`` (skipped without it)."""
    found: dict[str, None] = {}
    for line in robots_txt.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() == "sitemap":
            url = value.split("#", 1)[0].strip()
            if url and robots_url and not _ABSOLUTE.match(url):
                url = urljoin(robots_url, url)
            if url and try_canonical(url):
                found.setdefault(url, None)
    return list(found)


def feed_links(body: bytes, base_url: str) -> list[str]:
    """The feeds a page announces (``<link rel="alternate" type="application/rss+xml">``
    or Atom), absolute, in order, without repeats."""
    try:
        page = html.fromstring(body[: 2 * 1024 * 1024] or b"<html/>")
    except (etree.LxmlError, ValueError):
        return []
    base = next(iter(page.xpath("//base/@href")), None)
    base = urljoin(base_url, base.strip()) if base else base_url
    found: dict[str, None] = {}
    for link in page.xpath("//link[@href]"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").split(";")[0].strip().lower()
        if "alternate" in rel and kind in FEED_TYPES:
            resolved = _resolve(link.get("href"), base)
            if resolved:
                found.setdefault(resolved[0], None)
    return list(found)


# --- feeds ------------------------------------------------------------------------------


def parse_feed(body: bytes, base_url: str | None = None) -> Feed:
    """The items of an RSS 2.0 (also 0.9x/1.0) or Atom feed, plain or gzipped.

    RSS: ``<link>`` (else a permalink ``<guid>``), ``pubDate`` (or ``dc:date``), title.
    Atom: the ``alternate`` link, ``published``, ``updated``, title.
    """
    reading = Reading()
    data = document_bytes(body, reading)
    if not data:
        raise MalformedDocument("empty document")
    if is_html_document(data):
        raise MalformedDocument(_wrong_kind("html", "an RSS or Atom feed"))
    if is_text_document(data):
        raise MalformedDocument("not XML: expected an RSS or Atom feed")
    root = parse_tree(data, reading)
    kind = local_name(root.tag)
    if kind == "feed":
        items = tuple(_atom_entries(root, base_url))
    elif kind in ("rss", "rdf"):
        items = tuple(_rss_items(root, base_url))
    else:
        raise MalformedDocument(_wrong_kind(kind, "an RSS or Atom feed"))
    if reading.recovered and not items:
        raise MalformedDocument("not well-formed XML, and no item could be recovered")
    return Feed(items=items, recovered=reading.recovered)


def _rss_items(root: etree._Element, base_url: str | None) -> Iterator[Discovered]:
    channel = next(_children(root, "channel"), root)
    items = list(_children(channel, "item")) or list(_children(root, "item"))
    for item in items:
        link = _text(item, "link")
        if not link:
            guid = next(_children(item, "guid"), None)
            if guid is not None and guid.get("isPermaLink", "true").lower() != "false":
                link = (guid.text or "").strip() or None
        found = _resolve(link, base_url)
        if found is None:
            continue
        link, url = found
        published = parse_utc(_text(item, "pubdate")) or parse_utc(_text(item, "date"))
        yield Discovered(
            url=url, fetch_url=link, published=published, title=_text(item, "title"), via="rss"
        )


def _atom_entries(root: etree._Element, base_url: str | None) -> Iterator[Discovered]:
    for entry in _children(root, "entry"):
        href = None
        for link in _children(entry, "link"):
            if link.get("rel", "alternate") == "alternate" and link.get("href"):
                href = link.get("href").strip()
                break
        base = urljoin(base_url or "", entry.base) if entry.base else base_url
        found = _resolve(href, base)
        if found is None:
            continue
        href, url = found
        yield Discovered(
            url=url,
            fetch_url=href,
            lastmod=parse_utc(_text(entry, "updated")),
            published=parse_utc(_text(entry, "published")),
            title=_text(entry, "title"),
            via="atom",
        )


# --- a source's documents ---------------------------------------------------------------


def discovery_documents(source: Source) -> list[tuple[str, str]]:
    """(URL, kind) of each discovery document ``source`` names, in reading order. Kinds:
    ``sitemap``, ``feed``, ``feed_links`` (a page read for the feeds it announces) and
    ``robots_sitemaps`` (a robots.txt read for its ``Sitemap:`` lines)."""
    documents = [(url, "sitemap") for url in source.sitemaps if url != "robots"]
    documents += [(url, "feed") for url in source.feeds if url != AUTO]
    if AUTO in source.feeds:  # the feeds the start pages (else home pages) announce
        pages = source.start_urls or [f"{origin}/" for origin in origins(source.sitemaps)]
        documents += [(url, "feed_links") for url in pages]
    if source.uses_robots_sitemaps:
        documents += [
            (f"{origin}/robots.txt", "robots_sitemaps")
            for origin in origins((*source.sitemaps, *source.feeds, *source.start_urls))
        ]
    return documents


def origins(urls: Iterable[str]) -> list[str]:
    """``scheme://host[:port]`` of each URL, in order of first mention."""
    seen: dict[str, None] = {}
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc:
            seen.setdefault(f"{parts.scheme}://{parts.netloc.lower()}", None)
    return list(seen)
