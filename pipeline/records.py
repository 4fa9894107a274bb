"""Typed records that cross stage boundaries.

crawl  --(FetchedPage, read back from the WARC archive)-->  extract
extract --(ExtractionResult / Article, with the body's Fingerprint)-->  dedup + load

All datetimes are timezone-aware and in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Literal

ExtractionStatus = Literal["ok", "not_article", "other_language", "error"]
"""``other_language``: an article in a language the source does not keep (``languages:``)."""

DEFAULT_MIN_ARTICLE_CHARS = 200
"""Bodies shorter than this many characters are not articles (CJK text counts double).
The one default of the extract library, ``NEWSFLOW_MIN_ARTICLE_CHARS`` and
``newsflow extract --min-chars``."""
SCRIPT_SHELL = "the page looks like a JavaScript shell (scripts and almost no text)"
"""Added to the reason of a ``not_article`` page whose text a script would insert (see
``pipeline.extract.classify.is_script_shell``)."""
SCRIPT_SHELLS = "script_shells"
"""``crawl_run_sources.crawl_stats`` key: the run's ``not_article`` pages of the source
that looked like JavaScript shells (for the quality check's hint to render them)."""


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """One archived HTTP response handed from the crawler to extraction."""

    url: str
    """Canonical URL (see ``crawlers.canonical``)."""
    source: str
    body: bytes
    """Raw response body as received (decompressed transfer encoding)."""
    fetched_url: str | None = None
    """The URL actually requested, before canonicalisation."""
    http_charset: str | None = None
    """Charset named in the Content-Type header, if any."""
    discovered_at: datetime | None = None
    """Date the sitemap/feed gave for this URL (lastmod or publication date), UTC."""
    fetched_at: datetime | None = None
    sitemap_keywords: tuple[str, ...] = ()
    """Keywords the news sitemap gave for this URL (``news:keywords``), as written."""


@dataclass(frozen=True, slots=True)
class Article:
    """One extracted article, ready for deduplication and loading."""

    url: str
    """Canonical URL of the article."""
    title: str
    body: str
    """Body paragraphs joined by one blank line; no title, no byline."""
    authors: tuple[str, ...] = ()
    published_at: datetime | None = None
    """Publication time, UTC. Date-only values are 00:00 UTC with ``published_date_only``."""
    published_date_only: bool = False
    language: str | None = None
    """ISO 639-1 code, or None when unknown."""
    description: str | None = None
    extractor_version: str = ""
    source: str = ""
    fetched_url: str | None = None
    top_image_url: str | None = None
    """Absolute URL of the article's main picture (og:image, JSON-LD image, or the body's
    first picture); never a tracking pixel or icon."""
    section: str | None = None
    """The section the site files the article under (article:section, JSON-LD
    articleSection, or the breadcrumb)."""
    tags: tuple[str, ...] = ()
    """Tags and keywords, trimmed and deduplicated ignoring case, first spelling kept."""
    modified_at: datetime | None = None
    """When the page says the article last changed, UTC; never before ``published_at``
    and never after the page was fetched."""
    is_accessible_for_free: bool | None = None
    """What the page declares (JSON-LD ``isAccessibleForFree``, equivalent meta tags);
    None when it does not say (see ``pipeline.extract.paywall``)."""
    truncated: bool = False
    """The body stops at a paywall prompt, or the page declares the article gated and the
    body is much shorter than the article it declares."""


ARTICLE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Article))
"""The fields of an article, in ``Article``'s order: the columns of ``warehouse.articles``
the loader writes (with the body's ``content_hash``) and ``newsflow export`` reads back."""


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What deduplication needs of an article's (cleaned) body.

    Computed in the extraction workers (``pipeline.dedup.fingerprint``), in parallel and
    off the load's critical path; the loader recomputes it when it is missing or was
    made with other parameters.
    """

    content_hash: str
    """SHA-256 (hex) of the normalised body: equal hashes are exact duplicates."""
    minhash: bytes
    """MinHash signature of the body's word shingles (``minhash.signature_bytes``)."""
    num_perm: int
    shingle_words: int
    has_words: bool
    """False for a body without words (no shingles): it is never linked."""


@dataclass(frozen=True, slots=True)
class ExtractionResult:
    """What extraction made of one input: an article, a non-article, or an error."""

    status: ExtractionStatus
    url: str | None = None
    article: Article | None = None
    message: str | None = None
    """Why the page is ``not_article``, ``other_language`` or ``error``."""
    path: str | None = field(default=None)
    """The input file, when extracting local files."""
    fingerprint: Fingerprint | None = None
    """The article body's dedup fingerprint, when extraction computed it."""
