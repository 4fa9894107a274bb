"""``newsflow export``: original articles as sample-format text files or one JSONL file."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click
import psycopg

from pipeline.cli.context import CliContext, pass_cli
from pipeline.cli.options import since_option, source_option, until_option
from pipeline.cli.paths import OUTPUT_PATH, output_dir, writing_to
from pipeline.db import connect
from pipeline.db.visibility import LINKED
from pipeline.records import ARTICLE_FIELDS, Article
from pipeline.sample_format import format_article

JSONL_NAME = "articles.jsonl"
FETCH_ROWS = 500

_ORIGINALS = """
SELECT a.article_id, {fields}, a.version, a.first_seen_at, a.updated_at,
       (SELECT count(*) FROM warehouse.articles d
        WHERE d.duplicate_of = a.article_id AND {linked_d})
FROM warehouse.articles a
WHERE a.duplicate_of IS NULL AND {linked_a}
  AND (%(sources)s::text[] IS NULL OR a.source = ANY(%(sources)s::text[]))
  AND (%(since)s::date IS NULL OR a.published_at >= %(since)s::date::timestamp AT TIME ZONE 'UTC')
  AND (%(until)s::date IS NULL
       OR a.published_at < (%(until)s::date + 1)::timestamp AT TIME ZONE 'UTC')
ORDER BY a.published_at NULLS LAST, a.url
""".format(
    fields=", ".join(f"a.{name}" for name in ARTICLE_FIELDS),
    linked_a=LINKED.format(alias="a"),
    linked_d=LINKED.format(alias="d"),
)


@dataclass(frozen=True, slots=True)
class ExportedArticle:
    """One original article as exported, with what the warehouse knows of it (UTC times)."""

    article_id: int
    article: Article
    """Every field the loader stored (``ARTICLE_FIELDS``)."""
    version: int
    first_seen_at: datetime
    updated_at: datetime
    duplicates: int
    """How many copies (exact or near duplicates) point at this original."""

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> ExportedArticle:
        """From a row of ``_ORIGINALS``."""
        end = 1 + len(ARTICLE_FIELDS)
        values = dict(zip(ARTICLE_FIELDS, row[1:end]))
        values["authors"] = tuple(values["authors"])
        values["tags"] = tuple(values["tags"] or ())
        return cls(row[0], Article(**values), *row[end:])

    @property
    def url(self) -> str:
        return self.article.url

    @property
    def text(self) -> str:
        return format_article(self.article.title, self.article.body, self.article.authors)

    def as_json(self) -> dict[str, object]:
        fields = {name: getattr(self.article, name) for name in ARTICLE_FIELDS}
        fields["authors"] = list(self.article.authors)
        published = self.article.published_at
        fields["published_at"] = published.isoformat() if published else None
        fields["tags"] = list(self.article.tags)
        modified = self.article.modified_at
        fields["modified_at"] = modified.isoformat() if modified else None
        return {
            "article_id": self.article_id,
            **fields,
            "text": self.text,
            "version": self.version,
            "first_seen_at": self.first_seen_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "duplicates": self.duplicates,
        }


def iter_originals(
    conn: psycopg.Connection,
    *,
    sources: Sequence[str] = (),
    since: date | None = None,
    until: date | None = None,
) -> Iterator[ExportedArticle]:
    """Original (non-duplicate) articles, oldest publication first, streamed.

    ``since``/``until`` are inclusive UTC publication days; with either set, undated
    articles are left out.
    """
    with conn.cursor(name="newsflow_export") as cursor:
        cursor.itersize = FETCH_ROWS
        cursor.execute(
            _ORIGINALS, {"sources": list(sources) or None, "since": since, "until": until}
        )
        for row in cursor:
            yield ExportedArticle.from_row(row)


def file_name(index: int, url: str) -> str:
    """``NNN_<first 16 hex digits of sha256(url)>.txt``, as in the sample files."""
    return f"{index:03d}_{hashlib.sha256(url.encode('utf-8')).hexdigest()[:16]}.txt"


def write_txt(articles: Iterator[ExportedArticle], out: Path) -> int:
    """One sample-format file per article in ``out``; returns how many were written."""
    written = 0
    for written, article in enumerate(articles, 1):
        (out / file_name(written - 1, article.url)).write_text(article.text, encoding="utf-8")
    return written


def write_jsonl(articles: Iterator[ExportedArticle], path: Path) -> int:
    """One JSON object per line in ``path``; returns how many were written."""
    written = 0
    with path.open("w", encoding="utf-8") as fh:
        for article in articles:
            fh.write(json.dumps(article.as_json(), ensure_ascii=False) + "\n")
            written += 1
    return written


@click.command()
@since_option
@until_option
@source_option
@click.option(
    "--out",
    "out",
    required=True,
    type=OUTPUT_PATH,
    metavar="DIR",
    help="Directory to write into (created with its parents if missing).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["txt", "jsonl"]),
    default="txt",
    show_default=True,
    help=f"txt: one sample-format file per article; jsonl: one {JSONL_NAME}.",
)
@pass_cli
def export(
    ctx: CliContext,
    since: date | None,
    until: date | None,
    source_names: tuple[str, ...],
    out: Path,
    fmt: str,
) -> None:
    """Export the original articles (duplicates left out), oldest first.

    txt files are named NNN_<16 hex digits of the URL's SHA-256>.txt, numbered in
    publication order; existing files of the same name are overwritten.
    """
    if since and until and since > until:
        raise click.BadParameter(f"--since {since} is after --until {until}; swap them")
    output_dir(out)
    with connect(ctx.database()) as conn, writing_to(out):
        articles = iter_originals(conn, sources=source_names, since=since, until=until)
        if fmt == "jsonl":
            count = write_jsonl(articles, out / JSONL_NAME)
            target = out / JSONL_NAME
        else:
            count = write_txt(articles, out)
            target = out
    click.echo(f"exported {count} article(s) to {target}", err=True)
