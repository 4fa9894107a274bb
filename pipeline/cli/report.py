"""``newsflow report``: recent runs as one self-contained HTML page with plots."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import click

from pipeline.cli.context import CliContext, pass_cli
from pipeline.cli.options import DATE
from pipeline.cli.paths import OUTPUT_PATH, output_file, writing_to
from pipeline.db import connect, database_url, describe_url
from pipeline.report.data import DEFAULT_RUNS, ReportQuery, gather
from pipeline.report.render import render_html
from pipeline.window import Window


@click.command()
@click.option("--since", type=DATE, help="Only runs started on or after this day (UTC).")
@click.option("--until", type=DATE, help="Only runs started on or before this day (UTC).")
@click.option(
    "--source",
    "source_names",
    multiple=True,
    metavar="NAME",
    help="Only this source (repeatable); names as in the runs. Default: every source.",
)
@click.option(
    "--runs",
    type=click.IntRange(min=1),
    default=DEFAULT_RUNS,
    show_default=True,
    help="Plot at most this many of each source's latest runs.",
)
@click.option(
    "--out",
    required=True,
    type=OUTPUT_PATH,
    metavar="FILE",
    help="HTML file to write (its folder is created if missing; an existing file is replaced).",
)
@pass_cli
def report(
    ctx: CliContext,
    since: date | None,
    until: date | None,
    source_names: tuple[str, ...],
    runs: int,
    out: Path,
) -> None:
    """Write an HTML report of recent runs: the latest run, per-source plots (articles per
    day, yield, not-article and duplicate share, shares with a title/date/author, failures)
    with the quality thresholds drawn and breaches marked, and the sources that need
    attention, furthest off first.

    The file holds its scripts, styles and data, so it opens offline. It reads only the
    analytics views: a role made by `newsflow db grant-reader` can write it. The database
    is not migrated by this command.
    """
    query = ReportQuery(Window(since, until), tuple(dict.fromkeys(source_names)), runs)
    output_file(out)
    url = database_url(ctx.settings)
    click.echo(describe_url(ctx.settings, url), err=True)
    with connect(url) as conn:
        data = gather(conn, query, ctx.settings.quality, datetime.now(UTC))
    with writing_to(out):
        out.write_text(render_html(data), encoding="utf-8")
    click.echo(
        f"wrote the report of {len(data.runs)} source(s) to {out}"
        if data.runs
        else f"wrote an empty report to {out}: there are no runs to show",
        err=True,
    )
