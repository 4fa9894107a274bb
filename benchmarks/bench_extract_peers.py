"""Score newsflow's extractor and the peers a user would install instead, in one run.

Usage::

    python -m benchmarks.bench_extract_peers [--devset PATH] [--processes N] [--full]
                                             [--peers NAME,...] [--limit N] [--slow-every K]
                                             [--results FILE] [--no-write]

Both dev sets (``ground-truth.json`` + ``pages/`` and ``fundus-eval/``) are scored with
the same metric as ``bench_extract`` (``devtools/extraction_metric.py``). newsflow and
every peer of ``benchmarks/extract_peers.py`` run in process pools of the same size from
this one process, one after the other, in rounds: the first round scores every page and
times it; a second round times again, and each extractor keeps its better docs/s per
core (best of two). By default the second round is run for newsflow and the peers whose
speed is within a factor of 1.5 of newsflow's, the ones where timing noise could decide
the ratio; ``--full`` runs it for every peer. The peers several times slower than newsflow
(:data:`SLOW_PEERS`: 3 to 7 times in the full run of 2026-12-03) are run by default on every
``--slow-every``-th page of the main set only (3: 81 of its 241 pages), and their margin is
taken against newsflow's F1 on those same pages; on fundus-eval (80 pages), and on both sets
with ``--full``, every peer runs on every page. A peer that is not installed or fails gets
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
SLOW_PEERS = frozenset({"newspaper4k", "goose3", "news-please"})
"""Peers 3 to 7 times slower than newsflow (docs/s per core in the full run of
2026-12-03); by default they run on a subset of the main set's pages."""
SLOW_EVERY = 3
"""By default the slow peers run on every third page of the main set."""


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
    subset: int | None = None
    """Pages it ran on when only a subset of the set (a slow peer), else None."""
    ours_f1: float | None = None
    """newsflow's F1 on the same subset (None: on the whole set)."""


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
    subset: tuple[frozenset[str], int] = (frozenset(), 1),
) -> PeerSet:
    """newsflow and the peers on one set: a scored first round, then the timing round.
    ``subset``: peers that run on every k-th page only, and k (the first name of
    ``names``, newsflow, always runs on every page)."""
    lenient = "optional_paragraphs" in pages[0].truth
    result = PeerSet(name, len(pages))
    sampled, every = subset
    ours: list[dict[str, Any]] = []
    for who in names:
        mine = pages[::every] if who in sampled and every > 1 and ours else pages
        log.info("%s: %s, round 1 (%d pages)", name.split(" (")[0], who, len(mine))
        outputs, dps = measure(who, mine, processes, adapters)
        if isinstance(dps, str):
            result.rows.append(Row(who, failed=dps))
            continue
        row = score_row(who, mine, outputs, lenient)
        if not ours:
            ours = outputs
        elif len(mine) < len(pages) and row.score is not None:
            row.subset = len(mine)
            row.ours_f1 = aggregate(
                score_page(p.truth["body"], o["body"]) for p, o in zip(mine, ours[::every])
            ).f1
        if not row.failed:
            row.dps, row.rounds = dps, 1
        result.rows.append(row)
    by_name = {r.name: r for r in result.rows}
    for who in second_round(result.rows, full):
        log.info("%s: %s, round 2 (timing)", name.split(" (")[0], who)
        mine = pages[::every] if by_name[who].subset else pages
        _, dps = measure(who, mine, processes, adapters)
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
        "--slow-every",
        type=int,
        default=SLOW_EVERY,
        metavar="K",
        help=f"run the slow peers ({', '.join(sorted(SLOW_PEERS))}) on every K-th page of the "
        f"main set only (default {SLOW_EVERY}; --full: every page)",
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
            every = 1 if args.full or set_name == EVAL_SET else max(1, args.slow_every)
            subset = (SLOW_PEERS, every)
            sets.append(score_set(set_name, pages, names, args.processes, args.full, None, subset))
    section = render(sets, args.processes, args.full, (time.monotonic() - started, cpu_seconds()))
    print(section)
    if not args.no_write:
        write_section("extract-peers", section, args.results, figures(sets))
        print(f"\nwritten to {args.results}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
