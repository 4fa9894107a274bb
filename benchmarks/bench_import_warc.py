"""WARC import: records/s of ``newsflow import-warc`` against bare warcio + trafilatura.

Usage::

    python -m benchmarks.bench_import_warc [--days N] [--per-day N] [--results FILE]

One generated file in the CC-NEWS layout (``devtools/warc_files.py``: a warcinfo
record, then one gzip member per response record, WARC/1.0): the sample site's article
pages (three publications on three hosts, ``--days`` x ``--per-day`` each, ~20 KB of
realistic markup) plus a stylesheet, a JSON answer and a redirect per day that an
import leaves out. The same file is read three ways, each with the machine's cores:

* **baseline**: ``warcio.ArchiveIterator`` over the file, and bare
  ``trafilatura.extract`` of every HTML 200 response in a process pool (no archive, no
  database, no dedup);
* **newsflow**: ``pipeline.warc_backfill.import_warc`` as ``newsflow import-warc`` runs
  it: framing and filtering, the copy into the archive and ``crawl_state``, extraction
  in the process pool, dedup, load and the derive step, in a scratch database;
* **newsflow, one host**: the same with ``--host`` keeping one publication of three,
  which shows what filtering before extraction saves.

Records/s counts every record of the file (warcinfo included) over the wall-clock time.
A scratch database is created and dropped on the server of
``NEWSFLOW_BENCH_DATABASE_URL`` (else 127.0.0.1:5432, else an embedded one). Results are
printed and written to the ``bench-import-warc`` section of ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchmarks.results import RESULTS, Figure, machine_line, write_section
from benchmarks.scratch_db import database_server, scratch_database
from devtools.warc_files import other_pages, sample_pages, write_warc
from pipeline.config import Settings
from pipeline.sources import Source

TARGET_RATIO = 0.7
"""newsflow's records/s against the bare baseline: the end-to-end bench's target."""
TODAY = date(2026, 11, 20)


def make_file(folder: Path, days: int, per_day: int) -> tuple[Path, int]:
    """The CC-NEWS-like file and how many records it holds."""
    pages = sample_pages(today=TODAY, days=days, articles_per_day=per_day)
    extras = []
    for day in range(days):
        noon = pages[0].captured_at + timedelta(days=day)
        extras += other_pages(noon)
    path = folder / "CC-NEWS-bench-00001.warc.gz"
    write_warc(path, [*pages, *extras])
    return path, 1 + len(pages) + len(extras)


def _bare_extract(body: bytes) -> int:
    import trafilatura

    return len(trafilatura.extract(body.decode("utf-8", "replace")) or "")


def run_baseline(path: Path, processes: int) -> dict[str, Any]:
    """warcio iteration plus bare trafilatura over the HTML 200 responses."""
    from warcio.archiveiterator import ArchiveIterator

    def bodies():
        with path.open("rb") as handle:
            for record in ArchiveIterator(handle):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                ctype = record.http_headers.get_header("Content-Type") or ""
                if ctype.startswith("text/html") and record.http_headers.get_statuscode() == "200":
                    yield record.content_stream().read()

    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        extracted = sum(1 for n in pool.imap(_bare_extract, bodies(), chunksize=4) if n)
    return {"seconds": time.perf_counter() - started, "articles": extracted}


def run_newsflow(path: Path, server: str, home: Path, host: str | None) -> dict[str, Any]:
    """``import_warc`` of the file into a scratch database."""
    from pipeline.db import prepare_database
    from pipeline.warc_backfill import import_warc

    with scratch_database(server, "newsflow_bench_warc") as url:
        settings = Settings.from_env({"NEWSFLOW_HOME": str(home), "NEWSFLOW_DATABASE_URL": url})
        prepare_database(settings)  # migrations are not part of an import's cost
        started = time.perf_counter()
        report = import_warc(settings, Source(name="bench"), [str(path)], host=host)
        seconds = time.perf_counter() - started
    counts = report["counts"]
    return {
        "seconds": seconds,
        "status": report["status"],
        "fetched": counts["pages_fetched"],
        "articles": counts["articles_new"] + counts["duplicates"],
    }


def report(
    records: int, size_mb: float, processes: int, load: float, rows: dict[str, dict[str, Any]]
) -> str:
    lines = [
        "## WARC import (`python -m benchmarks.bench_import_warc`)",
        "",
        f"{machine_line()}. One generated CC-NEWS-layout file: {records} records, "
        f"{size_mb:.1f} MB, gzip per record (sample-site article pages of ~20 KB on three "
        f"hosts, plus non-HTML responses and redirects); {processes} extraction processes. "
        f"Load average when it started: {load:.1f} (other work on the machine "
        "slows both sides; compare the ratio, not the absolute rates).",
        "",
        "| reader | records/s | seconds | pages extracted | articles loaded |",
        "|---|---|---|---|---|",
    ]
    for name, row in rows.items():
        lines.append(
            f"| {name} | {records / row['seconds']:,.0f} | {row['seconds']:.1f} | "
            f"{row.get('fetched', row['articles'])} | "
            f"{row['articles'] if 'fetched' in row else '(not loaded)'} |"
        )
    lines += [
        "",
        "The baseline does only the reading and `trafilatura.extract`; newsflow also copies "
        "each kept page into its archive, records it in `crawl_state`, extracts it with its "
        "own extractor, fingerprints, deduplicates, loads and indexes it. With `--host` the "
        "pages of the other hosts are dropped before extraction. Both sides use one process "
        "per core and count their pool's start (the baseline's workers import trafilatura, "
        "newsflow's forkserver imports its extractor, started as the import begins).",
        "",
        "Where the time goes (measured 2026-12-04 on a loaded machine, CPU seconds for the "
        "whole file, per thread from /proc, not cProfile, which inflates Python-heavy "
        "code about threefold): the baseline about 10.5 in its workers and 0.6 reading; "
        "newsflow about 13.8 in its forkserver and workers (the forkserver's imports, "
        "about 0.5; its extractor, 1.2-1.3x bare `trafilatura.extract` a page; the dedup "
        "fingerprint, 0.36 ms a page, 4% of an extraction; pickling a page and its "
        "result, 0.04 ms: no raw HTML comes back), about 2 in the parent process (the "
        "reading and archiving thread 0.3; the main thread 0.9: reading each page back, "
        "feeding the pool, the hand-off file, the load and the link step; the process "
        "pool's own threads 0.7) and 1.5-2 in PostgreSQL (profiled 2026-12-03). The "
        "workers and the parent share the two cores, so the extractor's cost bounds the "
        "ratio near 0.7; the load, link and derive steps follow extraction with the "
        "workers idle (the derive step's search vectors take the longest of them). "
        "The parent no longer compresses each page again (gzip level 9, 1.3 ms a record) to "
        "copy it into the archive: a record that is its own gzip member in the input is "
        "copied as that member.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=8, help="days of articles (default 8)")
    parser.add_argument("--per-day", type=int, default=50, help="articles per publication/day")
    parser.add_argument("--database-url", help="server for the scratch database")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    processes = os.cpu_count() or 1
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="newsflow-bench-warc-") as tmp:
        folder = Path(tmp)
        path, records = make_file(folder, args.days, args.per_day)
        size_mb = path.stat().st_size / 1e6
        print(f"{records} records, {size_mb:.1f} MB", flush=True)
        rows: dict[str, dict[str, Any]] = {}
        rows["bare warcio + `trafilatura.extract`"] = run_baseline(path, processes)
        with database_server(args.database_url) as server:
            rows["newsflow `import-warc`"] = run_newsflow(path, server, folder / "all", None)
            rows["newsflow `import-warc --host gazette` (1 host of 3)"] = run_newsflow(
                path, server, folder / "one", "gazette"
            )
    for name, row in rows.items():
        print(f"{name}: {records / row['seconds']:,.0f} records/s ({row})", flush=True)
    base, ours = (records / row["seconds"] for row in list(rows.values())[:2])
    ratio = ours / base
    met = "met" if ratio >= TARGET_RATIO else "not met"
    figure = Figure(
        benchmark=f"WARC import records/s, {records} records (CC-NEWS layout)",
        newsflow=f"{ours:,.1f}",
        baseline=f"{base:,.1f} (bare warcio + `trafilatura.extract`)",
        ratio=f"{ratio:.3f}",  # 3 digits: 0.695 must not read as a met 0.70
        target=f">= {TARGET_RATIO} {met}",
    )
    write_section(
        "import-warc", report(records, size_mb, processes, load, rows), args.results, [figure]
    )
    return 0 if all(r.get("status", "success") == "success" for r in rows.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
