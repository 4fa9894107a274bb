"""Quality checks: thresholds and the drop against a source's own history."""

from __future__ import annotations

from pipeline.config import QualityThresholds
from pipeline.quality import COVERAGE_METRICS, SourceRunFigures, evaluate

LIMITS = QualityThresholds()


def figures(**changes) -> SourceRunFigures:
    base = {
        "pages_fetched": 100,
        "articles": 90,
        "duplicates": 5,
        "loaded": 85,
        "with_title": 85,
        "with_date": 80,
        "with_author": 70,
        "empty_body": 0,
        "trailing_yield": 0.9,
    }
    base.update(changes)
    return SourceRunFigures(**base)


def test_healthy_run_passes():
    report = evaluate("s", figures(), LIMITS)
    assert report.checked and report.passed
    assert report.metrics["article_share"] == 0.9


def test_low_article_yield_is_a_breach_with_a_readable_message():
    report = evaluate("s", figures(articles=20, trailing_yield=None), LIMITS)
    assert report.breaches == (
        "share of fetched pages with an article 20% is below the minimum 50%",
    )


def test_drop_against_trailing_average_is_caught():
    report = evaluate(
        "s",
        figures(
            articles=60,
            trailing_yield=0.95,
            duplicates=0,
        ),
        QualityThresholds(max_drop_vs_trailing=0.7),
    )
    assert any("trailing 7-run average" in b for b in report.breaches)


def test_missing_dates_and_titles_are_breaches():
    report = evaluate("s", figures(with_date=10, with_title=50), LIMITS)
    assert len(report.breaches) == 2


def test_tiny_runs_are_not_judged():
    report = evaluate("s", figures(pages_fetched=2, articles=0), LIMITS)
    assert not report.checked and report.passed


def test_a_source_mostly_behind_a_bot_wall_fails_with_the_count():
    report = evaluate("x", figures(pages_fetched=9, articles=9, blocked=41), LIMITS)
    assert report.breaches[0].startswith("source 'x': blocked by a bot wall (41 of 50 pages)")


def test_a_source_entirely_behind_a_bot_wall_fails_however_few_its_pages():
    report = evaluate("x", figures(pages_fetched=0, articles=0, blocked=3), LIMITS)
    assert not report.checked and not report.passed
    assert report.breaches[0].startswith("source 'x': blocked by a bot wall (3 of 3 pages)")


def test_a_few_blocked_pages_among_many_pass():
    report = evaluate("x", figures(blocked=10), LIMITS)
    assert report.passed


def test_coverage_of_the_optional_fields_is_reported_as_shares_of_the_loaded_articles():
    report = evaluate(
        "s", figures(with_image=85, with_section=17, with_tags=0, with_modified=34), LIMITS
    )
    assert {name: report.metrics[name] for name in COVERAGE_METRICS} == {
        "image_share": 1.0,
        "section_share": 0.2,
        "tags_share": 0.0,
        "modified_share": 0.4,
    }
    assert report.passed  # reported, never judged: many sites give no tags at all


def test_the_share_of_articles_cut_off_by_a_paywall_is_a_figure_not_a_limit():
    report = evaluate("s", figures(truncated=85), LIMITS)
    assert report.metrics["truncated_share"] == 1.0
    assert report.passed


def test_a_source_of_javascript_shells_fails_with_the_hint_to_render_it():
    shells = figures(pages_fetched=12, articles=0, loaded=0, script_shells=12)
    report = evaluate("js", shells, LIMITS)
    assert report.breaches[0] == (
        "source 'js': 12 of 12 pages came back as JavaScript shells (scripts and almost no "
        "text); the site may need rendering: set 'render: browser' for the source in the "
        "sources file"
    )


def test_the_render_hint_is_given_however_few_pages_there_were():
    report = evaluate("js", figures(pages_fetched=3, articles=0, script_shells=3), LIMITS)
    assert not report.checked
    assert "set 'render: browser'" in report.breaches[0]


def test_a_few_script_shells_among_articles_pass():
    assert evaluate("s", figures(script_shells=10), LIMITS).passed
