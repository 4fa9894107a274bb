"""One page in, one ExtractionResult out: decoding, parsing, body, metadata, checks."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from lxml.html import HtmlElement

from pipeline.extract.authors import choose_authors
from pipeline.extract.body import clean_paragraphs, run_trafilatura
from pipeline.extract.classify import is_script_shell, not_article_reason
from pipeline.extract.dates import (
    STRUCTURED_SOURCES,
    DateCandidate,
    choose_modified,
    date_candidates,
    htmldate_guess,
    vote,
)
from pipeline.extract.fallback import could_prefer_declared, declared_paragraphs, prefer_declared
from pipeline.extract.image import choose_top_image
from pipeline.extract.language import choose_language
from pipeline.extract.parse import parse_html
from pipeline.extract.paywall import accessible_for_free, cut_at_prompt, gated_body_missing
from pipeline.extract.standfirst import descriptions, find_standfirst, marked_standfirst
from pipeline.extract.structured import PageMetadata, jsonld_values, read_metadata
from pipeline.extract.taxonomy import choose_section, choose_tags
from pipeline.extract.title import choose_title, first_str, other_headlines
from pipeline.extract.version import EXTRACTOR_VERSION
from pipeline.records import (
    DEFAULT_MIN_ARTICLE_CHARS,
    SCRIPT_SHELL,
    Article,
    ExtractionResult,
    FetchedPage,
)

log = logging.getLogger(__name__)


def choose_published(
    meta: PageMetadata,
    tree: HtmlElement,
    url: str | None,
    discovered_at: datetime | None,
    now: datetime | None,
) -> DateCandidate | None:
    """The publication time the date sources agree on (see
    :func:`pipeline.extract.dates.vote`); htmldate only when no structured date exists."""
    candidates = date_candidates(
        jsonld_values(meta.jsonld, "datePublished"), meta.meta, tree, url, None, discovered_at
    )
    if not any(c.source in STRUCTURED_SOURCES for c in candidates):
        # htmldate's heuristics are slow; ask them only when the page declares no date.
        candidates += date_candidates([], {}, tree, None, htmldate_guess(tree, url), None)
    return vote(candidates, now=now)


def choose_description(meta: PageMetadata) -> str | None:
    """The JSON-LD description, else og:description or the description meta tag."""
    return first_str(jsonld_values(meta.jsonld, "description")) or meta.first_meta(
        "og:description", "description"
    )


def _maybe_declared_body(
    paragraphs: list[str],
    meta: PageMetadata,
    title: str,
    authors: tuple[str, ...],
    headlines: tuple[str, ...],
) -> list[str]:
    """The JSON-LD ``articleBody`` paragraphs instead of ``paragraphs`` when trafilatura
    missed part of the article (see :mod:`pipeline.extract.fallback`)."""
    declared = next(
        (v for v in jsonld_values(meta.jsonld, "articleBody") if isinstance(v, str) and v.strip()),
        None,
    )
    if not declared or not paragraphs:
        return paragraphs
    raw = declared_paragraphs(declared)
    if not could_prefer_declared(paragraphs, raw):
        return paragraphs  # too short to win: not worth cleaning
    candidate = clean_paragraphs(raw, title, authors, headlines)
    return candidate if prefer_declared(paragraphs, candidate) else paragraphs


def choose_body(
    meta: PageMetadata, tree: HtmlElement, title: str, authors: tuple[str, ...]
) -> tuple[str, bool]:
    """The cleaned article text (trafilatura's paragraphs, or the JSON-LD body when
    trafilatura missed part of it, after the standfirst the page shows when trafilatura
    left it out, see :mod:`pipeline.extract.standfirst`; paragraphs joined by a blank
    line) and whether a paywall cut it off (see :mod:`pipeline.extract.paywall`); a
    closing paywall prompt is not part of the body.

    When the page's JSON-LD ``articleBody`` replaced the extracted text, neither a prompt
    nor an empty gated section of the HTML cuts it off; only a declared word count can.
    """
    core = run_trafilatura(tree)
    cut = cut_at_prompt(core.paragraphs if core else [])
    headlines = other_headlines(meta, tree)
    extracted = clean_paragraphs(cut.paragraphs, title, authors, headlines) if core else []
    paragraphs = _maybe_declared_body(extracted, meta, title, authors, headlines)
    from_html = paragraphs is extracted
    words = sum(len(p.split()) for p in paragraphs)
    missing = gated_body_missing(meta, tree if from_html else None, words)
    standfirst = find_standfirst(
        tree, descriptions(meta), paragraphs, (title, *headlines)
    ) or marked_standfirst(tree, paragraphs, (title, *headlines))
    body = "\n\n".join([standfirst, *paragraphs] if standfirst else paragraphs)
    return body, (cut.found and from_html) or missing


def choose_article_language(meta: PageMetadata, body: str, hint: str | None = None) -> str | None:
    """The language the page declares, else the one detected from ``body``, where
    ``hint`` (the source's usual language) decides between close candidates (see
    :func:`pipeline.extract.language.choose_language`)."""
    return choose_language(
        [
            first_str(jsonld_values(meta.jsonld, "inLanguage")),
            meta.html_lang,
            meta.first_meta("content-language", "og:locale", "language", "dc.language"),
        ],
        body,
        hint,
    )


@dataclass(frozen=True, slots=True)
class Filing:
    """How the page files and illustrates its article (see :class:`Article`)."""

    top_image_url: str | None
    section: str | None
    tags: tuple[str, ...]
    modified_at: datetime | None


def choose_filing(
    meta: PageMetadata,
    tree: HtmlElement,
    url: str | None,
    title: str,
    published: DateCandidate | None,
    sitemap_keywords: tuple[str, ...],
    fetched_at: datetime,
) -> Filing:
    """The top image, section, tags and modification time the page declares
    (``fetched_at`` bounds the modification time, see
    :func:`pipeline.extract.dates.choose_modified`)."""
    published_at = published.value if published else None
    return Filing(
        top_image_url=choose_top_image(meta, tree, url),
        section=choose_section(meta, tree, url, title),
        tags=choose_tags(meta, tree, sitemap_keywords),
        modified_at=choose_modified(
            jsonld_values(meta.jsonld, "dateModified"), meta.meta, published_at, fetched_at
        ),
    )


def extract_html(
    html: bytes | str,
    url: str | None = None,
    *,
    http_charset: str | None = None,
    discovered_at: datetime | None = None,
    min_chars: int = DEFAULT_MIN_ARTICLE_CHARS,
    source: str = "",
    fetched_url: str | None = None,
    path: str | None = None,
    now: datetime | None = None,
    fetched_at: datetime | None = None,
    sitemap_keywords: tuple[str, ...] = (),
    language_hint: str | None = None,
) -> ExtractionResult:
    """Extract the article of one HTML document.

    ``fetched_at`` (default ``now``, else the wall clock) bounds ``modified_at``;
    ``sitemap_keywords`` (the news sitemap's keywords for the URL) join the tags;
    ``language_hint`` is the source's usual language: it decides between close
    candidates when the language is detected from the text.
    Returns status ``ok`` with an :class:`Article`, ``not_article`` with the reason
    (see :func:`pipeline.extract.classify.not_article_reason`), or ``error`` when the
    input is not HTML. Never raises for bad input.
    """
    try:
        tree = parse_html(html, http_charset)
    except Exception as exc:  # lxml raises a variety of types on garbage
        log.debug("parse failed for %s: %s", url or path, exc)
        tree = None
    if tree is None:
        return ExtractionResult("error", url=url, message="input is empty or not HTML", path=path)
    meta = read_metadata(tree)
    title = choose_title(meta, tree)
    authors = choose_authors(meta, tree)
    body, truncated = choose_body(meta, tree, title, authors)
    reason = not_article_reason(
        body,
        title,
        tree,
        min_chars=min_chars,
        is_article_declared=meta.declares_article,
        jsonld_documents=meta.jsonld_documents,
    )
    if reason:
        if is_script_shell(tree, min_chars=min_chars):
            reason = f"{reason}; {SCRIPT_SHELL}"
        return ExtractionResult("not_article", url=url, message=reason, path=path)
    published = choose_published(meta, tree, url, discovered_at, now)
    when = fetched_at or now or datetime.now(UTC)
    filing = choose_filing(meta, tree, url, title, published, sitemap_keywords, when)
    article = Article(
        url=url or meta.canonical or "",
        title=title,
        body=body,
        authors=authors,
        published_at=published.value if published else None,
        published_date_only=published.date_only if published else False,
        language=choose_article_language(meta, body, language_hint),
        description=choose_description(meta),
        extractor_version=EXTRACTOR_VERSION,
        source=source,
        fetched_url=fetched_url,
        top_image_url=filing.top_image_url,
        section=filing.section,
        tags=filing.tags,
        modified_at=filing.modified_at,
        is_accessible_for_free=accessible_for_free(meta),
        truncated=truncated,
    )
    return ExtractionResult("ok", url=article.url or None, article=article, path=path)


def extract_page(
    page: FetchedPage,
    *,
    min_chars: int = DEFAULT_MIN_ARTICLE_CHARS,
    language_hint: str | None = None,
) -> ExtractionResult:
    """Extract one archived page (see :func:`extract_html`)."""
    return extract_html(
        page.body,
        page.url,
        http_charset=page.http_charset,
        discovered_at=page.discovered_at,
        min_chars=min_chars,
        source=page.source,
        fetched_url=page.fetched_url,
        fetched_at=page.fetched_at,
        sitemap_keywords=page.sitemap_keywords,
        language_hint=language_hint,
    )
