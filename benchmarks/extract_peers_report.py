"""The report of bench_extract_peers: its section of benchmarks/RESULTS.md and its
summary lines (one per dev set: newsflow against the best peer)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from benchmarks.extract_peers import BY_NAME, version
from benchmarks.results import Figure, machine_description, machine_line

if TYPE_CHECKING:
    from benchmarks.bench_extract_peers import PeerSet, Row

FUNDUS_QUOTED = {
    "label": "Fundus 0.4.1, its own per-publisher parsers",
    "f1": 0.963,
    "precision": 0.987,
    "recall": 0.940,
    "lenient": 0.973,
    "why": (
        "quoted from `fundus-eval/README.md` (the published outputs re-scored with this "
        "metric), not run: fundus 0.5.7 requires lxml<6 and fastwarc<0.16, which conflict "
        "with newsflow's lxml 6.2 and resiliparse's FastWARC 2"
    ),
}
"""Fundus on fundus-eval, as stored with the set (Fundus does not install beside newsflow)."""


def label(name: str) -> str:
    """An extractor's name with its installed version."""
    if name == "newsflow":
        from pipeline.extract import EXTRACTOR_VERSION

        return f"newsflow `extract_html` {EXTRACTOR_VERSION}"
    peer = BY_NAME.get(name)
    found = version(peer.distribution) if peer else None
    return f"{name} {found}" if found else name


def best_peer(s: PeerSet) -> Row | None:
    """The peer with the highest F1 among those that ran."""
    ran = [r for r in s.rows[1:] if r.score is not None]
    return max(ran, key=lambda r: r.score.f1 if r.score else 0.0, default=None)


def _row(r: Row, ours: Row, lenient: bool) -> str:
    cells = 10 if lenient else 9
    if r.score is None or r.dps is None:
        return f"| {label(r.name)} | failed: {r.failed} |" + " |" * (cells - 2)
    s = r.score
    empty = f"{s.empty} ({s.empty / s.pages:.1%})" if s.pages else "0"
    len_cell = f" {r.lenient.f1:.3f} |" if lenient and r.lenient else (" |" if lenient else "")
    if r is ours or ours.score is None or ours.dps is None:
        margin, speed = "", ""
    else:
        margin = f"{100 * (ours.score.f1 - s.f1):+.2f}"
        speed = f"{ours.dps.per_core / r.dps.per_core:.2f}" if r.dps.per_core else ""
    return (
        f"| {label(r.name)} | {s.f1:.3f} | {s.precision:.3f} | {s.recall:.3f} | {empty} |"
        f"{len_cell} {r.dps.per_core:.1f} ({r.rounds}) | {margin} | {speed} |"
    )


def _fundus_row() -> str:
    q = FUNDUS_QUOTED
    return (
        f"| {q['label']} (quoted, not run) | {q['f1']:.3f} | {q['precision']:.3f} | "
        f"{q['recall']:.3f} | 0 | {q['lenient']:.3f} | not measured | | |"
    )


def render_set(s: PeerSet) -> list[str]:
    """The per-extractor table of one set, newsflow first, then the peers by F1."""
    lenient = s.rows[0].lenient is not None
    ours = s.rows[0]
    peers = sorted(s.rows[1:], key=lambda r: -(r.score.f1 if r.score else -1.0))
    lines = ["", f"### {s.name} ({s.pages} pages)", ""]
    lines.append(
        "| extractor | F1 | P | R | empty |"
        + (" lenient F1 |" if lenient else "")
        + " docs/s per core (rounds) | newsflow F1 − peer (points) | newsflow speed ÷ peer |"
    )
    lines.append("|---|---|---|---|---|" + ("---|" if lenient else "") + "---|---|---|")
    lines += [_row(r, ours, lenient) for r in [ours, *peers]]
    if lenient:
        lines.append(_fundus_row())
    errors = [f"{label(r.name)} on {r.errors} ({r.error_reason})" for r in peers if r.errors]
    if errors:
        lines += ["", "Pages a peer raised on (scored as empty): " + "; ".join(errors) + "."]
    if lenient:
        lines += ["", f"Fundus: {FUNDUS_QUOTED['why']}."]
    else:
        lines += [
            "",
            "Fundus is left out here: this set's truth is the output of Fundus's own parsers.",
        ]
    return lines


def render(sets: list[PeerSet], processes: int, full: bool) -> str:
    """The markdown section for RESULTS.md."""
    timing = (
        "every extractor was timed in two rounds"
        if full
        else "newsflow and the peers within a factor of 1.5 of its speed were timed in two "
        "rounds (`--full`: every peer)"
    )
    lines = [
        "## Extraction peers (`python -m benchmarks.bench_extract_peers`)",
        "",
        f"The same pages, the same body metric (`devtools/extraction_metric.py`, as in "
        f"`bench_extract`) and process pools of the same size ({processes} processes), all "
        f"started from one process and run one after the other; {machine_line()}. Docs/s per "
        f"core = pages ÷ CPU seconds of the workers; {timing}, interleaved, keeping the better "
        "(the rounds column). Each peer is called as its README shows: "
        + "; ".join(f"{p.name} {p.call}" for p in BY_NAME.values())
        + ". Text from HTML-returning peers is taken one line per block element.",
    ]
    for s in sets:
        lines += render_set(s)
    lines += ["", "### Against the best peer", ""]
    lines += [
        "| set | newsflow F1 | best peer | its F1 | margin (points) | newsflow speed ÷ peer |",
        "|---|---|---|---|---|---|",
    ]
    for s in sets:
        best, ours = best_peer(s), s.rows[0]
        if best is None or best.score is None or ours.score is None:
            lines.append(f"| {s.name} | | no peer ran | | | |")
            continue
        speed = f"{ours.dps.per_core / best.dps.per_core:.2f}" if ours.dps and best.dps else "n/a"
        lines.append(
            f"| {s.name} | {ours.score.f1:.3f} | {label(best.name)} | {best.score.f1:.3f} | "
            f"{100 * (ours.score.f1 - best.score.f1):+.2f} | {speed} |"
        )
    return "\n".join(lines)


def peer_versions(sets: list[PeerSet]) -> str:
    """Every peer of the run with its version, or "failed" / "not installed"."""
    names = [r.name for r in sets[0].rows[1:]] if sets else []
    return ", ".join(label(n) + (" (failed)" if _failed(sets, n) else "") for n in names)


def _failed(sets: list[PeerSet], name: str) -> bool:
    return all(r.failed for s in sets for r in s.rows if r.name == name)


def figures(sets: list[PeerSet]) -> list[Figure]:
    """One summary line per set: newsflow's body F1 against the best peer's."""
    out = []
    machine = f"{machine_description()}; peers: {peer_versions(sets)}"
    for s in sets:
        best, ours = best_peer(s), s.rows[0]
        short = s.name.split(" (")[0]
        if best is None or best.score is None or ours.score is None:
            out.append(
                Figure(
                    f"extraction body F1 against the best peer, {short}",
                    "",
                    "no peer ran",
                    "",
                    "",
                    machine,
                )
            )
            continue
        margin = 100 * (ours.score.f1 - best.score.f1)
        target = f"> best peer {'met' if margin > 0 else 'not met'}"
        if s.rows[0].lenient is not None:
            target += f"; Fundus's own parsers {FUNDUS_QUOTED['f1']:.3f} (quoted, not run)"
        out.append(
            Figure(
                f"extraction body F1 against the best peer, {short} ({s.pages} pages)",
                f"{ours.score.f1:.3f}",
                f"{best.score.f1:.3f} ({label(best.name)})",
                f"{margin:+.2f} points",
                target,
                machine,
            )
        )
    return out
