"""End to end with the archive in an object store: ``newsflow run`` pages/s with
``NEWSFLOW_ARCHIVE_URL=s3://...`` against the same run with the archive on local disk.

Usage::

    python -m benchmarks.bench_e2e_store [--pages N] [--page-kb KB] [--rounds R]
                                         [--results FILE]

The bundled sample site serves about N article pages (default 2,000 of 100 KB) on
loopback; moto's S3 server (``devtools/s3_server.py``, the real S3 HTTP API) runs on
127.0.0.1. Each round runs the whole pipeline twice, in a child process exactly as
``newsflow run`` does (``benchmarks.bench_e2e.run_pipeline_child``), each time into a
fresh scratch database and NEWSFLOW_HOME: once with the archive under NEWSFLOW_HOME,
once in a fresh bucket. Local and S3 runs alternate so that a busy machine slows both
alike; the best of ``--rounds`` (default 2) of each is compared. Target: the S3 run at
least 0.85 times the local-disk rate. Written to the ``e2e-store`` section of
``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_e2e import RunMeasure, run_pipeline_child, serving
from benchmarks.results import RESULTS, Figure, machine_line, write_section
from benchmarks.scratch_db import database_server, scratch_database
from devtools.s3_server import S3Server

TARGET = 0.85


def one_run(
    server_url: str, folder: Path, sources: Path, extra_env: dict[str, str] | None
) -> RunMeasure:
    """The pipeline once into a fresh database and NEWSFLOW_HOME."""
    with scratch_database(server_url, "newsflow_bench_store") as db_url:
        run = run_pipeline_child(folder, db_url, sources, extra_env=extra_env)
    where = "s3" if extra_env else "local"
    print(
        f"{where}: {run.pages_fetched} pages in {run.wall_s:.1f} s ({run.rate:.1f} pages/s), "
        f"status {run.result['status']}",
        flush=True,
    )
    return run


def report(local: list[RunMeasure], remote: list[RunMeasure], pages: int, kb: int) -> str:
    best_local = max(local, key=lambda run: run.rate)
    best_s3 = max(remote, key=lambda run: run.rate)
    ratio = best_s3.rate / best_local.rate
    verdict = "met" if ratio >= TARGET else "NOT met"
    rows = [
        f"| {name} | {run.pages_fetched} | {run.wall_s:.1f} | {run.rate:.1f} | "
        f"{run.usage.peak_pss_mib:.0f} |"
        for name, runs in (("local disk", local), ("S3 (moto on 127.0.0.1)", remote))
        for run in runs
    ]
    return "\n".join(
        [
            "## End to end with the archive in S3 (`python -m benchmarks.bench_e2e_store`)",
            "",
            f"{machine_line()}. The sample site: about {pages:,} article pages of {kb} KB. "
            "Every run is a whole `newsflow run` (discovery, fetching, WARC archive, "
            "extraction, dedup, load, checks) in a fresh database; local and S3 runs "
            "alternate. With S3, WARC parts are uploaded when complete and pages are read "
            "back by ranged reads of their records.",
            "",
            "| archive | pages | wall s | pages/s | peak PSS MiB |",
            "|---|---|---|---|---|",
            *rows,
            "",
            f"Best of each: S3 {best_s3.rate:.1f} pages/s against local disk "
            f"{best_local.rate:.1f} pages/s: **{ratio:.2f}x** (target >= {TARGET}: {verdict}).",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2_000)
    parser.add_argument("--page-kb", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    started = time.monotonic()
    local: list[RunMeasure] = []
    remote: list[RunMeasure] = []
    server = S3Server().start()
    try:
        with (
            database_server() as server_url,
            tempfile.TemporaryDirectory(prefix="newsflow-bench-store-") as tmp,
        ):
            root = Path(tmp)
            with serving(args.pages, args.page_kb, root / "site") as (_, sources):
                for round_ in range(args.rounds):
                    local.append(one_run(server_url, root / f"local-{round_}", sources, None))
                    s3_env = {
                        **server.env(),
                        "NEWSFLOW_ARCHIVE_URL": f"s3://{server.bucket()}/archive",
                    }
                    remote.append(one_run(server_url, root / f"s3-{round_}", sources, s3_env))
    finally:
        server.kill()
    text = report(local, remote, args.pages, args.page_kb)
    best_s3 = max(run.rate for run in remote)
    best_local = max(run.rate for run in local)
    figure = Figure(
        benchmark="end to end, archive in S3",
        newsflow=f"{best_s3:.1f} pages/s",
        baseline=f"{best_local:.1f} pages/s on local disk",
        ratio=f"{best_s3 / best_local:.2f}x",
        target=f">= {TARGET}x",
    )
    print(text)
    write_section("e2e-store", text, args.results, [figure])
    print(f"bench_e2e_store: {time.monotonic() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
