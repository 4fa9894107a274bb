"""Where a source's extraction results wait for its load: the run's hand-off file.

With the archive in a folder (the default) the file is
``$NEWSFLOW_HOME/runs/<run>/<source>/extracted.jsonl.gz``, as always. With a remote
archive it is the object ``runs/<run>/<source>/extracted.jsonl.gz`` of the store, so
the load can run on another machine: the results are written to a temporary file
under ``$NEWSFLOW_HOME/tmp``, put into the store once complete (durable when the put
returns, so a load never sees half a file) and the temporary file removed; the load
streams the object. Either way nothing of a task is left under ``NEWSFLOW_HOME`` but
the local hand-off file of a folder archive.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.config import Settings
from pipeline.errors import ArchiveError
from pipeline.records import ExtractionResult
from pipeline.results_file import read_results, write_results

RESULTS_NAME = "extracted.jsonl.gz"


def results_key(run_id: int, source: str) -> str:
    """The store key of a source's results in run ``run_id``."""
    return f"runs/{run_id}/{source}/{RESULTS_NAME}"


def results_location(settings: Settings, run_id: int, source: str) -> str:
    """Where ``extract_source`` puts the source's results: a local path, or the
    object's ``s3://`` URL with a remote archive."""
    store = settings.archive_store()
    if store.remote:
        return store.location(results_key(run_id, source))
    return str(settings.runs_dir / str(run_id) / source / RESULTS_NAME)


@contextmanager
def scratch_dir(settings: Settings) -> Iterator[Path]:
    """A fresh temporary directory under ``settings.tmp_dir``, removed afterwards
    (and ``tmp_dir`` with it when nothing else uses it)."""
    try:
        settings.tmp_dir.mkdir(parents=True, exist_ok=True)
        path = Path(tempfile.mkdtemp(prefix="task-", dir=settings.tmp_dir))
    except OSError as exc:
        raise ArchiveError(
            f"cannot create a temporary directory under {settings.tmp_dir}: "
            f"{exc.strerror or exc}; check NEWSFLOW_HOME and its permissions"
        ) from None
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
        with contextlib.suppress(OSError):  # another task's files are still there
            settings.tmp_dir.rmdir()


def store_results(
    settings: Settings, run_id: int, source: str, results: Iterable[ExtractionResult]
) -> tuple[str, int]:
    """Write ``results`` as the source's hand-off file; (its location, how many)."""
    store = settings.archive_store()
    if not store.remote:
        path = Path(results_location(settings, run_id, source))
        return str(path), write_results(path, results)
    with scratch_dir(settings) as tmp:
        local = tmp / RESULTS_NAME
        count = write_results(local, results)
        return store.put_file(local, results_key(run_id, source)), count


@contextmanager
def stored_results(
    settings: Settings, run_id: int, source: str
) -> Iterator[Iterator[ExtractionResult] | None]:
    """The source's results from its hand-off file, or None when extraction left none."""
    store = settings.archive_store()
    location = results_location(settings, run_id, source)
    if not store.remote:
        yield read_results(Path(location)) if Path(location).exists() else None
        return
    if not store.exists(location):
        yield None
        return
    with store.open_reader(location) as stream:
        yield read_results(stream)
