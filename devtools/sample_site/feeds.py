"""Discovery documents: robots.txt, sitemap index, news sitemap, sitemaps, RSS and Atom.

Pure functions from entries to text; the site decides which entries each one lists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/elements/1.1/"


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One URL as discovery documents list it."""

    url: str
    """Absolute; feeds may carry tracking parameters."""
    lastmod: datetime
    published_at: datetime | None = None
    title: str = ""
    authors: tuple[str, ...] = ()
    summary: str = ""
    entry_id: str = ""
    keywords: tuple[str, ...] = ()
    """``news:keywords`` of a news sitemap entry."""


def w3c(value: datetime) -> str:
    """W3C datetime in UTC, as sitemaps and Atom write it."""
    return value.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def robots_txt(base_url: str, disallowed: list[str], sitemaps: list[str]) -> str:
    lines = ["# robots.txt of the newsflow sample news site", "User-agent: *"]
    lines += [f"Disallow: {path}" for path in disallowed]
    lines.append("")
    lines += [f"Sitemap: {base_url}{path}" for path in sitemaps]
    return "\n".join(lines) + "\n"


def sitemap_index(sitemaps: list[tuple[str, datetime]]) -> str:
    """A sitemap index of (absolute URL, lastmod)."""
    items = "".join(
        f"  <sitemap>\n    <loc>{escape(url)}</loc>\n    <lastmod>{w3c(lastmod)}</lastmod>\n"
        "  </sitemap>\n"
        for url, lastmod in sitemaps
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">\n'
        f"{items}</sitemapindex>\n"
    )


def urlset(entries: list[FeedEntry]) -> str:
    """A plain sitemap with ``<lastmod>`` for every URL."""
    items = "".join(
        f"  <url>\n    <loc>{escape(e.url)}</loc>\n    <lastmod>{w3c(e.lastmod)}</lastmod>\n"
        "  </url>\n"
        for e in entries
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">\n{items}</urlset>\n'
    )


def bare_urlset(urls: Iterable[str]) -> str:
    """A plain sitemap of ``urls`` without lastmod (the opt-in traps' sitemaps)."""
    items = "".join(f"<url><loc>{escape(url)}</loc></url>" for url in urls)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">{items}</urlset>\n'
    )


def news_sitemap(entries: list[FeedEntry], publication: str, language: str = "en") -> str:
    """A Google News sitemap (``news:publication_date``, ``news:title``, and
    ``news:keywords`` for entries that have keywords)."""
    items = []
    for e in entries:
        published = w3c(e.published_at or e.lastmod)
        keywords = (
            f"      <news:keywords>{escape(', '.join(e.keywords))}</news:keywords>\n"
            if e.keywords
            else ""
        )
        items.append(
            f"  <url>\n    <loc>{escape(e.url)}</loc>\n    <news:news>\n"
            f"      <news:publication>\n        <news:name>{escape(publication)}</news:name>\n"
            f"        <news:language>{language}</news:language>\n      </news:publication>\n"
            f"      <news:publication_date>{published}</news:publication_date>\n"
            f"      <news:title>{escape(e.title)}</news:title>\n{keywords}"
            "    </news:news>\n  </url>\n"
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}" '
        f'xmlns:news="{NEWS_NS}">\n{"".join(items)}</urlset>\n'
    )


def rss(
    entries: list[FeedEntry], *, title: str, link: str, description: str, built: datetime
) -> str:
    """An RSS 2.0 feed, newest entries as given."""
    items = []
    for e in entries:
        creator = (
            f"      <dc:creator>{escape(', '.join(e.authors))}</dc:creator>\n" if e.authors else ""
        )
        published = format_datetime(e.published_at or e.lastmod, usegmt=True)
        items.append(
            f"    <item>\n      <title>{escape(e.title)}</title>\n"
            f"      <link>{escape(e.url)}</link>\n"
            f'      <guid isPermaLink="false">{escape(e.entry_id or e.url)}</guid>\n'
            f"      <pubDate>{published}</pubDate>\n"
            f"{creator}      <description>{escape(e.summary)}</description>\n    </item>\n"
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:dc="{DC_NS}" '
        f'xmlns:atom="{ATOM_NS}">\n  <channel>\n    <title>{escape(title)}</title>\n'
        f"    <link>{escape(link)}</link>\n    <description>{escape(description)}</description>\n"
        f"    <language>en</language>\n"
        f"    <lastBuildDate>{format_datetime(built, usegmt=True)}</lastBuildDate>\n"
        f"{''.join(items)}  </channel>\n</rss>\n"
    )


def atom(
    entries: list[FeedEntry],
    *,
    title: str,
    link: str,
    feed_url: str,
    feed_id: str,
    updated: datetime,
) -> str:
    """An Atom 1.0 feed with ``published`` and ``updated`` per entry."""
    items = []
    for e in entries:
        authors = "".join(f"    <author><name>{escape(a)}</name></author>\n" for a in e.authors)
        items.append(
            f"  <entry>\n    <id>{escape(e.entry_id or e.url)}</id>\n"
            f"    <title>{escape(e.title)}</title>\n"
            f'    <link rel="alternate" type="text/html" href="{escape(e.url)}"/>\n'
            f"    <published>{w3c(e.published_at or e.lastmod)}</published>\n"
            f"    <updated>{w3c(e.lastmod)}</updated>\n{authors}"
            f"    <summary>{escape(e.summary)}</summary>\n  </entry>\n"
        )
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="{ATOM_NS}">\n'
        f"  <title>{escape(title)}</title>\n  <id>{escape(feed_id)}</id>\n"
        f'  <link rel="alternate" href="{escape(link)}"/>\n'
        f'  <link rel="self" href="{escape(feed_url)}"/>\n  <updated>{w3c(updated)}</updated>\n'
        f"{''.join(items)}</feed>\n"
    )
