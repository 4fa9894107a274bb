"""Moving an existing local archive into a store (``newsflow archive copy --to URL``).

Each WARC file of the local archive folder is put into the target store whole, its
size there checked against the file's, and only then, in one transaction per file,
``crawl_state`` rows that point at the file's relative key are rewritten to the
object's location. A reader therefore never meets a location whose bytes are not in
the store: until the transaction commits, rows name the local file; after it, the
object, which is complete.

Copying again is safe and cheap: a file whose object is already there with the same
size is not sent again, and rows already rewritten are not touched, so an interrupted
copy resumes where it stopped and a finished one does nothing. With ``delete_local``
a file is removed from the folder once its rows point at the store.

Run it while no crawl is writing the archive (between scheduled runs): a file still
being written would be copied half-way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from pipeline.config import Settings
from pipeline.db import connect, prepare_database
from pipeline.errors import ArchiveError, ConfigError
from pipeline.store import ArchiveStore, LocalStore, open_store
from pipeline.store_probe import probe_store

log = logging.getLogger(__name__)

WARC_SUFFIXES = (".warc.gz", ".warc")

_REWRITE = """
UPDATE warehouse.crawl_state SET warc_path = %(location)s WHERE warc_path = %(key)s
"""


@dataclass(slots=True)
class CopySummary:
    """What one ``copy_archive`` did (``--json`` prints it)."""

    target: str
    files: int = 0
    uploaded: int = 0
    """Files put into the store by this copy."""
    already_there: int = 0
    """Files whose object was in the store already with the same size (not sent)."""
    bytes_uploaded: int = 0
    rows_rewritten: int = 0
    deleted_local: int = 0
    failed: list[str] = field(default_factory=list)
    """One line per file that could not be copied (the others went on)."""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def local_archive(settings: Settings) -> LocalStore:
    """The local archive folder: ``NEWSFLOW_ARCHIVE_URL`` when it is a folder, else
    ``$NEWSFLOW_HOME/archive``."""
    store = settings.archive_store()
    return store if isinstance(store, LocalStore) else LocalStore(settings.archive_dir)


def warc_files(root: Path) -> Iterator[tuple[Path, str]]:
    """(file, relative key) of every WARC file under ``root``, in key order."""
    if not root.is_dir():
        return
    found = (
        path
        for path in root.rglob("*")
        if path.is_file() and path.name.endswith(WARC_SUFFIXES) and not path.name.startswith(".")
    )
    for path in sorted(found, key=lambda p: p.relative_to(root).as_posix()):
        yield path, path.relative_to(root).as_posix()


def copy_archive(
    settings: Settings,
    to_url: str,
    *,
    source: LocalStore | None = None,
    delete_local: bool = False,
    progress: Callable[[str], None] = lambda _: None,
) -> CopySummary:
    """Copy every WARC file of ``source`` (default: ``local_archive``) into the store
    ``to_url`` and point its ``crawl_state`` rows there; see the module docstring."""
    source = source or local_archive(settings)
    target = open_store(to_url, settings.archive_dir, settings.storage_env)
    if not target.remote:
        raise ConfigError(f"--to {to_url}: give the store as s3://bucket/prefix")
    probe_store(target, settings.storage_env)
    summary = CopySummary(target=target.display_url)
    files = list(warc_files(source.root))
    summary.files = len(files)
    with connect(prepare_database(settings)) as conn:
        for number, (path, key) in enumerate(files, 1):
            try:
                _copy_one(conn, target, path, key, summary, delete_local=delete_local)
            except ArchiveError as exc:
                log.info("not copied: %s", exc)  # the command prints ``failed``
                summary.failed.append(str(exc))
            progress(
                f"{number}/{len(files)} files, {summary.uploaded} uploaded "
                f"({summary.bytes_uploaded / 1e6:,.1f} MB), {summary.rows_rewritten} rows"
            )
    return summary


def _copy_one(
    conn: psycopg.Connection,
    target: ArchiveStore,
    path: Path,
    key: str,
    summary: CopySummary,
    *,
    delete_local: bool,
) -> None:
    """Put one file (unless already there), check its size, rewrite its rows."""
    size = path.stat().st_size
    location = target.location(key)
    if target.size(location) == size:
        summary.already_there += 1
    else:
        target.put_file(path, key)
        stored = target.size(location)
        if stored != size:
            raise ArchiveError(
                f"{location} holds {stored} bytes after the upload, not {size}; run the copy again"
            )
        summary.uploaded += 1
        summary.bytes_uploaded += size
    with conn.transaction():
        summary.rows_rewritten += conn.execute(
            _REWRITE, {"location": location, "key": key}
        ).rowcount
    if delete_local:
        path.unlink()
        summary.deleted_local += 1
