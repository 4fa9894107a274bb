"""The wiring helpers the DAG tasks share: windows, error mapping, verdict, callbacks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from airflow.sdk.exceptions import AirflowFailException

from dags import newsflow_common as nf
from pipeline.errors import DatabaseUnavailableError, QualityCheckError, UnknownSourceError
from pipeline.window import Window


def _at(day: int, hour: int = 2) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def _context(params: dict | None = None, *, start=None, end=None, logical=None) -> dict:
    full = {"sources_file": None, "source": [], "since": None, "until": None, "max_pages": None}
    return {
        "params": full | (params or {}),
        "data_interval_start": start,
        "data_interval_end": end,
        "logical_date": logical,
    }


def test_a_scheduled_run_covers_the_day_before_it_runs():
    # The run that starts at 02:00 on the 2nd has the interval [1st 02:00, 2nd 02:00).
    assert nf.run_window(_context(start=_at(1), end=_at(2), logical=_at(1))) == Window(
        date(2026, 3, 1), date(2026, 3, 1)
    )


def test_params_override_the_interval():
    context = _context({"since": "2026-02-01", "until": "2026-02-03"}, start=_at(1), end=_at(2))
    assert nf.run_window(context) == Window(date(2026, 2, 1), date(2026, 2, 3))


def test_since_alone_runs_to_the_end_of_the_interval_window():
    context = _context({"since": "2026-02-25"}, start=_at(1), end=_at(2))
    assert nf.run_window(context) == Window(date(2026, 2, 25), date(2026, 3, 1))


def test_a_window_that_ends_before_it_starts_fails_without_retry():
    context = _context({"since": "2026-03-05", "until": "2026-03-01"}, start=_at(1), end=_at(2))
    with pytest.raises(AirflowFailException, match="swap them"):
        nf.run_window(context)


def test_a_malformed_date_param_names_the_param():
    with pytest.raises(AirflowFailException, match="param since must be a date"):
        nf.run_window(_context({"since": "yesterday"}, start=_at(1), end=_at(2)))


def test_permanent_errors_fail_the_task_without_retry_with_the_same_line():
    def step():
        raise UnknownSourceError("unknown source 'x'; the sources file defines: a, b")

    with pytest.raises(AirflowFailException, match=r"^unknown source 'x'; the sources file"):
        nf.call_step(step)


def test_transient_errors_stay_retryable():
    def step():
        raise DatabaseUnavailableError("cannot connect to PostgreSQL at localhost")

    with pytest.raises(DatabaseUnavailableError):
        nf.call_step(step)


def test_quality_breaches_are_permanent():
    def step():
        raise QualityCheckError("quality checks failed for a: article share 0.1 < 0.5")

    with pytest.raises(AirflowFailException, match="quality checks failed for a"):
        nf.call_step(step)


def test_verdict_passes_a_successful_run():
    report = {
        "run_id": 3,
        "status": "success",
        "sources": {"a": {"status": "success", "error": None}},
    }
    assert nf.verdict(report) == "success"


def test_verdict_fails_a_partial_run_naming_each_failed_source_and_why():
    report = {
        "run_id": 4,
        "status": "partial",
        "sources": {
            "a": {"status": "success", "error": None},
            "b": {"status": "failed", "error": "crawl: robots.txt unreachable"},
            "c": {"status": "running", "error": None},
        },
    }
    with pytest.raises(AirflowFailException) as failed:
        nf.verdict(report)
    assert str(failed.value) == (
        "run 4 is partial: 2 of 3 source(s) failed: b: crawl: robots.txt unreachable; c: running"
    )


@dataclass
class _TaskInstance:
    dag_id: str = "newsflow_nightly"
    task_id: str = "source.crawl"
    run_id: str = "scheduled__2026-03-01T02:00:00+00:00"
    map_index: int = 2
    try_number: int = 4


def test_the_failure_summary_is_one_line_naming_task_map_index_try_and_error():
    error = RuntimeError("crawl of b failed: connection refused\nTraceback details")
    line = nf.failure_summary({"ti": _TaskInstance(), "exception": error})
    assert line == (
        "newsflow task failed: dag=newsflow_nightly "
        "run=scheduled__2026-03-01T02:00:00+00:00 task=source.crawl[2] try=4: "
        "crawl of b failed: connection refused"
    )


def test_the_failure_summary_of_an_unmapped_task_has_no_index():
    line = nf.failure_summary({"ti": _TaskInstance(task_id="report", map_index=-1)})
    assert "task=report try=4: no error recorded" in line


def test_windows_work_with_the_pendulum_datetimes_airflow_hands_out():
    import pendulum

    start = pendulum.datetime(2026, 3, 1, 2, tz="UTC")
    context = _context(start=start, end=start.add(days=1), logical=start)
    assert nf.run_window(context) == Window(date(2026, 3, 1), date(2026, 3, 1))


def test_a_malformed_plan_fails_without_retry_naming_what_is_wrong():
    plan = {"run_id": "7", "sources": ["a"], "sources_file": "s.yaml"}
    with pytest.raises(AirflowFailException, match="malformed run plan: run_id must be"):
        nf.run_plan(plan)


def test_a_plan_comes_back_from_its_xcom_form():
    plan = {
        "run_id": 7,
        "sources": ["a"],
        "sources_file": "s.yaml",
        "since": "2026-03-01",
        "until": "2026-03-01",
        "max_pages": None,
        "sources_text": "sources:\n  - name: a\n    sitemaps: [http://a.example/s.xml]\n",
    }
    assert nf.run_plan(plan).to_xcom() == plan
    assert [s.name for s in nf.run_plan(plan).load_sources()] == ["a"]  # no file read


def test_a_report_without_a_plan_fails_without_retry():
    with pytest.raises(AirflowFailException, match="start_run did not produce a run plan"):
        nf.finish_run(None, {})


@dataclass
class _Dag:
    dag_id: str = "newsflow_nightly"


def test_the_crawl_run_key_is_the_logical_date_so_reruns_reuse_the_run():
    context = {"dag": _Dag(), "run_id": "manual__x", "logical_date": _at(1)}
    assert nf.external_id(context) == "newsflow_nightly:2026-03-01T02:00:00+00:00"


def test_runs_without_a_logical_date_are_keyed_by_run_id():
    context = {"dag": _Dag(), "run_id": "manual__2026-03-04T10:00:00", "logical_date": None}
    assert nf.external_id(context) == "newsflow_nightly:manual__2026-03-04T10:00:00"
