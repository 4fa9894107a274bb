"""news-please's crawler as a peer of newsflow's crawl, against ``bench_crawl``'s site.

``news_please`` runs news-please's own command line (``python -m newsplease -c DIR
-no-confirm``) with its packaged ``config.cfg``, changed only where the comparison
needs it: its working folder is a temporary one, the ``SitemapCrawler`` starts from
the site's home page, every page counts as an article (its heuristics look for
``og:type`` and linked headlines, which the benchmark pages do not have), the only
pipeline is ``HtmlFileStorage`` (each page written to disk, as newsflow writes its
WARC archive; no extraction), and the concurrency is ``bench_crawl``'s (16 requests,
16 per host). Pages/s come from the Scrapy statistics news-please logs (items
stored, the crawl's own elapsed time); peak memory is the summed resident set of its
process tree (the launcher and its crawler child), sampled from ``/proc``.

news-please finds a site's sitemap through its robots.txt and first fetches its home
page; its crawler allows the site's "domain" as it appears in the URL, port included,
which Scrapy's offsite filter rejects: it can crawl a site only on the default port,
80. ``CANNOT_CRAWL`` says so for the report when the benchmark cannot bind it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path
from typing import Any

from benchmarks.procmem import TreeSampler

CANNOT_CRAWL = (
    "cannot crawl a site on a port other than 80 (its SitemapCrawler allows the domain "
    "with the port, which Scrapy's offsite filter rejects, so every request is dropped), "
    "and the benchmark could not serve on port 80 here"
)
_STAT = re.compile(r"'(?P<key>[\w/]+)': (?P<value>[0-9.]+)")


def config_text(packaged: str, workdir: Path, concurrency: int) -> str:
    """news-please's packaged ``config.cfg`` with the benchmark's changes (see module)."""
    changes = [
        (r"(?m)^working_path = .*$", f"working_path = {workdir}/"),
        (r"(?m)^enabled_heuristics = .*$", "enabled_heuristics = {}"),
        (r"(?m)^pass_heuristics_condition = .*$", 'pass_heuristics_condition = "True"'),
        (r"(?m)^number_of_parallel_crawlers = .*$", "number_of_parallel_crawlers = 1"),
        (r"(?m)^CONCURRENT_REQUESTS=.*$", f"CONCURRENT_REQUESTS={concurrency}"),
        (
            r"(?m)^CONCURRENT_REQUESTS_PER_DOMAIN=.*$",
            f"CONCURRENT_REQUESTS_PER_DOMAIN={concurrency}",
        ),
        (
            r"ITEM_PIPELINES = \{[^}]*\}",
            "ITEM_PIPELINES = {'newsplease.pipeline.pipelines.HtmlFileStorage':200}",
        ),
    ]
    text = packaged
    for pattern, replacement in changes:
        text, found = re.subn(pattern, replacement.replace("\\", "\\\\"), text)
        if not found:
            raise ValueError(f"news-please's config.cfg has no line like {pattern!r}")
    return text


def scrapy_stats(log: str) -> dict[str, float]:
    """The numeric Scrapy statistics a crawl's log dumped at its end (the last dump)."""
    dump = log.rpartition("Dumping Scrapy stats")[2]
    return {m["key"]: float(m["value"]) for m in _STAT.finditer(dump)}


def write_config(base: str, workdir: Path, concurrency: int) -> Path:
    """A news-please configuration folder crawling ``base`` (see module)."""
    folder = workdir / "config"
    folder.mkdir(parents=True, exist_ok=True)
    packaged = resources.files("newsplease").joinpath("config/config.cfg").read_text()
    (folder / "config.cfg").write_text(config_text(packaged, workdir / "repo", concurrency))
    sites = {"base_urls": [{"url": f"{base}/", "crawler": "SitemapCrawler"}]}
    (folder / "sitelist.hjson").write_text(json.dumps(sites))
    return folder


def news_please(base: str, pages: int, workdir: Path, concurrency: int) -> dict[str, Any]:
    """One news-please crawl of the site at ``base`` (all its ``pages``)."""
    folder = write_config(base, workdir, concurrency)
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "newsplease", "-c", str(folder), "-no-confirm"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    with TreeSampler(process.pid, lambda sample, line: "news-please") as sampler:
        log, _ = process.communicate()
    wall = time.monotonic() - started
    usage = sampler.stop()
    stats = scrapy_stats(log)
    stored = int(stats.get("item_scraped_count", 0))
    if process.returncode != 0 or stored < pages:
        tail = " | ".join(log.strip().splitlines()[-3:])
        raise RuntimeError(
            f"news-please stored {stored} of {pages} pages (exit {process.returncode}): {tail}"
        )
    return {
        "pages": stored,
        "elapsed_s": stats["elapsed_time_seconds"],
        "wall_s": wall,
        "rate": stored / stats["elapsed_time_seconds"],
        "peak_rss_mb": usage.peak_rss_mib,
        "peak_pss_mb": usage.peak_pss_mib,
    }
