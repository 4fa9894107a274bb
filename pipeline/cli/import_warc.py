"""``newsflow import-warc``: load history from WARC files (CC-NEWS, other crawlers)."""

from __future__ import annotations

import json
import re
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from pipeline.cli.context import CliContext, pass_cli
from pipeline.cli.options import since_option, sources_option, until_option
from pipeline.cli.output import stdout_console
from pipeline.cli.run import JSON_FIELDS
from pipeline.run_plan import sources_location
from pipeline.sources import NAME_PATTERN, Source, load_sources
from pipeline.window import Window

READ_FIELDS = (
    "records",
    "responses",
    "not_html",
    "corrupt",
    "bad_url",
    "other_host",
    "denied",
    "outside_window",
    "already_stored",
    "kept",
    "files_read",
)
"""What reading the inputs met, in the order ``--json`` and the table give it."""


def _source(
    ctx: CliContext, sources_file: str | None, name: str
) -> tuple[Source, Path | str | None]:
    """The sources file's source ``name`` and that file when the file defines it (its
    allow/deny and language settings apply), else a new source of that name for this
    import alone and None."""
    if not NAME_PATTERN.match(name):
        raise click.BadParameter(f"must match [a-z0-9_-]+, got {name!r}", param_hint="--source")
    path = sources_location(sources_file or ctx.settings.sources_path)
    if not sources_file and isinstance(path, Path) and not path.exists():  # a new source
        return Source(name=name), None
    known = {s.name: s for s in load_sources(path, ctx.settings.storage_env)}
    if name in known:
        return known[name], path
    return Source(name=name), None


def _host(value: str | None) -> str | None:
    if value is not None:
        try:
            re.compile(value)
        except re.error as exc:
            raise click.BadParameter(
                f"invalid regex {value!r}: {exc}", param_hint="--host"
            ) from None
    return value


@click.command("import-warc")
@click.argument("inputs", nargs=-1, required=True, metavar="FILE_OR_URL...")
@click.option(
    "--source",
    "source_name",
    required=True,
    metavar="NAME",
    help="Source the pages are loaded as: a source of the sources file (its allow/deny "
    "then filter the pages too), or a new name for this import alone.",
)
@sources_option
@since_option
@until_option
@click.option(
    "--host",
    metavar="REGEX",
    help="Only pages whose host name matches this regex (searched, case-insensitive), "
    "e.g. '(^|\\.)example\\.com$'.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print exactly one JSON object on stdout: the run's counts (the keys of "
    "newsflow run --json), what reading the inputs met, and the inputs that failed.",
)
@pass_cli
def import_warc(
    ctx: CliContext,
    inputs: tuple[str, ...],
    source_name: str,
    sources_file: str | None,
    since: date | None,
    until: date | None,
    host: str | None,
    as_json: bool,
) -> None:
    """Load archived pages from WARC files through extract, dedup and load.

    FILE_OR_URL is a .warc or .warc.gz file (WARC 1.0 or 1.1, gzip per record as in
    CC-NEWS), a glob ('cc-news/*.warc.gz') or an http(s) URL, read record by record as
    it arrives. Only 200 'response' records with an HTML content type are used; pages
    are filtered by --host and by day (the date in the URL, else WARC-Date) before
    extraction. Importing the same file again adds nothing, and an article already
    loaded by a crawl is matched by URL and content. A damaged record is skipped and
    counted; an input that is not WARC is one error line and the others go on.

    Exits 0 when the import succeeded; 1 when an input could not be read or nothing
    was kept; 2 for bad usage; 3 when the database is unreachable.
    """
    from pipeline.warc_backfill import import_warc as run_import

    source, defined_in = _source(ctx, sources_file, source_name)
    host = _host(host)
    window = Window(since, until)
    console = Console(stderr=True)
    ctx.database()
    with console.status("starting") as status:

        def progress(message: str) -> None:
            status.update(message)
            if not console.is_terminal:  # a log (cron, a pipe): one line per report
                click.echo(f"newsflow: {message}", err=True)

        report = run_import(
            ctx.settings,
            source,
            inputs,
            sources_file=defined_in,
            host=host,
            window=window,
            progress=progress,
        )
    data = report["sources"].get(source.name) or {}
    crawl = data.get("crawl") or {}
    failed = list(crawl.get("failed_documents") or [])
    for line in failed:
        click.echo(f"newsflow: error: {line}", err=True)
    if as_json:
        click.echo(json.dumps(_json(report, source.name, crawl, failed)))
    else:
        _print(report, source.name, crawl)
    if report["status"] != "success" or failed:
        sys.exit(1)


def _json(
    report: dict[str, Any], name: str, crawl: dict[str, Any], failed: list[str]
) -> dict[str, Any]:
    data = report["sources"].get(name) or {}
    return {
        "run_id": report["run_id"],
        **{k: report["counts"][k] for k in JSON_FIELDS},
        "status": report["status"],
        "source": name,
        "error": data.get("error"),
        "records": {k: crawl.get(k, 0) for k in READ_FIELDS},
        "failed_inputs": failed,
    }


def _print(report: dict[str, Any], name: str, crawl: dict[str, Any]) -> None:
    console = stdout_console()
    console.print(f"run {report['run_id']} (import into {name}): [bold]{report['status']}[/bold]")
    reading = Table(*READ_FIELDS)
    reading.add_row(*(str(crawl.get(k, 0)) for k in READ_FIELDS))
    console.print(reading)
    loading = Table(*JSON_FIELDS)
    loading.add_row(*(str(report["counts"][k]) for k in JSON_FIELDS))
    console.print(loading)
    error = (report["sources"].get(name) or {}).get("error")
    if error:
        console.print(f"{name}: {error}")
