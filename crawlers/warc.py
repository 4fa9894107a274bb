"""Writing the raw archive: every fetched response and its request, as gzip WARC.

Files live under ``<archive_dir>/<source>/<run_id>/`` and are rolled at about
``roll_bytes`` (100 MB by default); with a remote archive they are temporary parts
uploaded when complete (``crawlers.warc_parts.StoredWarcWriter``, through the hooks
``_should_roll``, ``_location`` and ``_part_closed``). Each record is its own gzip
member, so a page can be read back from its (file, offset) alone
(``pipeline.archive.read_record``). Bodies are stored as the spider received them:
transfer and content encodings removed (the ``Content-Encoding`` header is dropped and
``Content-Length`` rewritten to match).
A page rendered in a browser is stored as rendered (its DOM after the scripts ran), and
its response record says so in a ``WARC-Newsflow-Rendered`` header naming the browser,
so reprocessing reads the text the browser saw and needs no browser itself.
``newsflow import-warc`` copies a response that was a gzip member of its own in the
input file as that member (``write_member``): the record as the other crawler wrote
it, which reads back the same way.
"""

from __future__ import annotations

import logging
import os
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.errors import ArchiveError

log = logging.getLogger(__name__)

DEFAULT_ROLL_BYTES = 100 * 1024 * 1024
RENDERED_HEADER = "WARC-Newsflow-Rendered"
"""WARC header of a response rendered in a browser: ``chromium <version>``."""
_DROPPED_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})
GZIP_LEVEL = 6
"""zlib level of the records' gzip members. warcio's own gzip writer uses 9, which on
real news pages (the extraction dev set, ~320 KiB of HTML a page) costs 1.6x the CPU
of 6 for archives 0.7 % smaller; the crawl pays that in its one reactor thread."""


class GzipMembers:
    """The file warcio's ``WARCWriter(gzip=False)`` writes to: compresses what it is
    given into ``file`` at ``level``, ending a gzip member at each ``flush``, which
    warcio calls once at the end of every record (so each record is one member)."""

    def __init__(self, file: BinaryIO, level: int = GZIP_LEVEL) -> None:
        self.file = file
        self.level = level
        self._compressor = self._member()

    def _member(self) -> zlib._Compress:
        return zlib.compressobj(self.level, zlib.DEFLATED, zlib.MAX_WBITS + 16)

    def write(self, data: bytes) -> int:
        self.file.write(self._compressor.compress(data))
        return len(data)

    def flush(self) -> None:
        """End the member (the caller flushes ``file`` when it needs the bytes out)."""
        self.file.write(self._compressor.flush())
        self._compressor = self._member()


@dataclass(frozen=True, slots=True)
class WarcLocation:
    """Where one response record is: file relative to the archive directory, byte range."""

    path: str
    offset: int
    length: int


@dataclass(frozen=True, slots=True)
class Exchange:
    """One HTTP request and its response, as archived."""

    url: str
    status: int
    headers: Sequence[tuple[str, str]]
    body: bytes
    fetched_at: datetime
    method: str = "GET"
    request_headers: Sequence[tuple[str, str]] = ()
    protocol: str = "HTTP/1.1"
    rendered_by: str | None = None
    """The browser that rendered the body (``chromium 156.0.8078.114``); None when the
    body is the page as the server sent it."""


def warc_date(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class RollingWarcWriter:
    """Appends exchanges to gzip WARC files of one source and run, rolling by size."""

    def __init__(
        self,
        archive_dir: Path,
        source: str,
        run_id: int,
        *,
        roll_bytes: int = DEFAULT_ROLL_BYTES,
        software: str = "newsflow",
    ) -> None:
        self.archive_dir = Path(archive_dir)
        self.directory = self.archive_dir / source / str(run_id)
        self.roll_bytes = roll_bytes
        self.software = software
        self._stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{os.getpid()}"
        self._sequence = 0
        self._file: BinaryIO | None = None
        self._writer: WARCWriter | None = None
        self._relative: str = ""
        self.files: list[str] = []
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ArchiveError(
                f"cannot create the archive directory {self.directory}: {exc.strerror or exc}; "
                "check NEWSFLOW_HOME and its permissions"
            ) from None

    def _should_roll(self) -> bool:
        return self._file is None or self._file.tell() >= self.roll_bytes

    def _location(self, relative: str) -> str:
        """What a record's ``WarcLocation.path`` says of the file ``relative``."""
        return relative

    def _part_closed(self, relative: str) -> None:
        """Called with each file once it is complete (nothing to do in place)."""

    def write(self, exchange: Exchange) -> WarcLocation:
        """Append the response and request records; return the response's location."""
        if self._should_roll():
            self._roll()
        assert self._file is not None and self._writer is not None
        writer = self._writer
        date = warc_date(exchange.fetched_at)
        headers = [(k, v) for k, v in exchange.headers if k.lower() not in _DROPPED_HEADERS]
        headers.append(("Content-Length", str(len(exchange.body))))
        http_headers = StatusAndHeaders(f"{exchange.status}", headers, protocol=exchange.protocol)
        warc_headers = {"WARC-Date": date}
        if exchange.rendered_by:
            warc_headers[RENDERED_HEADER] = exchange.rendered_by
        response = writer.create_warc_record(
            exchange.url,
            "response",
            payload=BytesIO(exchange.body),
            length=len(exchange.body),
            http_headers=http_headers,
            warc_headers_dict=warc_headers,
        )
        target = exchange.url.split("://", 1)[-1]
        path = "/" + target.split("/", 1)[1] if "/" in target else "/"
        request = writer.create_warc_record(
            exchange.url,
            "request",
            payload=BytesIO(b""),
            length=0,
            http_headers=StatusAndHeaders(
                f"{exchange.method} {path} {exchange.protocol}",
                list(exchange.request_headers),
                is_http_request=True,
            ),
            warc_headers_dict={"WARC-Date": date},
        )
        try:
            offset = self._file.tell()
            writer.write_record(response)
            length = self._file.tell() - offset
            request.rec_headers.add_header(
                "WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID")
            )
            writer.write_record(request)
            self._file.flush()
        except OSError as exc:
            raise self._write_error(exc) from None
        return WarcLocation(self._location(self._relative), offset, length)

    def write_member(self, member: bytes) -> WarcLocation:
        """Append ``member``, a gzip member holding one whole response record of another
        WARC file, as it is (no request record); return its location. The caller
        vouches for the member (``crawlers.warc_read.ArchivedResponse.member``)."""
        if self._should_roll():
            self._roll()
        assert self._file is not None
        try:
            offset = self._file.tell()
            self._file.write(member)
            self._file.flush()
        except OSError as exc:
            raise self._write_error(exc) from None
        return WarcLocation(self._location(self._relative), offset, len(member))

    def _write_error(self, exc: OSError) -> ArchiveError:
        return ArchiveError(
            f"cannot write to the archive file {self._relative}: "
            f"{exc.strerror or exc}; is the disk full?"
        )

    def _roll(self) -> None:
        self.close()
        self._sequence += 1
        name = f"{self._stamp}-{self._sequence:05d}.warc.gz"
        path = self.directory / name
        try:
            self._file = path.open("xb")
        except OSError as exc:
            raise ArchiveError(
                f"cannot create the archive file {path}: {exc.strerror or exc}; "
                "check NEWSFLOW_HOME and its permissions"
            ) from None
        self._writer = WARCWriter(GzipMembers(self._file), gzip=False)
        self._relative = path.relative_to(self.archive_dir).as_posix()
        self.files.append(self._relative)
        info = self._writer.create_warcinfo_record(
            name, {"software": self.software, "format": "WARC File Format 1.1"}
        )
        self._writer.write_record(info)

    def close(self) -> None:
        """Close the current file (the next write starts a new one)."""
        if self._file is not None:
            self._file.close()
            self._file = self._writer = None
            self._part_closed(self._relative)
