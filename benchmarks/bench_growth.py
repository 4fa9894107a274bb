"""How cost grows with the warehouse: load, derive, storage, candidates, queries, vacuum.

Usage::

    python -m benchmarks.bench_growth [--full] [--sizes 50000,500000,2000000]
        [--batch 50000] [--server-url URL] [--results FILE]

The warehouse grows in steps (default 50k, 500k and 2M articles; ``--full`` adds 10M,
which needs some 80 GB of disk). Each step fills it up to the step's size with rows of
the sample site's text generator, near copies planted (``growth_fill.py``: server-side
``INSERT ... SELECT`` with the secondary indexes dropped, then built again, timed), runs
``VACUUM (ANALYZE)`` (timed) and measures:

- bytes on disk per article of every newsflow table, and the raw body bytes;
- ``load_batch`` rows/s of a fixed-size batch of new articles (``growth_batch.py``: new
  stories, 5% near copies; dedup included), then the derive step's rows/s;
- the near-duplicate candidate query, ms per batch of 500 of the batch's articles;
- dead tuples and autovacuum runs after the load, then after loading the same batch
  again (every row "unchanged"), and the bytes that re-load added (bloat);
- analyst queries, warm and cold (``growth_measure.py``).

The server is an embedded PostgreSQL of its own (``growth_server.py``), so that a cold
cache can be had by restarting it; ``--server-url`` runs on another server, without cold
timings. The table and a plot (``benchmarks/growth.png``) go into the ``bench-growth``
section of ``benchmarks/RESULTS.md``; the raw figures into ``benchmarks/growth.json``.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import psycopg

from benchmarks.bench_load import THRESHOLD, _load
from benchmarks.growth_batch import make_batch
from benchmarks.growth_fill import create_pool, fill
from benchmarks.growth_measure import (
    candidate_ms,
    cold_queries,
    sizes,
    table_stats,
    vacuum_analyze,
    warm_queries,
)
from benchmarks.growth_report import HERE, report, write_outputs
from benchmarks.growth_server import SETTINGS, GrowthServer, growth_server
from benchmarks.results import RESULTS
from benchmarks.scratch_db import scratch_database
from pipeline.config import Settings
from pipeline.db import apply_migrations
from pipeline.dedup.minhash import lsh_params
from pipeline.load.index import ensure_index

log = logging.getLogger("bench_growth")
SIZES = (50_000, 500_000, 2_000_000)
FULL_SIZES = (*SIZES, 10_000_000)


def _prepare(url: str) -> None:
    with psycopg.connect(url) as conn:
        apply_migrations(conn)
        ensure_index(conn, lsh_params(THRESHOLD))  # empty: records the parameters
        conn.commit()
        create_pool(conn)


def _batch_ids(conn: psycopg.Connection, count: int) -> list[int]:
    rows = conn.execute(
        "SELECT article_id FROM warehouse.articles ORDER BY article_id DESC LIMIT %s",
        (count,),
    ).fetchall()
    return sorted(r[0] for r in rows)


def _wal_position(url: str) -> str:
    with psycopg.connect(url) as conn:
        return str(conn.execute("SELECT pg_current_wal_lsn()").fetchone()[0])  # type: ignore[index]


def _load_and_reload(url: str, batch_results: list, derive_connections: int) -> dict[str, Any]:
    """Load the batch, link, derive, then load the same batch again; timings and
    statistics. The load's seconds include the link step's (dedup included)."""
    start_lsn = _wal_position(url)
    loaded = _load(url, batch_results, derive_connections)
    load_s = loaded["load_s"] + loaded["link_s"]  # type: ignore[operator]
    with psycopg.connect(url) as conn:
        wal = int(
            conn.execute("SELECT pg_current_wal_lsn() - %s::pg_lsn", (start_lsn,)).fetchone()[0]
        )  # type: ignore[index]
        after_load = table_stats(conn)
        ids = _batch_ids(conn, len(batch_results))
        candidates = candidate_ms(conn, ids)
        before = sizes(conn).total
    reloaded = _load(url, batch_results, derive_connections)
    reload_s = reloaded["load_s"] + reloaded["link_s"]  # type: ignore[operator]
    with psycopg.connect(url) as conn:
        after_reload = table_stats(conn)
        bloat = sizes(conn).total - before
    return {
        "load_s": load_s,
        "link_s": loaded["link_s"],
        "derive_s": loaded["derive_s"],
        "derived": loaded["derived"],
        "counts": loaded["counts"],
        "wal_bytes": wal,
        "candidate_ms": candidates,
        "stats_after_load": after_load,
        "reload_s": reload_s,
        "reload_counts": reloaded["counts"],
        "stats_after_reload": after_reload,
        "reload_bloat_bytes": bloat,
    }


def measure_step(
    server: GrowthServer,
    url: str,
    size: int,
    step: int,
    batch_size: int,
    previous: list[str] | None,
) -> tuple[dict[str, Any], list[str]]:
    """Grow to ``size`` articles and measure everything; (figures, the batch's bodies)."""
    with psycopg.connect(url) as conn:
        (have,) = conn.execute("SELECT count(*) FROM warehouse.articles").fetchone()  # type: ignore[misc]
        filled = fill(conn, max(0, size - int(have)), lsh_params(THRESHOLD))
    log.info(
        "step %d: filled %d rows in %.0f s, indexes %.0f s",
        step,
        filled.rows,
        filled.insert_s,
        filled.index_s,
    )
    vacuum_s = vacuum_analyze(url)
    with psycopg.connect(url) as conn:
        stored = sizes(conn)
    batch = make_batch(step, batch_size, previous)
    loaded = _load_and_reload(url, batch.results, Settings.from_env().derive_connections)
    log.info("step %d: load %.1f s, derive %.1f s", step, loaded["load_s"], loaded["derive_s"])
    vacuum_after_s = vacuum_analyze(url)
    with psycopg.connect(url) as conn:
        warm = warm_queries(conn)
    cold = cold_queries(url, server.restart_cold) if server.can_restart else {}
    figures = {
        "size": size,
        "articles": stored.count,
        "batch": batch_size,
        "planted": batch.planted,
        "fill": asdict(filled),
        "vacuum_s": vacuum_s,
        "vacuum_after_load_s": vacuum_after_s,
        "sizes": asdict(stored),
        **loaded,
        "warm_ms": warm,
        "cold_ms": cold,
    }
    return figures, batch.bodies


def run(server: GrowthServer, sizes_: list[int], batch_size: int) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = []
    with scratch_database(server.url, "newsflow_bench_growth") as url:
        _prepare(url)
        previous = None
        for step, size in enumerate(sizes_):
            started = time.monotonic()
            figures, previous = measure_step(server, url, size, step, batch_size, previous)
            figures["step_s"] = time.monotonic() - started
            print(json.dumps(figures, default=str), flush=True)
            steps.append(figures)
    return steps


def read_steps(path: Path) -> list[dict[str, Any]]:
    """The steps' figures from a run's output: the lines that are JSON objects."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.startswith('{"size"')]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="add the 10M-article step")
    parser.add_argument("--sizes", help="comma-separated warehouse sizes (overrides --full)")
    parser.add_argument("--batch", type=int, default=50_000, help="articles in the fixed batch")
    parser.add_argument("--server-url", help="run on this server (no cold-cache timings)")
    parser.add_argument("--data-folder", type=Path, help="where the embedded server's data goes")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--plot", type=Path, default=HERE / "growth.png")
    parser.add_argument(
        "--report-from",
        type=Path,
        help="measure nothing: write the report from the figures a run printed (one JSON "
        "object per step per line, other lines ignored) with the settings of this server",
    )
    parser.add_argument("--note", default="", help="with --report-from: how the run was made")
    args = parser.parse_args(argv)
    if args.report_from:
        steps = read_steps(args.report_from)
        cold = bool(steps[0]["cold_ms"])
        text = report(steps, dict(SETTINGS), cold=cold, plot=args.plot.name, note=args.note)
        write_outputs(text, steps, args.results, args.plot)
        print(text)
        return 0
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    chosen = (
        [int(s) for s in args.sizes.split(",")]
        if args.sizes
        else list(FULL_SIZES if args.full else SIZES)
    )
    with growth_server(args.server_url, args.data_folder) as server:
        settings = server.settings()
        steps = run(server, chosen, args.batch)
    text = report(steps, settings, cold=server.can_restart, plot=args.plot.name)
    write_outputs(text, steps, args.results, args.plot)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
