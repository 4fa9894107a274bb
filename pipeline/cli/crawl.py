"""``newsflow crawl``: crawl the chosen sources into the archive and crawl state."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import date
from typing import Any, Protocol

import click
from rich.console import Console
from rich.table import Table

from pipeline import runs
from pipeline.cli.context import CliContext, pass_cli
from pipeline.cli.options import crawl_options
from pipeline.cli.output import stdout_console, waiting_notice
from pipeline.db import connect
from pipeline.errors import ConfigError, HostBusyError, first_line
from pipeline.host_lock import crawl_in_turn, holder_name, host_locks
from pipeline.sources import Source
from pipeline.window import Window

COLUMNS = (
    "discovered",
    "skipped_unchanged",
    "skipped_by_date",
    "skipped_failed_recently",
    "skipped_by_robots",
    "fetched",
    "not_modified",
    "failed",
    "blocked",
    "discovery_failed",
    "discovery_skipped_failed_recently",
    "discovery_not_modified",
    "discovery_unchanged",
)


class CrawledSource(Protocol):
    """What this command reads of a ``crawlers.result.CrawlResult`` (crawlers/ is
    imported inside the function that crawls, so other commands never load Scrapy)."""

    @property
    def source(self) -> str: ...

    @property
    def failed_by_reason(self) -> dict[str, int]: ...

    def source_error(self) -> str | None: ...

    def run_counts(self) -> runs.RunCounts: ...

    def as_dict(self) -> dict[str, Any]: ...


@click.command()
@crawl_options
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON object with the run id and each source's result on stdout.",
)
@pass_cli
def crawl(
    ctx: CliContext,
    sources_file: str | None,
    source_names: tuple[str, ...],
    since: date | None,
    until: date | None,
    max_pages: int | None,
    as_json: bool,
) -> None:
    """Crawl the chosen sources: discover, fetch politely, archive, remember.

    Pages whose sitemap/feed date is outside --since/--until are not downloaded;
    pages unchanged since the last crawl are not downloaded again, and pages whose
    last fetch failed wait $NEWSFLOW_RETRY_FAILED_HOURS (doubled per further failure)
    before they are tried again, section pages followed for their links too. URLs that
    robots.txt disallowed are not queued again until the host's robots.txt changes.
    Sitemaps, feeds and section pages are asked conditionally (If-None-Match /
    If-Modified-Since); one answered 304 or downloaded with the same body is not read
    again, and a child sitemap whose lastmod in its index is unchanged is not asked.
    Fetched pages wait in the archive for `newsflow run` (or the DAG) to extract them.

    A source whose host another crawl (a run, a crawl, an Airflow task, on any machine)
    is crawling waits for it, saying so on stderr, while the others are crawled; after
    $NEWSFLOW_HOST_LOCK_WAIT seconds (default 3600) it gives up (--json: "host_busy").
    Exits 0 when every source was crawled (page failures are counted, not fatal), 1
    when a crawl failed, a source could read none of its sitemaps and feeds or gave up
    waiting for its host, 3 when every source gave up waiting (one error line).
    """
    from pipeline.store_probe import check_archive

    window = Window(since, until)
    chosen = _web_sources(ctx.sources(sources_file, source_names))
    check_archive(ctx.settings)
    url = ctx.database()
    with connect(url) as conn:
        run_id = runs.create_run(
            conn,
            sources=[s.name for s in chosen],
            since=window.since,
            until=window.until,
            trigger="cli",
        )
        for source in chosen:
            runs.start_source(conn, run_id, source.name)
    try:
        results, busy = _crawl_each(ctx, url, run_id, chosen, window, max_pages)
    except BaseException as exc:
        with connect(url) as conn:
            runs.finish_run(conn, run_id, error=f"interrupted: {type(exc).__name__}")
        raise
    with connect(url) as conn:
        status = runs.finish_run(conn, run_id)
    if busy and not results:
        raise next(iter(busy.values()))
    if as_json:
        click.echo(
            json.dumps(
                {
                    "run_id": run_id,
                    "status": status,
                    "sources": [r.as_dict() for r in results],
                    "host_busy": {name: first_line(error) for name, error in busy.items()},
                }
            )
        )
    else:
        _print_summary(run_id, status, results)
        for name, error in busy.items():
            click.echo(f"newsflow: {name}: {first_line(error)}", err=True)
    if busy or any(r.source_error() for r in results):
        sys.exit(1)


def _web_sources(sources: Sequence[Source]) -> list[Source]:
    """The sources crawled on the web; a backfill source (``warc:``) is left out with a
    note, since its pages come from its files (``newsflow run`` or ``import-warc``)."""
    for source in sources:
        if source.warc:
            click.echo(
                f"newsflow: {source.name} reads WARC files, not the web: it is left out; "
                "newsflow run or newsflow import-warc loads it",
                err=True,
            )
    web = [s for s in sources if not s.warc]
    if not web:
        raise ConfigError("no source to crawl on the web: every chosen source has warc: files")
    return web


def _crawl_each(
    ctx: CliContext,
    url: str,
    run_id: int,
    chosen: Sequence[Source],
    window: Window,
    max_pages: int | None,
) -> tuple[list[CrawledSource], dict[str, HostBusyError]]:
    """Crawl the sources one by one in one crawler process, each with its hosts locked
    (``pipeline.host_lock``: the sources whose hosts are free first, then the others as
    their hosts free up), recording each one's counts and end in the run as soon as
    its crawl ends. The results in the sources' order, and the sources that gave up
    waiting for their hosts."""
    from crawlers.run import crawl_sources

    results: list[CrawledSource] = []
    busy: dict[str, HostBusyError] = {}
    console = Console(stderr=True)
    with (
        console.status(f"crawling {chosen[0].name}") as status,
        host_locks(
            url,
            holder=holder_name("crawl", run_id),
            wait_s=ctx.settings.host_lock_wait_s,
            waiting=lambda message: waiting_notice(console, status, message),
        ) as locks,
    ):

        def started(name: str) -> None:
            status.update(f"crawling {name}")

        def crawled(result: CrawledSource) -> None:
            with connect(url) as conn:
                runs.record_crawl(
                    conn, run_id, result.source, result.run_counts(), result.as_dict()
                )
            with connect(url) as conn:
                runs.finish_source(conn, run_id, result.source, error=result.source_error())
            locks.release(result.source)

        def crawl(batch: list[Source]) -> None:
            results.extend(
                crawl_sources(
                    ctx.settings,
                    batch,
                    run_id=run_id,
                    database_url=url,
                    window=window,
                    max_pages=max_pages,
                    started=started,
                    crawled=crawled,
                )
            )

        def gave_up(source: Source, error: HostBusyError) -> None:
            with connect(url) as conn:
                runs.finish_source(conn, run_id, source.name, error=first_line(error))
            busy[source.name] = error

        crawl_in_turn(locks, chosen, crawl, gave_up)
    order = [s.name for s in chosen]
    return sorted(results, key=lambda r: order.index(r.source)), busy


def _print_summary(run_id: int, status: str, results: Sequence[CrawledSource]) -> None:
    console = stdout_console()
    console.print(f"crawl run {run_id}: [bold]{status}[/bold]")
    table = Table("source", *(c.replace("_", " ") for c in COLUMNS), "failed by reason", "error")
    for result in results:
        reasons = ", ".join(f"{k} {v}" for k, v in result.failed_by_reason.items()) or "-"
        table.add_row(
            result.source,
            *(str(getattr(result, c)) for c in COLUMNS),
            reasons,
            result.source_error() or "",
        )
    console.print(table)
