"""``newsflow archive``: the raw page archive (moving it into object storage)."""

from __future__ import annotations

import json
import sys

import click

from pipeline.cli.context import CliContext, pass_cli


@click.group()
def archive() -> None:
    """Manage the raw page archive (WARC files)."""


@archive.command()
@click.option(
    "--to",
    "to_url",
    required=True,
    metavar="URL",
    help="The store to copy into: s3://bucket/prefix (endpoint and credentials from "
    "AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION).",
)
@click.option(
    "--delete-local",
    is_flag=True,
    help="Remove each local file once its pages point at the store.",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON object with the summary on stdout."
)
@pass_cli
def copy(ctx: CliContext, to_url: str, delete_local: bool, as_json: bool) -> None:
    """Copy the local archive into a store and point the pages at it.

    Every WARC file of the local archive (NEWSFLOW_ARCHIVE_URL when it is a folder,
    else $NEWSFLOW_HOME/archive) is uploaded, its size in the store checked, and then,
    in one transaction per file, the pages archived in it are rewritten to the store's
    location: a reader never sees a location whose bytes are missing. Running it again
    resumes an interrupted copy and skips what is done. Set NEWSFLOW_ARCHIVE_URL to the
    same URL afterwards, so new pages go there too. Run it while no crawl is running.

    Exits 0 when every file was copied, 1 when some could not be (named on stderr).
    """
    from pipeline.archive_copy import copy_archive

    ctx.database()
    summary = copy_archive(
        ctx.settings,
        to_url,
        delete_local=delete_local,
        progress=lambda message: click.echo(f"newsflow: {message}", err=True),
    )
    for line in summary.failed:
        click.echo(f"newsflow: error: {line}", err=True)
    if as_json:
        click.echo(json.dumps(summary.as_dict()))
    else:
        click.echo(
            f"copied {summary.uploaded} of {summary.files} files to {summary.target} "
            f"({summary.already_there} already there), {summary.rows_rewritten} pages "
            f"now point at the store"
            + (f", {summary.deleted_local} local files removed" if delete_local else "")
        )
    if summary.failed:
        sys.exit(1)
