"""The derive step: the columns computed from an article's text, filled after its load.

``warehouse.articles.search_vector`` (full-text search, GIN-indexed) and ``word_count``
are derived from title, body and language. Computing them while a batch is written
would cost about twenty times the write of the rows themselves (the text search
parser and stemmer, and the GIN index), so ``load_batch`` stores them NULL and
``derive_pending`` fills them afterwards, in chunks of ``CHUNK`` articles, each chunk a
transaction of its own. The steps that load (``steps.load_source``, ``reprocess``) call
it once their batches are in, so an article is searchable before its run ends.

Work is found by the partial index on ``search_vector IS NULL``; rows another process
is deriving at the same time are skipped (``SKIP LOCKED``), so concurrent loads share
the work instead of waiting on each other. A derive step that never ran (a crash
between load and derive) is caught up by the next one: nothing is ever lost.
"""

from __future__ import annotations

import logging
from typing import Callable

import psycopg

log = logging.getLogger(__name__)

CHUNK = 2000

_DERIVE = """
UPDATE warehouse.articles a
SET search_vector = warehouse.search_vector_of(a.language, a.title, a.body),
    word_count = regexp_count(a.body, '\\S+')
WHERE a.article_id IN (
    SELECT article_id FROM warehouse.articles
    WHERE search_vector IS NULL
    ORDER BY article_id
    LIMIT %s
    FOR UPDATE SKIP LOCKED
)
"""
_PENDING = "SELECT count(*) FROM warehouse.articles WHERE search_vector IS NULL"


def pending_count(conn: psycopg.Connection) -> int:
    """How many articles wait for the derive step."""
    row = conn.execute(_PENDING).fetchone()
    return int(row[0]) if row else 0


def derive_chunk(conn: psycopg.Connection, chunk: int = CHUNK) -> int:
    """Fill the derived columns of up to ``chunk`` waiting articles in the transaction
    ``conn`` has open (nothing is committed); how many were filled."""
    return max(conn.execute(_DERIVE, (chunk,)).rowcount, 0)


def derive_pending(conn: psycopg.Connection, *, chunk: int = CHUNK,
                   progress: Callable[[int], None] | None = None) -> int:
    """Fill ``search_vector`` and ``word_count`` of every article that waits for them;
    return how many were filled. Commits after each chunk (work ``conn`` had left
    uncommitted is committed first); ``progress`` gets the running total."""
    conn.commit()
    done = 0
    while True:
        with conn.transaction():
            filled = derive_chunk(conn, chunk)
        if not filled:
            break
        done += filled
        if progress is not None:
            progress(done)
    if done:
        log.info("derived the search vector and word count of %d article(s)", done)
    return done
