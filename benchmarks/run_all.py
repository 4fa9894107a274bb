"""``make bench``: run every benchmark in this folder, one after the other.

Each benchmark is its own script (so one crash does not take the others down) and
rewrites its own section of benchmarks/RESULTS.md. The whole set is budgeted to finish
in under 15 minutes on 2 cores; each script gets a time limit.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# (script, extra arguments, time limit in seconds)
BENCHMARKS: list[tuple[str, list[str], int]] = [
    ("bench_extract.py", [], 240),
    ("bench_crawl.py", [], 180),
    ("bench_load.py", [], 240),
    ("bench_analytics.py", [], 300),
    ("bench_e2e.py", [], 420),
]


def main() -> int:
    failures = []
    for script, args, limit in BENCHMARKS:
        path = HERE / script
        if not path.exists():
            print(f"== {script}: not present, skipped", flush=True)
            continue
        print(f"== {script} (limit {limit} s)", flush=True)
        started = time.monotonic()
        try:
            code = subprocess.run([sys.executable, str(path), *args], timeout=limit).returncode
        except subprocess.TimeoutExpired:
            code = "timeout"
        print(f"== {script}: {'ok' if code == 0 else f'FAILED ({code})'} "
              f"in {time.monotonic() - started:.0f} s", flush=True)
        if code != 0:
            failures.append(script)
    if failures:
        print(f"failed: {', '.join(failures)}", file=sys.stderr)
        return 1
    print(f"results: {HERE / 'RESULTS.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
