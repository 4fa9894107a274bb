"""bench_growth's helpers: the batch it loads, its verdicts and tables, the cold cache, and
(slow) a whole run at small sizes against the test server."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from benchmarks import bench_growth
from benchmarks.analytics_fixture import PERIOD_END
from benchmarks.growth_batch import make_batch, near_copy
from benchmarks.growth_report import (
    per_article,
    report,
    storage_ratio,
    target_step,
    total_per_article,
    verdicts,
)
from benchmarks.growth_server import drop_file_cache
from pipeline.dedup.shingles import jaccard, shingle_hashes


def _step(size: int, load_s: float, candidate_ms: float, body: int, warm: float) -> dict[str, Any]:
    count = size
    sizes = {
        "articles": 0,
        "articles_table": 3000 * count,
        "articles_indexes": 800 * count,
        "bands": 1400 * count,
        "signatures": 600 * count,
        "versions": 100 * count,
        "crawl_state": 400 * count,
        "raw_body": body * count,
        "count": count,
        "body_stored": 1800 * count,
        "vector_stored": 1000 * count,
    }
    stats = {"warehouse.articles": {"live": count, "dead": 10, "autovacuum": 1, "autoanalyze": 0}}
    return {
        "size": size,
        "articles": count,
        "batch": 1000,
        "planted": 50,
        "fill": {"rows": count, "insert_s": 1.0, "index_s": 2.0},
        "vacuum_s": 1.0,
        "vacuum_after_load_s": 1.0,
        "sizes": sizes,
        "load_s": load_s,
        "derive_s": 2.0,
        "derived": 1000,
        "counts": {"duplicates": 50},
        "candidate_ms": candidate_ms,
        "stats_after_load": stats,
        "reload_s": 1.0,
        "stats_after_reload": stats,
        "reload_bloat_bytes": 2**20,
        "warm_ms": {"q": warm},
        "cold_ms": {"q": warm * 10},
    }


def test_per_article_splits_the_articles_table_and_sums_to_the_total():
    step = _step(1000, 1.0, 10.0, 2500, 5.0)
    assert per_article(step, "articles_rest") == 3000 - 1800 - 1000
    assert total_per_article(step) == 3000 + 800 + 1400 + 600 + 100 + 400
    assert storage_ratio(step) == pytest.approx(6300 / 2500)


def test_verdicts_are_judged_at_2m_against_the_first_step():
    steps = [
        _step(50_000, 1.0, 10.0, 2500, 5.0),
        _step(2_000_000, 1.2, 14.0, 2500, 50.0),
        _step(10_000_000, 5.0, 40.0, 2500, 500.0),
    ]
    assert target_step(steps)["size"] == 2_000_000
    v = verdicts(steps)
    assert v["load"] == (pytest.approx(1 / 1.2), True)
    assert v["candidates"] == (pytest.approx(1.4), True)
    assert v["warm"] == (50.0, True) and v["cold"] == (500.0, True)
    assert v["storage"][1] is False  # 6,300 bytes for a 2,500-byte body


def test_verdicts_use_the_largest_step_below_2m_and_flag_a_slowing_load():
    steps = [_step(5000, 1.0, 10.0, 2500, 5.0), _step(20_000, 2.0, 10.0, 2500, 5.0)]
    assert verdicts(steps)["load"] == (0.5, False)


def test_report_has_a_row_per_step_and_says_which_targets_fail():
    steps = [_step(5000, 1.0, 10.0, 2500, 5.0), _step(20_000, 1.0, 10.0, 2500, 5.0)]
    text = report(steps, {"shared_buffers": "512MB"}, cold=True, plot="growth.png")
    assert "![growth curves](growth.png)" in text
    assert "| 5,000 | 1,000 | 500 | 10.0 | 1,000 | 50 / 50 | — |" in text
    assert "2.52x, **not met**" in text


def test_a_near_copy_stays_above_the_threshold():
    body = make_batch(0, 2).bodies[0]
    copy = near_copy(body, random.Random(1))
    assert copy != body
    assert jaccard(shingle_hashes(body), shingle_hashes(copy)) >= 0.85


def test_batches_are_new_each_step_with_near_copies_published_last():
    first = make_batch(0, 200)
    second = make_batch(1, 200, previous=first.bodies)
    assert first.planted == second.planted == 10
    assert {r.url for r in first.results}.isdisjoint(r.url for r in second.results)
    assert all(r.fingerprint is not None for r in second.results)
    later = [r for r in second.results if r.article and r.article.published_at > PERIOD_END]
    assert len(later) == second.planted  # the near copies, published after the rest
    assert all(r.article and r.article.body not in first.bodies for r in later)
    assert make_batch(0, 200).bodies == first.bodies  # seeded


def test_drop_file_cache_visits_every_file(tmp_path: Path):
    (tmp_path / "base").mkdir()
    for name in ("a", "base/b", "base/c"):
        (tmp_path / name).write_bytes(b"x" * 10_000)
    assert drop_file_cache(tmp_path) == 3


@pytest.mark.slow
def test_bench_growth_runs_end_to_end_at_small_sizes(pg_server_url: str, tmp_path: Path):
    results = tmp_path / "RESULTS.md"
    plot = tmp_path / "growth.png"
    code = bench_growth.main(
        [
            "--sizes",
            "1500,3000",
            "--batch",
            "400",
            "--server-url",
            pg_server_url,
            "--results",
            str(results),
            "--plot",
            str(plot),
        ]
    )
    assert code == 0
    steps = json.loads(plot.with_suffix(".json").read_text())
    assert [s["articles"] for s in steps] == [1500, 3000]
    assert all(s["counts"]["articles_new"] + s["counts"]["duplicates"] == 400 for s in steps)
    assert steps[1]["counts"]["duplicates"] == 20  # every near copy of the last batch found
    assert all(s["reload_counts"]["articles_unchanged"] == 400 for s in steps)
    assert plot.read_bytes().startswith(b"\x89PNG")
    text = results.read_text()
    assert "bench-growth:start" in text and "cold not measured" in text


def test_report_from_a_runs_output_writes_section_plot_and_figures(tmp_path: Path):
    steps = [_step(5000, 1.0, 10.0, 2500, 5.0), _step(20_000, 1.0, 10.0, 2500, 5.0)]
    log = tmp_path / "run.log"
    log.write_text("starting\n" + "\n".join(json.dumps(s) for s in steps) + "\nsummary\n")
    results, plot = tmp_path / "RESULTS.md", tmp_path / "growth.png"
    argv = ["--report-from", str(log), "--results", str(results), "--plot", str(plot)]
    assert bench_growth.main(argv) == 0
    assert json.loads(plot.with_suffix(".json").read_text()) == steps
    assert plot.read_bytes().startswith(b"\x89PNG")
    assert "| 20,000 | 1,000 | 500 |" in results.read_text()
