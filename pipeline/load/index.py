"""The persisted near-duplicate index: signatures and LSH bands in PostgreSQL.

``ensure_index`` makes the stored bands match the parameters in use: when the
threshold (and so the bands/rows split) changed since the index was built, the bands
are rebuilt from the stored signatures, and the signatures themselves from the bodies
when the number of permutations or the shingle size changed; an index that was never
built over existing articles is built from their bodies. Articles waiting for the link
step with a new text are left to it (it indexes them from the signatures the load
stored). Call it with the load lock held. ``write_bands`` and ``add_bands`` COPY band
rows.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence

import numpy as np
import psycopg
from psycopg.rows import TupleRow

from pipeline.db.visibility import LINKED
from pipeline.dedup.fingerprint import fingerprints
from pipeline.dedup.minhash import LshParams, band_keys, signature_from_bytes
from pipeline.load.bands import band_rows, copy_payload

log = logging.getLogger(__name__)

REBUILD_CHUNK = 2000

_GET_PARAMS = "SELECT num_perm, bands, rows_per_band, shingle_words FROM warehouse.dedup_index"
_SET_PARAMS = """
INSERT INTO warehouse.dedup_index (num_perm, bands, rows_per_band, shingle_words)
VALUES (%(num_perm)s, %(bands)s, %(rows)s, %(shingle_words)s)
ON CONFLICT (singleton) DO UPDATE SET num_perm = EXCLUDED.num_perm, bands = EXCLUDED.bands,
    rows_per_band = EXCLUDED.rows_per_band, shingle_words = EXCLUDED.shingle_words,
    built_at = now()
"""
# Only signatures of stored articles (one written while its article was deleted by hand
# can outlive it: no foreign key, migration 0029).
_SIGNATURES = """
SELECT s.article_id, s.minhash FROM warehouse.article_signatures s
WHERE EXISTS (SELECT 1 FROM warehouse.articles a WHERE a.article_id = s.article_id)
ORDER BY s.article_id
"""
# Articles whose new text waits for the link step are indexed by it, not from here.
_LINKED = LINKED.format(alias="a")
_BODIES = f"SELECT article_id, body FROM warehouse.articles a WHERE {_LINKED} ORDER BY article_id"
_ANY_ARTICLE = f"SELECT 1 FROM warehouse.articles a WHERE {_LINKED} LIMIT 1"
_CLEAR_BANDS = "TRUNCATE warehouse.article_lsh_bands"
_CLEAR_SIGNATURES = "TRUNCATE warehouse.article_signatures"
COPY_BANDS = "COPY warehouse.article_lsh_bands (bucket, article_id) FROM STDIN (FORMAT BINARY)"
# The band table's indexes, to build again after a COPY larger than the table (none is
# a constraint).
_BAND_INDEXES = """
SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), pg_get_indexdef(i.indexrelid)
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE i.indrelid = 'warehouse.article_lsh_bands'::regclass ORDER BY c.relname
"""
_BAND_ROWS_UP_TO = "SELECT count(*) FROM (SELECT FROM warehouse.article_lsh_bands LIMIT %s) r"
COPY_SIGNATURES = """
COPY warehouse.article_signatures (article_id, minhash) FROM STDIN (FORMAT BINARY)
"""


def ensure_index(conn: psycopg.Connection, params: LshParams) -> None:
    """Record ``params`` for the index, rebuilding what they invalidate (see module)."""
    row = conn.execute(_GET_PARAMS).fetchone()
    stored = LshParams(*row) if row else None
    if stored == params:
        return
    if stored is None:
        if conn.execute(_ANY_ARTICLE).fetchone():
            log.warning("near-duplicate index: indexing the articles already loaded")
            _rebuild_signatures(conn, params)
    else:
        if (stored.num_perm, stored.shingle_words) == (params.num_perm, params.shingle_words):
            log.warning(
                "near-duplicate index: rebuilding LSH bands for %d bands x %d rows",
                params.bands,
                params.rows,
            )
            _rebuild_bands(conn, params)
        else:
            log.warning(
                "near-duplicate index: recomputing every signature (%d permutations, "
                "%d-word shingles)",
                params.num_perm,
                params.shingle_words,
            )
            _rebuild_signatures(conn, params)
    conn.execute(
        _SET_PARAMS,
        {
            "num_perm": params.num_perm,
            "bands": params.bands,
            "rows": params.rows,
            "shingle_words": params.shingle_words,
        },
    )


def _chunks(cursor: psycopg.Cursor[TupleRow], size: int) -> Iterator[list[TupleRow]]:
    while rows := cursor.fetchmany(size):
        yield rows


def write_bands(
    conn: psycopg.Connection,
    ids: Sequence[int],
    keys: np.ndarray,
    copy_sql: str = COPY_BANDS,
) -> None:
    """COPY one (bucket, article_id) row per band key, in one binary COPY: ``ids[i]``
    has the buckets ``keys[i]`` (``band_keys``; ``copy_sql`` names the table, the band
    table by default)."""
    payload = copy_payload(*band_rows(ids, keys))
    with conn.cursor().copy(copy_sql) as copy:
        copy.write(payload)


def add_bands(conn: psycopg.Connection, payload: bytes, rows: int) -> None:
    """Add ``rows`` band rows (``bands.copy_payload``) to the band table in one COPY.

    When the table holds fewer rows than that (the first link step of a warehouse, a
    backfill), its indexes are dropped and built again after the COPY: one sort per
    index costs far less than maintaining them row by row. Only the link step and
    ``ensure_index`` use the table, both under the load lock, so the lock DROP INDEX
    takes waits for no one; a failure rolls the drop back with the rest.
    """
    held = conn.execute(_BAND_ROWS_UP_TO, (rows,)).fetchone()
    indexes = conn.execute(_BAND_INDEXES).fetchall() if held and held[0] < rows else []
    for name, _ in indexes:
        conn.execute(f"DROP INDEX {name}")
    with conn.cursor().copy(COPY_BANDS) as copy:
        copy.write(payload)
    for _, definition in indexes:
        _build(conn, definition)


def _build(conn: psycopg.Connection, definition: str) -> None:
    """Run a CREATE INDEX. PostgreSQL sorts the rows of a hash index by bucket before
    building it only when it would have more buckets than ``maintenance_work_mem`` holds
    pages (hashbuild's sort threshold); sorted, the pages are written in order, two to
    three times faster for the 800,000 band rows of 50,000 articles. So a hash index is
    built with the least ``maintenance_work_mem``, which has it sorted for any but a
    small table (a few thousand articles), and the setting is restored afterwards."""
    if " USING hash " not in definition:
        conn.execute(definition)
        return
    row = conn.execute("SELECT current_setting('maintenance_work_mem')").fetchone()
    conn.execute("SELECT set_config('maintenance_work_mem', '1MB', true)")
    conn.execute(definition)
    conn.execute(
        "SELECT set_config('maintenance_work_mem', %s, true)", (row[0] if row else "64MB",)
    )


def write_entries(
    conn: psycopg.Connection,
    ids: Sequence[int],
    minhashes: Sequence[bytes],
    keys: np.ndarray,
) -> None:
    """COPY the signatures and band rows of articles that have none yet: ``ids[i]`` has
    the signature ``minhashes[i]`` (``signature_bytes``) and the buckets ``keys[i]``."""
    with conn.cursor().copy(COPY_SIGNATURES) as copy:
        copy.set_types(["int8", "bytea"])
        for article_id, minhash in zip(ids, minhashes):
            copy.write_row((article_id, minhash))
    write_bands(conn, ids, keys)


def _rebuild_bands(conn: psycopg.Connection, params: LshParams) -> None:
    conn.execute(_CLEAR_BANDS)
    with conn.cursor(name="newsflow_signatures") as cursor:
        cursor.execute(_SIGNATURES)
        for rows in _chunks(cursor, REBUILD_CHUNK):
            ids = [r[0] for r in rows]
            sigs = np.vstack([signature_from_bytes(bytes(r[1])) for r in rows])
            write_bands(conn, ids, band_keys(sigs, params))


def _rebuild_signatures(conn: psycopg.Connection, params: LshParams) -> None:
    conn.execute(_CLEAR_BANDS)
    conn.execute(_CLEAR_SIGNATURES)
    with conn.cursor(name="newsflow_bodies") as cursor:
        cursor.execute(_BODIES)
        for rows in _chunks(cursor, REBUILD_CHUNK):
            made = fingerprints(
                [body for _, body in rows],
                num_perm=params.num_perm,
                shingle_words=params.shingle_words,
            )
            kept = [(row[0], f.minhash) for row, f in zip(rows, made) if f.has_words]
            if not kept:
                continue
            ids, minhashes = [k[0] for k in kept], [k[1] for k in kept]
            sigs = np.vstack([signature_from_bytes(m) for m in minhashes])
            write_entries(conn, ids, minhashes, band_keys(sigs, params))
