"""Extraction: archived HTML pages to article records.

Public API::

    extract_page(page, *, min_chars=DEFAULT_MIN_ARTICLE_CHARS, language_hint=None)
        -> ExtractionResult
    extract_html(html, url=None, *, http_charset=None, discovered_at=None, ...) -> ExtractionResult
    iter_extract(pages, processes=None, *, min_chars=DEFAULT_MIN_ARTICLE_CHARS,
                 fingerprint=False, language_hint=None)
        -> Iterator[ExtractionResult]
    keep_languages(result, languages) -> ExtractionResult
    EXTRACTOR_VERSION

Modules, one job each: ``decode`` (bytes to text), ``structured`` (JSON-LD and meta
tags), ``body`` (trafilatura plus clean-up), ``links`` (link-dense blocks),
``furniture`` (non-article lines), ``lead`` (header lines at the start of a body),
``endmatter`` (lines after the article), ``fallback`` (JSON-LD ``articleBody`` when
trafilatura missed part of the text), ``dates`` (publication date vote, modification
time), ``image`` (the top image), ``taxonomy`` (section and tags), ``authors``
(name cleaning, byline lines), ``language``, ``language_filter`` (a source's
``languages:``), ``paywall`` (declared free access, bodies cut off at a paywall),
``classify`` (not-article pages), ``declared`` (whether a page declares itself one
article), ``core``
(one page), ``pool`` (many pages), ``preload`` (what the pool's forkserver loads once).
"""

from pipeline.extract.core import extract_html, extract_page
from pipeline.extract.language_filter import keep_languages
from pipeline.extract.pool import iter_extract, ordered_map
from pipeline.extract.version import EXTRACTOR_VERSION
from pipeline.records import DEFAULT_MIN_ARTICLE_CHARS

__all__ = [
    "DEFAULT_MIN_ARTICLE_CHARS",
    "EXTRACTOR_VERSION",
    "extract_html",
    "extract_page",
    "iter_extract",
    "keep_languages",
    "ordered_map",
]
