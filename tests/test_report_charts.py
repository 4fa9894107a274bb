"""One source's report figure: thresholds drawn, breaches marked, failures by reason."""

from __future__ import annotations

from datetime import date

from pipeline.report.attention import limits
from pipeline.report.charts import UNRECORDED, source_figure
from tests.test_report_attention import LIMITS, nightly_runs


def test_thresholds_are_dashed_lines_and_breaches_red_crosses():
    runs = nightly_runs("s", {"date_share": 0.5})
    figure = source_figure("s", runs, [(date(2026, 11, 1), 40)], LIMITS, {})
    names = [trace.name for trace in figure.data]
    assert names.count("with date breach") == 1 and "yield breach" not in names
    breach = next(t for t in figure.data if t.name == "with date breach")
    assert list(breach.y) == [0.5]
    dashed = sorted(shape.y0 for shape in figure.layout.shapes)
    assert dashed == sorted(limit.bound for limit in limits(LIMITS))


def test_failures_are_stacked_by_reason_and_the_unrecorded_rest():
    runs = nightly_runs("s", {"status": "failed", "failed": 3, "discovery_failed": 1})
    failures = {4: {"http_404": 2, "sitemap_malformed": 1}}
    figure = source_figure("s", runs, [], LIMITS, failures)
    bars = {t.name: list(t.y) for t in figure.data if t.type == "bar" and t.name != "articles"}
    assert bars == {
        "http_404": [0, 0, 0, 2],
        "sitemap_malformed": [0, 0, 0, 1],
        UNRECORDED: [0, 0, 0, 1],
    }
    (failed,) = [t for t in figure.data if t.name == "run failed"]
    assert list(failed.y) == [4]


def test_a_source_without_failures_has_no_failure_bars():
    figure = source_figure("s", nightly_runs("s"), [], LIMITS, {})
    assert [t.name for t in figure.data if t.type == "bar"] == ["articles"]
