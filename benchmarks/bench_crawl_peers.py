"""Crawling against a peer: news-please's crawler beside newsflow and bare Scrapy.

Usage::

    python -m benchmarks.bench_crawl_peers [--pages N] [--rounds N] [--no-limit]
                                           [--results FILE]

``bench_crawl``'s local site (~100 KB pages, a sitemap of ``--pages``, default 5,000;
here also a home page and the sitemap named in robots.txt, which news-please needs),
served on port 80 when the benchmark may bind it (news-please crawls no other port,
see ``benchmarks/crawl_peers.py``), crawled in turn by:

* bare Scrapy (``bench_crawl``'s baseline: the limit; left out with ``--no-limit``);
* newsflow (``crawlers.run.crawl_sources`` as a run calls it, into a scratch database);
* news-please's ``SitemapCrawler`` storing every page as a file.

Each with the same concurrency (16 requests, 16 per host, no delay), ``--rounds``
rounds (default 1: no target rests on these ratios) taking turns, the faster run
counting. Reported: pages/s and peak memory of each. A peer that is not installed or
cannot crawl gets a row saying why. Results are printed and written to the
``bench-crawl-peers`` section of ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import multiprocessing
import socket
import sys
import tempfile
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from benchmarks import crawl_peers
from benchmarks.bench_crawl import CONCURRENCY, PAGE_BYTES, _serve, run_baseline, run_newsflow
from benchmarks.peers import Outcome, attempt, peer, versions_text
from benchmarks.results import RESULTS, Figure, machine_description, machine_line, write_section
from benchmarks.scratch_db import database_server

DEFAULT_PORT = 80


def port_free(port: int) -> bool:
    """Whether this process may listen on 127.0.0.1:``port`` now."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


NO_LIMIT = "not run here (`--no-limit`): `bench_crawl` measures it"


def measure(
    base: str, pages: int, rounds: int, server_url: str, tmp: Path, limit: bool = True
) -> dict[str, Outcome]:
    """The three crawls of the site at ``base`` (without ``limit``, not the bare
    spider), ``rounds`` times, taking turns."""
    outcomes = {
        "scrapy": peer("bare Scrapy spider (limit)", "scrapy"),
        "newsflow": peer("newsflow (robots, sitemap, crawl state, WARC)"),
        "news-please": peer("news-please `SitemapCrawler` (pages to files)", "news-please"),
    }
    if not limit:
        outcomes["scrapy"].reason = NO_LIMIT
    if ":" in base.removeprefix("http://") and not outcomes["news-please"].reason:
        outcomes["news-please"].reason = crawl_peers.CANNOT_CRAWL
    runners: dict[str, Callable[[int], dict[str, Any]]] = {
        "scrapy": lambda n: run_baseline(base, pages),
        "newsflow": lambda n: run_newsflow(base, pages, server_url, tmp / f"newsflow-{n}"),
        "news-please": lambda n: crawl_peers.news_please(
            base, pages, tmp / f"news-please-{n}", CONCURRENCY
        ),
    }
    order = list(outcomes)
    for number in range(rounds):
        for key in order if number % 2 == 0 else reversed(order):
            attempt(outcomes[key], partial(runners[key], number))
            print(f"round {number + 1} {key}: {outcomes[key].runs[-1:]}", flush=True)
    return outcomes


def _row(o: Outcome, limit: float, newsflow: float) -> str:
    if not o.ok:
        return f"| {o.name} | {o.version} | {o.reason} | | | | |"
    b = max(o.runs, key=lambda r: r["rate"])
    rates = ", ".join(f"{r['rate']:.0f}" for r in o.runs)
    memory = f"{min(r['peak_rss_mb'] for r in o.runs):.0f}"
    if "peak_pss_mb" in b:
        memory += f" (PSS {b['peak_pss_mb']:.0f})"
    against_limit = f"{b['rate'] / limit:.2f}" if limit else ""
    return (
        f"| {o.name} | {o.version} | {b['pages']} | {rates} | {against_limit} | "
        f"{newsflow / b['rate']:.2f} | {memory} |"
    )


def best_rate(o: Outcome) -> float:
    return max(r["rate"] for r in o.runs) if o.ok else 0.0


def report(outcomes: dict[str, Outcome], pages: int, rounds: int, base: str) -> str:
    """The ``bench-crawl-peers`` section of ``benchmarks/RESULTS.md``."""
    limit, news = best_rate(outcomes["scrapy"]), best_rate(outcomes["newsflow"])
    return "\n".join(
        [
            "## Crawling against a peer (`python -m benchmarks.bench_crawl_peers`)",
            "",
            f"{machine_line()}. `bench_crawl`'s local site at {base}, {pages:,} pages of "
            f"~{PAGE_BYTES // 1024} KB, {CONCURRENCY} concurrent requests (all to one host), "
            f"no delay; {rounds} round(s) taking turns, the faster run counts.",
            "",
            "| crawler | version | pages | pages/s (each run) | vs bare Scrapy | newsflow / this "
            "| peak RSS (MiB) |",
            "|---|---|---|---|---|---|---|",
            *[_row(o, limit, news) for o in outcomes.values()],
            "",
            "news-please runs with its packaged configuration but for: every page counts as "
            "an article (its heuristics want `og:type` and linked headlines), pages stored as "
            "files and not extracted, the same concurrency. Its peak memory is the summed "
            "resident set of its two processes (launcher and crawler), sampled from `/proc`; the "
            "others' is their crawling process's `getrusage` peak, which a child process "
            "inherits from the benchmark process it was started from (the peak survives "
            "`exec`), so the lowest of the runs is shown.",
            "",
        ]
    )


def figures(outcomes: dict[str, Outcome], pages: int) -> list[Figure]:
    """Summary line: newsflow's crawl against news-please's (or why there is none)."""
    machine = versions_text(list(outcomes.values()), machine_description())
    peer_outcome, news = outcomes["news-please"], best_rate(outcomes["newsflow"])
    if not peer_outcome.ok:
        return [Figure("crawl peer: news-please", "", peer_outcome.reason, "", "", machine)]
    rate = best_rate(peer_outcome)
    return [
        Figure(
            f"crawl pages/s against news-please, {pages:,} pages of ~{PAGE_BYTES // 1024} KB",
            f"{news:.0f}",
            f"{rate:.0f} ({peer_outcome.label()})",
            f"{news / rate:.2f}",
            "(for reference)",
            machine,
        )
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--pages", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument(
        "--no-limit",
        action="store_true",
        help="leave out the bare Scrapy spider (bench_crawl measures it)",
    )
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    context = multiprocessing.get_context("spawn")
    ports = context.Queue()
    port = DEFAULT_PORT if port_free(DEFAULT_PORT) else 0
    server = context.Process(target=_serve, args=(ports, args.pages, True, port), daemon=True)
    server.start()
    try:
        served = ports.get(timeout=30)
        base = "http://127.0.0.1" + ("" if served == DEFAULT_PORT else f":{served}")
        with (
            database_server() as server_url,
            tempfile.TemporaryDirectory(prefix="newsflow-bench-crawl-peers-") as tmp,
        ):
            outcomes = measure(
                base, args.pages, args.rounds, server_url, Path(tmp), limit=not args.no_limit
            )
    finally:
        server.terminate()
        server.join(5)
    text = report(outcomes, args.pages, args.rounds, base)
    print(text)
    write_section("crawl-peers", text, args.results, figures(outcomes, args.pages))
    return 0


if __name__ == "__main__":
    sys.exit(main())
