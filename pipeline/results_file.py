"""The hand-off file between extraction and loading: gzip JSON lines of results.

One line per ``ExtractionResult``; an article's dedup fingerprint travels with it (its
MinHash signature in base64). Files are written to a temporary name and renamed
when complete, so a reader never sees half a file.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from pipeline.records import Article, ExtractionResult, Fingerprint


def result_to_dict(result: ExtractionResult) -> dict[str, Any]:
    """A JSON-able dict of ``result`` (datetimes as ISO 8601 strings)."""
    article = result.article
    return {
        "status": result.status,
        "url": result.url,
        "message": result.message,
        "path": result.path,
        "article": None
        if article is None
        else {
            "url": article.url,
            "title": article.title,
            "body": article.body,
            "authors": list(article.authors),
            "published_at": article.published_at.isoformat() if article.published_at else None,
            "published_date_only": article.published_date_only,
            "language": article.language,
            "description": article.description,
            "extractor_version": article.extractor_version,
            "source": article.source,
            "fetched_url": article.fetched_url,
            "top_image_url": article.top_image_url,
            "section": article.section,
            "tags": list(article.tags),
            "modified_at": article.modified_at.isoformat() if article.modified_at else None,
            "is_accessible_for_free": article.is_accessible_for_free,
            "truncated": article.truncated,
        },
        "fingerprint": None
        if result.fingerprint is None
        else _fingerprint_to_dict(result.fingerprint),
    }


def _fingerprint_to_dict(fingerprint: Fingerprint) -> dict[str, Any]:
    return {
        "content_hash": fingerprint.content_hash,
        "minhash": base64.b64encode(fingerprint.minhash).decode("ascii"),
        "num_perm": fingerprint.num_perm,
        "shingle_words": fingerprint.shingle_words,
        "has_words": fingerprint.has_words,
    }


def _fingerprint_from_dict(raw: dict[str, Any] | None) -> Fingerprint | None:
    if not raw:
        return None
    return Fingerprint(
        content_hash=raw["content_hash"],
        minhash=base64.b64decode(raw["minhash"]),
        num_perm=int(raw["num_perm"]),
        shingle_words=int(raw["shingle_words"]),
        has_words=bool(raw["has_words"]),
    )


def result_from_dict(data: dict[str, Any]) -> ExtractionResult:
    """The inverse of ``result_to_dict``."""
    raw = data.get("article")
    article = None
    if raw is not None:
        published = raw.get("published_at")
        modified = raw.get("modified_at")
        article = Article(
            url=raw["url"],
            title=raw["title"],
            body=raw["body"],
            authors=tuple(raw.get("authors") or ()),
            published_at=datetime.fromisoformat(published) if published else None,
            published_date_only=bool(raw.get("published_date_only")),
            language=raw.get("language"),
            description=raw.get("description"),
            extractor_version=raw.get("extractor_version") or "",
            source=raw.get("source") or "",
            fetched_url=raw.get("fetched_url"),
            top_image_url=raw.get("top_image_url"),
            section=raw.get("section"),
            tags=tuple(raw.get("tags") or ()),
            modified_at=datetime.fromisoformat(modified) if modified else None,
            # absent from files written before extractor 2026.12.1: not known, not cut
            is_accessible_for_free=raw.get("is_accessible_for_free"),
            truncated=bool(raw.get("truncated")),
        )
    return ExtractionResult(
        status=data["status"],
        url=data.get("url"),
        article=article,
        message=data.get("message"),
        path=data.get("path"),
        fingerprint=_fingerprint_from_dict(data.get("fingerprint")),
    )


def write_results(path: Path, results: Iterable[ExtractionResult]) -> int:
    """Write ``results`` to ``path`` atomically; return how many were written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    count = 0
    with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=3) as handle:
        for result in results:
            handle.write(json.dumps(result_to_dict(result), ensure_ascii=False))
            handle.write("\n")
            count += 1
    os.replace(tmp, path)
    return count


def read_results(path: Path | BinaryIO) -> Iterator[ExtractionResult]:
    """Stream the results stored in ``path`` (a file, or a binary stream of one)."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield result_from_dict(json.loads(line))
