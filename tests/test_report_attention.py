"""Which sources the report says need attention, and in which order (pure, literal runs)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from pipeline.config import QualityThresholds
from pipeline.report.attention import limits, needs_attention, trailing_articles_per_day
from pipeline.report.data import SourceRun

LIMITS = QualityThresholds()
HEALTHY = SourceRun(
    run_id=1,
    source="s",
    started_at=datetime(2026, 11, 2, 2, tzinfo=UTC),
    status="success",
    pages=100,
    articles=90,
    duplicates=2,
    not_article=10,
    failed=0,
    discovery_failed=0,
    yield_share=0.9,
    title_share=1.0,
    date_share=0.95,
    author_share=0.8,
    breaches=[],
    error=None,
    first_day=date(2026, 11, 1),
    last_day=date(2026, 11, 1),
)


def nightly_runs(source: str, *latest_changes: dict[str, object], runs: int = 4) -> list[SourceRun]:
    """``runs`` healthy nightly runs of ``source``, the last one changed by ``latest_changes``."""
    history = [
        replace(HEALTHY, source=source, run_id=i, started_at=HEALTHY.started_at + timedelta(i))
        for i in range(1, runs + 1)
    ]
    for changes in latest_changes:
        history[-1] = replace(history[-1], **changes)
    return history


def test_healthy_sources_need_no_attention():
    assert needs_attention({"a": nightly_runs("a"), "b": nightly_runs("b")}, LIMITS) == []


def test_a_failed_run_comes_first_with_its_error():
    found = needs_attention(
        {
            "low-dates": nightly_runs("low-dates", {"date_share": 0.5}),
            "broken": nightly_runs("broken", {"status": "failed", "error": "timed out\nmore"}),
        },
        LIMITS,
    )
    assert [(a.source, round(a.off, 3)) for a in found] == [("broken", 1.0), ("low-dates", 0.3)]
    assert found[0].reasons == ("failed: timed out",)
    assert found[1].reasons == ("articles with a date 50% is below the minimum 80%",)


def test_sources_are_ordered_by_their_largest_shortfall():
    found = needs_attention(
        {
            "few-authors": nightly_runs("few-authors", {"author_share": 0.25}),
            "many-dupes": nightly_runs("many-dupes", {"duplicates": 80, "articles": 100}),
            "low-yield": nightly_runs("low-yield", {"yield_share": 0.2}),
        },
        LIMITS,
    )
    assert [a.source for a in found] == ["many-dupes", "low-yield", "few-authors"]
    assert found[0].reasons == ("duplicate share 80% is above the maximum 50%",)


def test_a_drop_against_the_trailing_average_needs_attention():
    runs = nightly_runs("s", {"articles": 30})
    assert trailing_articles_per_day(runs) == 90
    (found,) = needs_attention({"s": runs}, LIMITS)
    assert round(found.off, 3) == round(1 - 30 / 90, 3)
    assert found.reasons == (
        "30 articles (30.0 a day), 67% below the trailing average of 90.0 a day "
        "(the limit is 50% below)",
    )


def test_runs_over_longer_windows_compare_per_publication_day():
    week = {"first_day": date(2026, 10, 1), "last_day": date(2026, 10, 7)}
    backfill_then_nightly = nightly_runs("s")
    backfill_then_nightly[0] = replace(backfill_then_nightly[0], articles=630, **week)
    assert trailing_articles_per_day(backfill_then_nightly) == 90
    assert needs_attention({"s": backfill_then_nightly}, LIMITS) == []
    (found,) = needs_attention({"s": nightly_runs("s", {"articles": 210, **week})}, LIMITS)
    assert found.reasons == (
        "210 articles over 7 days (30.0 a day), 67% below the trailing average of 90.0 a day "
        "(the limit is 50% below)",
    )


def test_a_small_dip_is_no_drop():
    assert needs_attention({"s": nightly_runs("s", {"articles": 60})}, LIMITS) == []


def test_failed_runs_do_not_count_in_the_trailing_average():
    runs = nightly_runs("s")
    runs[1] = replace(runs[1], status="failed", articles=0)
    assert trailing_articles_per_day(runs) == 90


def test_a_breach_the_report_does_not_draw_is_still_listed():
    runs = nightly_runs("s", {"breaches": ["share of empty bodies 20% is above the maximum 5%"]})
    (found,) = needs_attention({"s": runs}, LIMITS)
    assert (found.off, found.reasons) == (
        0.0,
        ("share of empty bodies 20% is above the maximum 5%",),
    )


def test_the_drawn_limits_are_the_configs():
    custom = QualityThresholds(min_date_share=0.6, max_duplicate_share=0.2)
    bounds = {limit.metric: (limit.kind, limit.bound) for limit in limits(custom)}
    assert bounds["date_share"] == ("min", 0.6)
    assert bounds["duplicate_share"] == ("max", 0.2)
