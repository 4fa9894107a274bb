"""Reading pages back from the raw WARC archive (the crawl → extract hand-off).

The crawler (``crawlers.warc``) writes every fetched response as its own gzip member
and records its file and offset in ``warehouse.crawl_state``; this module reads single
records by that location and streams the pages waiting for extraction. Pages are read
in archive order through a server-side cursor, so memory stays flat however large a
source is.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import psycopg
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from pipeline.errors import ArchiveError
from pipeline.records import FetchedPage
from pipeline.window import Window

log = logging.getLogger(__name__)

CURSOR_ROWS = 500
POLL_S = 0.5
"""How often ``iter_pages_while_crawling`` looks for new pages while none are waiting."""

_ARCHIVED = """
SELECT url, source, fetched_url, content_type, discovered_lastmod, last_fetched_at,
       warc_path, warc_offset, sitemap_keywords
FROM warehouse.crawl_state
WHERE source = %(source)s AND warc_path IS NOT NULL AND {condition}
ORDER BY warc_path, warc_offset
"""

_PENDING = _ARCHIVED.format(
    condition="""pending_extract
  AND (held_published_at IS NULL
       OR ((%(since)s::date IS NULL OR held_published_at >= %(since)s::date)
           AND (%(until)s::date IS NULL OR held_published_at < %(until)s::date + 1)))"""
)

_PENDING_OF_RUN_AFTER = _ARCHIVED.format(
    condition="""pending_extract
  AND run_id = %(run_id)s AND (warc_path, warc_offset) > (%(path)s, %(offset)s)"""
)

_BY_URL = _ARCHIVED.format(condition="url = ANY(%(urls)s)")


def charset_of(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header value, if any."""
    if not content_type:
        return None
    for part in content_type.split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


def read_record(archive_dir: Path, warc_path: str, offset: int) -> tuple[dict[str, str], bytes]:
    """The HTTP headers (lower-cased names) and body of the response record at
    ``offset`` of ``archive_dir / warc_path``.

    Raises ``ArchiveError`` when the file is missing or holds no response there.
    """
    path = _resolve(archive_dir, warc_path)
    try:
        with path.open("rb") as handle:
            return _read_at(handle, offset, warc_path)
    except FileNotFoundError:
        raise ArchiveError(
            f"archive file {path} is missing; was NEWSFLOW_HOME moved? "
            "the page must be crawled again"
        ) from None


def _resolve(archive_dir: Path, warc_path: str) -> Path:
    base = Path(archive_dir).resolve()
    path = (base / warc_path).resolve()
    if base not in path.parents:
        raise ArchiveError(f"archive path {warc_path!r} points outside {base}")
    return path


def _read_at(handle: BinaryIO, offset: int, warc_path: str) -> tuple[dict[str, str], bytes]:
    handle.seek(offset)
    try:
        for record in ArchiveIterator(handle):
            if record.rec_type != "response":
                break
            headers = {}
            if record.http_headers is not None:
                headers = {k.lower(): v for k, v in record.http_headers.headers}
            return headers, record.content_stream().read()
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        raise ArchiveError(f"cannot read the WARC record at {warc_path}:{offset}: {exc}") from None
    raise ArchiveError(f"no response record at {warc_path}:{offset}")


def iter_pending_pages(
    conn: psycopg.Connection, archive_dir: Path, source: str, window: Window = Window()
) -> Iterator[FetchedPage]:
    """Every page of ``source`` waiting for extraction, read from the archive.

    Pages held back by an earlier run's date window (``held_published_at``) come only
    when ``window`` holds their publication date.
    A page whose record cannot be read is logged and skipped (it stays pending).
    """
    yield from _pages(
        conn,
        archive_dir,
        _PENDING,
        {"source": source, "since": window.since, "until": window.until},
    )


def iter_pages_while_crawling(
    conn: psycopg.Connection,
    archive_dir: Path,
    source: str,
    window: Window,
    *,
    run_id: int,
    wait_for_crawl: Callable[[float], bool],
    poll_s: float = POLL_S,
) -> Iterator[FetchedPage]:
    """The pages of ``source`` waiting for extraction, as the running crawl stores them.

    ``wait_for_crawl(seconds)`` waits at most that long for the source's crawl to end
    and says whether it has. Until it has, pages this run's crawl fetched are read as
    soon as their crawl state is committed (in archive order, after the last one read);
    then one last pass reads every pending page not read yet (``iter_pending_pages``:
    pages of earlier runs, and any page committed out of archive order). Each page
    comes once.
    """
    seen: set[str] = set()
    after = ("", -1)
    finished = wait_for_crawl(0)  # always before a query: nothing committed later is missed
    while not finished:
        found = False
        for page, position in _pages_at(
            conn,
            archive_dir,
            _PENDING_OF_RUN_AFTER,
            {"source": source, "run_id": run_id, "path": after[0], "offset": after[1]},
            skip=seen,
        ):
            seen.add(page.url)
            after, found = max(after, position), True
            yield page
        finished = wait_for_crawl(0 if found else poll_s)
    yield from _pages(
        conn,
        archive_dir,
        _PENDING,
        {"source": source, "since": window.since, "until": window.until},
        skip=seen,
    )


def iter_archived_pages(
    conn: psycopg.Connection, archive_dir: Path, *, source: str, urls: Sequence[str]
) -> Iterator[FetchedPage]:
    """The archived pages of ``source`` with these canonical ``urls`` (re-processing)."""
    if urls:
        yield from _pages(conn, archive_dir, _BY_URL, {"source": source, "urls": list(urls)})


def _pages(
    conn: psycopg.Connection,
    archive_dir: Path,
    query: str,
    params: dict[str, Any],
    *,
    skip: set[str] | frozenset[str] = frozenset(),
) -> Iterator[FetchedPage]:
    """The pages of the rows ``query`` selects, except URLs in ``skip``."""
    for page, _ in _pages_at(conn, archive_dir, query, params, skip=skip):
        yield page


def _pages_at(
    conn: psycopg.Connection,
    archive_dir: Path,
    query: str,
    params: dict[str, Any],
    *,
    skip: set[str] | frozenset[str] = frozenset(),
) -> Iterator[tuple[FetchedPage, tuple[str, int]]]:
    """(page, (warc_path, offset)) for the rows ``query`` selects, except URLs in ``skip``;
    a record that cannot be read is logged and skipped."""
    archive_dir = Path(archive_dir)
    open_path: str | None = None
    handle: BinaryIO | None = None
    try:
        with conn.transaction(), conn.cursor(name="newsflow_archived_pages") as cursor:
            cursor.itersize = CURSOR_ROWS
            cursor.execute(query, params)
            for (
                url,
                source,
                fetched_url,
                content_type,
                discovered,
                fetched_at,
                warc_path,
                offset,
                keywords,
            ) in cursor:
                if url in skip:
                    continue
                try:
                    if warc_path != open_path:
                        if handle is not None:
                            handle.close()
                            handle = None
                        open_path = None
                        handle = _resolve(archive_dir, warc_path).open("rb")
                        open_path = warc_path
                    assert handle is not None
                    headers, body = _read_at(handle, offset, warc_path)
                except (ArchiveError, OSError) as exc:
                    log.error("skipping %s: %s", url, exc)
                    continue
                yield (
                    FetchedPage(
                        url=url,
                        source=source,
                        body=body,
                        fetched_url=fetched_url,
                        http_charset=charset_of(headers.get("content-type") or content_type),
                        discovered_at=_utc(discovered),
                        fetched_at=_utc(fetched_at),
                        sitemap_keywords=tuple(keywords or ()),
                    ),
                    (warc_path, offset),
                )
    finally:
        if handle is not None:
            handle.close()


def _utc(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC) if value is not None else None
