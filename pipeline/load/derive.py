"""The derive step: the columns computed from an article's text, filled after its load.

``warehouse.articles.search_vector`` (full-text search, GIN-indexed) and ``word_count``
are derived from title, body and language. Computing them while a batch is written
would cost about twenty times the write of the rows themselves (the text search
parser and stemmer, and the GIN index), so ``load_batch`` stores them NULL and
``derive_pending`` fills them afterwards, in chunks of ``CHUNK`` articles, each chunk a
transaction of its own. The steps that load (``steps.load_source``, ``reprocess``) run
it once their batches are in, so an article is searchable before its run ends.

Work is found by the partial index on ``search_vector IS NULL``; rows another
connection is deriving at the same time are skipped (``SKIP LOCKED``), so concurrent
loads share the work instead of waiting on each other, and ``derive_concurrently``
(which the steps use) runs the step on several connections at once: the text search
parser and the index then work on as many server cores (twice as fast on two). A
derive step that never ran (a crash between load and derive) is caught up by the next
one: nothing is ever lost.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, wait

import psycopg

log = logging.getLogger(__name__)

CHUNK = 2000
MIN_SHARED_CHUNK = 100
"""The smallest chunk ``derive_concurrently`` cuts the waiting articles into so that
every connection gets some (fewer waiting: fewer connections work)."""

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


def _chunks(conn: psycopg.Connection, chunk: int) -> Iterator[int]:
    """Fill and commit chunk after chunk until none waits; how many each filled. Work
    ``conn`` had left uncommitted is committed first."""
    conn.commit()
    while True:
        with conn.transaction():
            filled = derive_chunk(conn, chunk)
        if not filled:
            return
        yield filled


def _log_done(done: int) -> int:
    if done:
        log.info("derived the search vector and word count of %d article(s)", done)
    return done


def derive_pending(
    conn: psycopg.Connection, *, chunk: int = CHUNK, progress: Callable[[int], None] | None = None
) -> int:
    """Fill ``search_vector`` and ``word_count`` of every article that waits for them;
    return how many were filled. Commits after each chunk (work ``conn`` had left
    uncommitted is committed first); ``progress`` gets the running total."""
    done = 0
    for filled in _chunks(conn, chunk):
        done += filled
        if progress is not None:
            progress(done)
    return _log_done(done)


def shared_chunk(pending: int, connections: int, chunk: int = CHUNK) -> int:
    """The chunk that gives each of ``connections`` a share of ``pending`` articles: an
    even split, at most ``chunk``, at least ``MIN_SHARED_CHUNK`` (unless ``chunk`` is
    smaller)."""
    even = -(-pending // connections)
    return min(chunk, max(MIN_SHARED_CHUNK, even))


def derive_concurrently(
    connect: Callable[[], psycopg.Connection],
    connections: int,
    *,
    chunk: int = CHUNK,
    progress: Callable[[int], None] | None = None,
) -> int:
    """``derive_pending`` on ``connections`` connections at once, each opened with
    ``connect`` (in a thread of its own; they wait on the server, not on Python) and
    closed after; return how many articles were filled in all, of which ``progress``
    gets the running total. The chunk is cut so that every connection gets a share
    of what waits (``shared_chunk``): 1,200 articles on two connections are two
    chunks of 600, not one of 1,200 while the other connection finds nothing. When one
    connection fails (or the caller is interrupted), the others stop after their
    current chunk and the error is raised: what was committed stays, the rest waits
    for the next derive step."""
    if connections < 1:
        raise ValueError(f"the derive step needs at least one connection, not {connections}")
    lock = threading.Lock()
    stop = threading.Event()
    done = 0

    def work() -> None:
        nonlocal done
        try:
            with connect() as conn:
                share = (
                    chunk
                    if connections == 1
                    else shared_chunk(pending_count(conn), connections, chunk)
                )
                for filled in _chunks(conn, share):
                    with lock:
                        done += filled
                        if progress is not None:
                            progress(done)
                    if stop.is_set():
                        return
        except BaseException:
            stop.set()
            raise

    pool = ThreadPoolExecutor(max_workers=connections, thread_name_prefix="derive")
    try:
        futures = [pool.submit(work) for _ in range(connections)]
        wait(futures)
    except BaseException:  # Ctrl-C: the connections stop after their current chunk
        stop.set()
        raise
    finally:
        pool.shutdown(wait=True)
    for future in futures:
        error = future.exception()
        if error is not None:
            raise error
    return _log_done(done)
