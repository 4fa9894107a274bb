"""Crawl throughput with the archive in a folder against the archive in an S3 bucket.

Usage::

    python -m benchmarks.bench_archive_store [--pages N] [--results FILE]

The server and crawl of ``benchmarks.bench_crawl`` (``--pages`` article pages of
~100 KB, 16 concurrent requests, no delay), run twice: the archive in a folder under
``NEWSFLOW_HOME`` (the default: files written in place, rows at once), then in a bucket
of moto's S3 server on 127.0.0.1 (``devtools/s3_server.py``; needs the ``test`` extra):
parts written to temporary files, uploaded in a background thread when complete,
their rows written once stored (``crawlers.warc_parts``). moto runs on the same
cores as the crawler, so the remote figure is a lower bound for a store on its own
machine. Results are printed and written to the ``bench-archive-store`` section of
``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg

from benchmarks.bench_crawl import CONCURRENCY, _serve, crawl_settings, new_crawl_run
from benchmarks.results import RESULTS, machine_line, write_section
from benchmarks.scratch_db import database_server, scratch_database
from pipeline.sources import Source


def crawl(base: str, pages: int, server_url: str, home: Path, **store: Any) -> dict[str, Any]:
    """One newsflow crawl of ``pages`` pages; its figures and the stored rows' check."""
    from crawlers.run import crawl_sources

    with scratch_database(server_url, "newsflow_bench_store") as scratch:
        run_id = new_crawl_run(scratch)
        settings = crawl_settings(home, scratch, **store)
        source = Source("bench", sitemaps=(f"{base}/sitemap.xml",), max_pages=pages)
        started = time.monotonic()
        (result,) = crawl_sources(settings, [source], run_id=run_id, database_url=scratch)
        wall = time.monotonic() - started
        with psycopg.connect(scratch) as conn:
            (rows, parts) = conn.execute(
                "SELECT count(*), count(DISTINCT warc_path) FROM warehouse.crawl_state "
                "WHERE warc_path IS NOT NULL AND outcome = 'fetched'"
            ).fetchone() or (0, 0)
    if result.error or result.fetched != pages or rows != pages:
        raise SystemExit(f"crawl of {pages} pages failed: {result} ({rows} rows)")
    return {
        "pages": result.fetched,
        "elapsed_s": result.elapsed_s,
        "wall_s": wall,
        "rate": result.fetched / result.elapsed_s,
        "parts": parts,
        "archived_mb": result.archived_bytes / 2**20,
        "left_in_home": sorted(str(p.relative_to(home)) for p in home.rglob("*") if p.is_file()),
    }


def report(local: dict[str, Any], remote: dict[str, Any], load: float) -> str:
    rows = "\n".join(
        f"| {name} | {r['pages']} | {r['parts']} | {r['elapsed_s']:.1f} | {r['rate']:.0f} "
        f"| {r['wall_s']:.1f} |"
        for name, r in (("folder (default)", local), ("S3 bucket (moto, same machine)", remote))
    )
    left = ", ".join(remote["left_in_home"]) or "nothing"
    return (
        "## Archive in a folder or a bucket (`python -m benchmarks.bench_archive_store`)\n\n"
        f"{machine_line()}. The crawl of `bench_crawl` (~100 KB pages, "
        f"{CONCURRENCY} concurrent requests, no delay); the bucket is moto's S3 server "
        f"on the same two cores. Load average when it started: {load:.1f} (other work on "
        "the machine slows both crawls; compare the ratio, not the rates).\n\n"
        "| archive | pages | WARC files | crawl seconds | pages/s | wall seconds "
        "(with the child's start and the last upload) |\n|---|---:|---:|---:|---:|---:|\n"
        f"{rows}\n\n"
        f"Bucket / folder pages/s: **{remote['rate'] / local['rate']:.2f}x**. Every "
        "crawl_state row points at a stored object; left under `NEWSFLOW_HOME` after the "
        f"bucket crawl: {left}.\n"
    )


def main(argv: list[str] | None = None) -> int:
    from devtools.s3_server import S3Server

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2_000)
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    context = multiprocessing.get_context("spawn")
    ports = context.Queue()
    server = context.Process(target=_serve, args=(ports, args.pages), daemon=True)
    server.start()
    s3 = S3Server().start()
    try:
        base = f"http://127.0.0.1:{ports.get(timeout=30)}"
        with (
            database_server() as server_url,
            tempfile.TemporaryDirectory(prefix="newsflow-bench-store-") as tmp,
        ):
            local = crawl(base, args.pages, server_url, Path(tmp) / "local")
            print(f"folder: {local}", flush=True)
            remote = crawl(
                base,
                args.pages,
                server_url,
                Path(tmp) / "remote",
                archive_url=f"s3://{s3.bucket()}/archive",
                storage_env=s3.env(),
            )
            print(f"bucket: {remote}", flush=True)
    finally:
        s3.kill()
        server.terminate()
        server.join(5)
    text = report(local, remote, load)
    print(text)
    write_section("archive-store", text, args.results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
