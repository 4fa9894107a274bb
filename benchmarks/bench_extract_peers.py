"""Score newsflow's extractor and the peers a user would install instead, in one run.

Usage::

    python -m benchmarks.bench_extract_peers [--devset PATH] [--processes N] [--full]
                                             [--peers NAME,...] [--limit N] [--results FILE]
                                             [--no-write]

Both dev sets (``ground-truth.json`` + ``pages/`` and ``fundus-eval/``) are scored with
the same metric as ``bench_extract`` (``devtools/extraction_metric.py``). newsflow and
every peer of ``benchmarks/extract_peers.py`` run in process pools of the same size from
this one process, one after the other, in rounds: the first round scores every page and
times it; a second round times again, and each extractor keeps its better docs/s per
core (best of two). By default the second round is run for newsflow and the peers whose
speed is within a factor of 1.5 of newsflow's, the ones where timing noise could decide
the ratio; ``--full`` runs it for every peer. A peer that is not installed or fails gets
a row saying why, and the rest goes on. Fundus's own parsers run on fundus-eval only
(the main set's truth is their output), from a virtualenv of their own
(``benchmarks/fundus_peer.py``: its pins conflict with newsflow's); the figure published
with the set is quoted beside it. The report goes between the ``bench-extract-peers`` markers
of ``benchmarks/RESULTS.md`` (the text: ``benchmarks/extract_peers_report.py``).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import fundus_peer
from benchmarks.bench_extract import (
    EVAL_SET,
    MAIN_SET,
    DevPage,
    Throughput,
    load_set,
    run_all,
    run_newsflow,
    warm_up_newsflow,
)
from benchmarks.extract_peers import (
    PEERS,
    Adapter,
    PeerRunner,
    failure_reason,
    one_line,
    page_errors,
)
from benchmarks.extract_peers_report import figures, render
from benchmarks.results import RESULTS, default_devset, write_section
from devtools.extraction_metric import CorpusScore, aggregate, score_page, score_page_lenient

log = logging.getLogger("bench_extract_peers")

NEWSFLOW = "newsflow"
CLOSE = 1.5
"""A peer within this factor of newsflow's speed is timed twice by default."""


@dataclass
class Row:
    """One extractor's result on one set: scores and speed, or why it failed."""

    name: str
    score: CorpusScore | None = None
    lenient: CorpusScore | None = None
    dps: Throughput | None = None
    failed: str | None = None
    errors: list[tuple[int, str]] = field(default_factory=list)
    """Pages the peer raised on (scored as empty): (count, reason)."""
    rounds: int = 0


@dataclass
class PeerSet:
    """All rows of one dev set, newsflow's first."""

    name: str
    pages: int
    rows: list[Row] = field(default_factory=list)


Job = Callable[[tuple[str, str]], dict[str, Any]]


Adapters = dict[str, Adapter] | None
"""Adapters by peer name (the tests' fakes); None: the real peers."""


def _worker(name: str, adapters: Adapters) -> tuple[Job, Callable[[], None] | None]:
    if name == NEWSFLOW:
        return run_newsflow, warm_up_newsflow
    return PeerRunner(name, adapters), None


def measure(
    name: str, pages: list[DevPage], processes: int, adapters: Adapters = None
) -> tuple[list[dict[str, Any]], Throughput | str]:
    """One timed pass of ``name`` over ``pages``: outputs and throughput, or ([], reason)
    when the pool itself broke (a peer that kills its worker process)."""
    if name == fundus_peer.NAME:
        return fundus_peer.measure(pages, processes)
    fn, init = _worker(name, adapters)
    try:
        return run_all(fn, pages, processes, initializer=init)
    except (BrokenProcessPool, OSError) as exc:
        return [], f"its worker process died: {one_line(exc)}"


def score_row(name: str, pages: list[DevPage], outputs: list[dict[str, Any]], lenient: bool) -> Row:
    """The scores of one pass (or the failure reason when the peer failed)."""
    reason = failure_reason(outputs)
    if reason:
        return Row(name, failed=reason)
    errors = page_errors(outputs)
    score = aggregate(score_page(p.truth["body"], o["body"]) for p, o in zip(pages, outputs))
    len_score = None
    if lenient:
        len_score = aggregate(
            score_page_lenient(p.truth["body"], o["body"], p.truth.get("optional_paragraphs") or [])
            for p, o in zip(pages, outputs)
        )
    return Row(name, score=score, lenient=len_score, errors=errors)


def better(a: Throughput | None, b: Throughput) -> Throughput:
    """The better of two timings (per core first)."""
    if a is None or b.per_core > a.per_core:
        return b
    return a


def second_round(rows: list[Row], full: bool) -> list[str]:
    """Who is timed again: newsflow, and every peer that ran whose speed is within
    :data:`CLOSE` of newsflow's (every one that ran with ``full``)."""
    ours = rows[0].dps
    names = []
    for row in rows:
        if row.failed or row.dps is None:
            continue
        close = ours is not None and (
            1 / CLOSE <= row.dps.per_core / max(ours.per_core, 1e-9) <= CLOSE
        )
        if full or row.name == NEWSFLOW or close:
            names.append(row.name)
    return names


def score_set(
    name: str,
    pages: list[DevPage],
    names: list[str],
    processes: int,
    full: bool,
    adapters: Adapters = None,
) -> PeerSet:
    """newsflow and the peers on one set: a scored first round, then the timing round."""
    lenient = "optional_paragraphs" in pages[0].truth
    result = PeerSet(name, len(pages))
    for who in names:
        log.info("%s: %s, round 1", name.split(" (")[0], who)
        outputs, dps = measure(who, pages, processes, adapters)
        if isinstance(dps, str):
            result.rows.append(Row(who, failed=dps))
            continue
        row = score_row(who, pages, outputs, lenient)
        if not row.failed:
            row.dps, row.rounds = dps, 1
        result.rows.append(row)
    by_name = {r.name: r for r in result.rows}
    for who in second_round(result.rows, full):
        log.info("%s: %s, round 2 (timing)", name.split(" (")[0], who)
        _, dps = measure(who, pages, processes, adapters)
        if not isinstance(dps, str):
            by_name[who].dps = better(by_name[who].dps, dps)
            by_name[who].rounds = 2
    return result


def cpu_seconds() -> float:
    """CPU seconds used so far by this process and its finished children (the pools'
    workers and Fundus's runners)."""
    import resource

    own, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=default_devset())
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--full", action="store_true", help="time every peer twice")
    parser.add_argument(
        "--peers",
        default=",".join([*(p.name for p in PEERS), fundus_peer.NAME]),
        help="comma-separated peers to run (default: all; Fundus runs on fundus-eval only)",
    )
    parser.add_argument(
        "--limit",
        type=int,
        default=0,
        help="score only the first N pages of each set (a quick try)",
    )
    parser.add_argument(
        "--no-write", action="store_true", help="print only, leave RESULTS.md alone"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s", stream=sys.stderr)
    log.setLevel(logging.INFO)  # our progress lines, not the peers' chatter
    if not (args.devset / "ground-truth.json").is_file():
        print(
            f"bench-extract-peers: no dev set at {args.devset} (ground-truth.json missing); "
            "pass --devset PATH or set NEWSFLOW_DEVSET. Nothing scored.",
            file=sys.stderr,
        )
        return 0
    peers = [n for n in args.peers.split(",") if n]
    known = [*(p.name for p in PEERS), fundus_peer.NAME]
    if unknown := [n for n in peers if n not in known]:
        parser.error(f"unknown peer {', '.join(unknown)}; the peers are {', '.join(known)}")
    started = time.monotonic()
    folders = [
        (MAIN_SET, args.devset, "country"),
        (EVAL_SET, args.devset / "fundus-eval", "publisher"),
    ]
    sets = []
    for set_name, folder, group in folders:
        if (folder / "ground-truth.json").is_file():
            pages = load_set(folder, group)[: args.limit or None]
            names = [NEWSFLOW, *(n for n in peers if n != fundus_peer.NAME or set_name == EVAL_SET)]
            sets.append(score_set(set_name, pages, names, args.processes, args.full))
    section = render(sets, args.processes, args.full, (time.monotonic() - started, cpu_seconds()))
    print(section)
    if not args.no_write:
        write_section("extract-peers", section, args.results, figures(sets))
        print(f"\nwritten to {args.results}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
