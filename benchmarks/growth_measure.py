"""What bench_growth measures at each step: sizes, table statistics, query timings.

Analyst queries are those of bench_analytics (the three with a budget) with the search
phrase swapped for one the sample site's text uses, and a ranked full-text search over
all time. "Warm" is the median of a few runs after a warm-up run; "cold" is the first
run after a server restart whose data files were also dropped from the OS page cache
(``GrowthServer.restart_cold``).
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import psycopg

from benchmarks.bench_analytics import QUERIES, BenchQuery, explain
from benchmarks.growth_fill import TABLES
from pipeline.load.link import _CANDIDATES_OF as _CANDIDATES

PHRASE = "maternity ward"
"""The search phrase (the sample site's health stories), in place of "climate policy"."""
CANDIDATE_BATCH = 500

ALL_TIME = BenchQuery(
    f'full-text search, ranked, all time ("{PHRASE}")',
    f"""
    SELECT article_id, url, title, ts_rank_cd(search_vector, query) AS rank
    FROM analytics.articles, websearch_to_tsquery('english', '{PHRASE}') AS query
    WHERE search_vector @@ query
    ORDER BY rank DESC LIMIT 20""",
    True,
)


def growth_queries() -> list[BenchQuery]:
    """bench_analytics' budgeted queries (phrase swapped) and the all-time search."""
    budgeted = [
        replace(
            q,
            name=q.name.replace("climate policy", PHRASE),
            sql=q.sql.replace("climate policy", PHRASE),
        )
        for q in QUERIES
        if q.budgeted
    ]
    return [*budgeted, ALL_TIME]


@dataclass(frozen=True, slots=True)
class Sizes:
    """Bytes on disk of the newsflow tables (``pg_total_relation_size`` and parts)."""

    articles: int
    articles_table: int
    articles_indexes: int
    bands: int
    signatures: int
    versions: int
    crawl_state: int
    raw_body: int
    count: int
    body_stored: int
    """Bytes of the bodies as stored (compressed, in TOAST or in the row)."""
    vector_stored: int
    """Bytes of the search vectors as stored, likewise."""

    @property
    def total(self) -> int:
        return self.articles + self.bands + self.signatures + self.versions + self.crawl_state


_SIZES = """
SELECT pg_total_relation_size('warehouse.articles'),
       pg_table_size('warehouse.articles'),
       pg_indexes_size('warehouse.articles'),
       pg_total_relation_size('warehouse.article_lsh_bands'),
       pg_total_relation_size('warehouse.article_signatures'),
       pg_total_relation_size('warehouse.article_versions'),
       pg_total_relation_size('warehouse.crawl_state'),
       (SELECT sum(octet_length(body)) FROM warehouse.articles),
       (SELECT count(*) FROM warehouse.articles),
       (SELECT count(*) * avg(pg_column_size(body)) FROM warehouse.articles),
       (SELECT count(*) * avg(pg_column_size(search_vector)) FROM warehouse.articles)
"""


def sizes(conn: psycopg.Connection) -> Sizes:
    row = conn.execute(_SIZES).fetchone()
    assert row is not None
    return Sizes(*(int(v or 0) for v in row))


_STATS = """
SELECT schemaname || '.' || relname, n_live_tup, n_dead_tup, autovacuum_count, autoanalyze_count
FROM pg_stat_user_tables WHERE schemaname || '.' || relname = ANY(%s)
"""


def table_stats(conn: psycopg.Connection) -> dict[str, dict[str, int]]:
    """Live and dead tuples, autovacuum and autoanalyze runs, per table."""
    time.sleep(1.5)  # backends flush their statistics about once a second
    conn.commit()
    return {
        name: {"live": live, "dead": dead, "autovacuum": vac, "autoanalyze": ana}
        for name, live, dead, vac, ana in conn.execute(_STATS, (list(TABLES),))
    }


def vacuum_analyze(url: str) -> float:
    """Seconds of ``VACUUM (ANALYZE)`` over the newsflow tables."""
    with psycopg.connect(url, autocommit=True) as conn:
        started = time.perf_counter()
        conn.execute(f"VACUUM (ANALYZE) {', '.join(TABLES)}")
        return time.perf_counter() - started


def candidate_ms(conn: psycopg.Connection, ids: Sequence[int], rounds: int = 10) -> float:
    """Median milliseconds of the link step's candidate query of indexed articles (the
    members a revised original sets free; the per-batch query before the link step) for
    a batch of 500 ids."""
    times = []
    for i in range(rounds):
        chunk = list(ids[i * CANDIDATE_BATCH : (i + 1) * CANDIDATE_BATCH])
        if not chunk:
            break
        started = time.perf_counter()
        with conn.transaction():
            conn.execute("SET LOCAL jit = off")  # as load_batch runs it
            conn.execute(_CANDIDATES, {"ids": chunk}).fetchall()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _params(conn: psycopg.Connection) -> dict[str, Any]:
    (url,) = conn.execute(
        "SELECT url FROM warehouse.articles WHERE duplicate_of IS NULL "
        "ORDER BY article_id OFFSET (SELECT count(*) / 2 FROM warehouse.articles) LIMIT 1"
    ).fetchone() or ("",)
    return {"url": url}


def warm_queries(conn: psycopg.Connection, repeat: int = 5) -> dict[str, float]:
    """Median ms (planning + execution) of each query after a warm-up run."""
    params = _params(conn)
    return {q.name: explain(conn, q, params, repeat).median_ms for q in growth_queries()}


def cold_queries(url: str, restart_cold: Callable[[], None]) -> dict[str, float]:
    """Ms of each query's first run after ``restart_cold`` (a restart per query)."""
    with psycopg.connect(url) as conn:
        params = _params(conn)
    out = {}
    for query in growth_queries():
        restart_cold()
        with psycopg.connect(url) as conn:
            (result,) = conn.execute(
                "EXPLAIN (ANALYZE, FORMAT JSON) " + query.sql, params
            ).fetchone()
        if isinstance(result, str):
            result = json.loads(result)
        out[query.name] = result[0]["Planning Time"] + result[0]["Execution Time"]
    return out
