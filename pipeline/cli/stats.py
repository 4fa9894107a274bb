"""``newsflow stats``: what the warehouse holds, per source."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime

import click
import psycopg
from rich.table import Table

from pipeline.cli.context import CliContext, pass_cli
from pipeline.cli.output import stdout_console
from pipeline.db import connect
from pipeline.db.visibility import LINKED

_SOURCE_STATS = """
WITH articles AS (
    SELECT source,
           count(*) FILTER (WHERE duplicate_of IS NULL) AS articles,
           count(*) FILTER (WHERE duplicate_of IS NOT NULL) AS duplicates,
           avg((published_at IS NOT NULL)::int) FILTER (WHERE duplicate_of IS NULL) AS date_share,
           avg((cardinality(authors) > 0)::int) FILTER (WHERE duplicate_of IS NULL) AS author_share,
           avg((top_image_url IS NOT NULL)::int) FILTER (WHERE duplicate_of IS NULL) AS image_share,
           avg((section IS NOT NULL)::int) FILTER (WHERE duplicate_of IS NULL) AS section_share,
           avg((cardinality(tags) > 0)::int) FILTER (WHERE duplicate_of IS NULL) AS tags_share,
           avg((modified_at IS NOT NULL)::int)
               FILTER (WHERE duplicate_of IS NULL) AS modified_share,
           avg(truncated::int) FILTER (WHERE duplicate_of IS NULL) AS truncated_share
    FROM warehouse.articles a WHERE {linked} GROUP BY source
), last_run AS (
    SELECT DISTINCT ON (source) source, run_id, started_at, status
    FROM warehouse.crawl_run_sources ORDER BY source, started_at DESC, run_id DESC
), last_success AS (
    SELECT source, max(finished_at) AS finished_at
    FROM warehouse.crawl_run_sources WHERE status = 'success' GROUP BY source
)
SELECT source, COALESCE(a.articles, 0), COALESCE(a.duplicates, 0),
       r.run_id, r.started_at, r.status, s.finished_at,
       a.date_share::float8, a.author_share::float8, a.image_share::float8,
       a.section_share::float8, a.tags_share::float8, a.modified_share::float8,
       a.truncated_share::float8
FROM articles a
FULL JOIN last_run r USING (source)
LEFT JOIN last_success s USING (source)
ORDER BY source
""".format(linked=LINKED.format(alias="a"))


@dataclass(frozen=True, slots=True)
class SourceStats:
    """One source's line: originals, duplicates, its last run, and metadata coverage."""

    source: str
    articles: int
    """Original articles (duplicates not included)."""
    duplicates: int
    last_run_id: int | None
    last_run_at: datetime | None
    """When the source's part of its latest run started (UTC)."""
    last_run_status: str | None
    last_success_at: datetime | None
    """When the source's latest successful run finished (UTC)."""
    date_share: float | None
    """Share of original articles with a publication date (None: no articles)."""
    author_share: float | None
    image_share: float | None
    """Share of original articles with a top image (None: no articles)."""
    section_share: float | None
    tags_share: float | None
    """Share of original articles with at least one tag."""
    modified_share: float | None
    """Share of original articles that give a modification time."""
    truncated_share: float | None
    """Share of original articles whose body a paywall cut off (``truncated``)."""

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        for key in ("last_run_at", "last_success_at"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


def source_stats(conn: psycopg.Connection) -> list[SourceStats]:
    """Every source with articles or runs, by name."""
    return [SourceStats(*row) for row in conn.execute(_SOURCE_STATS)]


def _time(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "never"


def _share(value: float | None) -> str:
    return f"{value:.0%}" if value is not None else "-"


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per source.")
@pass_cli
def stats(ctx: CliContext, as_json: bool) -> None:
    """Per source: articles, duplicates, last run, last success, the share of articles
    with a date, an author, a top image, a section, tags and a modification time, and
    the share cut off by a paywall."""
    with connect(ctx.database()) as conn:
        lines = source_stats(conn)
    if as_json:
        for line in lines:
            click.echo(json.dumps(line.as_json()))
        return
    if not lines:
        click.echo("no articles and no runs yet: run `newsflow run` first")
        return
    table = Table(
        "source",
        "articles",
        "duplicates",
        "last run",
        "last success",
        "with date",
        "with author",
        "with image",
        "with section",
        "with tags",
        "with modified",
        "truncated",
    )
    for line in lines:
        last_run = (
            f"{_time(line.last_run_at)} (#{line.last_run_id}, {line.last_run_status})"
            if line.last_run_id
            else "never"
        )
        table.add_row(
            line.source,
            str(line.articles),
            str(line.duplicates),
            last_run,
            _time(line.last_success_at),
            _share(line.date_share),
            _share(line.author_share),
            _share(line.image_share),
            _share(line.section_share),
            _share(line.tags_share),
            _share(line.modified_share),
            _share(line.truncated_share),
        )
    stdout_console().print(table)
