"""Turning a batch of extraction results into rows ready to load (pure).

``prepare_batch`` cleans the text of every article, takes its dedup fingerprint (content
hash, MinHash signature; computed by the extraction workers, or here when a result has
none; the link step derives the LSH band keys from the signature), and sorts the batch's
results into what will be loaded and what is only counted: ``not_article``,
``other_language`` and ``error`` results, and articles published outside the run window
(``skipped_by_date``). Nothing here touches the database, so the CPU-heavy part of a
load runs before its transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from pipeline.dedup.fingerprint import fingerprints, usable
from pipeline.dedup.minhash import LshParams
from pipeline.records import Article, ExtractionResult, Fingerprint
from pipeline.text import clean_authors, clean_optional, clean_text, clean_title
from pipeline.window import Window


@dataclass(frozen=True, slots=True)
class ArticleRow:
    """One article as it will be stored, with its dedup fingerprints."""

    url: str
    page_url: str | None
    """The page it was extracted from (the ``crawl_state`` key); may differ from ``url``."""
    fetched_url: str | None
    source: str
    title: str
    authors: list[str]
    published_at: datetime | None
    published_date_only: bool
    language: str | None
    description: str | None
    body: str
    content_hash: str
    extractor_version: str
    is_accessible_for_free: bool | None
    truncated: bool
    has_words: bool
    """False for a body without words: no signature, never linked."""
    top_image_url: str | None
    section: str | None
    tags: list[str]
    modified_at: datetime | None
    minhash: bytes = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class PreparedBatch:
    """A batch split into rows to load and results only to count."""

    rows: list[ArticleRow]
    """One per article URL, sorted by URL (the last result wins for a repeated URL)."""
    page_urls: list[str]
    """Every input page URL of the batch (``crawl_state`` keys), sorted, unique."""
    not_article: int = 0
    other_language: int = 0
    failed: int = 0
    skipped_by_date: int = 0
    repeated: int = 0
    """Articles dropped because a later result in the batch had the same URL."""
    held: dict[str, datetime] = field(default_factory=dict)
    """Page URL -> publication time of the articles outside the window (``skipped_by_date``):
    their pages stay pending until a run whose window holds that date."""


def in_window(published_at: datetime | None, window: Window | None) -> bool:
    """False only for a known publication date outside the inclusive window."""
    if published_at is None or window is None:
        return True
    return window.contains(published_at.date())


def _clean_url(url: str) -> str:
    return clean_text(url).strip()


def prepare_batch(
    results: Sequence[ExtractionResult],
    *,
    source: str,
    params: LshParams,
    window: Window | None = None,
    page_urls: Iterable[str] = (),
) -> PreparedBatch:
    """Split and fingerprint ``results`` (see module docstring)."""
    sorted_out = _sort_out(results, window, {_clean_url(u) for u in page_urls if u})
    return PreparedBatch(
        rows=_article_rows(sorted_out.by_url, source, params),
        page_urls=sorted(sorted_out.pages - sorted_out.held.keys()),
        not_article=sorted_out.not_article,
        other_language=sorted_out.other_language,
        failed=sorted_out.failed,
        skipped_by_date=sorted_out.skipped_by_date,
        repeated=sorted_out.repeated,
        held=sorted_out.held,
    )


_Loadable = tuple[ExtractionResult, Article, str | None]
"""A result to load, its article and its cleaned page URL."""


@dataclass(slots=True)
class _SortedOut:
    """A batch's results sorted into articles to load (by cleaned URL) and counts."""

    pages: set[str]
    by_url: dict[str, _Loadable] = field(default_factory=dict)
    not_article: int = 0
    other_language: int = 0
    failed: int = 0
    skipped_by_date: int = 0
    repeated: int = 0
    held: dict[str, datetime] = field(default_factory=dict)


def _sort_out(
    results: Sequence[ExtractionResult], window: Window | None, pages: set[str]
) -> _SortedOut:
    """Sort ``results`` out; ``pages`` (the batch's page URLs) gains every result's URL."""
    out = _SortedOut(pages)
    for result in results:
        if result.url:
            out.pages.add(_clean_url(result.url))
        article = result.article
        if result.status == "error":
            out.failed += 1
        elif result.status == "other_language":
            out.other_language += 1
        elif result.status != "ok" or article is None:
            out.not_article += 1
        elif not in_window(article.published_at, window):
            out.skipped_by_date += 1
            if result.url and article.published_at is not None:
                out.held[_clean_url(result.url)] = article.published_at
        else:
            url = _clean_url(article.url or result.url or "")
            if not url:
                out.failed += 1
                continue
            if url in out.by_url:
                out.repeated += 1
            out.by_url[url] = (result, article, _clean_url(result.url) if result.url else None)
    return out


def _article_rows(by_url: dict[str, _Loadable], source: str, params: LshParams) -> list[ArticleRow]:
    """The rows of the articles to load, sorted by URL, with their fingerprints."""
    urls = sorted(by_url)
    bodies = [clean_text(by_url[u][1].body) for u in urls]
    prints = _fingerprints([by_url[u][0] for u in urls], bodies, params)
    rows = []
    for i, url in enumerate(urls):
        _, article, page_url = by_url[url]
        rows.append(
            ArticleRow(
                url=url,
                page_url=page_url,
                fetched_url=clean_optional(article.fetched_url),
                source=source,
                title=clean_title(article.title or ""),
                authors=clean_authors(article.authors),
                published_at=article.published_at,
                published_date_only=article.published_date_only,
                language=clean_optional(article.language),
                description=clean_optional(article.description),
                body=bodies[i],
                content_hash=prints[i].content_hash,
                extractor_version=clean_text(article.extractor_version or ""),
                is_accessible_for_free=article.is_accessible_for_free,
                truncated=article.truncated,
                has_words=prints[i].has_words,
                top_image_url=clean_optional(article.top_image_url),
                section=clean_optional(article.section),
                tags=clean_authors(article.tags),  # the same rules as for author names
                modified_at=article.modified_at,
                minhash=prints[i].minhash,
            )
        )
    return rows


def _fingerprints(
    results: Sequence[ExtractionResult], bodies: Sequence[str], params: LshParams
) -> list[Fingerprint]:
    """Each result's own fingerprint when made with ``params``, else one made here."""
    own: list[Fingerprint | None] = [
        r.fingerprint
        if usable(r.fingerprint, num_perm=params.num_perm, shingle_words=params.shingle_words)
        else None
        for r in results
    ]
    missing = [i for i, p in enumerate(own) if p is None]
    made: dict[int, Fingerprint] = {}
    if missing:
        made = dict(
            zip(
                missing,
                fingerprints(
                    [bodies[i] for i in missing],
                    num_perm=params.num_perm,
                    shingle_words=params.shingle_words,
                ),
            )
        )
    return [p if p is not None else made[i] for i, p in enumerate(own)]
