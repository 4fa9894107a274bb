"""End to end: pages/s of a whole ``newsflow run`` against bare trafilatura, memory of
the whole process tree, the cost of an incremental run, and where the time goes.

Usage::

    python -m benchmarks.bench_e2e [--pages N] [--small N] [--page-kb KB] [--full]
                                   [--no-profile] [--results FILE]

The bundled sample site (``devtools.sample_site``: three publications, their sitemaps,
feed and section pages, copies and trap pages) serves about N article pages of
``--page-kb`` KB on loopback (default 5,000 of 100 KB). Against a fresh database,
``benchmarks/pipeline_run.py`` runs the pipeline in a child process exactly as
``newsflow run`` does (``pipeline.local_run.run_pipeline``: discovery, polite fetching,
WARC archive, extraction, dedup, load, quality checks; the sources file the site
writes, default settings); ``benchmarks/procmem.py`` samples the child's process tree
(the run, its crawler child, its extraction workers) for peak memory and CPU by role.

* **throughput**: pages fetched / wall time of the first run, against the physical
  limit: bare ``trafilatura.extract`` over the very same HTML (read back from the run's
  archive beforehand, untimed) in one process per core; target ratio >= 0.7;
* **incremental**: the second run over the unchanged site as a share of the first
  run's wall time and of its bytes downloaded (targets < 2 % each), and the bytes per
  request type (robots, sitemap, feed, navigation page, article) from the sample site's
  request log (``benchmarks/e2e_quiet.py``);
* **memory**: peak RSS and PSS of the tree for ``--small`` and N pages, the growth per
  10,000 articles; ``--full`` adds a 50,000-page run (20 KB pages) — about half an hour,
  so not part of ``make bench``;
* **profile**: one more run of ``--small`` pages under pyinstrument (the run's own
  process; the crawler and the extraction workers are covered by CPU seconds per role).

The database server is ``NEWSFLOW_BENCH_DATABASE_URL``, else 127.0.0.1:5432 when
reachable, else an embedded one (``benchmarks/scratch_db.py``); every run gets its own
scratch database, dropped at the end. Results are printed and written to the
``bench-e2e`` section of ``benchmarks/RESULTS.md`` (the text: ``benchmarks/e2e_report.py``).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
from psycopg.conninfo import conninfo_to_dict

from benchmarks.e2e_quiet import bytes_by_kind
from benchmarks.e2e_report import (
    FULL_PAGE_KB,
    FULL_PAGES,
    figures,
    full_run_figures,
    report,
)
from benchmarks.procmem import ProcSample, TreeSampler, TreeUsage
from benchmarks.results import RESULTS, section_figures, write_section
from benchmarks.scratch_db import database_server, scratch_database

REPO = Path(__file__).resolve().parent.parent
RUNNER = "benchmarks.pipeline_run"
SITE_DAYS = 14
SITE_TODAY = date(2026, 11, 20)
SITE_SEED = 11
PUBLICATIONS = 3


# --- one run ---------------------------------------------------------------------------------


@dataclass(slots=True)
class RunMeasure:
    """One pipeline run as the benchmark saw it."""

    wall_s: float
    """Wall time of the whole child process (interpreter start included)."""
    result: dict[str, Any]
    """What ``pipeline_run.py`` reported (counts, stage times, ...)."""
    usage: TreeUsage
    site_cpu_s: float
    """CPU seconds of this process during the run: the sample site's server threads
    (and the sampler)."""
    profile_text: str = ""
    bytes_by_kind: dict[str, tuple[int, int]] = field(default_factory=dict)
    """(requests, body bytes) per request type, from the site's request log."""
    pages_fetched: int = field(init=False)
    articles: int = field(init=False)

    def __post_init__(self) -> None:
        counts = self.result["counts"]
        self.pages_fetched = counts["pages_fetched"]
        self.articles = counts["articles_new"] + counts["duplicates"]

    @property
    def rate(self) -> float:
        return self.pages_fetched / self.wall_s


def role_of(root: int, dbname: str):
    def role(sample: ProcSample, line: str) -> str:
        if sample.pid == root:
            return "run"
        if "crawlers.worker" in line:
            return "crawler"
        if "multiprocessing.spawn" in line or "multiprocessing.forkserver" in line:
            return "extract"
        if line.startswith("postgres:") and f" {dbname} " in line:
            return "postgres"
        return "other"

    return role


def run_pipeline_child(
    home: Path,
    db_url: str,
    sources: Path,
    *,
    profile: bool = False,
    extra_env: dict[str, str] | None = None,
) -> RunMeasure:
    """Run ``benchmarks.pipeline_run`` once in a child process; measure its process tree.
    ``extra_env`` adds settings (e.g. NEWSFLOW_ARCHIVE_URL and the AWS variables)."""
    home.mkdir(parents=True, exist_ok=True)
    result_file = home / f"result-{secrets.token_hex(3)}.json"
    profile_file = home / "profile.txt"
    env = dict(
        os.environ,
        NEWSFLOW_HOME=str(home),
        NEWSFLOW_DATABASE_URL=db_url,
        NEWSFLOW_SOURCES=str(sources),
        **(extra_env or {}),
    )
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    command = [sys.executable, "-m", RUNNER, str(result_file)]
    if profile:
        command += ["--profile", str(profile_file)]
    dbname = conninfo_to_dict(db_url)["dbname"]
    cpu_before = time.process_time()
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, cwd=REPO, stdin=subprocess.DEVNULL)
    sampler = TreeSampler(
        process.pid,
        role_of(process.pid, dbname),
        also=lambda line: line.startswith("postgres:") and f" {dbname} " in line,
    )
    with sampler:
        code = process.wait()
    wall = time.monotonic() - started
    site_cpu = time.process_time() - cpu_before
    if not result_file.exists():
        raise SystemExit(f"the pipeline run failed (exit code {code}) without a result")
    result = json.loads(result_file.read_text("utf-8"))
    if result["status"] != "success":
        print(f"warning: run status {result['status']}: {result.get('errors')}", flush=True)
    return RunMeasure(
        wall_s=wall,
        result=result,
        usage=sampler.usage,
        site_cpu_s=site_cpu,
        profile_text=profile_file.read_text("utf-8") if profile else "",
    )


# --- the sample site -------------------------------------------------------------------------


def site_config(pages: int, page_kb: int):
    from devtools.sample_site import SiteConfig

    per_day = max(1, round(pages / (PUBLICATIONS * SITE_DAYS)))
    return SiteConfig(
        seed=SITE_SEED, today=SITE_TODAY, days=SITE_DAYS, articles_per_day=per_day, page_kb=page_kb
    )


@contextmanager
def serving(pages: int, page_kb: int, folder: Path) -> Iterator[tuple[Any, Path]]:
    """Serve a sample site of about ``pages`` article pages; yields it and its sources
    file."""
    from devtools.sample_site import SampleSite

    folder.mkdir(parents=True, exist_ok=True)
    with SampleSite(site_config(pages, page_kb)).serve() as site:
        path = site.write_sources_file(folder / "sources.yaml")
        # A source's max_pages (default 5,000 per run) must not cut the large runs short.
        cap = max(5_000, pages)
        text = re.sub(
            r"^(  - name: .*)$", rf"\1\n    max_pages: {cap}", path.read_text("utf-8"), flags=re.M
        )
        path.write_text(text, "utf-8")
        yield site, path


def measure_size(
    server_url: str,
    pages: int,
    page_kb: int,
    folder: Path,
    *,
    incremental: bool = False,
    baseline: int = 0,
    profile: bool = False,
) -> dict[str, Any]:
    """Runs over one site size in one scratch database: the first run, and optionally
    the incremental second run and the baseline over (up to ``baseline``) archived
    pages."""
    out: dict[str, Any] = {"pages_requested": pages, "page_kb": page_kb}
    home = folder / "home"
    with (
        serving(pages, page_kb, folder) as (site, sources),
        scratch_database(server_url, "newsflow_bench_e2e") as db_url,
    ):
        articles = {urlsplit(e.url).path for e in site.expected_articles()}

        def measured(**kwargs: Any) -> RunMeasure:
            start = len(site.request_log)
            run = run_pipeline_child(home, db_url, sources, **kwargs)
            run.bytes_by_kind = bytes_by_kind(site.request_log[start:], articles)
            return run

        first = measured(profile=profile)
        out["first"] = first
        print(
            f"{pages} pages{' (profiled)' if profile else ''}: {first.pages_fetched} fetched, "
            f"{first.articles} articles in {first.wall_s:.1f} s; peak PSS "
            f"{first.usage.peak_pss_mib:.0f} MiB",
            flush=True,
        )
        if incremental:
            second = measured()
            out["second"] = second
            print(
                f"second run: {second.pages_fetched} fetched in {second.wall_s:.1f} s", flush=True
            )
        if baseline:
            out["baseline"] = run_baseline(db_url, home / "archive", baseline)
    return out


# --- the baseline ----------------------------------------------------------------------------

_ARCHIVED = """
SELECT warc_path, warc_offset FROM warehouse.crawl_state
WHERE warc_path IS NOT NULL ORDER BY warc_path, warc_offset
"""
_PAGES: list[bytes] = []


def archived_pages(db_url: str, archive_dir: Path, limit: int) -> list[bytes]:
    """The bodies of the pages the run archived (what it extracted): all of them, or an
    evenly spread sample of ``limit`` when there are more."""
    from pipeline.archive import read_record

    with psycopg.connect(db_url) as conn:
        rows = conn.execute(_ARCHIVED).fetchall()
    step = max(1, -(-len(rows) // limit))
    return [read_record(archive_dir, path, offset)[1] for path, offset in rows[::step]]


def _bare_extract(index: int) -> tuple[int, float]:
    """Characters extracted from page ``index`` and the CPU seconds it took."""
    import trafilatura

    started = time.process_time()
    chars = len(trafilatura.extract(_PAGES[index]) or "")
    return chars, time.process_time() - started


def run_baseline(db_url: str, archive_dir: Path, limit: int) -> dict[str, Any]:
    """Bare ``trafilatura.extract`` over the archived pages, one process per core.

    The pages are read into memory first (untimed) and the workers are forked with them,
    so the timed part is extraction alone: the physical limit of this machine. Each
    worker also times its own CPU per page, which a busy machine does not distort.
    """
    import trafilatura  # noqa: F401  # imported before the fork, like a warm worker

    _PAGES[:] = archived_pages(db_url, archive_dir, limit)
    processes = os.cpu_count() or 1
    context = multiprocessing.get_context("fork")
    started = time.monotonic()
    with context.Pool(processes) as pool:
        done = list(pool.imap_unordered(_bare_extract, range(len(_PAGES)), chunksize=4))
    elapsed = time.monotonic() - started
    pages, mb = len(_PAGES), sum(map(len, _PAGES)) / 2**20
    _PAGES.clear()
    cpu = sum(seconds for _, seconds in done)
    print(
        f"baseline: {pages} pages ({mb:.0f} MiB) in {elapsed:.1f} s with {processes} "
        f"processes ({cpu / pages * 1000:.1f} ms CPU per page)",
        flush=True,
    )
    return {
        "pages": pages,
        "mib": mb,
        "elapsed_s": elapsed,
        "rate": pages / elapsed,
        "processes": processes,
        "cpu_s": cpu,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=5_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--page-kb", type=int, default=100)
    parser.add_argument(
        "--baseline-pages",
        type=int,
        default=2_000,
        help="pages (an even sample of the run's) for the baseline",
    )
    parser.add_argument(
        "--full",
        action="store_true",
        help=f"also run {FULL_PAGES:,} pages of {FULL_PAGE_KB} KB (slow)",
    )
    parser.add_argument("--full-pages", type=int, default=FULL_PAGES, help=argparse.SUPPRESS)
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    started = time.monotonic()
    load_before = os.getloadavg()[0]
    with (
        database_server() as server_url,
        tempfile.TemporaryDirectory(prefix="newsflow-bench-e2e-") as tmp,
    ):
        root = Path(tmp)
        small = measure_size(server_url, args.small, args.page_kb, root / "small")
        main_size = measure_size(
            server_url,
            args.pages,
            args.page_kb,
            root / "main",
            incremental=True,
            baseline=args.baseline_pages,
        )
        profiled = None
        if not args.no_profile:
            profiled = measure_size(
                server_url, args.small, args.page_kb, root / "profile", profile=True
            )
        full = None
        if args.full:
            full = measure_size(server_url, args.full_pages, FULL_PAGE_KB, root / "full")
        kept = [] if full else full_run_figures(section_figures("e2e", args.results))
        text = report(main_size, small, profiled, full, (load_before, os.getloadavg()[0]), kept)
    print(text)
    write_section("e2e", text, args.results, figures(main_size, small, full) + kept)
    print(f"bench_e2e: {time.monotonic() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
