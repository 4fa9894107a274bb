"""Growing the warehouse fast for bench_growth: server-side bulk rows, indexes rebuilt.

The bulk of each step is not loaded through ``load_batch`` (2M articles would take
hours): a pool of stories from the sample site's text generator is COPYed once, with
their search vectors and word counts computed once, and then ``fill`` writes warehouse
rows by ``INSERT ... SELECT`` over ``generate_series`` on the server, every table the
load writes included:

- ``warehouse.articles``: pool stories (title, authors, standfirst, body, search
  vector, word count) under unique URLs, 25 sources, published over two years; every
  ``DUPLICATE_EVERY``-th row is a near copy of the row before it (its body plus one
  sentence), linked to it as a duplicate;
- ``article_signatures``: a 512-byte signature per article (random bytes: their values
  are only read by a rebuild of the bands);
- ``article_lsh_bands``: one row per band, with buckets that are random 64-bit values
  (so no two filler articles are candidates), except that a near copy shares half its
  buckets with its original, as a real near copy does;
- ``article_versions``: every ``VERSION_EVERY``-th article has one earlier version;
- ``crawl_state``: one fetched page per article.

The indexes of these tables (other than the primary keys and unique constraints) are
dropped before a step's fill and built again after it, which is both faster and the
step's "index build" time.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

import numpy as np
import psycopg

from benchmarks.analytics_fixture import PERIOD_DAYS, PERIOD_END, SOURCES
from devtools.sample_site import textgen
from pipeline.dedup.minhash import LshParams

POOL_SIZE = 20_000
DUPLICATE_EVERY = 20
"""Every 20th filler article (5%) is a near copy of the one before it."""
VERSION_EVERY = 33
"""Every 33rd filler article (3%) has been revised once (one row in article_versions)."""
FILL_CHUNK = 250_000
TABLES = (
    "warehouse.articles",
    "warehouse.article_lsh_bands",
    "warehouse.article_signatures",
    "warehouse.article_versions",
    "warehouse.crawl_state",
)

_POOL = """
CREATE UNLOGGED TABLE IF NOT EXISTS growth_pool (
    pool_id int PRIMARY KEY, title text, authors text[], description text, body text,
    minhash bytea, search_vector tsvector, word_count int
)"""
_COPY_POOL = "COPY growth_pool (pool_id, title, authors, description, body, minhash) FROM STDIN"
_DERIVE_POOL = """
UPDATE growth_pool SET search_vector = warehouse.search_vector_of('en', title, body),
    word_count = regexp_count(body, '\\S+')
"""
# g: article id; o: the row it copies (itself unless a near copy); pub: its date.
_ARTICLES = """
WITH sources AS (SELECT source, ordinality - 1 AS i FROM unnest(%(sources)s::text[])
                 WITH ORDINALITY AS s (source, ordinality)),
ids AS (
    SELECT g, CASE WHEN g %% %(dup)s::int = 0 THEN g - 1 ELSE g END AS o
    FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) g
),
rows AS (
    SELECT g, o, p.*, s.source,
        %(end)s::timestamptz - make_interval(
            secs => ((hashint8(o)::bigint + 2147483648) %% %(secs)s::bigint)::float8)
            + CASE WHEN g = o THEN interval '0' ELSE interval '35 minutes' END AS pub
    FROM ids
    JOIN growth_pool p ON p.pool_id = o %% %(pool)s::int
    JOIN sources s ON s.i = (hashint8(g + 7)::bigint + 2147483648) %% %(nsources)s::int
)
INSERT INTO warehouse.articles (article_id, url, fetched_url, source, title, authors,
    published_at, language, description, body, content_hash, duplicate_of, similarity,
    version, extractor_version, first_seen_at, last_seen_at, updated_at, word_count,
    search_vector)
OVERRIDING SYSTEM VALUE
SELECT g, 'https://' || source || '.example/' || to_char(pub, 'YYYY/MM/DD') || '/story-' || g,
    'https://' || source || '.example/' || to_char(pub, 'YYYY/MM/DD') || '/story-' || g,
    source, title, authors, pub, 'en', description,
    CASE WHEN g = o THEN body ELSE body || E'\\n\\nThis story first appeared elsewhere.' END,
    md5(g::text) || md5(o::text), CASE WHEN g = o THEN NULL ELSE o END,
    CASE WHEN g = o THEN NULL ELSE 0.97 END,
    CASE WHEN g %% %(versioned)s::int = 5 THEN 2 ELSE 1 END, 'growth',
    pub + interval '2 hours', pub + interval '2 hours', pub + interval '2 hours',
    word_count, search_vector
FROM rows
"""
_SIGNATURES = """
INSERT INTO warehouse.article_signatures (article_id, minhash)
SELECT g, p.minhash FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) g
JOIN growth_pool p ON p.pool_id = g %% %(pool)s::int
"""
_BANDS = """
INSERT INTO warehouse.article_lsh_bands (bucket, article_id)
SELECT hashint8extended(
    CASE WHEN g %% %(dup)s::int = 0 AND b <= %(bands)s::int / 2 THEN g - 1 ELSE g END, b::bigint), g
FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) g, generate_series(1, %(bands)s::int) b
"""
_VERSIONS = """
INSERT INTO warehouse.article_versions (article_id, version, title, body, content_hash,
    valid_from, valid_to)
SELECT article_id, 1, title, body || E'\\n\\nUpdated.', md5(content_hash), first_seen_at,
    first_seen_at + interval '3 hours'
FROM warehouse.articles
WHERE article_id BETWEEN %(lo)s::bigint AND %(hi)s::bigint AND version = 2
"""
_CRAWL_STATE = """
INSERT INTO warehouse.crawl_state (url, source, discovered_lastmod, first_discovered_at,
    last_discovered_at, last_fetched_at, http_status, outcome, fetched_url, content_type,
    warc_path, warc_offset, warc_length, etag, last_modified)
SELECT url, source, published_at, first_seen_at, first_seen_at, first_seen_at, 200, 'article',
    url, 'text/html; charset=utf-8', 'warcs/' || source || '/' || to_char(first_seen_at,
    'YYYY-MM-DD') || '.warc.gz', article_id * 9000, 9000, '"' || md5(url) || '"',
    to_char(first_seen_at, 'Dy, DD Mon YYYY HH24:MI:SS') || ' GMT'
FROM warehouse.articles WHERE article_id BETWEEN %(lo)s::bigint AND %(hi)s::bigint
"""
_SECONDARY_INDEXES = """
SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
FROM pg_index i
WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary AND NOT i.indisunique
ORDER BY 1
"""


@dataclass(frozen=True, slots=True)
class FillTimes:
    """Seconds a step's fill took: writing the rows, building the indexes again."""

    rows: int
    insert_s: float
    index_s: float


def create_pool(conn: psycopg.Connection, size: int = POOL_SIZE, seed: int = 25) -> None:
    """The story pool the filler rows are made of (sample-site text, derived once)."""
    rng = random.Random(seed)
    signature_bytes = np.random.default_rng(seed).integers(0, 256, (size, 512), dtype=np.uint8)
    conn.execute(_POOL)
    with conn.cursor().copy(_COPY_POOL) as copy:
        for i in range(size):
            head = textgen.story_head(rng)
            body = "\n\n".join(textgen.story_body(rng, head))
            copy.write_row(
                (
                    i,
                    head.title,
                    list(head.authors),
                    textgen.standfirst(rng, head),
                    body,
                    signature_bytes[i].tobytes(),
                )
            )
    conn.execute(_DERIVE_POOL)
    conn.commit()


def drop_secondary_indexes(conn: psycopg.Connection) -> list[str]:
    """Drop the tables' secondary indexes; their definitions, to build them again."""
    found = conn.execute(_SECONDARY_INDEXES, (list(TABLES),)).fetchall()
    for name, _ in found:
        conn.execute(f"DROP INDEX {name}")
    conn.commit()
    return [definition for _, definition in found]


def build_indexes(conn: psycopg.Connection, definitions: list[str]) -> float:
    """Build the dropped indexes again; seconds."""
    started = time.perf_counter()
    for definition in definitions:
        conn.execute(definition)
        conn.commit()
    return time.perf_counter() - started


def _insert(conn: psycopg.Connection, lo: int, hi: int, params: LshParams) -> None:
    values = {
        "lo": lo,
        "hi": hi,
        "dup": DUPLICATE_EVERY,
        "versioned": VERSION_EVERY,
        "pool": POOL_SIZE,
        "bands": params.bands,
        "sources": list(SOURCES),
        "nsources": len(SOURCES),
        "end": PERIOD_END,
        "secs": PERIOD_DAYS * 86400,
    }
    # Filler rows reference only rows of their own step: no foreign key checks.
    conn.execute("SET session_replication_role = replica")
    for statement in (_ARTICLES, _SIGNATURES, _BANDS, _VERSIONS, _CRAWL_STATE):
        conn.execute(statement, values)
    conn.execute("SET session_replication_role = origin")
    conn.commit()


def next_article_id(conn: psycopg.Connection) -> int:
    (last,) = conn.execute("SELECT coalesce(max(article_id), 0) FROM warehouse.articles").fetchone()
    return int(last) + 1


def fill(conn: psycopg.Connection, count: int, params: LshParams) -> FillTimes:
    """Add ``count`` filler articles (and their rows in the other tables), with the
    secondary indexes dropped during the inserts and built again after them."""
    definitions = drop_secondary_indexes(conn)
    started = time.perf_counter()
    first = next_article_id(conn)
    for lo in range(first, first + count, FILL_CHUNK):
        _insert(conn, lo, min(lo + FILL_CHUNK, first + count) - 1, params)
    conn.execute(
        "SELECT setval(pg_get_serial_sequence('warehouse.articles', 'article_id'), %s)",
        (first + count - 1,),
    )
    conn.commit()
    insert_s = time.perf_counter() - started
    return FillTimes(count, insert_s, build_indexes(conn, definitions))
