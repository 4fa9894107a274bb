"""The end-to-end benchmark's helpers: stage times from progress messages, and the
process-tree sampler (``benchmarks/pipeline_run.py``, ``benchmarks/procmem.py``)."""

from __future__ import annotations

import os
import subprocess
import sys

from benchmarks.pipeline_run import stage_times
from benchmarks.procmem import ProcSample, TreeSampler, tree_pids


def test_stage_times_follow_each_sources_progress_messages() -> None:
    events = [
        (0.0, "run 1: 2 source(s)"),
        (0.0, "a: crawling"),
        (10.0, "a: fetched 5 pages"),
        (10.0, "b: crawling"),
        (10.5, "a: extracting"),
        (12.0, "a: extracted 5 pages"),
        (13.0, "a: loaded 5 new, 0 updated, 0 duplicates"),
        (15.0, "b: fetched 3 pages"),
    ]
    assert stage_times(events) == {
        "a": {"crawl": 10.0, "extract": 1.5, "load": 1.0},
        "b": {"crawl": 5.0},
    }


def test_tree_pids_are_the_root_and_its_descendants_only() -> None:
    samples = {
        pid: ProcSample(pid, ppid, 0, 0.0)
        for pid, ppid in [(1, 0), (10, 1), (11, 10), (12, 11), (20, 1), (21, 10)]
    }
    assert sorted(tree_pids(10, samples)) == [10, 11, 12, 21]


def test_sampler_sees_a_child_process_memory_and_cpu() -> None:
    script = (
        "import time\nblock = bytearray(80 * 2**20)\nfor i in range(0, len(block), 4096):"
        "\n    block[i] = 1\nend = time.process_time() + 0.5\n"
        "while time.process_time() < end: pass\n"
    )
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import subprocess, sys; subprocess.run([sys.executable, '-c', {script!r}])",
        ]
    )
    sampler = TreeSampler(
        parent.pid,
        lambda sample, line: "root" if sample.pid == parent.pid else "child",
        interval_s=0.05,
    )
    with sampler:
        parent.wait()
    usage = sampler.usage
    assert usage.peak_rss_mib >= 80 and usage.peak_pss_mib >= 80
    assert usage.peak_processes == 2
    assert usage.cpu_s_by_role["child"] >= 0.3
    assert os.getpid() not in sampler._cpu


def test_requests_are_typed_and_their_bytes_summed_per_type() -> None:
    from datetime import UTC, datetime

    from benchmarks.e2e_quiet import bytes_by_kind
    from devtools.sample_site import RequestRecord

    def request(path: str, size: int, status: int = 200) -> RequestRecord:
        return RequestRecord("GET", path, status, {}, datetime.now(UTC), size)

    log = [
        request("/robots.txt", 10),
        request("/planet/sitemap-index.xml", 100),
        request("/planet/sitemap-2026-11-20.xml", 200),
        request("/herald/rss.xml", 300),
        request("/gazette/section/news/?page=2", 400),
        request("/planet/2026/11/20/a-story/", 1000),
        request("/planet/2026/11/20/a-story/", 0, status=304),
    ]
    assert bytes_by_kind(log, {"/planet/2026/11/20/a-story/"}) == {
        "robots": (1, 10),
        "sitemap": (2, 300),
        "feed": (1, 300),
        "navigation page": (1, 400),
        "article": (2, 1000),
    }
