"""Writing a prepared batch into ``warehouse.articles`` (runs inside the load transaction).

``write_rows`` first asks which of the batch's URLs are stored already. Rows with a
new URL, usually nearly all of a batch, are COPied straight into
``warehouse.articles`` (``insert_new``; the load lock guarantees no other load adds
the same URL meanwhile). Rows with a known URL are COPied into temporary staging
tables (dropped at commit or rollback), each is classified against the row stored
under its URL, earlier versions of revised articles are archived in
``warehouse.article_versions``, and one ``INSERT ... ON CONFLICT (url) DO UPDATE``
writes them all (``stage``, ``upsert_staged``). What each row was:

- ``new``: no row had its URL;
- ``revised``: title or body differ: the row is updated in place, ``version`` + 1,
  the previous title/body/hash archived with the time range it was current;
- ``refreshed``: same title and body, other stored fields differ (authors, dates,
  description, language, section, tags, top image, fetched URL, extractor version, the
  paywall flags): updated in place without a new version, so a re-extraction with a
  newer extractor is recorded;
- ``unchanged``: only ``last_seen_at`` moves.

``updated_at`` and ``run_id`` change whenever anything but ``last_seen_at`` does. The
row's ``source`` is the one that first loaded it. New and revised rows have NULL
``search_vector`` and ``word_count`` until the derive step (``derive``) fills them.

Near-duplicate links are left to the link step (``link``): every new and revised row,
and every stored row whose publication date changed, gets a row in
``warehouse.articles_unlinked`` with its new signature and what this load counted it
as (``mark_unlinked``, ``insert_new``); a row still waiting there keeps the load that
counted it new or updated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Literal

import psycopg

from pipeline.load.prepare import ArticleRow
from pipeline.records import ARTICLE_FIELDS

Action = Literal["new", "revised", "refreshed", "unchanged"]

STORED_COLUMNS: tuple[str, ...] = (*ARTICLE_FIELDS, "content_hash")
"""The ``warehouse.articles`` columns a load writes from each ``ArticleRow``, in order."""
_COLUMN_TYPES = {
    "authors": "text[]",
    "published_at": "timestamptz",
    "published_date_only": "bool",
    "tags": "text[]",
    "modified_at": "timestamptz",
    "is_accessible_for_free": "bool",
    "truncated": "bool",
}
_STORED_TYPES = [_COLUMN_TYPES.get(c, "text") for c in STORED_COLUMNS]
_STORED_LIST = ", ".join(STORED_COLUMNS)
_article_fields = attrgetter(*STORED_COLUMNS)
"""The stored article columns of an ``ArticleRow``, in ``STORED_COLUMNS`` order."""
# Fields whose change is a refresh, not a new version: all but the identity (url; the
# source is the one that first loaded the row) and the content (title, body, its hash).
_REFRESHED = [
    c for c in STORED_COLUMNS if c not in ("url", "source", "title", "body", "content_hash")
]

# The staging table takes its column types from warehouse.articles. Its bodies are not
# compressed (STORAGE EXTERNAL): a staged body lives for one transaction and is written
# to warehouse.articles only when it changed (compressed there, as the column says);
# compressing every staged body (pglz, the default) cost about a seventh of a re-load's
# server time.
_CREATE_STAGING = f"""
CREATE TEMP TABLE load_staging ON COMMIT DROP AS
SELECT {_STORED_LIST}, NULL::bytea AS minhash FROM warehouse.articles WITH NO DATA;
ALTER TABLE load_staging ALTER COLUMN body SET STORAGE EXTERNAL, ADD PRIMARY KEY (url)
"""
_COPY_STAGING = f"COPY load_staging ({_STORED_LIST}, minhash) FROM STDIN (FORMAT BINARY)"
_STAGING_TYPES = [*_STORED_TYPES, "bytea"]

# Change tests shared by the classification and the upsert; {old} and {new} are the
# aliases of the stored and the incoming row.
_CONTENT_CHANGED = "({old}.title, {old}.body) IS DISTINCT FROM ({new}.title, {new}.body)"
_FIELDS_CHANGED = "({}) IS DISTINCT FROM ({})".format(
    ", ".join(f"{{old}}.{c}" for c in _REFRESHED), ", ".join(f"{{new}}.{c}" for c in _REFRESHED)
)

_CLASSIFY = """
CREATE TEMP TABLE load_actions ON COMMIT DROP AS
SELECT s.url, a.article_id,
       CASE WHEN a.article_id IS NULL THEN 'new'
            WHEN {content} THEN 'revised'
            WHEN {fields} THEN 'refreshed'
            ELSE 'unchanged' END AS action,
       a.article_id IS NOT NULL AND a.published_at IS DISTINCT FROM s.published_at
           AS date_changed
FROM load_staging s LEFT JOIN warehouse.articles a ON a.url = s.url
""".format(
    content=_CONTENT_CHANGED.format(old="a", new="s"),
    fields=_FIELDS_CHANGED.format(old="a", new="s"),
)

_ARCHIVE_VERSIONS = """
INSERT INTO warehouse.article_versions
    (article_id, version, title, body, content_hash, valid_from, valid_to, run_id)
SELECT a.article_id, a.version, a.title, a.body, a.content_hash,
       COALESCE((SELECT max(v.valid_to) FROM warehouse.article_versions v
                 WHERE v.article_id = a.article_id), a.first_seen_at),
       now(), a.run_id
FROM warehouse.articles a JOIN load_actions x ON x.article_id = a.article_id
WHERE x.action = 'revised'
"""

# An unchanged body is kept as stored, not written again from the staging row: the row's
# new version then points at the same TOAST chunks, where an equal body written anew was
# stored (compressed, in TOAST) once more. Re-loading 50,000 unchanged articles added
# ~1.9 KB per article of dead TOAST before (bench_growth, "re-load added").
_KEEP_BODY = "CASE WHEN {content} THEN EXCLUDED.body ELSE a.body END"
_UPSERT = """
INSERT INTO warehouse.articles AS a ({stored}, run_id, first_seen_at)
SELECT {stored}, %(run_id)s,
       -- not now(): a transaction starts before it waits for the load lock, and "first
       -- seen" must follow the order in which loads commit, or a copy loaded earlier
       -- could turn out to be seen after the original loaded later.
       statement_timestamp()
FROM load_staging ORDER BY url
ON CONFLICT (url) DO UPDATE SET
    {replaced},
    version = a.version + CASE WHEN {content} THEN 1 ELSE 0 END,
    search_vector = CASE WHEN {content} THEN NULL ELSE a.search_vector END,
    word_count = CASE WHEN {content} THEN NULL ELSE a.word_count END,
    last_seen_at = now(),
    updated_at = CASE WHEN {content} OR {fields} THEN now() ELSE a.updated_at END,
    run_id = CASE WHEN {content} OR {fields} THEN EXCLUDED.run_id ELSE a.run_id END
""".format(
    stored=_STORED_LIST,
    replaced=",\n    ".join(
        f"{c} = EXCLUDED.{c}"
        if c != "body"
        else "body = " + _KEEP_BODY.format(content=_CONTENT_CHANGED.format(old="a", new="EXCLUDED"))
        for c in STORED_COLUMNS
        if c not in ("url", "source")
    ),
    content=_CONTENT_CHANGED.format(old="a", new="EXCLUDED"),
    fields=_FIELDS_CHANGED.format(old="a", new="EXCLUDED"),
)

_RESOLVE_NEW_IDS = """
UPDATE load_actions x SET article_id = a.article_id
FROM warehouse.articles a WHERE x.article_id IS NULL AND a.url = x.url
"""
_ACTIONS = "SELECT url, article_id, action, date_changed FROM load_actions ORDER BY url"

# What the link step must do for the staged rows: link revised ones anew, choose the
# original of a changed date's cluster again. A row already waiting keeps what it waited
# for (a new row stays new: nothing points at it yet) and the load that counted it new
# or updated (the counter the link step corrects when it turns out a duplicate); a
# re-load of it, counted unchanged, has nothing to correct.
_MARK_STAGED = """
INSERT INTO warehouse.articles_unlinked AS u
    (article_id, run_id, source, counted_as, content_changed, is_new, date_changed, minhash)
SELECT x.article_id, %(run_id)s, s.source,
       CASE WHEN x.action = 'revised' THEN 'articles_updated' ELSE 'articles_unchanged' END,
       x.action = 'revised', false, x.date_changed, s.minhash
FROM load_actions x JOIN load_staging s USING (url)
WHERE x.action = 'revised' OR x.date_changed
ON CONFLICT (article_id) DO UPDATE SET
    run_id = CASE WHEN u.counted_as = 'articles_unchanged' THEN EXCLUDED.run_id ELSE u.run_id END,
    source = CASE WHEN u.counted_as = 'articles_unchanged' THEN EXCLUDED.source ELSE u.source END,
    counted_as = CASE WHEN u.counted_as = 'articles_unchanged' THEN EXCLUDED.counted_as
                      ELSE u.counted_as END,
    content_changed = u.content_changed OR EXCLUDED.content_changed,
    is_new = u.is_new,
    date_changed = u.date_changed OR EXCLUDED.date_changed,
    minhash = CASE WHEN EXCLUDED.content_changed THEN EXCLUDED.minhash ELSE u.minhash END
"""
_COPY_UNLINKED = """
COPY warehouse.articles_unlinked
    (article_id, run_id, source, counted_as, content_changed, is_new, date_changed, minhash)
FROM STDIN (FORMAT BINARY)
"""
_UNLINKED_TYPES = ["int8", "int8", "text", "text", "bool", "bool", "bool", "bytea"]


@dataclass(frozen=True, slots=True)
class Upserted:
    """What the upsert did with one staged row."""

    url: str
    article_id: int
    action: Action
    date_changed: bool
    """An already stored row whose ``published_at`` changed (its cluster may re-order)."""


_IDS = "SELECT url, article_id FROM warehouse.articles WHERE url = ANY(%s)"
# The identifiers of the new rows, drawn from the identity column's sequence before the
# COPY that writes them (COPY writes given values into an identity column, as INSERT
# ... OVERRIDING SYSTEM VALUE does), in ascending order; and "first seen". The sequence
# is looked up once (the scalar subquery, an InitPlan): pg_get_serial_sequence for each
# identifier drawn was 4% of a load's server time (2 ms of 500 identifiers, now 0.3 ms).
_NEW_IDS = """
SELECT clock_timestamp(),
       ARRAY(SELECT nextval((SELECT pg_get_serial_sequence('warehouse.articles', 'article_id')
                                    ::regclass))
             FROM generate_series(1, %s) ORDER BY 1)
"""
_COPY_NEW = f"""
COPY warehouse.articles
    (article_id, {_STORED_LIST}, run_id, first_seen_at, last_seen_at, updated_at)
FROM STDIN (FORMAT BINARY)
"""
_NEW_TYPES = ["int8", *_STORED_TYPES, "int8", "timestamptz", "timestamptz", "timestamptz"]


def write_rows(conn: psycopg.Connection, rows: Sequence[ArticleRow], run_id: int) -> list[Upserted]:
    """Write ``rows`` (see module) and what the link step must do for them; what was
    done with each, by URL. Call it with the load lock held."""
    known: dict[str, int] = dict(conn.execute(_IDS, ([r.url for r in rows],)).fetchall())
    done: list[Upserted] = []
    stored = [r for r in rows if r.url in known]
    if stored:
        stage(conn, stored)
        done.extend(upsert_staged(conn, run_id))
        mark_unlinked(conn, run_id)
    fresh = [r for r in rows if r.url not in known]
    if fresh:
        done.extend(insert_new(conn, fresh, run_id))
    return sorted(done, key=lambda u: u.url)


def insert_new(conn: psycopg.Connection, rows: Sequence[ArticleRow], run_id: int) -> list[Upserted]:
    """COPY rows whose URLs are not stored yet, with identifiers drawn beforehand from
    the identity's sequence (no lookup of the rows afterwards), and their rows for the
    link step.

    "First seen" is the time this runs, after the load lock was taken, so it follows
    the order in which loads commit (not ``now()``, the transaction's start: a copy
    loaded earlier could otherwise turn out to be seen after its original).
    """
    row = conn.execute(_NEW_IDS, (len(rows),)).fetchone()
    assert row is not None  # a SELECT without FROM returns one row
    seen, ids = row
    with conn.cursor() as cur, cur.copy(_COPY_NEW) as copy:
        copy.set_types(_NEW_TYPES)
        for article_id, r in zip(ids, rows, strict=True):
            copy.write_row((article_id, *_article_fields(r), run_id, seen, seen, seen))
    mark_new_unlinked(conn, list(zip(ids, rows, strict=True)), run_id)
    return [Upserted(r.url, article_id, "new", False) for article_id, r in zip(ids, rows)]


def stage(conn: psycopg.Connection, rows: Sequence[ArticleRow]) -> None:
    """COPY ``rows`` (with their signatures) into this transaction's staging table."""
    conn.execute(_CREATE_STAGING)
    with conn.cursor() as cur, cur.copy(_COPY_STAGING) as copy:
        copy.set_types(_STAGING_TYPES)
        for r in rows:
            copy.write_row((*_article_fields(r), r.minhash if r.has_words else None))


def upsert_staged(conn: psycopg.Connection, run_id: int) -> list[Upserted]:
    """Classify, archive revised versions and upsert the staged rows (see module)."""
    conn.execute(_CLASSIFY)
    conn.execute(_ARCHIVE_VERSIONS)
    conn.execute(_UPSERT, {"run_id": run_id})
    conn.execute(_RESOLVE_NEW_IDS)
    return [Upserted(*row) for row in conn.execute(_ACTIONS)]


def mark_new_unlinked(
    conn: psycopg.Connection, rows: Sequence[tuple[int, ArticleRow]], run_id: int
) -> None:
    """COPY a ``warehouse.articles_unlinked`` row for each (article_id, new row) this
    load inserted in run ``run_id``: counted new, its signature for the link step."""
    with conn.cursor().copy(_COPY_UNLINKED) as copy:
        copy.set_types(_UNLINKED_TYPES)
        for article_id, r in rows:
            minhash = r.minhash if r.has_words else None
            row = (article_id, run_id, r.source, "articles_new", True, True, False, minhash)
            copy.write_row(row)  # content changed, new, no date change


def mark_unlinked(conn: psycopg.Connection, run_id: int) -> None:
    """Record in ``warehouse.articles_unlinked`` what the link step must do for the
    staged rows this load upserted in run ``run_id`` (see module)."""
    conn.execute(_MARK_STAGED, {"run_id": run_id})
