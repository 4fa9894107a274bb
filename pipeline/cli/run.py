"""``newsflow run``: the whole pipeline for the chosen sources, in one command."""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from pipeline.cli.context import CliContext, pass_cli
from pipeline.cli.options import crawl_options
from pipeline.cli.output import stdout_console, waiting_notice
from pipeline.local_run import run_pipeline
from pipeline.runs import COUNTERS
from pipeline.window import Window

JSON_FIELDS = tuple(c for c in COUNTERS if c not in ("pages_discovered", "held_by_date"))
"""The run counters ``--json`` prints: all but pages_discovered and held_by_date, in order."""


@click.command()
@crawl_options
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print exactly one JSON object on stdout: the run's counts and each source's result.",
)
@pass_cli
def run(
    ctx: CliContext,
    sources_file: str | None,
    source_names: tuple[str, ...],
    since: date | None,
    until: date | None,
    max_pages: int | None,
    as_json: bool,
) -> None:
    """Crawl, extract, deduplicate, load and check the chosen sources.

    Uses the same steps as the Airflow DAG. A source whose host another crawl is
    crawling waits for it (saying so on stderr) while the others go on, for at most
    $NEWSFLOW_HOST_LOCK_WAIT seconds; then that source fails. Exits 0 when the run
    succeeded, even if some pages failed; 1 when a source failed or the run itself
    failed; 3 when every source gave up waiting for its host.
    """
    window = Window(since, until)
    console = Console(stderr=True)
    ctx.database()
    with console.status("starting") as status:
        report = run_pipeline(
            ctx.settings,
            sources_file=sources_file,
            source_names=source_names,
            window=window,
            max_pages=max_pages,
            trigger="cli",
            progress=lambda message: status.update(message),
            waiting=lambda message: waiting_notice(console, status, message),
        )
    show_run_result(report, as_json)


def show_run_result(report: dict[str, Any], as_json: bool) -> None:
    """Print a run report (``--json``: ``run_json``, else the tables) and exit 1 unless
    the run succeeded; ``newsflow run`` and ``newsflow reprocess`` end with it."""
    if as_json:
        click.echo(json.dumps(run_json(report)))
    else:
        print_run_report(report)
    if report["status"] != "success":
        sys.exit(1)


def run_json(report: dict[str, Any]) -> dict[str, Any]:
    """What ``--json`` prints of a run report (``newsflow reprocess --json`` too)."""
    return {
        "run_id": report["run_id"],
        **{k: report["counts"][k] for k in JSON_FIELDS},
        "status": report["status"],
        "sources": {name: _source_json(data) for name, data in report["sources"].items()},
    }


def _source_json(data: dict[str, Any]) -> dict[str, Any]:
    """One source of ``--json``: its status, error, counters and the discovery documents
    (sitemaps, feeds, start pages) that could not be read."""
    return {
        "status": data["status"],
        "error": data["error"],
        **{k: data[k] for k in JSON_FIELDS},
        "failed_documents": (data.get("crawl") or {}).get("failed_documents") or [],
    }


def print_run_report(report: dict[str, Any]) -> None:
    """A run report as a table on stdout (``newsflow reprocess`` prints its own so)."""
    console = stdout_console()
    console.print(f"run {report['run_id']}: [bold]{report['status']}[/bold]")
    table = Table("source", "status", *COUNTERS[1:], "error")
    for name, data in report["sources"].items():
        table.add_row(
            name, data["status"], *(str(data[c]) for c in COUNTERS[1:]), data["error"] or ""
        )
    console.print(table)
    for name, data in report["sources"].items():
        failed = (data.get("crawl") or {}).get("failed_documents") or []
        if failed and data["status"] != "failed":  # a failed source names them in its error
            console.print(f"{name}: discovery documents that failed: {'; '.join(failed)}")
