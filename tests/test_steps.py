"""The per-step functions on their own (``pipeline.steps``), against real PostgreSQL."""

from __future__ import annotations

import pytest

from pipeline import steps
from pipeline.errors import CrawlError
from pipeline.run_plan import RunPlan

SOURCE = "alpha"


@pytest.fixture
def plan(settings, tmp_path) -> RunPlan:
    sources = tmp_path / "sources.yaml"
    sources.write_text(f"sources:\n  - name: {SOURCE}\n    sitemaps: [http://a.test/s.xml]\n")
    return steps.start_run(settings, sources_file=str(sources))


def recorded_error(db, plan: RunPlan) -> str:
    return db.execute(
        "SELECT error FROM warehouse.crawl_run_sources WHERE run_id = %s AND source = %s",
        (plan.run_id, SOURCE),
    ).fetchone()[0]


def test_start_run_returns_the_plan_of_the_recorded_run(settings, plan, db):
    assert plan.sources == (SOURCE,) and plan.max_pages is None
    assert db.execute(
        "SELECT sources FROM warehouse.crawl_runs WHERE run_id = %s", (plan.run_id,)
    ).fetchone() == ([SOURCE],)


def test_a_failure_is_recorded_with_the_first_line_of_its_message(settings, plan, db):
    steps.fail_source(settings, plan, SOURCE, CrawlError("crawl of alpha failed\ndetails"))
    assert recorded_error(db, plan) == "crawl of alpha failed"


def test_a_failure_without_a_message_is_recorded_under_its_type(settings, plan, db):
    steps.fail_source(settings, plan, SOURCE, CrawlError(""))
    assert recorded_error(db, plan) == "CrawlError"


@pytest.mark.parametrize("message", ["", "  \n "])
def test_an_empty_reason_is_recorded_as_no_reason_given(settings, plan, db, message):
    steps.fail_source(settings, plan, SOURCE, message)
    assert recorded_error(db, plan) == "failed (no reason given)"
