"""The crawl step of a WARC source: archived pages instead of fetched ones.

Each HTML response that passes the ``Selection`` is copied into newsflow's own archive
(``crawlers.warc_parts.open_writer``: files under ``<source>/<run_id>/`` of the archive
store, in place in a folder, uploaded in parts to a bucket; a record that was its own
gzip member in the input, as in CC-NEWS, is copied as that member, byte for byte,
else the page is written as the crawler writes one) and
recorded in ``warehouse.crawl_state`` like a page the crawler fetched: outcome
``fetched`` at its ``WARC-Date``, its archive location, ``pending_extract``. From there
on it is an ordinary page: ``extract_source``, ``load_source`` and ``link_source`` take
it (the same extract → load → link path as a live crawl) and re-processing (``pipeline.reprocess``)
re-extracts it with no network. Copying (rather than pointing at the input file) keeps that promise
for inputs read over HTTP and for files that are moved or deleted after the import.

A page whose canonical URL is already stored from a capture at the same time or later
(an earlier import of the same file, or a live crawl after the capture) is not copied
again (``already_stored``): importing a file twice adds nothing, and history never
replaces a newer page. A newer capture of a stored URL goes through extraction and the
loader matches it by URL and content, as it does a live re-crawl.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from crawlers.canonical import canonical_url, host_of
from crawlers.state import CrawlStateStore, FetchRecord
from crawlers.warc import DEFAULT_ROLL_BYTES, Exchange, RollingWarcWriter
from crawlers.warc_inputs import expand_inputs, open_input
from crawlers.warc_parts import StoredWarcWriter, open_writer
from crawlers.warc_read import ArchivedResponse, ReadCounts, iter_responses
from crawlers.warc_select import Selection
from pipeline.errors import ArchiveError
from pipeline.store import ArchiveStore

log = logging.getLogger(__name__)

BATCH = 200
"""Kept pages looked up in ``crawl_state`` and committed together."""
PROGRESS_EVERY_S = 5.0
"""Seconds between progress reports while reading (and a last one at the end)."""


@dataclass(slots=True)
class ImportStats:
    """What an import read and kept (``crawl_run_sources.crawl_stats`` of the source)."""

    read: ReadCounts = field(default_factory=ReadCounts)
    files_read: int = 0
    failed_documents: list[str] = field(default_factory=list)
    """One line per input that could not be read at all (missing, not WARC, HTTP error)."""
    bad_url: int = 0
    other_host: int = 0
    denied: int = 0
    outside_window: int = 0
    already_stored: int = 0
    kept: int = 0
    """Pages copied into the archive and waiting for extraction."""

    def failure(self, source: str) -> str | None:
        """Why the import of ``source`` failed: no input could be read, or no page was
        kept nor found stored before (a run that collected nothing is no success)."""
        if self.files_read == 0:
            return f"no WARC input of {source} could be read: {'; '.join(self.failed_documents)}"
        if self.kept or self.already_stored:
            return None
        return (
            f"no page of the WARC input of {source} was kept: {self.read.records} records, "
            f"{self.read.responses} responses, {self.read.not_html} not HTML or not 200, "
            f"{self.other_host} on other hosts, {self.denied} denied by allow/deny, "
            f"{self.outside_window} outside the date window, {self.read.corrupt} damaged; "
            "check --host, --since/--until and the inputs"
        )

    def as_dict(self) -> dict[str, object]:
        """The JSON form: the read counts flattened (``records``, ``corrupt``...)."""
        data = asdict(self)
        return {**data.pop("read"), **data, "fetched": self.kept}


@dataclass
class _Importer:
    """Copies kept responses into the archive and ``crawl_state``, ``BATCH`` at a time."""

    selection: Selection
    writer: RollingWarcWriter
    store: CrawlStateStore
    stats: ImportStats
    pending: dict[str, ArchivedResponse] = field(default_factory=dict)

    def offer(self, response: ArchivedResponse) -> None:
        try:
            url = canonical_url(response.url)
        except ValueError:
            self.stats.bad_url += 1
            return
        reason = self.selection.reason_to_skip(url, host_of(url), response.captured_at)
        if reason is not None:
            setattr(self.stats, reason, getattr(self.stats, reason) + 1)
            return
        earlier = self.pending.get(url)
        if earlier is not None:  # two captures in one batch: the later one stands
            self.stats.already_stored += 1
            if earlier.captured_at >= response.captured_at:
                return
        self.pending[url] = response
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        """Archive the pending pages not stored yet and commit their crawl state."""
        if not self.pending:
            return
        known = self.store.known(list(self.pending))
        for url, response in self.pending.items():
            stored = known.get(url)
            if stored and stored.last_fetched_at and stored.last_fetched_at >= response.captured_at:
                self.stats.already_stored += 1
                continue
            self._archive(url, response)
        self.pending.clear()
        self.release()

    def release(self) -> None:
        """Write the crawl state of the pages archived (with a remote archive: of the
        parts stored so far; ``crawlers.warc_parts``)."""
        if isinstance(self.writer, StoredWarcWriter):
            for record in self.writer.released():
                self.store.fetched(record)
        self.store.flush()

    def _archive(self, url: str, response: ArchivedResponse) -> None:
        if response.member is not None:  # as read: no second compression of the page
            location = self.writer.write_member(response.member)
        else:
            location = self.writer.write(
                Exchange(
                    url=response.url,
                    status=response.status,
                    headers=response.headers,
                    body=response.body,
                    fetched_at=response.captured_at,
                )
            )
        self.store.fetched(
            FetchRecord(
                url=url,
                outcome="fetched",
                fetched_at=response.captured_at,
                http_status=response.status,
                fetched_url=response.url,
                content_type=response.content_type,
                warc_path=location.path,
                warc_offset=location.offset,
                warc_length=location.length,
                pending_extract=True,
                attempted_at=response.captured_at,
            )
        )
        self.stats.kept += 1


def import_warc_files(
    inputs: Sequence[str],
    *,
    selection: Selection,
    archive: ArchiveStore,
    tmp_root: Path,
    store: CrawlStateStore,
    progress: Callable[[ImportStats], None] = lambda _: None,
    env: Mapping[str, str] | None = None,
) -> ImportStats:
    """Read every input (paths, globs, http(s) URLs, ``s3://`` URLs read with the AWS
    variables in ``env``) and keep the pages ``selection`` takes as pages of
    ``store``'s source and run waiting for extraction.

    An input that cannot be read is one line of ``failed_documents`` (logged at info
    level; the caller reports it); the other inputs go on. ``progress`` gets the counts
    every few seconds. The pages go to ``archive`` as the crawler's do
    (``crawlers.warc_parts.open_writer``; parts wait under ``tmp_root`` for their
    upload to a remote archive, whose failure raises ``ArchiveError`` naming the
    object after the crawl state of the parts stored before is written).
    """
    stats = ImportStats()
    writer = open_writer(
        archive,
        store.source,
        store.run_id,
        tmp_root=tmp_root,
        roll_bytes=DEFAULT_ROLL_BYTES,
        software="newsflow import-warc",
    )
    if isinstance(writer, StoredWarcWriter):
        store.gate = writer
    importer = _Importer(selection, writer, store, stats)
    reported = time.monotonic()
    try:
        for name in expand_inputs(inputs):
            try:
                with open_input(name, env=env) as stream:
                    for response in iter_responses(stream, name, stats.read):
                        importer.offer(response)
                        if time.monotonic() - reported >= PROGRESS_EVERY_S:
                            progress(stats)
                            reported = time.monotonic()
                stats.files_read += 1
            except (ArchiveError, OSError) as exc:
                if isinstance(writer, StoredWarcWriter) and writer.error is not None:
                    raise writer.error from None  # the archive failed, not the input
                # info: the command prints the one error line (failed_documents)
                log.info("skipping WARC input %s", exc)
                stats.failed_documents.append(str(exc))
            importer.flush()
    finally:
        _finish(writer, importer)
    progress(stats)
    return stats


def _finish(writer: RollingWarcWriter, importer: _Importer) -> None:
    """Close the last file (upload the last part) and write the rows it released;
    ``ArchiveError`` when an upload failed."""
    if not isinstance(writer, StoredWarcWriter):
        writer.close()
        return
    writer.finish()
    importer.release()
    if writer.error is not None:
        raise writer.error
