"""Reading pages back from the raw WARC archive (the crawl → extract hand-off).

The crawler (``crawlers.warc``) writes every fetched response as its own gzip member
and records its location (file, offset, length) in ``warehouse.crawl_state``; this
module reads single records by that location and streams the pages waiting for
extraction. A location is a key in the local archive folder or an ``s3://`` URL
(``pipeline.store_locate``); either way a page is a ranged read of just its record,
never a download of the whole WARC file, and neighbouring records of one file are
fetched together (``ArchiveStore.read_ranges``). Pages are read in archive order
through a server-side cursor, so memory stays flat however large a source is.

A record that is missing or unreadable is logged and skipped (its page stays pending);
a store that cannot be reached or refuses access (after its retries) raises
``StoreAccessError``, which fails the source with one line naming the object.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO

import psycopg
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from pipeline.errors import ArchiveError, StoreAccessError
from pipeline.records import FetchedPage
from pipeline.store import ArchiveStore
from pipeline.store_locate import StoreLocator
from pipeline.window import Window

log = logging.getLogger(__name__)

CURSOR_ROWS = 500
BATCH_ROWS = 64
BATCH_BYTES = 8 * 1024 * 1024
"""Neighbouring records of one file read in one request: at most this many, this large."""
Archive = StoreLocator | ArchiveStore | Path
"""Where pages are read from: the locator of the settings
(``StoreLocator.for_settings``), one store, or the local archive folder."""
POLL_S = 0.5
"""How often ``iter_pages_while_crawling`` looks for new pages while none are waiting."""

_ARCHIVED = """
SELECT url, source, fetched_url, content_type, discovered_lastmod, last_fetched_at,
       warc_path, warc_offset, sitemap_keywords, warc_length
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


def read_record(
    archive: Archive, warc_path: str, offset: int, length: int | None = None
) -> tuple[dict[str, str], bytes]:
    """The HTTP headers (lower-cased names) and body of the response record at
    ``offset`` of ``warc_path`` (``length`` bytes, when known: then just those are read).

    Raises ``ArchiveError`` when the file is missing or holds no response there.
    """
    store = StoreLocator.of(archive).store_for(warc_path)
    if length is not None:
        return _parse(store.read_range(warc_path, offset, length), warc_path, offset)
    with store.open_reader(warc_path) as handle:
        handle.seek(offset)
        return _parse_stream(handle, warc_path, offset)


def _parse(data: bytes, warc_path: str, offset: int) -> tuple[dict[str, str], bytes]:
    return _parse_stream(BytesIO(data), warc_path, offset)


def _parse_stream(handle: BinaryIO, warc_path: str, offset: int) -> tuple[dict[str, str], bytes]:
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
    conn: psycopg.Connection, archive: Archive, source: str, window: Window = Window()
) -> Iterator[FetchedPage]:
    """Every page of ``source`` waiting for extraction, read from the archive.

    Pages held back by an earlier run's date window (``held_published_at``) come only
    when ``window`` holds their publication date.
    A page whose record cannot be read is logged and skipped (it stays pending).
    """
    yield from _pages(
        conn,
        archive,
        _PENDING,
        {"source": source, "since": window.since, "until": window.until},
    )


def iter_pages_while_crawling(
    conn: psycopg.Connection,
    archive: Archive,
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
            archive,
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
        archive,
        _PENDING,
        {"source": source, "since": window.since, "until": window.until},
        skip=seen,
    )


def iter_archived_pages(
    conn: psycopg.Connection, archive: Archive, *, source: str, urls: Sequence[str]
) -> Iterator[FetchedPage]:
    """The archived pages of ``source`` with these canonical ``urls`` (re-processing)."""
    if urls:
        yield from _pages(conn, archive, _BY_URL, {"source": source, "urls": list(urls)})


def _pages(
    conn: psycopg.Connection,
    archive: Archive,
    query: str,
    params: dict[str, Any],
    *,
    skip: set[str] | frozenset[str] = frozenset(),
) -> Iterator[FetchedPage]:
    """The pages of the rows ``query`` selects, except URLs in ``skip``."""
    for page, _ in _pages_at(conn, archive, query, params, skip=skip):
        yield page


def _pages_at(
    conn: psycopg.Connection,
    archive: Archive,
    query: str,
    params: dict[str, Any],
    *,
    skip: set[str] | frozenset[str] = frozenset(),
) -> Iterator[tuple[FetchedPage, tuple[str, int]]]:
    """(page, (warc_path, offset)) for the rows ``query`` selects, except URLs in ``skip``;
    a record that cannot be read is logged and skipped."""
    locator = StoreLocator.of(archive)
    with conn.transaction(), conn.cursor(name="newsflow_archived_pages") as cursor:
        cursor.itersize = CURSOR_ROWS
        cursor.execute(query, params)
        rows = (row for row in cursor if row[0] not in skip)
        for batch in _batches(rows):
            for row, (headers, body) in _read_batch(locator, batch):
                url, source, fetched_url, content_type, discovered, fetched_at = row[:6]
                yield (
                    FetchedPage(
                        url=url,
                        source=source,
                        body=body,
                        fetched_url=fetched_url,
                        http_charset=charset_of(headers.get("content-type") or content_type),
                        discovered_at=_utc(discovered),
                        fetched_at=_utc(fetched_at),
                        sitemap_keywords=tuple(row[8] or ()),
                    ),
                    (row[6], row[7]),
                )


def _batches(rows: Iterable[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    """Runs of neighbouring rows of one WARC file (``BATCH_ROWS``, ``BATCH_BYTES`` at
    most); a row of unknown length is a batch of its own."""
    batch: list[tuple[Any, ...]] = []
    size = 0
    for row in rows:
        length = row[9]
        if batch and (
            row[6] != batch[0][6]
            or length is None
            or batch[-1][9] is None
            or len(batch) >= BATCH_ROWS
            or size + length > BATCH_BYTES
        ):
            yield batch
            batch, size = [], 0
        batch.append(row)
        size += length or 0
    if batch:
        yield batch


def _read_batch(
    locator: StoreLocator, batch: list[tuple[Any, ...]]
) -> Iterator[tuple[tuple[Any, ...], tuple[dict[str, str], bytes]]]:
    """(row, (headers, body)) for each readable record of ``batch`` (one WARC file)."""
    path = batch[0][6]
    try:
        if batch[0][9] is None:  # no length recorded: read the record from its offset on
            yield batch[0], read_record(locator, path, batch[0][7])
            return
        chunks = locator.store_for(path).read_ranges(path, [(row[7], row[9]) for row in batch])
    except StoreAccessError:
        raise
    except (ArchiveError, OSError) as exc:
        for row in batch:
            log.error("skipping %s: %s", row[0], exc)
        return
    for row, chunk in zip(batch, chunks, strict=True):
        try:
            record = _parse(chunk, path, row[7])
        except ArchiveError as exc:
            log.error("skipping %s: %s", row[0], exc)
            continue
        yield row, record


def _utc(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC) if value is not None else None
