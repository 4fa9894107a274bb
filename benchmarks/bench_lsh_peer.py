"""Near-duplicate detection against datasketch's in-memory MinHashLSH.

Usage::

    python -m benchmarks.bench_lsh_peer [--documents N] [--rounds N] [--results FILE]

The same ``--documents`` (default 100,000) ~1.5 KB documents as ``bench_load``'s
detection (10% planted edited copies) go through datasketch's ``MinHashLSH`` and
through newsflow's persisted index (``load_batch`` into a fresh database), each in a
child process of its own, taking turns for ``--rounds`` rounds (the faster run
counts); see ``benchmarks/lsh_peer.py`` for what each does and how its memory is
read. Reported for both: planted copies found, false pairs, docs/s, peak memory, and
the memory at a quarter, half and all of the documents, extrapolated linearly (least
squares over those three sizes) to one million signatures. Results are printed and
written to the ``bench-lsh-peer`` section of ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks import lsh_peer
from benchmarks.peers import Outcome, attempt, extrapolate, peer, versions_text
from benchmarks.results import RESULTS, Figure, machine_description, machine_line, write_section
from benchmarks.scratch_db import database_server, scratch_database

MILLION = 1_000_000


def _child(function: Any, *args: Any) -> dict[str, Any]:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        result: dict[str, Any] = pool.apply(function, args)
        return result


def measure(server: str, count: int, rounds: int) -> dict[str, Outcome]:
    """Both detectors over the same documents, ``rounds`` times, taking turns."""
    checkpoints = sorted({count // 4 // 500 * 500, count // 2 // 500 * 500, count} - {0})
    outcomes = {
        "newsflow": peer("newsflow persisted index (PostgreSQL)"),
        "datasketch": peer("datasketch `MinHashLSH` (in memory)", "datasketch"),
    }
    order = list(outcomes)
    for number in range(rounds):
        for key in order if number % 2 == 0 else reversed(order):
            if key == "datasketch":
                attempt(outcomes[key], lambda: _child(lsh_peer.datasketch_lsh, count, checkpoints))
            else:
                with scratch_database(server, "newsflow_bench_lsh") as db:
                    attempt(
                        outcomes[key],
                        lambda: _child(lsh_peer.newsflow_index, count, checkpoints, db),
                    )
            print(f"round {number + 1} {key}: {outcomes[key].runs[-1:]}", flush=True)
    return outcomes


def at_million(memory: dict[int, float]) -> float:
    """A figure measured at several sizes, extrapolated to a million (MiB)."""
    sizes = sorted(memory)
    return extrapolate(sizes, [memory[s] for s in sizes], MILLION)


def _series(memory: dict[int, float]) -> str:
    return ", ".join(f"{memory[s]:.0f} at {s:,}" for s in sorted(memory))


def memory_rows(outcomes: dict[str, Outcome]) -> list[str]:
    """Memory at each checkpoint and at a million, per detector."""
    lines = []
    ds, nf = outcomes["datasketch"], outcomes["newsflow"]
    if ds.ok:
        mem = {int(k): v for k, v in ds.best()["index_mib"].items()}
        lines.append(
            f"| datasketch: growth of the process's resident set (the LSH, its MinHashes' "
            f"band keys) | {_series(mem)} | **{at_million(mem):,.0f}** |"
        )
    if nf.ok:
        mem = {int(k): v for k, v in nf.best()["memory"].items()}
        for key, what in (
            ("client_mib", "newsflow: growth of the loader process's resident set"),
            ("backend_mib", "newsflow: the database backend's private memory (`RssAnon`)"),
            ("index_disk_mib", "newsflow: the persisted index on disk (not resident)"),
        ):
            series = {s: m[key] for s, m in mem.items()}
            lines.append(f"| {what} | {_series(series)} | {at_million(series):,.0f} |")
    return lines


def _detector_row(o: Outcome) -> str:
    if not o.ok:
        return f"| {o.name} | {o.version} | {o.reason} | | | | |"
    b = o.best()
    runs = ", ".join(f"{r['documents'] / r['seconds']:,.0f}" for r in o.runs)
    peak = f"{b['peak_mib']:.0f}"
    if "backend_peak_mib" in b:
        peak += f" + backend {b['backend_peak_mib']:.0f} private"
    return (
        f"| {o.name} | {o.version} | {b['bands']} | {runs} | {b['found']:,} of "
        f"{b['planted']:,} | {b['false']:,} | {peak} |"
    )


def report(outcomes: dict[str, Outcome], count: int, rounds: int) -> str:
    """The ``bench-lsh-peer`` section of ``benchmarks/RESULTS.md``."""
    return "\n".join(
        [
            "## Near-duplicate detection against datasketch "
            "(`python -m benchmarks.bench_lsh_peer`)",
            "",
            f"{machine_line()}. {count:,} synthetic ~1.5 KB documents (`bench_load`'s "
            f"detection set, 10% planted edited copies), Jaccard threshold "
            f"{lsh_peer.THRESHOLD}, 128 permutations, 4-word shingles; each detector in a "
            f"child process of its own, {rounds} round(s) taking turns.",
            "",
            "| detector | version | LSH bands x rows | docs/s (each run) | planted copies found "
            "| false pairs | peak memory (MiB) |",
            "|---|---|---|---|---|---|---|",
            *[_detector_row(o) for o in outcomes.values()],
            "",
            "newsflow's docs/s include storing the documents as articles (the index lives "
            "beside them in PostgreSQL); its peak memory is the loader process's plus its "
            "database backend's private memory (the server's shared buffer cache has a fixed "
            "size, its `shared_buffers`). datasketch reports every LSH candidate as a pair; "
            "newsflow "
            "verifies each candidate with the exact Jaccard of the shingles before linking.",
            "",
            "Memory at one million signatures. Method: each detector records its memory at "
            "a quarter, half and all of the documents in the same run; a least-squares line "
            "through those three points is read at 1,000,000. The figures exclude the "
            "documents themselves (made before the first reading).",
            "",
            "| what (MiB) | measured (MiB at documents) | at 1,000,000 (extrapolated) |",
            "|---|---|---|",
            *memory_rows(outcomes),
            "",
        ]
    )


def figures(outcomes: dict[str, Outcome]) -> list[Figure]:
    """Summary lines: docs/s and recall against datasketch, memory at a million."""
    machine = versions_text(list(outcomes.values()), machine_description())
    ds, nf = outcomes["datasketch"], outcomes["newsflow"]
    if not (ds.ok and nf.ok):
        return [
            Figure(f"near-duplicate peer: {o.name}", "", o.reason, "", "", machine)
            for o in outcomes.values()
            if not o.ok
        ]
    d, n = ds.best(), nf.best()
    d_rate, n_rate = d["documents"] / d["seconds"], n["documents"] / n["seconds"]
    d_mem = at_million({int(k): v for k, v in d["index_mib"].items()})
    n_mem = {int(k): v for k, v in n["memory"].items()}
    n_client = at_million({s: m["client_mib"] for s, m in n_mem.items()})
    return [
        Figure(
            f"near-duplicate detection docs/s against datasketch, {n['documents']:,} documents",
            f"{n_rate:,.0f} ({n['found']:,} of {n['planted']:,} found, {n['false']:,} false)",
            f"{d_rate:,.0f} ({d['found']:,} found, {d['false']:,} false)",
            f"{n_rate / d_rate:.2f}",
            "(for reference)",
            machine,
        ),
        Figure(
            "near-duplicate index memory at 1,000,000 signatures (MiB, extrapolated)",
            f"{max(n_client, 0):,.0f} loader growth (index on disk)",
            f"{d_mem:,.0f} (datasketch in memory)",
            "",
            "(for reference)",
            machine,
        ),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    with database_server() as server:
        outcomes = measure(server, args.documents, args.rounds)
    text = report(outcomes, args.documents, args.rounds)
    print(text)
    write_section("lsh-peer", text, args.results, figures(outcomes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
