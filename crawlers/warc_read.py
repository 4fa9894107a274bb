"""Reading other crawlers' WARC files record by record, surviving damaged records.

Input is a byte stream (a local file, or an HTTP response read as it arrives), so a
file is never held whole. Two layouts are read: gzip per record (``.warc.gz``, the
layout of CC-NEWS and of newsflow's own archive) and uncompressed WARC. WARC 1.0 and
1.1 are both read (warcio parses each record).

Gzip members are framed here rather than by warcio: warcio stops at the first damaged
member, while a backfill of a month of CC-NEWS must not lose a file to one bad record.
A member that does not decompress, is cut short, or holds no valid record is counted in
``ReadCounts.corrupt`` and reading goes on from the next gzip header. A stream that is
not WARC at all raises ``NotWarcError`` before any record is read. An uncompressed file
has no member boundaries to resynchronise on: a damaged record there ends the file
(counted once in ``corrupt``), and a page whose body the file ends inside is counted
in ``corrupt``, not used.

A response read from a gzip member that holds it alone keeps that member's compressed
bytes (``ArchivedResponse.member``), so the import can copy it into the archive as it
is instead of compressing the page again (``crawlers.warc_import``).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from io import BytesIO
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

from pipeline.errors import ArchiveError
from pipeline.utc import parse_utc

CHUNK_BYTES = 256 * 1024
GZIP_MAGIC = b"\x1f\x8b\x08"
WARC_MAGIC = b"WARC/1."
MAX_RECORD_BYTES = 64 * 1024 * 1024
"""A gzip member that decompresses to more than this is treated as damaged (a page
never is that large; a whole-file gzip of a big WARC is not per-record gzip)."""
HTML_TYPES = ("text/html", "application/xhtml+xml")


class NotWarcError(ArchiveError):
    """The input is not a WARC file (neither gzip-per-record nor plain WARC)."""


@dataclass(slots=True)
class ReadCounts:
    """What reading one or more inputs met, record by record."""

    records: int = 0
    """WARC records read whole (any type)."""
    responses: int = 0
    """``response`` records among them."""
    not_html: int = 0
    """Responses whose content type is not HTML, or whose status is not 200."""
    corrupt: int = 0
    """Damaged records (bad or truncated gzip member, unparseable record), skipped."""


@dataclass(frozen=True, slots=True)
class ArchivedResponse:
    """One HTML ``response`` record of an input WARC file."""

    url: str
    """``WARC-Target-URI`` as recorded (not canonicalised)."""
    captured_at: datetime
    """``WARC-Date``, UTC."""
    status: int
    headers: tuple[tuple[str, str], ...]
    """The HTTP response headers as recorded."""
    body: bytes
    """The payload with transfer and content encodings removed."""
    content_type: str
    member: bytes | None = None
    """The gzip member that holds this record and nothing else, compressed as read (a
    valid record of a gzip-per-record WARC file on its own); None for a record of an
    uncompressed file or of a member holding other records too."""


def iter_responses(stream: BinaryIO, name: str, counts: ReadCounts) -> Iterator[ArchivedResponse]:
    """The HTML responses (status 200) of the WARC file ``stream`` (called ``name`` in
    errors), counting in ``counts`` what else was met. ``NotWarcError`` when the
    stream does not start like a WARC file."""
    head = _read_exactly(stream, len(GZIP_MAGIC))
    if head.startswith(GZIP_MAGIC):
        records = _gzip_records(head, stream, name, counts)
    elif head and (head + _read_exactly(stream, len(WARC_MAGIC) - len(head))) == WARC_MAGIC:
        records = _plain_records(WARC_MAGIC, stream, counts)
    else:
        raise NotWarcError(
            f"{name} is not a WARC file (it starts with {head[:8]!r}); give .warc or .warc.gz files"
        )
    for record, member in records:
        counts.records += 1
        if record.rec_type != "response":
            continue
        counts.responses += 1
        response = _html_response(record)
        if response is None:
            counts.not_html += 1
        elif getattr(record.raw_stream, "limit", 0) > 0:  # the file ended inside the body
            counts.corrupt += 1
        elif member is not None and _alone(record, member[1]):
            yield replace(response, member=member[0])
        else:
            yield response


def _read_exactly(stream: BinaryIO, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            break
        data += chunk
    return data


def _html_response(record: ArcWarcRecord) -> ArchivedResponse | None:
    """The record as an ``ArchivedResponse`` when it is a 200 HTML page, else None."""
    http = record.http_headers
    if http is None:
        return None
    # Common Crawl adds the type it detected; it stands in for a missing header
    content_type = (
        http.get_header("Content-Type")
        or record.rec_headers.get_header("WARC-Identified-Payload-Type")
        or ""
    )
    if content_type.split(";", 1)[0].strip().lower() not in HTML_TYPES:
        return None
    try:
        status = int((http.get_statuscode() or "0").strip() or 0)
    except ValueError:
        return None
    if status != 200:
        return None
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    return ArchivedResponse(
        url=url.strip("<> "),
        captured_at=_warc_date(record.rec_headers.get_header("WARC-Date")),
        status=status,
        headers=tuple(http.headers),
        body=record.content_stream().read(),
        content_type=content_type,
    )


def _alone(record: ArcWarcRecord, data: bytes) -> bool:
    """Whether the decompressed member ``data``, whose first record is ``record``, holds
    no other: nothing but the record's closing line breaks follows its block."""
    head_end = data.find(b"\r\n\r\n")
    try:
        length = int(record.rec_headers.get_header("Content-Length") or "")
    except ValueError:
        return False
    return head_end >= 0 and not data[head_end + 4 + length :].strip()


def _warc_date(value: str | None) -> datetime:
    """The record's WARC-Date in UTC (a value without a zone is UTC, as WARC means it),
    else now."""
    return parse_utc(value) or datetime.now(UTC)


Member = tuple[bytes, bytes] | None
"""A record's gzip member as (compressed, decompressed) bytes; None when uncompressed."""


def _plain_records(
    head: bytes, stream: BinaryIO, counts: ReadCounts
) -> Iterator[tuple[ArcWarcRecord, Member]]:
    """Records of an uncompressed WARC stream; a damaged record ends it."""
    joined = _Prefixed(head, stream)
    try:
        for record in ArchiveIterator(joined, arc2warc=False):
            yield record, None
    except (ArchiveLoadFailed, ValueError, EOFError, AttributeError):
        # warcio raises AttributeError on a record cut off inside its headers
        counts.corrupt += 1


def _gzip_records(
    head: bytes, stream: BinaryIO, name: str, counts: ReadCounts
) -> Iterator[tuple[ArcWarcRecord, Member]]:
    """Records of a gzip-per-record stream, each with its member; damaged members are
    counted and skipped."""
    first = True
    for compressed, member in _gzip_members(head, stream, counts):
        if first and not member.startswith(WARC_MAGIC):
            raise NotWarcError(
                f"{name} is gzip but not a WARC file (its first record starts with "
                f"{member[:8]!r}); give .warc or .warc.gz files"
            )
        first = False
        records = iter(ArchiveIterator(BytesIO(member), arc2warc=False))
        whole: Member = (compressed, member)  # only the member's first record may be alone
        while True:  # lazily: a record's body is read before the iterator moves on
            try:
                record = next(records)
            except StopIteration:
                break
            except (ArchiveLoadFailed, ValueError, EOFError, AttributeError):
                counts.corrupt += 1
                break
            yield record, whole
            whole = None


def _gzip_members(
    head: bytes, stream: BinaryIO, counts: ReadCounts
) -> Iterator[tuple[bytes, bytes]]:
    """The gzip members of ``stream``, one at a time: (compressed, decompressed)."""
    buffer = head
    eof = False
    while True:
        start = buffer.find(GZIP_MAGIC)
        while start < 0 and not eof:  # resynchronising: look further for a header
            buffer, eof = _more(buffer[-2:], stream)
            start = buffer.find(GZIP_MAGIC)
        if start < 0:
            return
        buffer = buffer[start:]
        member, buffer, eof = _one_member(buffer, stream, eof)
        if member is None:
            counts.corrupt += 1
            buffer = buffer[1:]  # skip the damaged member's header and look again
            continue
        yield member
        if not buffer and eof:
            return


def _more(buffer: bytes, stream: BinaryIO) -> tuple[bytes, bool]:
    # read1: what has arrived (up to CHUNK_BYTES), so a record is used as soon as its
    # bytes are in, not when a whole chunk of a slow download is
    read = getattr(stream, "read1", stream.read)
    chunk = read(CHUNK_BYTES)
    return buffer + chunk, not chunk


def _one_member(
    buffer: bytes, stream: BinaryIO, eof: bool
) -> tuple[tuple[bytes, bytes] | None, bytes, bool]:
    """Decompress the member at the start of ``buffer`` (reading more of ``stream`` as
    needed): (its (compressed, decompressed) bytes or None when damaged, what follows
    it, whether the stream ended). A damaged member returns the buffer from its start,
    to resynchronise from."""
    decompressor = zlib.decompressobj(wbits=31)
    consumed = b""
    pending = buffer
    output: list[bytes] = []
    size = 0
    while True:
        try:
            piece = decompressor.decompress(pending)
        except zlib.error:
            return None, consumed + pending, eof
        size += len(piece)
        output.append(piece)
        if decompressor.eof:
            rest = decompressor.unused_data
            whole = consumed + pending
            return (whole[: len(whole) - len(rest)], b"".join(output)), rest, eof
        if size > MAX_RECORD_BYTES:
            return None, consumed + pending, eof
        consumed += pending
        if eof:
            return None, consumed, eof  # cut short: the stream ended inside the member
        pending, eof = _more(b"", stream)


class _Prefixed:
    """A read-only stream of ``head`` followed by ``stream``."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self._head = head
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        if self._head:
            if size < 0:
                data, self._head = self._head + self._stream.read(), b""
                return data
            data, self._head = self._head[:size], self._head[size:]
            return data
        return self._stream.read(size)
