"""Extraction: archived HTML pages to article records.

Public API::

    extract_page(page, *, min_chars=DEFAULT_MIN_ARTICLE_CHARS, language_hint=None)
        -> ExtractionResult
    extract_html(html, url=None, *, http_charset=None, discovered_at=None, ...) -> ExtractionResult
    iter_extract(pages, processes=None, *, task_timeout=120.0,
                 min_chars=DEFAULT_MIN_ARTICLE_CHARS, fingerprint=False, language_hint=None)
        -> Iterator[ExtractionResult]
    keep_languages(result, languages) -> ExtractionResult
    EXTRACTOR_VERSION

Modules, one job each: ``decode`` (bytes to text), ``parse`` (bytes to tree),
``structured`` (JSON-LD and meta tags), ``body`` (trafilatura plus clean-up), ``links``
(link-dense blocks), ``furniture`` (non-article lines), ``lead`` (header lines at the
start of a body), ``endmatter`` (lines after the article), ``fallback`` (JSON-LD
``articleBody`` when trafilatura missed part of the text), ``dates`` (publication date
vote, modification time), ``image`` (the top image), ``taxonomy`` (section and tags),
``authors`` (name cleaning, byline lines), ``byline`` (the byline search
for pages that declare no author), ``language``, ``language_filter`` (a source's
``languages:``), ``paywall`` (declared free access, bodies cut off at a paywall),
``classify`` (not-article pages), ``declared`` (whether a page declares itself one
article), ``teasers`` (whether a body is an index page's list of teasers), ``core``
(one page), ``pool`` (many pages), ``preload`` (what the pool's forkserver loads once),
``files`` (the worker functions of ``newsflow extract``).

The names above are imported on first use (PEP 562), so that a process that only
hands pages to a pool (``newsflow extract``) does not load trafilatura itself.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from pipeline.extract.version import EXTRACTOR_VERSION
from pipeline.records import DEFAULT_MIN_ARTICLE_CHARS

if TYPE_CHECKING:
    from pipeline.extract.core import extract_html, extract_page
    from pipeline.extract.language_filter import keep_languages
    from pipeline.extract.pool import iter_extract, ordered_map

_LAZY = {
    "extract_html": "pipeline.extract.core",
    "extract_page": "pipeline.extract.core",
    "keep_languages": "pipeline.extract.language_filter",
    "iter_extract": "pipeline.extract.pool",
    "ordered_map": "pipeline.extract.pool",
}

__all__ = [
    "DEFAULT_MIN_ARTICLE_CHARS",
    "EXTRACTOR_VERSION",
    "extract_html",
    "extract_page",
    "iter_extract",
    "keep_languages",
    "ordered_map",
]


def __getattr__(name: str) -> object:
    """The public names of the extractor, imported from their module on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
