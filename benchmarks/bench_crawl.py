"""Crawl throughput and memory against a local server serving ~100 KB pages.

Usage::

    python -m benchmarks.bench_crawl [--pages N] [--small N] [--rounds N] [--results FILE]

A local HTTP server (its own process) serves a sitemap of N article pages of ~100 KB
each. Two crawls of the same pages, with the same concurrency (16 requests, 16 per
host, no delay), each in its own process:

* **baseline**: a bare Scrapy spider in the spirit of ``scrapy bench``: requests the
  page URLs directly and does nothing with the responses (no robots.txt, no sitemap,
  no parsing, no archive, no database);
* **newsflow**: ``crawlers.run.crawl_sources`` as the nightly run calls it: robots.txt,
  sitemap discovery, canonical URLs, crawl-state lookups and writes in PostgreSQL, the
  gzip WARC archive.

The two crawls of ``--pages`` take turns for ``--rounds`` rounds (default 2) and the
faster run of each counts, since timing noise on a shared machine could otherwise decide
the ratio. Reports pages/s of both and their ratio (target: newsflow >= 0.8x the
baseline), and newsflow's peak RSS for ``--small`` (default 2,000) and ``--pages``
(default 20,000) pages, the lowest of its runs: memory must stay flat as the crawl
grows. A scratch database is created and
dropped on the server of ``NEWSFLOW_BENCH_DATABASE_URL`` (``benchmarks/scratch_db.py``:
else 127.0.0.1:5432, else an embedded one). Results are printed and written to the
``bench-crawl`` section of ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import subprocess
import sys
import tempfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import psycopg

from benchmarks.results import RESULTS, Figure, machine_line, write_section
from benchmarks.scratch_db import database_server, scratch_database
from pipeline import runs
from pipeline.config import CrawlLimits, Settings
from pipeline.db import apply_migrations
from pipeline.sources import Source

PAGE_BYTES = 100 * 1024
CONCURRENCY = 16
TARGET_RATIO = 0.8


# --- the server --------------------------------------------------------------------------


def _page(number: int) -> bytes:
    filler = "<p>" + "news text of the benchmark page " * 40 + "</p>\n"
    head = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>Article {number}"
        "</title></head><body><article>"
    )
    body = head + filler * (PAGE_BYTES // len(filler)) + "</article></body></html>"
    return body.encode()


HOME = b"<!doctype html><html><head><title>Bench news</title></head><body>News</body></html>"


def _serve(port_queue, pages: int, home: bool = False, port: int = 0) -> None:
    """Serve robots.txt, the sitemap and the pages until terminated; ``home`` also
    serves a home page at ``/`` and names the sitemap in robots.txt (crawlers that
    find sitemaps only that way and check the home page first need both). ``port`` 0
    takes a free one; the port is put on ``port_queue``."""
    template = _page(0)
    sitemap_cache: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            host = f"http://{self.headers['Host']}"
            if self.path == "/robots.txt":
                body, ctype = b"User-agent: *\nDisallow: /private/\n", "text/plain"
                if home:
                    body += f"Sitemap: {host}/sitemap.xml\n".encode()
            elif home and self.path == "/":
                body, ctype = HOME, "text/html; charset=utf-8"
            elif self.path == "/sitemap.xml":
                if host not in sitemap_cache:
                    urls = "".join(
                        f"<url><loc>{host}/a/{i}</loc><lastmod>2024-05-01</lastmod></url>"
                        for i in range(pages)
                    )
                    sitemap_cache[host] = (
                        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/'
                        f'sitemap/0.9">{urls}</urlset>'
                    ).encode()
                body, ctype = sitemap_cache[host], "application/xml"
            elif self.path.startswith("/a/"):
                body, ctype = template, "text/html; charset=utf-8"
            else:
                body, ctype = b"not found", "text/plain"
            self.send_response(200 if ctype != "text/plain" or "robots" in self.path else 404)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    server.request_queue_size = 128
    port_queue.put(server.server_address[1])
    server.serve_forever()


# --- the baseline ---------------------------------------------------------------------------

BASELINE = r"""
import json, resource, sys, time
import scrapy
from scrapy.crawler import CrawlerProcess

base, pages, concurrency = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

class Bare(scrapy.Spider):
    name = "bare"
    async def start(self):
        for i in range(pages):
            yield scrapy.Request(f"{base}/a/{i}", callback=self.parse)
    def parse(self, response):
        pass

started = time.monotonic()
process = CrawlerProcess({"LOG_LEVEL": "ERROR", "CONCURRENT_REQUESTS": concurrency,
                          "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency, "DOWNLOAD_DELAY": 0,
                          "TELNETCONSOLE_ENABLED": False, "ROBOTSTXT_OBEY": False,
                          "COOKIES_ENABLED": False})
crawler = process.create_crawler(Bare)
process.crawl(crawler)
process.start()
print(json.dumps({"pages": crawler.stats.get_value("response_received_count", 0),
                  "elapsed_s": time.monotonic() - started,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run_baseline(base: str, pages: int) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", BASELINE, base, str(pages), str(CONCURRENCY)],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(done.stdout.strip().splitlines()[-1])
    data["rate"] = data["pages"] / data["elapsed_s"]
    return data


# --- newsflow ------------------------------------------------------------------------------


def new_crawl_run(database_url: str) -> int:
    """Migrate the scratch database and record the run a bench crawl belongs to."""
    with psycopg.connect(database_url) as conn:
        apply_migrations(conn)
        return runs.create_run(conn, sources=["bench"], since=None, until=None)


def crawl_settings(home: Path, database_url: str, **overrides: Any) -> Settings:
    """newsflow's settings for a bench crawl: no delay, ``CONCURRENCY`` requests at once
    (``overrides``: other fields, e.g. the archive's store)."""
    settings = Settings.from_env(
        {"NEWSFLOW_HOME": str(home), "NEWSFLOW_DATABASE_URL": database_url}
    )
    return settings.with_overrides(
        crawl=CrawlLimits(
            download_delay_s=0.0,
            autothrottle_start_delay_s=0.0,
            concurrency_per_host=CONCURRENCY,
            concurrency_total=CONCURRENCY,
        ),
        **overrides,
    )


def run_newsflow(base: str, pages: int, server_url: str, home: Path) -> dict:
    from crawlers.run import crawl_sources

    with scratch_database(server_url, "newsflow_bench_crawl") as scratch:
        run_id = new_crawl_run(scratch)
        settings = crawl_settings(home, scratch)
        source = Source("bench", sitemaps=(f"{base}/sitemap.xml",), max_pages=pages)
        (result,) = crawl_sources(settings, [source], run_id=run_id, database_url=scratch)
    if result.error or result.fetched != pages:
        raise SystemExit(f"newsflow crawl of {pages} pages failed: {result}")
    return {
        "pages": result.fetched,
        "elapsed_s": result.elapsed_s,
        "rate": result.fetched / result.elapsed_s,
        "peak_rss_mb": result.peak_rss_mb,
        "archived_mb": result.archived_bytes / 2**20,
    }


def best_of(crawls: list[dict]) -> dict:
    """The fastest of ``crawls`` (the same crawl, taking turns with the other side),
    with every run's rate (``rates``) and the lowest peak RSS of them: a crawl child
    inherits the benchmark process's peak, so the lowest is the truest."""
    fastest = max(crawls, key=lambda crawl: crawl["rate"])
    return {
        **fastest,
        "rates": [crawl["rate"] for crawl in crawls],
        "peak_rss_mb": min(crawl["peak_rss_mb"] for crawl in crawls),
    }


def _rates(crawl: dict) -> str:
    return ", ".join(f"{rate:.0f}" for rate in crawl.get("rates", [crawl["rate"]]))


def report(small: dict, large: dict, baseline: dict) -> str:
    ratio = large["rate"] / baseline["rate"]
    verdict = "meets" if ratio >= TARGET_RATIO else "misses"
    growth = large["peak_rss_mb"] - small["peak_rss_mb"]
    return "\n".join(
        [
            "## Crawl throughput and memory",
            "",
            f"{machine_line()}. Local server, ~{PAGE_BYTES // 1024} KB HTML pages, "
            f"{CONCURRENCY} concurrent requests (all to one host), no delay. The bare spider "
            f"and newsflow's {large['pages']}-page crawl took turns, "
            f"{len(large.get('rates', [0]))} round(s); the faster run of each counts "
            "(seconds), each run's rate in brackets.",
            "",
            "| crawl | pages | seconds | pages/s (each run) | peak RSS (MiB) |",
            "|---|---:|---:|---:|---:|",
            f"| baseline: bare Scrapy spider, no parsing | {baseline['pages']} | "
            f"{baseline['elapsed_s']:.1f} | {baseline['rate']:.0f} ({_rates(baseline)}) | "
            f"{baseline['peak_rss_mb']:.0f} |",
            f"| newsflow (robots, sitemap, crawl state, WARC) | {small['pages']} | "
            f"{small['elapsed_s']:.1f} | {small['rate']:.0f} | {small['peak_rss_mb']:.0f} |",
            f"| newsflow (robots, sitemap, crawl state, WARC) | {large['pages']} | "
            f"{large['elapsed_s']:.1f} | {large['rate']:.0f} ({_rates(large)}) | "
            f"{large['peak_rss_mb']:.0f} |",
            "",
            f"Throughput ratio newsflow / baseline at {large['pages']} pages: **{ratio:.2f}x** "
            f"({verdict} the {TARGET_RATIO}x target). Peak RSS grows by {growth:.0f} MiB from "
            f"{small['pages']} to {large['pages']} pages (archive written: "
            f"{large['archived_mb']:.0f} MiB of gzip WARC).",
        ]
    )


def figures(small: dict, large: dict, baseline: dict) -> list[Figure]:
    """The summary lines: throughput against bare Scrapy, memory growth with pages."""
    ratio = large["rate"] / baseline["rate"]
    growth = large["peak_rss_mb"] - small["peak_rss_mb"]
    return [
        Figure(
            f"crawl pages/s, {large['pages']} pages of ~{PAGE_BYTES // 1024} KB",
            f"{large['rate']:.0f}",
            f"{baseline['rate']:.0f} (bare Scrapy spider)",
            f"{ratio:.2f}",
            f">= {TARGET_RATIO} {'met' if ratio >= TARGET_RATIO else 'not met'}",
        ),
        Figure(
            f"crawler peak RSS, {small['pages']} -> {large['pages']} pages (MiB)",
            f"{large['peak_rss_mb']:.0f}",
            f"{small['peak_rss_mb']:.0f}",
            f"{growth:+.0f} MiB",
            "flat",
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20_000)
    parser.add_argument("--small", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=2, help="turns of the two crawls")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    context = multiprocessing.get_context("spawn")
    ports = context.Queue()
    server = context.Process(target=_serve, args=(ports, args.pages), daemon=True)
    server.start()
    try:
        base = f"http://127.0.0.1:{ports.get(timeout=30)}"
        with (
            database_server() as server_url,
            tempfile.TemporaryDirectory(prefix="newsflow-bench-crawl-") as tmp,
        ):
            small = run_newsflow(base, args.small, server_url, Path(tmp) / "small")
            print(f"newsflow {args.small} pages: {small}", flush=True)
            baselines, larges = [], []
            for turn in range(1, max(1, args.rounds) + 1):
                baselines.append(run_baseline(base, args.pages))
                print(f"round {turn} baseline {args.pages} pages: {baselines[-1]}", flush=True)
                home = Path(tmp) / f"large-{turn}"
                larges.append(run_newsflow(base, args.pages, server_url, home))
                print(f"round {turn} newsflow {args.pages} pages: {larges[-1]}", flush=True)
    finally:
        server.terminate()
        server.join(5)
    baseline, large = best_of(baselines), best_of(larges)
    text = report(small, large, baseline)
    print(text)
    write_section("crawl", text, args.results, figures(small, large, baseline))
    return 0


if __name__ == "__main__":
    sys.exit(main())
