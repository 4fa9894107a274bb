"""bench_growth's plot: four panels of cost against warehouse size (matplotlib, PNG)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks.growth_report import PARTS, derive_rate, load_rate, per_article


def plot_curves(steps: list[dict[str, Any]], path: Path) -> None:
    """Write the PNG: rows/s, candidate ms, bytes per article, query ms (log-log)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = [s["articles"] for s in steps]
    fig, axes = plt.subplots(2, 2, figsize=(11, 8))
    (rates, cands), (store, queries) = axes
    rates.plot(x, [load_rate(s) for s in steps], "o-", label="load_batch (dedup included)")
    rates.plot(x, [derive_rate(s) for s in steps], "s-", label="derive step")
    rates.set(title="Rows/s of the fixed batch", ylabel="rows/s", ylim=(0, None))
    cands.plot(x, [s["candidate_ms"] for s in steps], "o-", color="C2")
    cands.set(title="Candidate query per 500 articles", ylabel="ms", ylim=(0, None))
    bottom = [0.0] * len(steps)
    for part, label in PARTS:
        values = [per_article(s, part) / 1024 for s in steps]
        store.bar(range(len(steps)), values, bottom=bottom, label=label)
        bottom = [b + v for b, v in zip(bottom, values)]
    store.plot(
        range(len(steps)),
        [per_article(s, "raw_body") / 1024 for s in steps],
        "k_",
        markersize=30,
        label="raw body",
    )
    store.set_xticks(range(len(steps)), [f"{n:,}" for n in x])
    store.set(title="KiB on disk per article", ylabel="KiB", ylim=(0, 16))
    for i, name in enumerate(steps[0]["warm_ms"]):
        color = f"C{i}"
        queries.plot(x, [s["warm_ms"][name] for s in steps], "o-", color=color, label=name[:40])
        if all(s["cold_ms"] for s in steps):
            queries.plot(x, [s["cold_ms"][name] for s in steps], "x--", color=color)
    queries.set(title="Analyst queries (solid warm, dashed cold)", ylabel="ms", yscale="log")
    for ax in (rates, cands, queries):
        ax.set_xscale("log")
        ax.set_xlabel("articles in the warehouse")
    for ax in (rates, queries):
        ax.legend(fontsize=7)
    store.legend(fontsize=7, ncol=2, loc="upper center")  # above the bars (ylim)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
