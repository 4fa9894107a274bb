"""``make bench``: run every benchmark of ``BENCHMARKS``, one after the other.

Usage: ``python -m benchmarks.run_all [--full] [--only NAME,...] [--results FILE]`` from
the repository root. Each benchmark runs as its own process, ``python -m
benchmarks.<name>`` (so one crash does not take the others down), and rewrites its own
section of benchmarks/RESULTS.md. The whole set is budgeted to finish within 15 minutes
on 2 cores, on a busy day too; each
benchmark gets a time limit, longer on a busy machine. By default most run smaller than
on their own, at sizes where their ratios still hold (the slow extraction peers on a
third of the main set's pages, compared with newsflow on the same pages; the load peers
in two interleaved rounds, since timing noise could decide their ratio), and
``bench_load``, whose figures ``bench_load_peers`` and ``bench_lsh_peer`` measure again
beside the peers, is left out. ``--full`` runs every one at its own default sizes (the
issue's: 50,000 articles, 100,000 documents, 5,000 crawled pages), every extraction peer
on every page in two rounds and the end-to-end run with its 50,000-page step, which takes
well over an hour.

After each benchmark a line gives its wall time, the CPU time of its processes and the
load average; at the end, the total and a warning when it went over the budget, with
the load average (a busy machine is the usual reason). A benchmark that fails (a peer
that cannot be installed or crashes it, a time-out) gets a row of the summary table
with its one-line reason, written to the ``bench-run-all`` section with the times, and
the rest goes on.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from benchmarks.procmem import become_subreaper, children_cpu
from benchmarks.results import RESULTS, Figure, machine_description, machine_line, write_section

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BUDGET_S = 15 * 60
"""``make bench`` must finish within this on 2 cores (issue 24)."""


@dataclass(frozen=True, slots=True)
class Benchmark:
    """One benchmark of the run: its module, arguments and time limit, by default and
    with ``--full`` (None: the same as by default)."""

    name: str
    """Its module in this package (``benchmarks/<name>.py``)."""
    args: tuple[str, ...] = ()
    limit_s: int = 300
    full_args: tuple[str, ...] | None = None
    full_limit_s: int | None = None
    full_only: bool = False
    """Run with ``--full`` only (its figures come from another benchmark by default)."""
    package: str = "benchmarks"

    def command(self, full: bool) -> list[str]:
        args = self.full_args if full and self.full_args is not None else self.args
        return [sys.executable, "-m", f"{self.package}.{self.name}", *args]

    def limit(self, full: bool, load: float = 0.0) -> int:
        """Its time limit; on a machine busier than its cores (1-minute ``load``), longer
        in proportion, so that other work slows a benchmark down without failing it."""
        base = self.full_limit_s if full and self.full_limit_s else self.limit_s
        return round(base * max(1.0, load / (os.cpu_count() or 1)))


BENCHMARKS: tuple[Benchmark, ...] = (
    # 19.4 minutes measured on 2026-12-03 (other work on the machine, load 1 to 3) before
    # the sizes below came down; by that run's time per benchmark, about 14 after. Later
    # the same day, on a machine about 1.7 times slower (bare trafilatura 41 ms a page
    # against 24 when the budget was set), 16.7 minutes. With --full each runs at its own
    # default sizes.
    Benchmark("bench_extract", ("--no-ablation",), 240, full_args=()),
    Benchmark("bench_extract_speed", ("--every", "2", "--rounds", "2"), 420, full_args=()),
    Benchmark("bench_not_article", limit_s=120),
    # newspaper4k, goose3 and news-please (3 to 7 times slower than newsflow, none of
    # them the best peer on the main set) on one page in 3 of the main set; --full: all.
    Benchmark("bench_extract_peers", limit_s=480, full_args=("--full",), full_limit_s=1200),
    # 6,000 pages in three rounds, bare Scrapy and newsflow taking turns, the faster run
    # of each counting: the same code read 0.78, 0.87 and 0.91 in one round of 10,000,
    # and 0.69 as the better of two rounds of 8,000 (a bare run varied 361-530 pages/s
    # within minutes). The crawl ratio was the same 0.53x at 6,000 and 20,000 pages (the
    # timed crawl excludes interpreter start and imports on both sides); newsflow's
    # ramp-up (2,000 pages took it 2 s more than its steady rate) lowers its ratio by up
    # to 5 % at 6,000 against 20,000: a pass here stays a pass at 20,000.
    Benchmark("bench_crawl", ("--pages", "6000", "--rounds", "3"), 400, full_args=()),
    # bench_load_peers and bench_lsh_peer measure its load, bare COPY, derive step and
    # near-duplicate detection again, beside their peers: by default their rows stand in.
    Benchmark("bench_load", limit_s=900, full_only=True),
    # 25,000 articles: the target queries took 3 ms or less at 50,000 and 4 ms or less at
    # 100,000, far under their 100 ms (how they grow to millions is bench_growth's).
    Benchmark("bench_analytics", ("--articles", "25000"), 300, full_args=()),
    # The end-to-end second run is a fixed cost (3.0 % of the first at 2,500 pages, 1.5 %
    # at 5,000), and so is the extraction workers' warm-up in the memory growth (its
    # 1,000-page run: +32 MiB per 10k articles; at 500 pages +68): both runs keep their
    # own sizes. The bare baseline is a rate: an even sample of about 550 of the run's
    # pages instead of about 1,700.
    Benchmark(
        "bench_e2e",
        ("--no-profile", "--baseline-pages", "600"),
        600,
        ("--full",),
        full_limit_s=3600,
    ),
    # At its own size: the WARC import's ratio includes its start-up.
    Benchmark("bench_import_warc", limit_s=240),
    # Both for reference (no target; the rendered rate is 0.11x plain HTTP, the store's
    # clients 1.6x apart): smaller, and the store in two rounds instead of three.
    # bench_render exits 2 (a failure, a row of its own) without Debian's chromium.
    Benchmark("bench_render", ("--pages", "50"), 300, full_args=()),
    Benchmark(
        "bench_store",
        ("--mb", "20", "--reads", "200", "--small", "50", "--rounds", "2"),
        240,
        (),
    ),
    # Two interleaved rounds: the 2.0x target of the load ratio is decided within noise.
    Benchmark("bench_load_peers", ("--articles", "8000"), 600, (), full_limit_s=3600),
    # One round each by default: their ratios are for reference (no target), noisier on
    # a busy machine (LSH: 2.0x in one round at load 6, 1.25x the better of two at load
    # 2); the LSH's memory at a million is extrapolated from its sizes, so it keeps
    # them. The bare Scrapy spider's rate is bench_crawl's; --full measures it here too.
    Benchmark(
        "bench_lsh_peer", ("--documents", "30000", "--rounds", "1"), 420, (), full_limit_s=1200
    ),
    Benchmark(
        "bench_crawl_peers",
        ("--pages", "2000", "--rounds", "1", "--no-limit"),
        420,
        ("--rounds", "2"),
        900,
    ),
)
"""What ``make bench`` runs, in order. Not here: ``bench_extract_cv`` (``make
bench-extract``), ``bench_archive_store``, ``bench_e2e_store`` (``make bench-e2e-s3``) and
``bench_growth`` (``make bench-growth``, about an hour)."""


@dataclass(frozen=True, slots=True)
class Step:
    """How one benchmark of the run went."""

    name: str
    ok: bool
    wall_s: float
    cpu_s: float
    """CPU seconds of its processes (user + system, children included; not the database
    server's)."""
    load: float
    """The machine's 1-minute load average when it ended."""
    reason: str = ""
    """Why it failed, one line ("" when it succeeded)."""


def _reap_orphans(wait_s: float = 5.0) -> None:
    """Reap the orphans a finished benchmark left, waiting up to ``wait_s`` for them."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            if time.monotonic() > deadline:
                return
            time.sleep(0.1)


def _tee(stream: IO[str], tail: collections.deque[str]) -> None:
    """Copy a benchmark's stderr through to ours, keeping its last lines."""
    for line in stream:
        sys.stderr.write(line)
        sys.stderr.flush()
        if line.strip():
            tail.append(line.strip())


def failure_reason(code: int | None, limit_s: int, stderr_tail: Sequence[str]) -> str:
    """One line: a time-out, or the exit code and the last line the benchmark wrote to
    stderr (a traceback's last line names the exception: ``ModuleNotFoundError: No module
    named 's3fs'``)."""
    if code is None:
        return f"timed out after {limit_s} s"
    last = stderr_tail[-1] if stderr_tail else "no message"
    return f"exit {code}: {last[:200]}"


def run_step(benchmark: Benchmark, full: bool, results: Path | None, limit: int) -> Step:
    """Run one benchmark to its end or to ``limit`` seconds, its stderr passed through."""
    command = benchmark.command(full)
    if results is not None:
        command += ["--results", str(results)]
    tail: collections.deque[str] = collections.deque(maxlen=5)
    cpu_before, started = children_cpu(), time.monotonic()
    process = subprocess.Popen(
        command, cwd=REPO, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    assert process.stderr is not None
    reader = threading.Thread(target=_tee, args=(process.stderr, tail), daemon=True)
    reader.start()
    code: int | None
    try:
        code = process.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        code = None
    except KeyboardInterrupt:
        _stop(process)
        raise
    if code is None:
        _stop(process)
    reader.join(5)
    _reap_orphans()
    wall = time.monotonic() - started
    ok = code == 0
    return Step(
        benchmark.name,
        ok,
        wall,
        children_cpu() - cpu_before,
        os.getloadavg()[0],
        "" if ok else failure_reason(code, limit, tail),
    )


def _stop(process: subprocess.Popen[str]) -> None:
    """End a benchmark and the processes it started (its own process group)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def step_line(step: Step) -> str:
    verdict = "ok" if step.ok else f"FAILED ({step.reason})"
    return (
        f"== {step.name}: {verdict} in {step.wall_s:.0f} s wall, {step.cpu_s:.0f} s CPU "
        f"(load {step.load:.1f})"
    )


def budget_warning(total_s: float, budget_s: float = BUDGET_S) -> str:
    """A warning when the run took longer than ``budget_s``, with the load averages, or
    "" when it did not."""
    if total_s <= budget_s:
        return ""
    one, five, fifteen = os.getloadavg()
    cores = os.cpu_count() or 1
    return (
        f"warning: make bench took {total_s / 60:.1f} min, over its {budget_s / 60:.0f}-minute "
        f"budget; load average {one:.1f}, {five:.1f}, {fifteen:.1f} on {cores} cores"
        + (" (the machine is busy with other work, which is why)" if fifteen > cores else "")
    )


def failure_figures(steps: Sequence[Step]) -> list[Figure]:
    """A summary row for each benchmark that failed: its one-line reason."""
    machine = machine_description()
    return [
        Figure(f"`{s.name}` (make bench)", "", f"failed: {s.reason}", "", "", machine)
        for s in steps
        if not s.ok
    ]


def report(steps: Sequence[Step], full: bool, total_s: float, cpu_s: float) -> str:
    """The ``bench-run-all`` section: how long each benchmark took in this run."""
    lines = [
        "## How long `make bench` takes (`python -m benchmarks.run_all`)",
        "",
        f"{machine_line()}; {'`--full`' if full else 'default sizes'}. Wall time and the "
        "CPU time of each benchmark's processes (the database server's not included), "
        "with the machine's 1-minute load average when it ended.",
        "",
        "| benchmark | result | wall (s) | CPU (s) | load |",
        "|---|---|---|---|---|",
        *(
            f"| `{s.name}` | {'ok' if s.ok else 'failed: ' + s.reason} | {s.wall_s:.0f} | "
            f"{s.cpu_s:.0f} | {s.load:.1f} |"
            for s in steps
        ),
        f"| total | {sum(s.ok for s in steps)} of {len(steps)} ok | {total_s:.0f} | "
        f"{cpu_s:.0f} | |",
        "",
        f"Budget: {BUDGET_S // 60} minutes on 2 cores for the default sizes: "
        f"{total_s / 60:.1f} min here"
        + ("." if not (w := budget_warning(total_s)) else f" ({w.removeprefix('warning: ')})."),
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None, benchmarks: Sequence[Benchmark] = BENCHMARKS) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument(
        "--full", action="store_true", help="the peer and end-to-end benchmarks at full size"
    )
    parser.add_argument(
        "--only",
        help="comma-separated benchmarks to run (default: all; with --full also the --full ones)",
    )
    parser.add_argument(
        "--results", type=Path, help="results file for every benchmark (default RESULTS.md)"
    )
    args = parser.parse_args(argv)
    chosen = [b for b in benchmarks if args.full or not b.full_only]
    if args.only:
        wanted = args.only.split(",")
        known = [b.name for b in benchmarks]
        if unknown := [n for n in wanted if n not in known]:
            parser.error(f"unknown benchmark {', '.join(unknown)}; they are {', '.join(known)}")
        chosen = [b for b in benchmarks if b.name in wanted]
    become_subreaper()
    steps = []
    started, cpu_before = time.monotonic(), children_cpu()
    for benchmark in chosen:
        limit = benchmark.limit(args.full, os.getloadavg()[0])
        print(f"== {benchmark.name} (limit {limit} s)", flush=True)
        step = run_step(benchmark, args.full, args.results, limit)
        print(step_line(step), flush=True)
        steps.append(step)
    total, cpu = time.monotonic() - started, children_cpu() - cpu_before
    results = args.results or RESULTS
    write_section("run-all", report(steps, args.full, total, cpu), results, failure_figures(steps))
    print(f"== total: {total / 60:.1f} min wall, {cpu / 60:.1f} CPU-min", flush=True)
    if failed := [s.name for s in steps if not s.ok]:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    print(f"results: {results}")
    if warning := budget_warning(total) if not args.full else "":
        print(warning, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
