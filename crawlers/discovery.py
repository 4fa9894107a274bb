"""Reading discovery documents: sitemaps, news sitemaps, RSS/Atom feeds, robots.txt.

Pure functions from bytes to records. Every URL comes out in canonical form
(``crawlers.canonical``) and every date as an aware UTC datetime. A document that is
not well-formed XML raises ``MalformedDocument``; the spider logs it, counts it and
carries on with the other documents.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Iterator, Literal
from urllib.parse import urljoin

from lxml import etree

from crawlers.canonical import try_canonical
from pipeline.utc import parse_utc

MAX_DECOMPRESSED_BYTES = 50 * 1024 * 1024
"""A gzipped sitemap may not expand beyond this (the sitemap protocol allows 50 MB)."""
_ABSOLUTE = re.compile(r"https?://", re.IGNORECASE)
"""Links that need no joining with the document's URL (nearly all sitemap entries)."""

Via = Literal["sitemap", "news", "rss", "atom", "link"]


class MalformedDocument(ValueError):
    """A sitemap or feed that cannot be parsed as XML of the expected kind."""


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
    pages: tuple[Discovered, ...] = ()


# --- XML --------------------------------------------------------------------------------

def maybe_gunzip(body: bytes) -> bytes:
    """``body`` decompressed when it is gzip (``.xml.gz`` sitemaps), else unchanged."""
    if body[:2] != b"\x1f\x8b":
        return body
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = decompressor.decompress(body, MAX_DECOMPRESSED_BYTES + 1)
    except zlib.error as exc:
        raise MalformedDocument(f"broken gzip data: {exc}") from None
    if len(data) > MAX_DECOMPRESSED_BYTES:
        raise MalformedDocument(f"gzip data expands beyond {MAX_DECOMPRESSED_BYTES} bytes")
    return data


def _parse_xml(body: bytes) -> etree._Element:
    # No entity resolution, no network: sitemaps and feeds come from strangers.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                             remove_comments=True, remove_pis=True)
    data = maybe_gunzip(body).lstrip()
    if not data:
        raise MalformedDocument("empty document")
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise MalformedDocument(f"not well-formed XML: {exc}") from None
    if root is None:
        raise MalformedDocument("empty document")
    return root


def _local(tag: object) -> str:
    """The lower-case local name of an element's tag (``{namespace}name``); "" for
    comments and processing instructions."""
    return tag.rpartition("}")[2].lower() if isinstance(tag, str) else ""


def _children(element: etree._Element, name: str) -> Iterator[etree._Element]:
    for child in element:
        if _local(child.tag) == name:
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
    """Parse a sitemap index or a (news) sitemap, plain or gzipped.

    Pages keep ``<lastmod>`` and, for Google News sitemaps, ``news:publication_date``
    and ``news:title``. Entries whose ``<loc>`` is not an http(s) URL are skipped.
    """
    root = _parse_xml(body)
    kind = _local(root.tag)
    if kind == "sitemapindex":
        children = [found[0] for node in _children(root, "sitemap")
                    if (found := _resolve(_text(node, "loc"), base_url))]
        return Sitemap(children=tuple(children))
    if kind != "urlset":
        raise MalformedDocument(f"expected <urlset> or <sitemapindex>, got <{kind}>")
    pages = []
    for node in _children(root, "url"):
        found = _resolve(_text(node, "loc"), base_url)
        if found is None:
            continue
        loc, url = found
        news = next(_children(node, "news"), None)
        published = parse_utc(_text(news, "publication_date")) if news is not None else None
        pages.append(Discovered(
            url=url, fetch_url=loc, lastmod=parse_utc(_text(node, "lastmod")),
            published=published, title=_text(news, "title") if news is not None else None,
            via="news" if news is not None else "sitemap"))
    return Sitemap(pages=tuple(pages))


def robots_sitemaps(robots_txt: str) -> list[str]:
    """The URLs of the ``Sitemap:`` lines of a robots.txt, in order, without repeats."""
    found: dict[str, None] = {}
    for line in robots_txt.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() == "sitemap":
            url = value.split("#", 1)[0].strip()
            if url and try_canonical(url):
                found.setdefault(url, None)
    return list(found)


# --- feeds ------------------------------------------------------------------------------

def parse_feed(body: bytes, base_url: str | None = None) -> list[Discovered]:
    """The items of an RSS 2.0 (also 0.9x/1.0) or Atom feed, plain or gzipped.

    RSS: ``<link>`` (else a permalink ``<guid>``), ``pubDate`` (or ``dc:date``), title.
    Atom: the ``alternate`` link, ``published``, ``updated``, title.
    """
    root = _parse_xml(body)
    kind = _local(root.tag)
    if kind == "feed":
        return list(_atom_entries(root, base_url))
    if kind in ("rss", "rdf"):
        return list(_rss_items(root, base_url))
    raise MalformedDocument(f"expected an RSS or Atom feed, got <{kind}>")


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
        yield Discovered(url=url, fetch_url=link, published=published,
                         title=_text(item, "title"), via="rss")


def _atom_entries(root: etree._Element, base_url: str | None) -> Iterator[Discovered]:
    for entry in _children(root, "entry"):
        href = None
        for link in _children(entry, "link"):
            if link.get("rel", "alternate") == "alternate" and link.get("href"):
                href = link.get("href").strip()
                break
        found = _resolve(href, base_url)
        if found is None:
            continue
        href, url = found
        yield Discovered(url=url, fetch_url=href,
                         lastmod=parse_utc(_text(entry, "updated")),
                         published=parse_utc(_text(entry, "published")),
                         title=_text(entry, "title"), via="atom")
