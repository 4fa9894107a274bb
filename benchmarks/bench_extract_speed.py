"""Extraction speed against bare trafilatura: per page per core, and a whole batch.

Usage::

    python -m benchmarks.bench_extract_speed [--devset PATH] [--every K] [--files N]
                                             [--processes P] [--rounds R] [--no-write]

``--every 0`` skips the per-page runs and ``--files 0`` the batch runs (with either,
print only: the section needs both).

Per page: newsflow's ``extract_html`` and bare ``trafilatura.extract(html)`` take turns
on every page in one process, ``--repeats`` times each; a page's time is its fastest CPU
time, so what other processes on the machine do touches both sides alike. The pages are
shared out over ``--processes`` forked processes (each page's turns in one of them). Three
classes: the main dev set, fundus-eval, and the large pages (>= 150 KB of HTML) of both.

Per batch: ``newsflow extract --format jsonl`` over ``--files`` HTML files (the dev
pages, repeated) against a bare trafilatura fork pool over the same files
(:mod:`benchmarks.bare_pool`), both as fresh processes, so interpreter start-up,
imports and worker start-up are included; wall clock and the CPU time of every process
of the run (workers, forkserver and any helper process included: this process becomes
their subreaper, so that orphans are reaped, and counted, here), the fastest of
``--rounds`` alternating runs (the machine is shared: the fastest run is the one least
disturbed), with the load average beside them.

The dev set path comes from ``--devset``, else ``NEWSFLOW_DEVSET``, else
``../shared/extraction-devset``; without it the benchmark says so and scores nothing.
The result goes between the ``bench-extract-speed`` markers of ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.forked import forked_map
from benchmarks.procmem import become_subreaper, children_cpu
from benchmarks.results import RESULTS, Figure, default_devset, machine_line, write_section

REPO = Path(__file__).resolve().parent.parent
LARGE_BYTES = 150_000
"""Pages with at least this much HTML form the large-page class."""
PAGE_TARGET = 0.9
BATCH_TARGET = 0.85


@dataclass(frozen=True, slots=True)
class Page:
    group: str
    url: str
    html: bytes


@dataclass(frozen=True, slots=True)
class ClassSpeed:
    name: str
    pages: int
    bare_ms: float
    """Fastest CPU milliseconds per page of bare ``trafilatura.extract``, averaged."""
    newsflow_ms: float

    @property
    def ratio(self) -> float:
        """newsflow's speed as a share of bare trafilatura's (higher is faster)."""
        return self.bare_ms / self.newsflow_ms if self.newsflow_ms else 0.0


def load_pages(devset: Path, every: int) -> list[Page]:
    """Every ``every``-th page of the main dev set and of fundus-eval, HTML decompressed."""
    pages = []
    for group, folder in (("main", devset), ("fundus-eval", devset / "fundus-eval")):
        truth_file = folder / "ground-truth.json"
        if not truth_file.is_file():
            continue
        truth = json.loads(truth_file.read_text(encoding="utf-8"))
        for key in sorted(truth)[::every]:
            with gzip.open(folder / "pages" / f"{key}.html.gz", "rb") as fh:
                pages.append(Page(group, truth[key].get("url", ""), fh.read()))
    return pages


def _fastest(fn: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()
        fn()
        best = min(best, time.process_time() - started)
    return best


def _page_times(pages: list[Page], repeats: int) -> list[tuple[float, float]]:
    """(bare, newsflow) fastest CPU seconds of each page, both taking turns in this
    process."""
    import trafilatura

    from pipeline.extract import extract_html

    for page in pages[:5]:  # warm-up: lazy loads (language model, stop lists) on both sides
        trafilatura.extract(page.html)
        extract_html(page.html)
    times = []
    for page in pages:
        bare = ours = float("inf")
        for _ in range(repeats):  # alternate, so that load on the machine hits both
            bare = min(bare, _fastest(lambda p=page: trafilatura.extract(p.html), 1))
            ours = min(ours, _fastest(lambda p=page: extract_html(p.html, url=p.url or None), 1))
        times.append((bare, ours))
    return times


def _share_times(args: tuple[list[Page], int]) -> list[tuple[float, float]]:
    return _page_times(*args)


def per_page(pages: list[Page], repeats: int, processes: int = 1) -> list[ClassSpeed]:
    """Fastest CPU time per page of both extractors, summed per class; the pages are
    shared out over ``processes`` forked processes (each page's two extractors in the
    same one), which saves wall time only."""
    if processes <= 1:
        flat = _page_times(pages, repeats)
    else:
        shares = [(pages[i::processes], repeats) for i in range(processes)]
        done = forked_map(
            _share_times, shares, processes, preload=("trafilatura", "pipeline.extract")
        )
        flat = [(0.0, 0.0)] * len(pages)
        for i, share in enumerate(done):
            flat[i::processes] = share
    times = [(page, bare, ours) for page, (bare, ours) in zip(pages, flat, strict=True)]
    classes = [
        ("main dev set", lambda p: p.group == "main"),
        ("fundus-eval", lambda p: p.group == "fundus-eval"),
        (
            f"large pages (>= {LARGE_BYTES // 1000} KB, both sets)",
            lambda p: len(p.html) >= LARGE_BYTES,
        ),
    ]
    out = []
    for name, member in classes:
        rows = [(b, o) for p, b, o in times if member(p)]
        if rows:
            out.append(
                ClassSpeed(
                    name,
                    len(rows),
                    1000 * sum(b for b, _ in rows) / len(rows),
                    1000 * sum(o for _, o in rows) / len(rows),
                )
            )
    return out


@dataclass(frozen=True, slots=True)
class Run:
    wall_s: float
    cpu_s: float
    """User plus system CPU seconds of every process of the run."""
    load: float
    """The one-minute load average when the run ended."""


@dataclass(frozen=True, slots=True)
class BatchSpeed:
    files: int
    processes: int
    bare: list[Run]
    newsflow: list[Run]
    records: int
    """Records ``newsflow extract`` printed in its last run (must equal ``files``)."""

    @property
    def ratio(self) -> float:
        """Wall clock: the bare pool's fastest run over newsflow's (higher is faster)."""
        return min(r.wall_s for r in self.bare) / min(r.wall_s for r in self.newsflow)

    @property
    def cpu_ratio(self) -> float:
        """Total CPU: the bare pool's least over newsflow's least."""
        return min(r.cpu_s for r in self.bare) / min(r.cpu_s for r in self.newsflow)


def _reap_all() -> None:
    while True:
        try:
            os.wait()
        except ChildProcessError:
            return


def _timed(cmd: list[str], out: Path) -> Run:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    cpu_before = children_cpu()
    started = time.perf_counter()
    with out.open("wb") as fh:
        subprocess.run(cmd, stdout=fh, stderr=subprocess.DEVNULL, env=env, cwd=REPO, check=False)
    wall = time.perf_counter() - started
    _reap_all()
    return Run(wall, children_cpu() - cpu_before, os.getloadavg()[0])


def per_batch(pages: list[Page], files: int, processes: int, rounds: int) -> BatchSpeed:
    """Wall-clock and CPU seconds of both batch runs over the same ``files`` HTML files."""
    become_subreaper()
    with tempfile.TemporaryDirectory(prefix="bench-extract-batch-") as tmp:
        folder = Path(tmp)
        paths = []
        for i in range(files):
            path = folder / f"{i:05d}.html"
            path.write_bytes(pages[i % len(pages)].html)
            paths.append(str(path))
        (folder / "list.txt").write_text("\n".join(paths), encoding="utf-8")
        out = folder / "out.jsonl"
        bare_cmd = [
            sys.executable,
            "-m",
            "benchmarks.bare_pool",
            str(processes),
            str(folder / "list.txt"),
        ]
        ours_cmd = [
            sys.executable,
            "-m",
            "pipeline",
            "extract",
            "--format",
            "jsonl",
            "--processes",
            str(processes),
            *paths,
        ]
        bare, ours = [], []
        for _ in range(rounds):
            bare.append(_timed(bare_cmd, out))
            ours.append(_timed(ours_cmd, out))
        records = sum(1 for _ in out.open(encoding="utf-8"))
    return BatchSpeed(files, processes, bare, ours, records)


def _runs(runs: list[Run]) -> str:
    return ", ".join(f"{r.wall_s:.1f} / {r.cpu_s:.1f} ({r.load:.1f})" for r in runs)


def render(
    classes: list[ClassSpeed], batch: BatchSpeed | None, repeats: int, processes: int = 1
) -> str:
    """The markdown section for RESULTS.md (``processes``: the per-page runs' processes)."""
    where = (
        "one process"
        if processes <= 1
        else f"both extractors of a page in the same process, the pages shared out over "
        f"{processes} processes"
    )
    lines = [
        "## Extraction speed (`python -m benchmarks.bench_extract_speed`)",
        "",
        f"{machine_line()}. Per page: fastest of {repeats} alternating runs of each extractor "
        f"on every page, CPU time, {where}. Target: newsflow at least "
        f"{PAGE_TARGET} times bare trafilatura's speed in every class.",
        "",
        "| class | pages | bare `trafilatura.extract` (ms/page) "
        "| newsflow `extract_html` (ms/page) | speed ratio |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {c.name} | {c.pages} | {c.bare_ms:.1f} | {c.newsflow_ms:.1f} | {c.ratio:.2f} |"
        for c in classes
    ]
    if batch:
        lines += [
            "",
            f"Per batch: {batch.files} HTML files (the dev pages repeated), {batch.processes} "
            "processes, fresh processes each run (start-up included), wall clock and total "
            "CPU time of all the run's processes, fastest of "
            f"{len(batch.bare)} alternating runs. Target: at least {BATCH_TARGET} times the "
            "bare pool's speed (wall clock).",
            "",
            "| run | wall / CPU seconds (load average), each run | files/s (fastest wall) "
            "| CPU s (least) |",
            "|---|---|---|---|",
            f"| bare trafilatura fork pool (`benchmarks/bare_pool.py`) | {_runs(batch.bare)} | "
            f"{batch.files / min(r.wall_s for r in batch.bare):.1f} | "
            f"{min(r.cpu_s for r in batch.bare):.1f} |",
            f"| `newsflow extract --format jsonl` | {_runs(batch.newsflow)} | "
            f"{batch.files / min(r.wall_s for r in batch.newsflow):.1f} | "
            f"{min(r.cpu_s for r in batch.newsflow):.1f} |",
            "",
            f"Speed ratio {batch.ratio:.2f} wall clock, {batch.cpu_ratio:.2f} total CPU; "
            f"newsflow gave {batch.records} records for {batch.files} files.",
        ]
    return "\n".join(lines)


def figures(classes: list[ClassSpeed], batch: BatchSpeed | None) -> list[Figure]:
    """The summary-table lines of this benchmark."""
    out = [
        Figure(
            f"extraction speed per page per core, {c.name}",
            f"{c.newsflow_ms:.1f} ms",
            f"{c.bare_ms:.1f} ms (bare `trafilatura.extract`)",
            f"{c.ratio:.2f}",
            f">= {PAGE_TARGET} {'met' if c.ratio >= PAGE_TARGET else 'not met'}",
        )
        for c in classes
    ]
    if batch:
        out.append(
            Figure(
                f"`newsflow extract` batch of {batch.files} files, start-up included (s)",
                f"{min(r.wall_s for r in batch.newsflow):.1f}",
                f"{min(r.wall_s for r in batch.bare):.1f} (bare trafilatura fork pool)",
                f"{batch.ratio:.2f} ({batch.cpu_ratio:.2f} in total CPU)",
                f">= {BATCH_TARGET} {'met' if batch.ratio >= BATCH_TARGET else 'not met'}",
            )
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=default_devset())
    parser.add_argument(
        "--every", type=int, default=1, help="per page: every K-th page only (0: no per-page run)"
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--files", type=int, default=960, help="batch size (0: no batch run)")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    if not (args.devset / "ground-truth.json").is_file():
        print(
            f"bench-extract-speed: no dev set at {args.devset} (ground-truth.json missing); "
            "pass --devset PATH or set NEWSFLOW_DEVSET. Nothing measured.",
            file=sys.stderr,
        )
        return 0
    classes = (
        per_page(load_pages(args.devset, args.every), args.repeats, args.processes)
        if args.every
        else []
    )
    batch = (
        per_batch(load_pages(args.devset, 1), args.files, args.processes, args.rounds)
        if args.files
        else None
    )
    section = render(classes, batch, args.repeats, args.processes)
    print(section)
    if not args.no_write and classes and batch:
        write_section("extract-speed", section, args.results, figures(classes, batch))
        print(f"\nwritten to {args.results}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
