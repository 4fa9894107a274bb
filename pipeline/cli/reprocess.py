"""``newsflow reprocess``: extract archived pages again and reload them, no network."""

from __future__ import annotations

from datetime import date

import click
from rich.console import Console

from pipeline.cli.context import CliContext, pass_cli
from pipeline.cli.options import since_option, until_option
from pipeline.cli.run import show_run_result
from pipeline.reprocess import reprocess as reprocess_step
from pipeline.window import Window


@click.command()
@click.option(
    "--extractor-version-below",
    "version_below",
    metavar="VERSION",
    help="Only articles extracted by a version older than this (e.g. 2026.3.1). "
    "Default: every archived article.",
)
@since_option
@until_option
@click.option(
    "--source",
    "source_names",
    multiple=True,
    metavar="NAME",
    help="Only articles of this source (repeatable). Default: every source.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print exactly one JSON object on stdout, with the keys of `newsflow run --json`.",
)
@pass_cli
def reprocess(
    ctx: CliContext,
    version_below: str | None,
    since: date | None,
    until: date | None,
    source_names: tuple[str, ...],
    as_json: bool,
) -> None:
    """Extract the archived pages of loaded articles again and reload them.

    No request goes to any site: the pages come from the WARC archive
    ($NEWSFLOW_ARCHIVE_URL: a folder, by default $NEWSFLOW_HOME/archive, or an S3
    bucket), so this runs on any machine that reads the archive and the database.
    --since/--until choose articles by publication day; --source names
    the sources as stored in the database. The results go through the usual dedup and
    load, so a changed body becomes a new version (articles_updated). It is the step of
    the Airflow DAG newsflow_reprocess, recorded as a run with trigger `reprocess`.
    Exits 0 when the run succeeded, 1 when a source failed.
    """
    window = Window(since, until)
    console = Console(stderr=True)
    ctx.database()
    with console.status("choosing the articles to re-extract") as status:
        report = reprocess_step(
            ctx.settings,
            extractor_version_below=version_below,
            window=window,
            source_names=source_names,
            progress=lambda message: status.update(message),
        )
    if not report["sources"]:
        click.echo("newsflow: no archived article matched; nothing was re-extracted", err=True)
    show_run_result(report, as_json)
