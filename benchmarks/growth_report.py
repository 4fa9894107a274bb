"""bench_growth's tables, targets and plot (the ``bench-growth`` section of RESULTS.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks.results import Figure, machine_line, write_section

HERE = Path(__file__).resolve().parent
LOAD_FLAT = 0.8
CANDIDATES_FLAT = 1.5
WARM_MS = 100.0
COLD_MS = 1000.0
STORAGE_RATIO = 2.5
TARGET_SIZE = 2_000_000
PARTS = (
    ("body_stored", "body (compressed)"),
    ("vector_stored", "search vector"),
    ("articles_rest", "rest of the articles' rows"),
    ("articles_indexes", "articles' indexes"),
    ("bands", "LSH bands (with indexes)"),
    ("signatures", "signatures"),
    ("versions", "article_versions"),
    ("crawl_state", "crawl_state"),
)
TABLES = ("warehouse.articles", "warehouse.article_lsh_bands", "warehouse.crawl_state")


def load_rate(step: dict[str, Any]) -> float:
    return float(step["batch"] / step["load_s"])


def derive_rate(step: dict[str, Any]) -> float:
    return float(step["derived"] / step["derive_s"]) if step["derive_s"] else 0.0


def per_article(step: dict[str, Any], part: str) -> float:
    """Bytes per article of ``part`` (a field of ``Sizes``, or ``articles_rest``: the
    articles' rows and TOAST without body and search vector)."""
    stored = step["sizes"]
    if part == "articles_rest":
        value = stored["articles_table"] - stored["body_stored"] - stored["vector_stored"]
    else:
        value = stored[part]
    return float(value / max(1, stored["count"]))


def total_per_article(step: dict[str, Any]) -> float:
    return sum(per_article(step, part) for part, _ in PARTS)


def storage_ratio(step: dict[str, Any]) -> float:
    """Bytes on disk of all newsflow tables over the raw bytes of the bodies."""
    return total_per_article(step) / max(1.0, per_article(step, "raw_body"))


def target_step(steps: list[dict[str, Any]]) -> dict[str, Any]:
    """The step the targets are judged at: 2M articles, else the largest measured."""
    at_target = [s for s in steps if s["size"] == TARGET_SIZE]
    return at_target[0] if at_target else steps[-1]


def verdicts(steps: list[dict[str, Any]]) -> dict[str, tuple[float, bool]]:
    """Each target: (the measured figure, met)."""
    first, big = steps[0], target_step(steps)
    load = load_rate(big) / load_rate(first)
    cand = big["candidate_ms"] / first["candidate_ms"]
    warm = max(big["warm_ms"].values())
    cold = max(big["cold_ms"].values()) if big["cold_ms"] else float("nan")
    ratio = storage_ratio(big)
    return {
        "load": (load, load >= LOAD_FLAT),
        "candidates": (cand, cand <= CANDIDATES_FLAT),
        "warm": (warm, warm < WARM_MS),
        "cold": (cold, cold < COLD_MS),
        "storage": (ratio, ratio <= STORAGE_RATIO),
    }


def _load_table(steps: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| articles | load rows/s | derive rows/s | candidates (ms per 500) | re-load rows/s "
        "| duplicates found / planted | WAL of load and derive (MB) |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in steps:
        wal = f"{s['wal_bytes'] / 2**20:,.0f}" if "wal_bytes" in s else "—"
        lines.append(
            f"| {s['articles']:,} | {load_rate(s):,.0f} | {derive_rate(s):,.0f} "
            f"| {s['candidate_ms']:.1f} | {s['batch'] / s['reload_s']:,.0f} "
            f"| {s['counts']['duplicates']:,} / {s['planted']:,} | {wal} |"
        )
    return lines


def _storage_table(steps: list[dict[str, Any]]) -> list[str]:
    head = " | ".join(label for _, label in PARTS)
    lines = [
        f"| articles | raw body | {head} | total | total / raw body |",
        "|---|---|" + "---|" * len(PARTS) + "---|---|",
    ]
    for s in steps:
        parts = " | ".join(f"{per_article(s, p):,.0f}" for p, _ in PARTS)
        lines.append(
            f"| {s['articles']:,} | {per_article(s, 'raw_body'):,.0f} | {parts} "
            f"| {total_per_article(s):,.0f} | {storage_ratio(s):.2f} |"
        )
    return lines


def _query_table(steps: list[dict[str, Any]]) -> list[str]:
    sizes = " | ".join(f"{s['articles']:,} warm / cold" for s in steps)
    lines = [f"| query (ms) | {sizes} |", "|---|" + "---|" * len(steps)]
    for name in steps[0]["warm_ms"]:
        cells = []
        for s in steps:
            cold = s["cold_ms"].get(name)
            cells.append(f"{s['warm_ms'][name]:.1f} / {'—' if cold is None else f'{cold:.0f}'}")
        lines.append(f"| {name} | {' | '.join(cells)} |")
    return lines


def _maintenance_table(steps: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| articles | fill rows | fill (s) | index build (s) | VACUUM ANALYZE (s) "
        "| after the load: dead tuples (articles / bands / crawl_state) | autovacuum runs "
        "| after re-load: dead tuples | re-load added (MB) | VACUUM ANALYZE after (s) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in steps:
        load, again = s["stats_after_load"], s["stats_after_reload"]
        dead = " / ".join(f"{load.get(t, {}).get('dead', 0):,}" for t in TABLES)
        dead_again = " / ".join(f"{again.get(t, {}).get('dead', 0):,}" for t in TABLES)
        runs = sum(v.get("autovacuum", 0) for v in again.values())
        lines.append(
            f"| {s['articles']:,} | {s['fill']['rows']:,} | {s['fill']['insert_s']:.0f} "
            f"| {s['fill']['index_s']:.0f} | {s['vacuum_s']:.0f} | {dead} | {runs} | {dead_again} "
            f"| {s['reload_bloat_bytes'] / 2**20:.0f} | {s['vacuum_after_load_s']:.0f} |"
        )
    return lines


def _targets(steps: list[dict[str, Any]]) -> list[str]:
    v = verdicts(steps)
    big = target_step(steps)["articles"]

    def met(key: str) -> str:
        return "met" if v[key][1] else "**not met**"

    return [
        f"Targets, at {big:,} articles against {steps[0]['articles']:,}:",
        "",
        f"- load rows/s at least {LOAD_FLAT}x: {v['load'][0]:.2f}x, {met('load')};",
        f"- candidate query at most {CANDIDATES_FLAT}x: {v['candidates'][0]:.2f}x, "
        f"{met('candidates')};",
        f"- every analyst query under {WARM_MS:.0f} ms warm: slowest {v['warm'][0]:.1f} ms, "
        f"{met('warm')}; under {COLD_MS:.0f} ms cold: slowest {v['cold'][0]:.0f} ms, "
        f"{met('cold')};",
        f"- storage of all newsflow tables at most {STORAGE_RATIO}x the raw body bytes: "
        f"{v['storage'][0]:.2f}x, {met('storage')}.",
    ]


def report(
    steps: list[dict[str, Any]],
    settings: dict[str, str],
    *,
    cold: bool,
    plot: str,
    note: str = "",
) -> str:
    """The ``bench-growth`` section of RESULTS.md (``note``: a paragraph on how this
    particular run was made, if it differs from the default)."""
    shown = ", ".join(f"{k} {v}" for k, v in settings.items())
    cold_text = (
        "cold = the first run after a server restart with the server's files dropped from "
        "the OS page cache, one restart per query"
        if cold
        else "cold not measured (a server the benchmark does not own)"
    )
    return "\n".join(
        [
            "## How cost grows with the warehouse (`make bench-growth`)",
            "",
            f"{machine_line()}. Server settings: {shown}. Fixed batch of "
            f"{steps[0]['batch']:,} new articles per step (5% near copies). Warm = median of 5 "
            f"runs after a warm-up; {cold_text}. Method: `benchmarks/bench_growth.py`.",
            "",
            *([note, ""] if note else []),
            f"![growth curves]({plot})",
            "",
            *_load_table(steps),
            "",
            "Bytes on disk per article (`pg_total_relation_size` and parts):",
            "",
            *_storage_table(steps),
            "",
            *_query_table(steps),
            "",
            *_maintenance_table(steps),
            "",
            *_targets(steps),
            "",
            "The causes of the targets not met, the design changes they need, and the server "
            "settings drawn from these curves: [docs/deployment.md](../docs/deployment.md).",
        ]
    )


def figures(steps: list[dict[str, Any]]) -> list[Figure]:
    v = verdicts(steps)
    big = target_step(steps)["articles"]
    first = steps[0]["articles"]

    def verdict(key: str) -> str:
        return "met" if v[key][1] else "not met"

    return [
        Figure(
            f"load rows/s at {big:,} articles against {first:,}",
            f"{load_rate(target_step(steps)):,.0f}",
            f"{load_rate(steps[0]):,.0f}",
            f"{v['load'][0]:.2f}",
            f">= {LOAD_FLAT} {verdict('load')}",
        ),
        Figure(
            f"storage of all newsflow tables per article, {big:,} articles (bytes)",
            f"{total_per_article(target_step(steps)):,.0f}",
            f"{per_article(target_step(steps), 'raw_body'):,.0f} (raw body)",
            f"{v['storage'][0]:.2f}",
            f"<= {STORAGE_RATIO} {verdict('storage')}",
        ),
        Figure(
            f"slowest analyst query, {big:,} articles, warm (ms)",
            f"{v['warm'][0]:.1f}",
            f"{v['cold'][0]:.0f} (cold)",
            "",
            f"< {WARM_MS:.0f} warm {verdict('warm')}, < {COLD_MS:.0f} cold {verdict('cold')}",
        ),
    ]


def write_outputs(text: str, steps: list[dict[str, Any]], results: Path, plot: Path) -> None:
    """The RESULTS.md section, the raw figures (``growth.json``) and the plot."""
    from benchmarks.growth_plot import plot_curves

    plot_curves(steps, plot)
    plot.with_suffix(".json").write_text(json.dumps(steps, indent=1, default=str) + "\n")
    write_section("growth", text, results, figures(steps))
