"""Score newsflow's extractor and bare trafilatura on the extraction dev sets.

Usage::

    python -m benchmarks.bench_extract [--devset PATH] [--processes N] [--results FILE]
                                       [--no-ablation]

The dev set path comes from ``--devset``, else ``NEWSFLOW_DEVSET``, else
``../shared/extraction-devset`` relative to the repository root. Both sets are scored:
the main set (``ground-truth.json`` + ``pages/``) and ``fundus-eval/``. Both extractors
run in one process pool of the same size, so their docs/s are comparable. The table is
printed and written between the ``bench-extract`` markers of ``benchmarks/RESULTS.md``
(the text: ``benchmarks/extract_report.py``).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from benchmarks.extract_report import figures, render
from benchmarks.results import RESULTS, default_devset, write_section
from devtools.extraction_metric import (
    CorpusScore,
    PageScore,
    aggregate,
    author_f1,
    score_page,
    score_page_lenient,
    title_match,
)


@dataclass(frozen=True, slots=True)
class DevPage:
    id: str
    path: Path
    url: str
    group: str
    """Country (main set) or publisher (fundus-eval), for the per-class breakdown."""
    truth: dict[str, Any]


def load_set(folder: Path, group_key: str) -> list[DevPage]:
    """Pages of one dev set folder with their ground truth, sorted by id."""
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        DevPage(
            id=k,
            path=folder / "pages" / f"{k}.html.gz",
            url=v.get("url", ""),
            group=v.get(group_key, "?"),
            truth=v,
        )
        for k, v in sorted(truth.items())
    ]


def _read(path: Path) -> bytes:
    with gzip.open(path, "rb") as fh:
        return fh.read()


def run_bare(job: tuple[str, str]) -> dict[str, Any]:
    """Bare ``trafilatura.extract(html)`` with default settings (worker function)."""
    import trafilatura

    path, _url = job
    started = time.process_time()
    html = _read(Path(path))
    text = trafilatura.extract(html) or ""
    return {"body": text, "cpu": time.process_time() - started}


def run_newsflow(job: tuple[str, str]) -> dict[str, Any]:
    """newsflow's ``extract_html`` (worker function)."""
    from pipeline.extract import extract_html

    path, url = job
    started = time.process_time()
    result = extract_html(_read(Path(path)), url=url or None)
    cpu = time.process_time() - started
    art = result.article
    if art is None:
        return {
            "body": "",
            "status": result.status,
            "title": None,
            "authors": [],
            "date": None,
            "cpu": cpu,
        }
    return {
        "cpu": cpu,
        "body": art.body,
        "status": result.status,
        "title": art.title,
        "authors": list(art.authors),
        "date": art.published_at.isoformat() if art.published_at else None,
    }


MAIN_SET = "Main dev set (Fundus parser test pages)"
EVAL_SET = "fundus-eval (hand-annotated)"


def _never(*_args: object, **_kwargs: object) -> bool:
    return False


def _unchanged(paragraphs: list[str], *_args: object) -> list[str]:
    return paragraphs


def _keep_link_blocks() -> None:
    import pipeline.extract.body as body

    body.TRAFILATURA_OPTIONS = {**body.TRAFILATURA_OPTIONS, "include_links": False}
    body.prune_link_blocks = lambda _body: 0


def _keep_header_lines() -> None:
    import pipeline.extract.body as body

    body.strip_lead = _unchanged


def _keep_bylines() -> None:
    import pipeline.extract.body as body
    import pipeline.extract.lead as lead

    body.is_byline = lead.is_byline = _never


def _keep_end_matter() -> None:
    import pipeline.extract.body as body

    body.strip_endmatter = _unchanged


def never_furniture(*names: str) -> None:
    """Switch off the furniture patterns ``names`` (``_CAPTION``, ...): each becomes a
    pattern that never matches, registered in the lowered-pattern table the module
    searches lowered lines with."""
    import re

    import pipeline.extract.furniture as furniture

    never = re.compile(r"(?!x)x")
    furniture._LOWERED[never] = never
    for name in names:
        setattr(furniture, name, never)


def _keep_captions_and_pointers() -> None:
    never_furniture("_CAPTION", "_READ_ALSO")


def _no_declared_body() -> None:
    import pipeline.extract.core as core

    core.prefer_declared = _never


ABLATIONS: dict[str, Callable[[], None]] = {
    "link-dense blocks kept (`include_links=False`, no pruning)": _keep_link_blocks,
    "header lines kept (title variants, datelines, labels)": _keep_header_lines,
    "byline lines kept": _keep_bylines,
    "end matter kept (calls to action, paywall notes, bios)": _keep_end_matter,
    "captions and read-also pointers kept": _keep_captions_and_pointers,
    "no JSON-LD articleBody fallback": _no_declared_body,
}
"""newsflow with one clean-up step switched off (patched in the worker processes only)."""


def _switch_off(name: str) -> None:
    ABLATIONS[name]()


def ablation_rows(
    sets: list[tuple[str, list[DevPage], CorpusScore]], processes: int
) -> list[tuple[str, list[tuple[float, float]]]]:
    """Per ablation: (F1 without the step, F1 with it) for every set."""
    rows = []
    for name in ABLATIONS:
        cells = []
        for _set_name, pages, full in sets:
            jobs = [(str(p.path), p.url) for p in pages]
            with ProcessPoolExecutor(processes, initializer=_switch_off, initargs=(name,)) as pool:
                out = list(pool.map(run_newsflow, jobs, chunksize=4))
            score = aggregate(score_page(p.truth["body"], o["body"]) for p, o in zip(pages, out))
            cells.append((score.f1, full.f1))
        rows.append((name, cells))
    return rows


@dataclass(frozen=True, slots=True)
class Throughput:
    wall: float
    """Documents per wall-clock second with the whole pool."""
    per_core: float
    """Documents per CPU second of the workers: what one core does, whatever else runs on
    the machine (the target ratio is computed from this)."""


def warm_up_newsflow() -> None:
    """Load what newsflow loads once per worker process (the language model), so that the
    timed run measures steady-state extraction as in a long-running pipeline worker."""
    from pipeline.extract.language import detect_language

    detect_language("A sentence long enough for the language detector to load its model.")


def run_all(
    fn: Callable[[tuple[str, str]], dict[str, Any]],
    pages: list[DevPage],
    processes: int,
    initializer: Callable[[], None] | None = None,
) -> tuple[list[dict[str, Any]], Throughput]:
    """Outputs of ``fn`` for every page, in order, and the throughput."""
    jobs = [(str(p.path), p.url) for p in pages]
    with ProcessPoolExecutor(processes, initializer=initializer) as pool:
        list(pool.map(fn, jobs[: processes * 2]))  # warm-up: imports in every worker
        started = time.perf_counter()
        out = list(pool.map(fn, jobs, chunksize=4))
        elapsed = time.perf_counter() - started
    cpu = sum(o["cpu"] for o in out)
    return out, Throughput(wall=len(pages) / elapsed, per_core=len(pages) / cpu if cpu else 0.0)


def _truth_dates(value: str | None) -> set[date]:
    """Calendar dates a truth timestamp stands for: local (as written) and UTC."""
    if not value:
        return set()
    dt = datetime.fromisoformat(value)
    dates = {dt.date()}
    if dt.tzinfo is not None:
        dates.add(dt.astimezone(tz=__import__("datetime").timezone.utc).date())
    return dates


@dataclass
class SetReport:
    name: str
    pages: int
    bare: CorpusScore
    newsflow: CorpusScore
    bare_lenient: CorpusScore | None
    newsflow_lenient: CorpusScore | None
    bare_dps: Throughput
    newsflow_dps: Throughput
    title: float | None
    authors: float | None
    date: float | None
    not_article: int
    groups: list[tuple[str, int, float, float]]


def _metadata_scores(
    pages: list[DevPage], ours: list[dict[str, Any]]
) -> tuple[float, float | None, float | None]:
    """Title exact match, and (when the set has them) author F1 and date accuracy."""
    title = sum(title_match(p.truth["title"], o["title"]) for p, o in zip(pages, ours)) / len(pages)
    if "authors" not in pages[0].truth:
        return title, None, None
    authors = sum(author_f1(p.truth["authors"], o["authors"]) for p, o in zip(pages, ours)) / len(
        pages
    )
    hits = 0
    for p, o in zip(pages, ours):
        truth = _truth_dates(p.truth.get("published_at"))
        pred = datetime.fromisoformat(o["date"]).date() if o["date"] else None
        hits += (pred in truth) if truth else (pred is None)
    return title, authors, hits / len(pages)


def _group_scores(
    pages: list[DevPage], bare_scores: list[PageScore], our_scores: list[PageScore]
) -> list[tuple[str, int, float, float]]:
    """(class, pages, bare F1, newsflow F1) per class, largest first."""
    by_group: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(pages):
        by_group[p.group].append(i)
    return [
        (
            g,
            len(ix),
            aggregate(bare_scores[i] for i in ix).f1,
            aggregate(our_scores[i] for i in ix).f1,
        )
        for g, ix in sorted(by_group.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]


def score_set(name: str, pages: list[DevPage], processes: int, lenient: bool) -> SetReport:
    bare, bare_dps = run_all(run_bare, pages, processes)
    ours, ours_dps = run_all(run_newsflow, pages, processes, initializer=warm_up_newsflow)
    bare_scores = [score_page(p.truth["body"], b["body"]) for p, b in zip(pages, bare)]
    our_scores = [score_page(p.truth["body"], o["body"]) for p, o in zip(pages, ours)]
    bare_len = our_len = None
    if lenient:
        bare_len = aggregate(
            score_page_lenient(p.truth["body"], b["body"], p.truth.get("optional_paragraphs") or [])
            for p, b in zip(pages, bare)
        )
        our_len = aggregate(
            score_page_lenient(p.truth["body"], o["body"], p.truth.get("optional_paragraphs") or [])
            for p, o in zip(pages, ours)
        )
    title, authors, dates = _metadata_scores(pages, ours)
    if os.environ.get("BENCH_DEBUG"):
        for p, b, o in sorted(zip(pages, bare_scores, our_scores), key=lambda t: t[2].f1 - t[1].f1):
            print(
                f"{p.id:45s} bare {b.f1:.3f} ours {o.f1:.3f} (P {o.precision} R {o.recall})",
                file=sys.stderr,
            )
    return SetReport(
        name=name,
        pages=len(pages),
        bare=aggregate(bare_scores),
        newsflow=aggregate(our_scores),
        bare_lenient=bare_len,
        newsflow_lenient=our_len,
        bare_dps=bare_dps,
        newsflow_dps=ours_dps,
        title=title,
        authors=authors,
        date=dates,
        not_article=sum(o["status"] != "ok" for o in ours),
        groups=_group_scores(pages, bare_scores, our_scores),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=default_devset())
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument(
        "--no-ablation",
        action="store_true",
        help="skip the runs with one clean-up step switched off",
    )
    parser.add_argument(
        "--no-write", action="store_true", help="print only, leave RESULTS.md alone"
    )
    args = parser.parse_args(argv)
    if not (args.devset / "ground-truth.json").is_file():
        print(
            f"bench-extract: no dev set at {args.devset} (ground-truth.json missing); "
            "pass --devset PATH or set NEWSFLOW_DEVSET. Nothing scored.",
            file=sys.stderr,
        )
        return 0
    pages_of = {MAIN_SET: load_set(args.devset, "country")}
    reports = [score_set(MAIN_SET, pages_of[MAIN_SET], args.processes, lenient=False)]
    fundus = args.devset / "fundus-eval"
    if (fundus / "ground-truth.json").is_file():
        pages_of[EVAL_SET] = load_set(fundus, "publisher")
        reports.append(score_set(EVAL_SET, pages_of[EVAL_SET], args.processes, lenient=True))
    ablations = (
        []
        if args.no_ablation
        else ablation_rows(
            [(r.name, pages_of[r.name], r.newsflow) for r in reports], args.processes
        )
    )
    section = render(reports, args.processes, ablations)
    print(section)
    if not args.no_write:
        write_section("extract", section, args.results, figures(reports))
        print(f"\nwritten to {args.results}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
