"""The report of bench_extract: its section of benchmarks/RESULTS.md and its summary lines."""

from __future__ import annotations

from typing import TYPE_CHECKING

from benchmarks.results import Figure, machine_line

if TYPE_CHECKING:
    from benchmarks.bench_extract import SetReport, Throughput
    from devtools.extraction_metric import CorpusScore


def _row(label: str, s: CorpusScore, dps: Throughput, lenient: CorpusScore | None) -> str:
    len_cell = f" {lenient.f1:.3f} |" if lenient else ""
    empty = f"{s.empty} ({s.empty / s.pages:.1%})" if s.pages else "0"
    return (
        f"| {label} | {s.f1:.3f} | {s.precision:.3f} | {s.recall:.3f} | {empty} |{len_cell} "
        f"{dps.per_core:.1f} | {dps.wall:.1f} |"
    )


def render_ablations(
    reports: list[SetReport], rows: list[tuple[str, list[tuple[float, float]]]]
) -> list[str]:
    """The table of F1 with each clean-up step switched off."""
    if not rows:
        return []
    head = (
        "| newsflow with ... | "
        + " | ".join(f"{r.name.split(' (')[0]} F1 (Δ)" for r in reports)
        + " |"
    )
    lines = [
        "",
        "### What each clean-up step is worth",
        "",
        "F1 of newsflow with one step switched off; Δ is the loss against the full extractor.",
        "",
        head,
        "|---|" + "---|" * len(reports),
    ]
    for name, cells in rows:
        lines.append(
            f"| {name} | " + " | ".join(f"{f1:.4f} ({f1 - full:+.4f})" for f1, full in cells) + " |"
        )
    return lines


def render(
    reports: list[SetReport],
    processes: int,
    ablations: list[tuple[str, list[tuple[float, float]]]] | None = None,
) -> str:
    """The markdown section for RESULTS.md."""
    import trafilatura

    from pipeline.extract import EXTRACTOR_VERSION

    lines = [
        "## Extraction (`python -m benchmarks.bench_extract`)",
        "",
        f"newsflow extractor {EXTRACTOR_VERSION}, trafilatura {trafilatura.__version__}, "
        f"{processes} processes; {machine_line()}. Body metric: shingle-4 "
        "(Zyte benchmark), see `devtools/extraction_metric.py`; empty = pages with no body text. "
        "Docs/s: two rounds, alternating, the faster of each extractor's two.",
    ]
    for r in reports:
        lenient = r.bare_lenient is not None
        lines += ["", f"### {r.name} ({r.pages} pages)", ""]
        lines.append(
            "| extractor | F1 | P | R | empty |"
            + (" lenient F1 |" if lenient else "")
            + " docs/s per core | docs/s (pool) |"
        )
        lines.append("|---|---|---|---|---|" + ("---|" if lenient else "") + "---|---|")
        lines.append(
            _row("`trafilatura.extract(html)` defaults", r.bare, r.bare_dps, r.bare_lenient)
        )
        lines.append(
            _row("newsflow `extract_html`", r.newsflow, r.newsflow_dps, r.newsflow_lenient)
        )
        meta = [f"title exact match {r.title:.3f}"]
        if r.authors is not None:
            meta.append(f"author F1 {r.authors:.3f}")
        if r.date is not None:
            meta.append(f"date accuracy {r.date:.3f}")
        meta.append(f"pages reported not_article/error: {r.not_article}")
        lines += ["", "newsflow metadata: " + ", ".join(meta) + "."]
        lines += [
            "",
            f"F1 gain over bare defaults: {100 * (r.newsflow.f1 - r.bare.f1):+.2f} points "
            f"(target +1.5); throughput ratio per core "
            f"{r.newsflow_dps.per_core / r.bare_dps.per_core:.2f} (one round, for reference: "
            "the speed target is `bench_extract_speed`'s, timed page by page, alternating).",
        ]
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
    lines += render_ablations(reports, ablations or [])
    return "\n".join(lines)


def figures(reports: list[SetReport]) -> list[Figure]:
    """The summary lines: body F1 and throughput per core against bare trafilatura."""
    lines = []
    for r in reports:
        gain = 100 * (r.newsflow.f1 - r.bare.f1)
        speed = r.newsflow_dps.per_core / r.bare_dps.per_core
        name = r.name.split(" (")[0]
        lines += [
            Figure(
                f"extraction body F1, {name} ({r.pages} pages)",
                f"{r.newsflow.f1:.3f}",
                f"{r.bare.f1:.3f} (bare `trafilatura.extract`)",
                f"{gain:+.2f} points",
                f">= +1.5 points {'met' if gain >= 1.5 else 'not met'}",
            ),
            Figure(
                f"extraction docs/s per core, {name}",
                f"{r.newsflow_dps.per_core:.1f}",
                f"{r.bare_dps.per_core:.1f} (bare `trafilatura.extract`)",
                f"{speed:.2f}",
                "(for reference: the speed targets are the per-page rows)",
            ),
        ]
    return lines
