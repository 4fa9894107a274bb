"""Options shared by several commands."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


class DateParam(click.ParamType[date, str | date]):
    """A calendar date written YYYY-MM-DD."""

    name = "DATE"

    def convert(
        self, value: str | date, param: click.Parameter | None, ctx: click.Context | None
    ) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not a date in the form YYYY-MM-DD", param, ctx)


DATE = DateParam()

sources_option = click.option(
    "--sources",
    "sources_file",
    type=click.Path(dir_okay=False),
    help="Sources file (YAML): a path or an s3://bucket/key URL. Default: $NEWSFLOW_SOURCES, "
    "else ./sources.yaml.",
)
source_option = click.option(
    "--source",
    "source_names",
    multiple=True,
    metavar="NAME",
    help="Only this source (repeatable). Default: every source in the file.",
)
since_option = click.option("--since", type=DATE, help="First publication day to take (inclusive).")
until_option = click.option("--until", type=DATE, help="Last publication day to take (inclusive).")
max_pages_option = click.option(
    "--max-pages", type=click.IntRange(min=1), help="At most this many pages per source."
)


def crawl_options(command: F) -> F:
    """--sources, --source, --since, --until and --max-pages: what to crawl, in one go."""
    for option in (max_pages_option, until_option, since_option, source_option, sources_option):
        command = option(command)
    return command
