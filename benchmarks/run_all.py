"""``make bench``: run every benchmark in this folder, one after the other.

Usage: ``python -m benchmarks.run_all`` from the repository root. Each benchmark runs as
its own process, ``python -m benchmarks.<name>`` (so one crash does not take the others
down), and rewrites its own section of benchmarks/RESULTS.md. The whole set is budgeted
to finish in under 15 minutes on 2 cores; each benchmark gets a time limit. The peer
benchmarks run smaller there than on their own (``make bench-<name>``); ``--full`` runs
them at their own sizes (the issue's: 50,000 articles, 100,000 documents), which takes
longer.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

# (module in this package, extra arguments, time limit in seconds)
BENCHMARKS: list[tuple[str, list[str], int]] = [
    ("bench_extract", [], 240),
    ("bench_extract_speed", [], 420),
    ("bench_not_article", [], 120),
    ("bench_extract_peers", [], 480),
    ("bench_crawl", [], 180),
    ("bench_load", [], 240),
    ("bench_analytics", [], 300),
    ("bench_e2e", [], 420),
    ("bench_import_warc", [], 240),
    ("bench_render", [], 600),  # exits 2 (a failure) without Debian's chromium
    ("bench_store", [], 240),
    ("bench_load_peers", ["--articles", "20000"], 600),
    ("bench_lsh_peer", ["--documents", "40000"], 420),
    ("bench_crawl_peers", ["--pages", "2000"], 300),
]
FULL: dict[str, tuple[list[str], int]] = {
    "bench_load_peers": ([], 1800),
    "bench_lsh_peer": ([], 900),
    "bench_crawl_peers": ([], 600),
}
"""``--full``: the arguments and time limit of benchmarks that run smaller by default."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="the peer benchmarks at full size")
    full = parser.parse_args(argv).full
    failures = []
    for name, args, limit in BENCHMARKS:
        if full and name in FULL:
            args, limit = FULL[name]
        if not (HERE / f"{name}.py").exists():
            print(f"== {name}: not present, skipped", flush=True)
            continue
        print(f"== {name} (limit {limit} s)", flush=True)
        started = time.monotonic()
        try:
            code = subprocess.run(
                [sys.executable, "-m", f"benchmarks.{name}", *args], cwd=REPO, timeout=limit
            ).returncode
        except subprocess.TimeoutExpired:
            code = "timeout"
        print(
            f"== {name}: {'ok' if code == 0 else f'FAILED ({code})'} "
            f"in {time.monotonic() - started:.0f} s",
            flush=True,
        )
        if code != 0:
            failures.append(name)
    if failures:
        print(f"failed: {', '.join(failures)}", file=sys.stderr)
        return 1
    print(f"results: {HERE / 'RESULTS.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
