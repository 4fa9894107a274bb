"""The rules of the sources file's ``warc:`` field (a backfill source's WARC inputs).

A ``warc`` source reads its pages from files, not the web (``pipeline.warc_backfill``):
it takes no discovery URLs beside them, and its inputs are local paths, globs, http(s)
URLs and ``s3://bucket/key`` URLs (read with the standard AWS variables).
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit


def warc_problem(
    warc: Sequence[str], *, has_discovery: bool, has_request_options: bool = False
) -> str | None:
    """What is wrong with a source's ``warc`` list (the end of a ``field 'warc' ...``
    message), or None. ``has_discovery``: the source also lists sitemaps, feeds or
    start URLs; ``has_request_options``: headers, cookies or a proxy, which only a web
    crawl sends."""
    if not warc:
        return None
    if has_discovery:
        return (
            "reads the pages from WARC files, so the source takes no sitemaps, feeds or "
            "start_urls: make the backfill a source of its own"
        )
    if has_request_options:
        return (
            "reads the pages from WARC files, so headers, cookies and proxy do not apply: "
            "remove them from the backfill source"
        )
    for item in warc:
        scheme = urlsplit(item).scheme.lower() if "://" in item else ""
        if scheme not in ("", "http", "https", "s3"):
            return f"has {item!r}: only local paths, globs, http(s) and s3:// URLs are read"
    return None
