"""Backfilling history from WARC files: the crawl step of a ``warc:`` source, and the
run behind ``newsflow import-warc``.

A source with ``warc: [paths or URLs]`` in the sources file is crawled by reading those
files instead of fetching (``crawl_warc_source``, which ``pipeline.crawl_step`` calls),
so a backfill runs as a source of ``newsflow run`` or the Airflow DAG. ``import_warc``
is the same for inputs given on the command line, in a run of its own (trigger
``import``). Either way the pages go into the archive and ``warehouse.crawl_state``
(``crawlers.warc_import``) and from there through the ordinary extract → load → link
(dedup) steps.
"""

from __future__ import annotations

import contextlib
import logging
import posixpath
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from pipeline import runs, steps
from pipeline.config import Settings
from pipeline.db import connect, prepare_database
from pipeline.errors import ArchiveError, CrawlError
from pipeline.handoff import scratch_dir
from pipeline.run_plan import RunPlan
from pipeline.sources import Source, read_sources_text
from pipeline.steps import Progress, quiet
from pipeline.window import Window

log = logging.getLogger(__name__)


def crawl_warc_source(
    settings: Settings,
    plan: RunPlan,
    source: Source,
    *,
    host: str | None = None,
    progress: Progress = quiet,
) -> dict[str, Any]:
    """Import ``source.warc`` into the archive as pages of ``source`` waiting for
    extraction, keeping pages on hosts matching ``host`` (a regex), URLs the source's
    allow/deny take, and days of the plan's window; the import's summary.

    ``CrawlError`` when no input could be read, or no page was kept nor stored before.
    """
    from crawlers.state import CrawlStateStore
    from crawlers.warc_import import ImportStats, import_warc_files
    from crawlers.warc_select import Selection

    url = prepare_database(settings)
    with connect(url) as conn:
        runs.start_source(conn, plan.run_id, source.name)
    started = time.monotonic()

    def report(stats: ImportStats) -> None:
        rate = stats.read.records / max(time.monotonic() - started, 1e-6)
        progress(
            f"{source.name}: read {stats.read.records} records ({rate:,.0f}/s), "
            f"kept {stats.kept}, {stats.read.corrupt} damaged"
        )

    selection = Selection.of(host, source.allow, source.deny, plan.window)
    store = CrawlStateStore.connect(url, source=source.name, run_id=plan.run_id)
    try:
        stats = import_warc_files(
            [_beside(item, plan.sources_file) for item in source.warc],
            selection=selection,
            archive=settings.archive_store(),
            tmp_root=settings.tmp_dir,
            store=store,
            progress=report,
            env=settings.storage_env,
        )
    finally:
        store.close()
    summary = stats.as_dict()
    counts = runs.RunCounts(pages_discovered=stats.read.responses, pages_fetched=stats.kept)
    with connect(url) as conn:
        runs.record_crawl(conn, plan.run_id, source.name, counts, summary)
    failure = stats.failure(source.name)
    if failure:
        raise CrawlError(failure)
    return summary


def _beside(item: str, sources_file: Path | str) -> str:
    """A relative path of the sources file is relative to the file's directory (or, for
    a sources file in a bucket, its folder there)."""
    if "://" in item or Path(item).is_absolute():
        return item
    if isinstance(sources_file, str):
        return posixpath.join(posixpath.dirname(sources_file), item)
    return str(sources_file.parent / item)


def _one_source_file(folder: Path, source: Source) -> Path:
    """A sources file of ``source`` alone (name and WARC inputs) for the run's steps."""
    path = folder / "sources.yaml"
    entry = {"name": source.name, "warc": list(source.warc)}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump({"sources": [entry]}), encoding="utf-8")
    except OSError as exc:
        raise ArchiveError(
            f"cannot write {path}: {exc.strerror or exc}; check NEWSFLOW_HOME and its permissions"
        ) from None
    return path


def import_warc(
    settings: Settings,
    source: Source,
    inputs: Sequence[str],
    *,
    sources_file: Path | str | None = None,
    host: str | None = None,
    window: Window = Window(),
    progress: Progress = quiet,
) -> dict[str, Any]:
    """Import ``inputs`` as pages of ``source`` in a run of their own (trigger
    ``import``) and extract, deduplicate, load and check them; the run report.

    ``sources_file`` is the file that defines ``source`` (its language settings then
    apply to extraction); None for a source of this import alone, for which the later
    steps read a one-source file written under the run's folder of ``runs_dir`` (a
    temporary file, with a remote archive).

    The run is leased like ``newsflow run``'s: if this process is killed, the next run
    to start marks it failed. A store of ``NEWSFLOW_ARCHIVE_URL`` that cannot be written
    is a ``ConfigError`` before any input is read.
    """
    from pipeline.store_probe import check_archive

    check_archive(settings)
    absolute = (item if "://" in item else str(Path(item).absolute()) for item in inputs)
    source = replace(source, warc=tuple(absolute))
    url = prepare_database(settings)
    with connect(url) as conn:
        for abandoned in runs.close_abandoned_runs(conn):
            log.warning("run %s was abandoned by its process; marked failed", abandoned)
        run_id = runs.create_run(
            conn, sources=[source.name], since=window.since, until=window.until, trigger="import"
        )
    with contextlib.ExitStack() as scratch:
        if sources_file is None:  # a remote archive: nothing is left under NEWSFLOW_HOME
            remote = settings.archive_store().remote
            folder = scratch.enter_context(scratch_dir(settings)) if remote else None
            sources_file = _one_source_file(folder or settings.runs_dir / str(run_id), source)
        text = read_sources_text(sources_file, settings.storage_env)
    plan = RunPlan(run_id, (source.name,), sources_file, window, sources_text=text)
    return _import_run(settings, plan, source, url, host, progress)


def _import_run(
    settings: Settings,
    plan: RunPlan,
    source: Source,
    url: str,
    host: str | None,
    progress: Progress,
) -> dict[str, Any]:
    """``import_warc``'s run once recorded: leased, its chain run, then finished."""
    from pipeline.local_run import run_source_chain

    run_id = plan.run_id
    with connect(url) as lease:
        runs.lease_run(lease, run_id)
        progress(f"run {run_id}: importing {len(source.warc)} input(s) as {source.name}")
        try:
            run_source_chain(
                settings,
                plan,
                source.name,
                lambda: crawl_warc_source(settings, plan, source, host=host, progress=progress),
                progress,
            )
        except BaseException as exc:
            with connect(url) as conn:
                runs.finish_run(conn, run_id, error=f"interrupted: {type(exc).__name__}")
            raise
        return steps.finish_run(settings, plan)
