"""Memory and CPU of a whole process tree, sampled from ``/proc`` (Linux only).

A pipeline run is several processes: the run itself, the crawler's child process and
the extraction workers. ``TreeSampler`` polls ``/proc`` in a background thread and
records, for the tree under one root process:

* the peak of the summed RSS of all its processes (shared pages of forked workers are
  counted once per process, so this over-counts a little) and the peak of the summed
  PSS (proportional set size: shared pages split between the processes sharing them,
  the honest "memory this tree uses");
* the CPU seconds (user + system) of every process, grouped by a role the caller
  derives from its command line.

Processes that live shorter than one sampling interval are missed; the last sample of
a process that exits is kept, so at most one interval of its CPU time is lost.

Without sampling, ``children_cpu`` counts the CPU of every child process reaped so far,
and ``become_subreaper`` makes the orphans of those children (a pool's forkserver
outliving its parent) this process's children, so that they are counted too.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
MIB = 2**20


@dataclass(frozen=True, slots=True)
class ProcSample:
    """One process at one moment."""

    pid: int
    ppid: int
    rss_bytes: int
    cpu_s: float
    """User + system CPU seconds since the process started."""


@dataclass(slots=True)
class TreeUsage:
    """What a ``TreeSampler`` saw; MiB and CPU seconds."""

    peak_rss_mib: float = 0.0
    peak_pss_mib: float = 0.0
    peak_processes: int = 0
    cpu_s_by_role: dict[str, float] = field(default_factory=dict)
    peak_pss_mib_by_role: dict[str, float] = field(default_factory=dict)
    """The highest PSS each role's processes reached together, whenever that was."""
    samples: int = 0


PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> None:
    """Have processes orphaned by this one's children re-parented to this one, so that
    their CPU time is counted in :func:`children_cpu` when they are reaped (Linux)."""
    if sys.platform == "linux":
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def children_cpu() -> float:
    """CPU seconds (user + system) of every child process reaped so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def read_proc(pid: int) -> ProcSample | None:
    """The ``/proc/PID/stat`` figures of one process, or None when it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may contain spaces.
    fields = raw[raw.rindex(b")") + 2 :].split()
    ppid = int(fields[1])
    utime, stime = int(fields[11]), int(fields[12])
    rss_pages = int(fields[21])
    return ProcSample(pid, ppid, rss_pages * PAGE_BYTES, (utime + stime) / CLOCK_TICKS)


def read_pss_bytes(pid: int) -> int:
    """Proportional set size of one process (0 when unreadable)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def command_line(pid: int) -> str:
    """The command line of a process, arguments separated by spaces ('' when gone)."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode("utf-8", "replace").strip()


def tree_pids(root: int, samples: dict[int, ProcSample]) -> list[int]:
    """``root`` and all its descendants among ``samples``."""
    children: dict[int, list[int]] = {}
    for sample in samples.values():
        children.setdefault(sample.ppid, []).append(sample.pid)
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        if pid in samples:
            found.append(pid)
            stack.extend(children.get(pid, ()))
    return found


def all_processes() -> dict[int, ProcSample]:
    samples = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            sample = read_proc(int(entry))
            if sample is not None:
                samples[sample.pid] = sample
    return samples


class TreeSampler:
    """Samples the tree under ``root`` every ``interval_s`` until ``stop()``.

    ``role(sample, command_line)`` names the role a process's CPU time is counted under
    (called once per process, when it is first seen). ``also(command_line)`` selects
    processes outside the tree whose CPU time is counted too (e.g. the PostgreSQL
    backends serving the run); their memory is not added to the tree's.
    """

    def __init__(
        self,
        root: int,
        role: Callable[[ProcSample, str], str],
        interval_s: float = 0.2,
        also: Callable[[str], bool] | None = None,
    ) -> None:
        self.root = root
        self.role = role
        self.also = also
        self.interval_s = interval_s
        self.usage = TreeUsage()
        self._cpu: dict[int, tuple[str, float]] = {}
        self._roles: dict[int, str | None] = {}
        self._cpu_before: dict[int, float] = {}
        """CPU already used by outside processes that existed before the first sample."""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="tree-sampler", daemon=True)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> TreeUsage:
        """Stop sampling; the usage seen."""
        if not self._stop.is_set():
            self._stop.set()
            self._thread.join()
        by_role: dict[str, float] = {}
        for role, cpu in self._cpu.values():
            by_role[role] = by_role.get(role, 0.0) + cpu
        self.usage.cpu_s_by_role = dict(sorted(by_role.items(), key=lambda kv: -kv[1]))
        return self.usage

    def sample(self) -> None:
        """Take one sample now."""
        samples = all_processes()
        tree = tree_pids(self.root, samples)
        usage = self.usage
        usage.samples += 1
        rss = sum(samples[pid].rss_bytes for pid in tree)
        usage.peak_rss_mib = max(usage.peak_rss_mib, rss / MIB)
        usage.peak_processes = max(usage.peak_processes, len(tree))
        pss_of = {pid: read_pss_bytes(pid) for pid in tree}
        pss = sum(pss_of.values())
        usage.peak_pss_mib = max(usage.peak_pss_mib, pss / MIB)
        in_tree = set(tree)
        for pid, sample in samples.items():
            if pid not in self._roles:
                if pid in in_tree:
                    self._roles[pid] = self.role(sample, command_line(pid))
                elif self.also is not None:
                    line = command_line(pid)
                    self._roles[pid] = self.role(sample, line) if self.also(line) else None
                    if usage.samples == 1:
                        self._cpu_before[pid] = sample.cpu_s
                else:
                    continue
            role = self._roles[pid]
            if role is not None and (pid in in_tree or self.also is not None):
                self._cpu[pid] = (role, sample.cpu_s - self._cpu_before.get(pid, 0.0))
        by_role: dict[str, float] = {}
        for pid, size in pss_of.items():
            role = self._roles.get(pid) or "other"
            by_role[role] = by_role.get(role, 0.0) + size / MIB
        for role, size in by_role.items():
            usage.peak_pss_mib_by_role[role] = max(usage.peak_pss_mib_by_role.get(role, 0.0), size)

    def _loop(self) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            self.sample()
            self._stop.wait(max(0.0, self.interval_s - (time.monotonic() - started)))
        self.sample()
