"""Writing the archive to a remote store: WARC parts uploaded once complete.

With an S3 archive (``NEWSFLOW_ARCHIVE_URL=s3://...``) the crawler cannot append to
an object, so it writes the current part to a local temporary file and rolls it at
``part_bytes`` or ``part_seconds`` (whichever comes first; small enough that
extraction during the crawl sees pages soon). A complete part is uploaded in a
background thread (``ArchiveStore.put_file``: durable when it returns) and its
temporary file removed.

A crawl_state row never points at bytes the store does not hold: ``admit`` holds back
every ``FetchRecord`` whose location is in a part not stored yet, and ``released``
hands them back once their part is stored. When an upload fails (after the store's own
retries) the part's rows are dropped (those pages are fetched again by the next run),
``error`` names the object, and every later write raises it; the rows of parts stored
before stay valid. A crash at any moment loses only rows held in memory.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import tempfile
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from crawlers.state import FetchRecord
from crawlers.warc import Exchange, RollingWarcWriter, WarcLocation
from pipeline.errors import ArchiveError
from pipeline.store import ArchiveStore, LocalStore

log = logging.getLogger(__name__)

DEFAULT_PART_BYTES = 16 * 1024 * 1024
DEFAULT_PART_SECONDS = 30.0
MAX_WAITING_UPLOADS = 2
"""Parts waiting for their upload before ``write`` waits for the oldest (backpressure)."""


class StoredWarcWriter(RollingWarcWriter):
    """A ``RollingWarcWriter`` whose files are temporary parts uploaded to ``store``;
    locations are the store's (``s3://bucket/prefix/source/run/part.warc.gz``)."""

    def __init__(
        self,
        store: ArchiveStore,
        source: str,
        run_id: int,
        *,
        tmp_root: Path,
        part_bytes: int = DEFAULT_PART_BYTES,
        part_seconds: float = DEFAULT_PART_SECONDS,
        software: str = "newsflow",
    ) -> None:
        try:
            Path(tmp_root).mkdir(parents=True, exist_ok=True)
            self.tmp = Path(tempfile.mkdtemp(prefix=f"warc-{source}-", dir=tmp_root))
        except OSError as exc:
            raise ArchiveError(
                f"cannot create a temporary directory under {tmp_root}: "
                f"{exc.strerror or exc}; check NEWSFLOW_HOME and its permissions"
            ) from None
        super().__init__(self.tmp, source, run_id, roll_bytes=part_bytes, software=software)
        self.store = store
        self.part_seconds = part_seconds
        self.error: ArchiveError | None = None
        self._opened_at = time.monotonic()
        self._uploads: dict[str, Future[str]] = {}
        """Location -> its upload, for parts closed and not yet collected."""
        self._stored: set[str] = set()
        self._failed: set[str] = set()
        self._held: dict[str, list[FetchRecord]] = {}
        self._ready: list[FetchRecord] = []
        self.dropped: list[FetchRecord] = []
        """Rows of parts that failed, not yet handed out by ``released``."""
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="warc-upload")

    # --- writing -------------------------------------------------------------------

    def _should_roll(self) -> bool:
        return super()._should_roll() or time.monotonic() - self._opened_at >= self.part_seconds

    def _location(self, relative: str) -> str:
        return self.store.location(relative)

    def _roll(self) -> None:
        super()._roll()
        self._opened_at = time.monotonic()

    def write(self, exchange: Exchange) -> WarcLocation:
        self._before_write()
        return super().write(exchange)

    def write_member(self, member: bytes) -> WarcLocation:
        self._before_write()
        return super().write_member(member)

    def _before_write(self) -> None:
        """Raise the upload failure seen so far; wait while too many parts wait for
        their upload."""
        if self.error is not None:
            raise self.error
        self.collect()
        waiting = [f for f in self._uploads.values() if not f.done()]
        if len(waiting) > MAX_WAITING_UPLOADS:
            waiting[0].exception()  # wait for the oldest; collect() reports its failure
            self.collect()
            if self.error is not None:
                raise self.error

    def _part_closed(self, relative: str) -> None:
        location = self._location(relative)
        self._uploads[location] = self._pool.submit(self._upload, relative)

    def _upload(self, relative: str) -> str:
        local = self.tmp / relative
        try:
            return self.store.put_file(local, relative)
        finally:
            local.unlink(missing_ok=True)

    def roll_if_old(self) -> None:
        """Close the current part when it is older than ``part_seconds`` (its upload
        starts), so its pages reach the store and crawl state soon."""
        if self._file is not None and time.monotonic() - self._opened_at >= self.part_seconds:
            self.close()

    # --- the rows that point into parts --------------------------------------------

    def admit(self, record: FetchRecord) -> bool:
        """Whether ``record`` may be written to crawl state now; when not, it is held
        until its part is stored (or dropped with a part that failed)."""
        location = record.warc_path
        if location is None or location in self._stored:
            return True
        if location in self._failed:
            self.dropped.append(record)
            return False
        self._held.setdefault(location, []).append(record)
        return False

    def collect(self) -> None:
        """Note the uploads that ended: rows of stored parts become ``released``; the
        first failure becomes ``error`` and its rows (and those of later parts) are
        dropped."""
        for location, upload in list(self._uploads.items()):
            if not upload.done():
                continue
            del self._uploads[location]
            failure = upload.exception()
            if failure is None:
                self._stored.add(location)
                self._ready.extend(self._held.pop(location, ()))
                continue
            self._failed.add(location)
            dropped = self._held.pop(location, [])
            self.dropped.extend(dropped)
            if self.error is None:
                self.error = (
                    failure
                    if isinstance(failure, ArchiveError)
                    else ArchiveError(f"cannot write {location}: {failure}")
                )
            log.error("%s; %d pages of that part are fetched again next run", failure, len(dropped))

    def released(self) -> list[FetchRecord]:
        """The held rows whose part is now stored (each handed out once)."""
        self.collect()
        ready, self._ready = self._ready, []
        return ready

    def flush(self) -> None:
        """Close the current part and wait for every upload (when the crawl is idle: its
        rows are written, or its failure known, before the crawl decides it finished)."""
        self.close()
        for upload in list(self._uploads.values()):
            upload.exception()
        self.collect()

    def finish(self) -> None:
        """Upload the last part, wait for every upload and remove the temporary files.
        After a failure, rows still held are dropped and ``error`` says why."""
        try:
            self.close()
            self._pool.shutdown(wait=True)
            self.collect()
            for location in list(self._held):  # only after a failure
                self.dropped.extend(self._held.pop(location))
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)
            with contextlib.suppress(OSError):  # the shared tmp folder, when unused
                self.tmp.parent.rmdir()


def open_writer(
    store: ArchiveStore,
    source: str,
    run_id: int,
    *,
    tmp_root: Path,
    roll_bytes: int,
    part_bytes: int = DEFAULT_PART_BYTES,
    part_seconds: float = DEFAULT_PART_SECONDS,
    software: str = "newsflow",
) -> RollingWarcWriter:
    """The writer for ``store``: files in place for a folder, uploaded parts for a bucket."""
    if store.remote:
        return StoredWarcWriter(
            store,
            source,
            run_id,
            tmp_root=tmp_root,
            part_bytes=part_bytes,
            part_seconds=part_seconds,
            software=software,
        )
    assert isinstance(store, LocalStore)
    return RollingWarcWriter(store.root, source, run_id, roll_bytes=roll_bytes, software=software)
