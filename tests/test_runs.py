"""Run bookkeeping: counters per source add up into the run, status reflects failures."""

from __future__ import annotations

from datetime import date

import psycopg
import pytest

from pipeline.errors import EXIT_PERMANENT, UnknownRunError
from pipeline.runs import (
    ABANDONED,
    RunCounts,
    add_source_counts,
    close_abandoned_runs,
    create_run,
    finish_run,
    finish_source,
    lease_run,
    run_counts,
    start_source,
)


def test_source_counts_total_into_the_run(db):
    run_id = create_run(db, sources=["a", "b"], since=date(2026, 11, 1), until=date(2026, 11, 1))
    for name, new in (("a", 3), ("b", 4)):
        start_source(db, run_id, name)
        add_source_counts(db, run_id, name, RunCounts(pages_fetched=new + 1, articles_new=new))
        finish_source(db, run_id, name)
    assert finish_run(db, run_id) == "success"
    totals = run_counts(db, run_id)
    assert totals.articles_new == 7 and totals.pages_fetched == 9
    assert run_counts(db, run_id, "b").articles_new == 4


def test_one_failed_source_makes_the_run_partial_and_names_it(db):
    run_id = create_run(db, sources=["a", "b"], since=None, until=None)
    start_source(db, run_id, "a")
    finish_source(db, run_id, "a")
    start_source(db, run_id, "b")
    finish_source(db, run_id, "b", error="robots.txt unreachable")
    assert finish_run(db, run_id) == "partial"
    error = db.execute(
        "SELECT error FROM warehouse.crawl_runs WHERE run_id = %s", (run_id,)
    ).fetchone()[0]
    assert error == "b: robots.txt unreachable"


def test_finishing_a_run_that_does_not_exist_is_a_permanent_error_that_says_what_to_pass(db):
    with pytest.raises(UnknownRunError) as caught:
        finish_run(db, 987654)
    assert caught.value.exit_code == EXIT_PERMANENT and isinstance(caught.value, LookupError)
    assert str(caught.value).startswith("run 987654 does not exist in warehouse.crawl_runs: ")
    assert "newsflow run" in str(caught.value)


def test_external_id_reuses_the_run_row(db):
    first = create_run(
        db,
        sources=["a"],
        since=None,
        until=None,
        trigger="airflow",
        external_id="scheduled__2026-11-01",
    )
    again = create_run(
        db,
        sources=["a"],
        since=None,
        until=None,
        trigger="airflow",
        external_id="scheduled__2026-11-01",
    )
    assert first == again


def test_run_error_fails_the_run(db):
    run_id = create_run(db, sources=[], since=None, until=None)
    assert finish_run(db, run_id, error="database went away") == "failed"


def test_a_rerun_with_the_same_external_id_counts_afresh(db):
    first = create_run(
        db,
        sources=["a"],
        since=None,
        until=None,
        trigger="airflow",
        external_id="newsflow_nightly:2026-11-01",
    )
    start_source(db, first, "a")
    add_source_counts(db, first, "a", RunCounts(articles_new=5))
    finish_source(db, first, "a")
    finish_run(db, first)
    again = create_run(
        db,
        sources=["a"],
        since=None,
        until=None,
        trigger="airflow",
        external_id="newsflow_nightly:2026-11-01",
    )
    start_source(db, again, "a")
    add_source_counts(db, again, "a", RunCounts(articles_unchanged=5))
    finish_source(db, again, "a")
    finish_run(db, again)
    totals = run_counts(db, again)
    assert (totals.articles_new, totals.articles_unchanged) == (0, 5)


def test_a_retried_source_counts_afresh(db):
    run_id = create_run(db, sources=["a"], since=None, until=None)
    start_source(db, run_id, "a")
    add_source_counts(db, run_id, "a", RunCounts(pages_fetched=3))
    start_source(db, run_id, "a")  # the crawl task is retried
    add_source_counts(db, run_id, "a", RunCounts(pages_fetched=3))
    assert run_counts(db, run_id, "a").pages_fetched == 3


def run_row(db, run_id: int) -> tuple:
    return db.execute(
        "SELECT status, error, finished_at IS NOT NULL FROM warehouse.crawl_runs WHERE run_id = %s",
        (run_id,),
    ).fetchone()


def test_a_leased_run_is_left_alone_while_its_process_holds_the_lease(db, clean_database_url):
    run_id = create_run(db, sources=["a"], since=None, until=None)
    with psycopg.connect(clean_database_url) as lease:
        lease_run(lease, run_id)
        assert close_abandoned_runs(db) == []
        assert run_row(db, run_id) == ("running", None, False)


def test_a_leased_run_whose_process_died_is_marked_failed_with_its_running_sources(
    db, clean_database_url
):
    run_id = create_run(db, sources=["a", "b"], since=None, until=None)
    with psycopg.connect(clean_database_url) as lease:
        lease_run(lease, run_id)
        start_source(db, run_id, "a")
        add_source_counts(db, run_id, "a", RunCounts(pages_fetched=5, articles_new=4))
        finish_source(db, run_id, "a")
        start_source(db, run_id, "b")
    # the connection is gone, as when PostgreSQL ends the session of a killed process
    assert close_abandoned_runs(db) == [run_id]
    assert run_row(db, run_id) == ("failed", ABANDONED, True)
    assert run_counts(db, run_id).articles_new == 4  # what it did is still counted
    sources = dict(
        db.execute(
            "SELECT source, status FROM warehouse.crawl_run_sources WHERE run_id = %s", (run_id,)
        ).fetchall()
    )
    assert sources == {"a": "success", "b": "failed"}
    assert close_abandoned_runs(db) == []


def test_runs_that_are_not_leased_are_never_marked_abandoned(db):
    run_id = create_run(
        db,
        sources=["a"],
        since=None,
        until=None,
        trigger="airflow",
        external_id="scheduled__2026-11-02",
    )
    assert close_abandoned_runs(db) == []
    assert run_row(db, run_id) == ("running", None, False)
