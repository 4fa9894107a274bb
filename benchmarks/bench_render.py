"""Rendering pages in headless Chromium against fetching them over plain HTTP.

Usage::

    python -m benchmarks.bench_render [--pages N] [--results FILE]

The sample site's JavaScript publication (``devtools.sample_site.scripted``: each page's
body is fetched as JSON and inserted by a script) is served by its own process. Two
crawls of the same N pages (default 500) in one run, through
``crawlers.run.crawl_sources`` as the nightly run calls it, with the same production
politeness limits (2 requests at a time to the host, no delay: a local server):

* **http**: ``render: http``, the pages as the server sends them (empty shells);
* **browser**: ``render: browser``, every article page rendered in Debian's Chromium
  (``NEWSFLOW_CHROMIUM``, default ``/usr/bin/chromium``), 2 pages at a time.

Reports pages/s of both (wall clock of the crawl, the child's start included), the
requests each page cost the site, and the browser's peak memory: the Chromium
processes under this one, sampled from ``/proc`` every 0.2 s (summed RSS, which counts
the pages the processes share once per process, and summed PSS, which splits them),
next to the crawler process's own peak RSS. Without Chromium the benchmark says so and
exits 2. A scratch database is created and dropped on the server of
``NEWSFLOW_BENCH_DATABASE_URL`` (else 127.0.0.1:5432, else an embedded one). Results
are printed and written to the ``bench-render`` section of ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from benchmarks.procmem import MIB, all_processes, command_line, read_pss_bytes, tree_pids
from benchmarks.results import RESULTS, Figure, machine_line, write_section
from benchmarks.scratch_db import database_server, scratch_database
from pipeline import runs
from pipeline.config import CrawlLimits, Settings
from pipeline.db import apply_migrations
from pipeline.sources import Source

PAGES = 500
LIMITS = CrawlLimits(download_delay_s=0.0, autothrottle_start_delay_s=0.0)
"""Production limits (2 requests at a time per host, 2 browser pages) without the delay."""


@dataclass
class BrowserMemory:
    """Peaks of the Chromium processes' summed memory (MiB) while sampling ran."""

    rss: float = 0.0
    pss: float = 0.0
    processes: int = 0


class ChromiumSampler:
    """Samples the Chromium processes under this process every ``interval_s``."""

    def __init__(self, interval_s: float = 0.2) -> None:
        self.interval_s = interval_s
        self.peak = BrowserMemory()
        self._names: dict[int, bool] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> ChromiumSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _is_chromium(self, pid: int) -> bool:
        if pid not in self._names:
            self._names[pid] = "chrom" in command_line(pid).split(" ")[0]
        return self._names[pid]

    def _loop(self) -> None:
        while not self._stop.wait(self.interval_s):
            samples = all_processes()
            pids = [p for p in tree_pids(os.getpid(), samples) if self._is_chromium(p)]
            if not pids:
                continue
            rss = sum(samples[p].rss_bytes for p in pids) / MIB
            pss = sum(read_pss_bytes(p) for p in pids) / MIB
            peak = self.peak
            peak.rss, peak.pss = max(peak.rss, rss), max(peak.pss, pss)
            peak.processes = max(peak.processes, len(pids))


def _serve(ports: Any) -> None:
    from devtools.sample_site import SampleSite, SiteConfig

    with SampleSite(SiteConfig(days=7, articles_per_day=2)).serve() as site:
        ports.put(site.base_url)
        threading.Event().wait()


def crawl(base: str, render: str, pages: int, server_url: str, home: Path) -> dict[str, Any]:
    """One crawl of the publication's ``pages`` pages; its figures."""
    from crawlers.run import crawl_sources

    with scratch_database(server_url, "newsflow_bench_render") as scratch:
        with psycopg.connect(scratch) as conn:
            apply_migrations(conn)
            run_id = runs.create_run(conn, sources=[render], since=None, until=None)
        settings = Settings.from_env({"NEWSFLOW_HOME": str(home), "NEWSFLOW_DATABASE_URL": scratch})
        settings = settings.with_overrides(crawl=LIMITS)
        sitemap = f"{base}/scripted/sitemap.xml?pages={pages}"
        source = Source(render, sitemaps=(sitemap,), max_pages=pages, render=render)
        with ChromiumSampler() as sampler:
            (result,) = crawl_sources(settings, [source], run_id=run_id, database_url=scratch)
    if result.error or result.fetched != pages:
        raise SystemExit(f"the {render} crawl of {pages} pages failed: {result}")
    return {
        "pages": result.fetched,
        "elapsed_s": result.elapsed_s,
        "rate": result.fetched / result.elapsed_s,
        "crawler_rss_mb": result.peak_rss_mb,
        "browser": sampler.peak,
        "load": os.getloadavg()[0],
    }


def site_requests(base: str) -> int:
    """How many requests the site has answered so far."""
    import json
    import urllib.request

    with urllib.request.urlopen(f"{base}/_control/requests") as answer:
        return len(json.load(answer))


def report(http: dict[str, Any], browser: dict[str, Any]) -> str:
    memory: BrowserMemory = browser["browser"]
    ratio = browser["rate"] / http["rate"]
    rows = [
        f"| {name} | {d['pages']} | {d['elapsed_s']:.1f} | {d['rate']:.1f} | "
        f"{d['requests'] / d['pages']:.1f} | {d['crawler_rss_mb']:.0f} |"
        for name, d in (("http (`render: http`)", http), ("browser (`render: browser`)", browser))
    ]
    return "\n".join(
        [
            "## Rendering pages in Chromium (`python -m benchmarks.bench_render`)",
            "",
            f"{machine_line()}. The sample site's JavaScript publication (each page's body "
            "fetched as JSON by a script), served by a local process; production limits "
            "(2 requests at a time to the host, 2 browser pages, 100 pages per browser "
            "context) without the delay; the crawl's wall clock, its child's start included.",
            "",
            "| crawl | pages | seconds | pages/s | site requests per page "
            "| crawler peak RSS (MiB) |",
            "|---|---:|---:|---:|---:|---:|",
            *rows,
            "",
            f"Rendering runs at **{ratio:.2f}x** the pages/s of plain HTTP. The browser's "
            f"peak memory: **{memory.rss:.0f} MiB** summed RSS ({memory.pss:.0f} MiB PSS) over "
            f"{memory.processes} Chromium processes at most, beside the crawler process. "
            "Plain HTTP gets only the empty shells: the rendered pages are the ones with "
            f"text. The machine's 1-minute load average at the end of the crawls: "
            f"{http['load']:.1f} (http), {browser['load']:.1f} (browser): other work shared "
            "its cores, and a rendered page costs far more CPU than a fetched one.",
        ]
    )


def figures(http: dict[str, Any], browser: dict[str, Any]) -> list[Figure]:
    memory: BrowserMemory = browser["browser"]
    ratio = browser["rate"] / http["rate"]
    return [
        Figure(
            f"rendered pages/s, {browser['pages']} pages of the JavaScript publication",
            f"{browser['rate']:.1f}",
            f"{http['rate']:.1f} (plain HTTP, the same pages)",
            f"{ratio:.2f}",
            "(for reference)",
        ),
        Figure(
            f"browser peak memory rendering {browser['pages']} pages (MiB)",
            f"{memory.rss:.0f} RSS, {memory.pss:.0f} PSS",
            f"{http['crawler_rss_mb']:.0f} (crawler process over plain HTTP)",
            "",
            "(for reference)",
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=PAGES)
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    from crawlers.browser import missing_browser

    missing = missing_browser("bench_render", Settings.from_env().chromium_path)
    if missing:
        print(f"bench_render: {missing}", file=sys.stderr)
        return 2
    context = multiprocessing.get_context("spawn")
    ports = context.Queue()
    server = context.Process(target=_serve, args=(ports,), daemon=True)
    server.start()
    try:
        base = ports.get(timeout=60)
        results = {}
        with (
            database_server() as server_url,
            tempfile.TemporaryDirectory(prefix="newsflow-bench-render-") as tmp,
        ):
            for render in ("http", "browser"):
                before = site_requests(base)
                results[render] = crawl(base, render, args.pages, server_url, Path(tmp) / render)
                results[render]["requests"] = site_requests(base) - before
                print(f"{render}: {results[render]}", flush=True)
    finally:
        server.terminate()
        server.join(5)
    text = report(results["http"], results["browser"])
    print(text)
    write_section("render", text, args.results, figures(results["http"], results["browser"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
