"""Score newsflow's extractor and bare trafilatura on the extraction dev sets.

Usage::

    python benchmarks/bench_extract.py [--devset PATH] [--processes N] [--results FILE]

The dev set path comes from ``--devset``, else ``NEWSFLOW_DEVSET``, else
``../shared/extraction-devset`` relative to the repository root. Both sets are scored:
the main set (``ground-truth.json`` + ``pages/``) and ``fundus-eval/``. Both extractors
run in one process pool of the same size, so their docs/s are comparable. The table is
printed and written between the ``bench-extract`` markers of ``benchmarks/RESULTS.md``.
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

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # run as a script from a clone without installing

from benchmarks.metrics import (  # noqa: E402
    CorpusScore,
    aggregate,
    author_f1,
    score_page,
    score_page_lenient,
    title_match,
)

START, END = "<!-- bench-extract:start -->", "<!-- bench-extract:end -->"


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
        DevPage(id=k, path=folder / "pages" / f"{k}.html.gz", url=v.get("url", ""),
                group=v.get(group_key, "?"), truth=v)
        for k, v in sorted(truth.items())
    ]


def _read(path: Path) -> bytes:
    with gzip.open(path, "rb") as fh:
        return fh.read()


def run_bare(job: tuple[str, str]) -> dict[str, Any]:
    """Bare ``trafilatura.extract(html)`` with default settings (worker function)."""
    import trafilatura

    path, _url = job
    html = _read(Path(path))
    text = trafilatura.extract(html) or ""
    return {"body": text}


def run_newsflow(job: tuple[str, str]) -> dict[str, Any]:
    """newsflow's ``extract_html`` (worker function)."""
    from pipeline.extract import extract_html

    path, url = job
    result = extract_html(_read(Path(path)), url=url or None)
    art = result.article
    if art is None:
        return {"body": "", "status": result.status, "title": None, "authors": [], "date": None}
    return {
        "body": art.body,
        "status": result.status,
        "title": art.title,
        "authors": list(art.authors),
        "date": art.published_at.isoformat() if art.published_at else None,
    }


def run_all(
    fn: Callable[[tuple[str, str]], dict[str, Any]], pages: list[DevPage], processes: int
) -> tuple[list[dict[str, Any]], float]:
    """Outputs of ``fn`` for every page, in order, and wall-clock docs/s."""
    jobs = [(str(p.path), p.url) for p in pages]
    with ProcessPoolExecutor(processes) as pool:
        list(pool.map(fn, jobs[: processes * 2]))  # warm-up: imports in every worker
        started = time.perf_counter()
        out = list(pool.map(fn, jobs, chunksize=4))
        elapsed = time.perf_counter() - started
    return out, len(pages) / elapsed


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
    bare_dps: float
    newsflow_dps: float
    title: float | None
    authors: float | None
    date: float | None
    not_article: int
    groups: list[tuple[str, int, float, float]]


def score_set(name: str, pages: list[DevPage], processes: int, lenient: bool) -> SetReport:
    bare, bare_dps = run_all(run_bare, pages, processes)
    ours, ours_dps = run_all(run_newsflow, pages, processes)
    bare_scores = [score_page(p.truth["body"], b["body"]) for p, b in zip(pages, bare)]
    our_scores = [score_page(p.truth["body"], o["body"]) for p, o in zip(pages, ours)]
    bare_len = our_len = None
    if lenient:
        bare_len = aggregate(score_page_lenient(p.truth["body"], b["body"],
                                                p.truth.get("optional_paragraphs") or [])
                             for p, b in zip(pages, bare))
        our_len = aggregate(score_page_lenient(p.truth["body"], o["body"],
                                               p.truth.get("optional_paragraphs") or [])
                            for p, o in zip(pages, ours))
    has_meta = "authors" in pages[0].truth
    title = sum(title_match(p.truth["title"], o["title"]) for p, o in zip(pages, ours)) / len(pages)
    authors = dates = None
    if has_meta:
        authors = sum(author_f1(p.truth["authors"], o["authors"]) for p, o in zip(pages, ours)) / len(pages)
        hits = 0
        for p, o in zip(pages, ours):
            truth = _truth_dates(p.truth.get("published_at"))
            pred = datetime.fromisoformat(o["date"]).date() if o["date"] else None
            hits += (pred in truth) if truth else (pred is None)
        dates = hits / len(pages)
    by_group: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(pages):
        by_group[p.group].append(i)
    groups = [
        (g, len(ix), aggregate(bare_scores[i] for i in ix).f1, aggregate(our_scores[i] for i in ix).f1)
        for g, ix in sorted(by_group.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]
    if os.environ.get("BENCH_DEBUG"):
        for p, b, o in sorted(zip(pages, bare_scores, our_scores), key=lambda t: t[2].f1 - t[1].f1):
            print(f"{p.id:45s} bare {b.f1:.3f} ours {o.f1:.3f} (P {o.precision} R {o.recall})",
                  file=sys.stderr)
    return SetReport(
        name=name, pages=len(pages), bare=aggregate(bare_scores), newsflow=aggregate(our_scores),
        bare_lenient=bare_len, newsflow_lenient=our_len, bare_dps=bare_dps, newsflow_dps=ours_dps,
        title=title, authors=authors, date=dates,
        not_article=sum(o["status"] != "ok" for o in ours), groups=groups,
    )


def _row(label: str, s: CorpusScore, dps: float, lenient: CorpusScore | None) -> str:
    len_cell = f" {lenient.f1:.3f} |" if lenient else ""
    return f"| {label} | {s.f1:.3f} | {s.precision:.3f} | {s.recall:.3f} | {s.empty} |{len_cell} {dps:.1f} |"


def render(reports: list[SetReport], processes: int) -> str:
    """The markdown section for RESULTS.md."""
    import trafilatura

    from pipeline.extract import EXTRACTOR_VERSION

    lines = [
        "## Extraction (`python benchmarks/bench_extract.py`)",
        "",
        f"newsflow extractor {EXTRACTOR_VERSION}, trafilatura {trafilatura.__version__}, "
        f"{processes} processes, {time.strftime('%Y-%m-%d')}. Body metric: shingle-4 "
        "(Zyte benchmark), see `benchmarks/metrics.py`.",
    ]
    for r in reports:
        lenient = r.bare_lenient is not None
        lines += ["", f"### {r.name} ({r.pages} pages)", ""]
        lines.append("| extractor | F1 | P | R | empty |" + (" lenient F1 |" if lenient else "") + " docs/s |")
        lines.append("|---|---|---|---|---|" + ("---|" if lenient else "") + "---|")
        lines.append(_row("`trafilatura.extract(html)` defaults", r.bare, r.bare_dps, r.bare_lenient))
        lines.append(_row("newsflow `extract_html`", r.newsflow, r.newsflow_dps, r.newsflow_lenient))
        meta = [f"title exact match {r.title:.3f}"]
        if r.authors is not None:
            meta.append(f"author F1 {r.authors:.3f}")
        if r.date is not None:
            meta.append(f"date accuracy {r.date:.3f}")
        meta.append(f"pages reported not_article/error: {r.not_article}")
        lines += ["", "newsflow metadata: " + ", ".join(meta) + "."]
        lines += ["", f"F1 gain over bare defaults: {100 * (r.newsflow.f1 - r.bare.f1):+.1f} points "
                  f"(target +1.5); throughput ratio {r.newsflow_dps / r.bare_dps:.2f} (target >= 0.8)."]
        worse = [g for g in r.groups if g[3] < g[2] - 0.005]
        lines += ["", "| class | pages | bare F1 | newsflow F1 | Δ |", "|---|---|---|---|---|"]
        for g, n, b, o in r.groups:
            lines.append(f"| {g} | {n} | {b:.3f} | {o:.3f} | {o - b:+.3f} |")
        lines.append("")
        lines.append(
            "Classes where newsflow is more than 0.005 below bare: "
            + (", ".join(f"{g} ({o - b:+.3f}, {n} pages)" for g, n, b, o in worse) or "none")
            + "."
        )
    return "\n".join(lines)


def write_results(section: str, results: Path) -> None:
    """Replace (or append) the bench-extract section of ``results``."""
    block = f"{START}\n{section}\n{END}"
    text = results.read_text(encoding="utf-8") if results.exists() else "# Benchmark results\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    results.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path,
                        default=Path(os.environ.get("NEWSFLOW_DEVSET", REPO.parent / "shared" / "extraction-devset")))
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--results", type=Path, default=REPO / "benchmarks" / "RESULTS.md")
    parser.add_argument("--no-write", action="store_true", help="print only, leave RESULTS.md alone")
    args = parser.parse_args(argv)
    if not (args.devset / "ground-truth.json").is_file():
        print(f"bench-extract: no dev set at {args.devset} (ground-truth.json missing); "
              "pass --devset PATH or set NEWSFLOW_DEVSET. Nothing scored.", file=sys.stderr)
        return 0
    reports = [score_set("Main dev set (Fundus parser test pages)", load_set(args.devset, "country"),
                         args.processes, lenient=False)]
    fundus = args.devset / "fundus-eval"
    if (fundus / "ground-truth.json").is_file():
        reports.append(score_set("fundus-eval (hand-annotated)", load_set(fundus, "publisher"),
                                 args.processes, lenient=True))
    section = render(reports, args.processes)
    print(section)
    if not args.no_write:
        write_results(section, args.results)
        print(f"\nwritten to {args.results}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
