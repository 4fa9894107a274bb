"""The report of bench_extract_peers: its section of benchmarks/RESULTS.md and its
summary lines (one per dev set: newsflow against the best peer)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from benchmarks.extract_peers import BY_NAME, version
from benchmarks.results import Figure, machine_description, machine_line

if TYPE_CHECKING:
    from benchmarks.bench_extract_peers import PeerSet, Row


@dataclass(frozen=True, slots=True)
class Quoted:
    """A peer's figure quoted from where it was published, not measured here."""

    label: str
    f1: float
    precision: float
    recall: float
    lenient: float
    why: str


FUNDUS_QUOTED = Quoted(
    label="Fundus 0.4.1 published outputs",
    f1=0.963,
    precision=0.987,
    recall=0.940,
    lenient=0.973,
    why=(
        "the quoted row is from `fundus-eval/README.md` (the Fundus paper's published "
        "outputs re-scored with this metric). Fundus's parsers are hand-written for exactly "
        "these 16 publishers and its authors annotated the set, so it is a ceiling, not a "
        "generic extractor: it is left out of the best-peer comparison and has its own "
        "summary line. It runs from `.venv-fundus` (`benchmarks/fundus_peer.py`), because "
        "fundus 0.5.7 requires lxml<6 and fastwarc<0.16, which conflict with newsflow's "
        "lxml 6.2 and resiliparse's FastWARC 2"
    ),
)
"""Fundus on fundus-eval, as stored with the set."""
FUNDUS = "Fundus"


def label(name: str) -> str:
    """An extractor's name with its installed version."""
    if name == "newsflow":
        from pipeline.extract import EXTRACTOR_VERSION

        return f"newsflow `extract_html` {EXTRACTOR_VERSION}"
    if name == FUNDUS:
        from benchmarks.fundus_peer import version as fundus_version

        found = fundus_version()
        return f"Fundus {found} own parsers" if found else "Fundus own parsers"
    peer = BY_NAME.get(name)
    found = version(peer.distribution) if peer else None
    return f"{name} {found}" if found else name


def ours_f1(r: Row, ours: Row) -> float:
    """newsflow's F1 on the pages ``r`` ran on (a slow peer's subset, else the set)."""
    if r.ours_f1 is not None:
        return r.ours_f1
    return ours.score.f1 if ours.score else 0.0


def margin(r: Row, ours: Row) -> float:
    """newsflow's F1 minus the peer's, in points, on the same pages."""
    return 100 * (ours_f1(r, ours) - (r.score.f1 if r.score else 0.0))


def best_peer(s: PeerSet) -> Row | None:
    """The generic peer closest to newsflow's F1 on the same pages (the highest F1 when
    every peer ran on every page) among those that ran (not Fundus: a ceiling)."""
    ran = [r for r in s.rows[1:] if r.score is not None and r.name != FUNDUS]
    return min(ran, key=lambda r: margin(r, s.rows[0]), default=None)


def _pages(r: Row) -> str:
    return f" ({r.subset} pages)" if r.subset else ""


def _row(r: Row, ours: Row, lenient: bool) -> str:
    cells = 9 if lenient else 8
    if r.score is None or r.dps is None:
        return f"| {label(r.name)} | failed: {r.failed} |" + " |" * (cells - 2)
    name = label(r.name) + _pages(r)
    s = r.score
    empty = f"{s.empty} ({s.empty / s.pages:.1%})" if s.pages else "0"
    len_cell = f" {r.lenient.f1:.3f} |" if lenient and r.lenient else (" |" if lenient else "")
    if r is ours or ours.score is None or ours.dps is None:
        points, speed = "", ""
    else:
        points = f"{margin(r, ours):+.2f}"
        speed = f"{ours.dps.per_core / r.dps.per_core:.2f}" if r.dps.per_core else ""
    return (
        f"| {name} | {s.f1:.3f} | {s.precision:.3f} | {s.recall:.3f} | {empty} |"
        f"{len_cell} {r.dps.per_core:.1f} ({r.rounds}) | {points} | {speed} |"
    )


def _fundus_row() -> str:
    q = FUNDUS_QUOTED
    return (
        f"| {q.label} (quoted) | {q.f1:.3f} | {q.precision:.3f} | "
        f"{q.recall:.3f} | 0 | {q.lenient:.3f} | not measured | | |"
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
    errors = [
        f"{label(r.name)}: " + ", ".join(f"{n} × {why}" for n, why in r.errors)
        for r in peers
        if r.errors
    ]
    if errors:
        lines += ["", "Pages a peer raised on (scored as empty): " + "; ".join(errors) + "."]
    if sampled := [r for r in peers if r.subset]:
        every = -(-s.pages // (sampled[0].subset or 1))
        lines += [
            "",
            f"{', '.join(label(r.name) for r in sampled)}: several times slower than newsflow, "
            f"so run on one page in {every} only ({sampled[0].subset} of {s.pages}; `--full`: "
            "every page); the margin is against newsflow's F1 on the same pages ("
            + ", ".join(sorted({f"{ours_f1(r, ours):.3f}" for r in sampled}))
            + ").",
        ]
    if lenient:
        lines += ["", f"Fundus: {FUNDUS_QUOTED.why}."]
        fundus = next((r for r in s.rows if r.name == FUNDUS), None)
        if fundus is None or fundus.score is None:
            lines[-1] += " It did not run here" + (f": {fundus.failed}." if fundus else ".")
    else:
        lines += [
            "",
            "Fundus is left out here: this set's truth is the output of Fundus's own parsers.",
        ]
    return lines


def render(
    sets: list[PeerSet], processes: int, full: bool, took: tuple[float, float] | None = None
) -> str:
    """The markdown section for RESULTS.md (``took``: the run's wall and CPU seconds)."""
    import os

    cost = ""
    if took is not None:
        wall, cpu = took
        cores = os.cpu_count() or 1
        cost = (
            f" The whole run took {wall / 60:.1f} min of wall time (load average "
            f"{os.getloadavg()[1]:.1f} over the last 5 minutes on {cores} cores) and "
            f"{cpu / 60:.1f} CPU-minutes in all its processes, so about {cpu / 60 / cores:.1f} "
            f"min on {cores} idle cores if the pools kept every core busy."
        )
    timing = (
        "every extractor was timed in two rounds, every one on every page"
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
        + "; Fundus `PublisherCollection.<region>.<publisher>.parser(crawl_date).parse(html)`"
        + ". Text from HTML-returning peers is taken one line per block element. newspaper4k "
        "(and news-please, which calls it) is installed with its `ja` and `nlp` extras, not "
        "`hi` (Sphinx and pandas for one page) nor NLTK's `punkt_tab` data (which NLTK "
        "downloads from its own server, not from PyPI), so it raises on the Hindi and "
        "Korean pages, as it would for a user with the same install." + cost,
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
            f"| {s.name} | {ours_f1(best, ours):.3f} | {label(best.name)}{_pages(best)} | "
            f"{best.score.f1:.3f} | {margin(best, ours):+.2f} | {speed} |"
        )
        fundus = next((r for r in s.rows if r.name == FUNDUS and r.score and r.dps), None)
        if fundus and fundus.score and fundus.dps and ours.dps:
            lines.append(
                f"| {s.name}, against the ceiling | {ours.score.f1:.3f} | {label(FUNDUS)} | "
                f"{fundus.score.f1:.3f} | {100 * (ours.score.f1 - fundus.score.f1):+.2f} | "
                f"{ours.dps.per_core / fundus.dps.per_core:.2f} |"
            )
    return "\n".join(lines)


def peer_versions(sets: list[PeerSet]) -> str:
    """Every peer of the run with its version, marked when it failed everywhere."""
    names = list(dict.fromkeys(r.name for s in sets for r in s.rows[1:]))
    return ", ".join(label(n) + (" (failed)" if _failed(sets, n) else "") for n in names)


def _failed(sets: list[PeerSet], name: str) -> bool:
    return all(r.failed for s in sets for r in s.rows if r.name == name)


def _fundus_figure(s: PeerSet, machine: str) -> Figure:
    """newsflow against Fundus's own parsers: measured when it ran, else the quoted figure."""
    ours = s.rows[0].score
    fundus = next((r for r in s.rows if r.name == FUNDUS and r.score is not None), None)
    f1 = fundus.score.f1 if fundus and fundus.score else FUNDUS_QUOTED.f1
    base = f"{f1:.3f} ({label(FUNDUS)})" if fundus else f"{f1:.3f} (Fundus 0.4.1, quoted, not run)"
    margin = 100 * ((ours.f1 if ours else 0.0) - f1)
    return Figure(
        f"extraction body F1 against Fundus's own parsers, {s.name.split(' (')[0]} "
        f"({s.pages} pages)",
        f"{ours.f1:.3f}" if ours else "",
        base,
        f"{margin:+.2f} points",
        "(for reference: hand-written parsers for these 16 publishers)",
        machine,
    )


def figures(sets: list[PeerSet]) -> list[Figure]:
    """One summary line per set, newsflow's body F1 against the best generic peer's; and
    on fundus-eval one against Fundus's own parsers."""
    out = []
    machine = f"{machine_description()}; peers: {peer_versions(sets)}"
    for s in sets:
        best, ours = best_peer(s), s.rows[0]
        pages = f"{best.subset} of {s.pages}" if best and best.subset else f"{s.pages}"
        name = f"extraction body F1 against the best peer, {s.name.split(' (')[0]} ({pages} pages)"
        if best is None or best.score is None or ours.score is None:
            out.append(Figure(name, "", "no peer ran", "", "", machine))
        else:
            points = margin(best, ours)
            out.append(
                Figure(
                    name,
                    f"{ours_f1(best, ours):.3f}",
                    f"{best.score.f1:.3f} ({label(best.name)})",
                    f"{points:+.2f} points",
                    f"> best peer {'met' if points > 0 else 'not met'}",
                    machine,
                )
            )
        if ours.lenient is not None:
            out.append(_fundus_figure(s, machine))
    return out
