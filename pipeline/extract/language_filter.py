"""Keeping only the languages a source asks for (``languages:`` in the sources file): pure.

An article in a language outside the list becomes an ``other_language`` result: counted
per run and source, never loaded, and its page is not asked to be extracted again. An
article whose language cannot be told (too little text, no declaration) is kept: an
unknown language is not evidence of another one.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from pipeline.records import ExtractionResult


def keep_languages(result: ExtractionResult, languages: Collection[str]) -> ExtractionResult:
    """``result`` as is, or as ``other_language`` when its article's language is known
    and not one of ``languages`` (an empty collection keeps every language)."""
    article = result.article
    if (
        not languages
        or result.status != "ok"
        or article is None
        or article.language is None
        or article.language in languages
    ):
        return result
    wanted = ", ".join(sorted(languages))
    return replace(
        result,
        status="other_language",
        article=None,
        fingerprint=None,
        message=f"language {article.language}, not one of {wanted}",
    )
