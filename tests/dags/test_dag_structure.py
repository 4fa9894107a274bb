"""The shape of the DAGs: schedule, catchup, params, retries, timeouts, mapping."""

from __future__ import annotations

from datetime import timedelta

import pytest

DB_OR_NETWORK_TASKS = {
    "newsflow_nightly": {
        "start_run",
        "source.crawl",
        "source.extract",
        "source.load",
        "source.link",
        "source.check",
        "report",
    },
    "newsflow_reprocess": {"reprocess"},
}


@pytest.fixture
def nightly(dag_bag):
    return dag_bag.dags["newsflow_nightly"]


@pytest.fixture
def reprocess(dag_bag):
    return dag_bag.dags["newsflow_reprocess"]


def test_nightly_runs_daily_at_two_utc_with_data_intervals(nightly):
    from airflow.sdk import CronDataIntervalTimetable

    assert isinstance(nightly.timetable, CronDataIntervalTimetable)
    assert nightly.timetable.expression == "0 2 * * *"
    assert str(nightly.timetable.timezone) in ("UTC", "Timezone('UTC')")


def test_nightly_does_not_catch_up_and_runs_one_at_a_time(nightly):
    assert nightly.catchup is False
    assert nightly.max_active_runs == 1


def test_reprocess_is_manual_only(reprocess):
    assert type(reprocess.timetable).__name__ == "NullTimetable"
    assert reprocess.catchup is False


def test_nightly_params_are_declared_with_empty_defaults(nightly):
    params = nightly.params
    assert set(params.keys()) == {"sources_file", "source", "since", "until", "max_pages"}
    assert params.validate() == {
        "sources_file": None,
        "source": [],
        "since": None,
        "until": None,
        "max_pages": None,
    }
    for name in params:
        assert params.get_param(name).description, f"param {name} explains itself"


def test_reprocess_params_are_declared(reprocess):
    assert set(reprocess.params.keys()) == {"extractor_version_below", "since", "until", "source"}
    assert reprocess.params.validate()["source"] == []


@pytest.mark.parametrize(
    "conf",
    [
        {"max_pages": 0},
        {"max_pages": "ten"},
        {"source": "not-a-list"},
        {"source": ["Bad Name"]},
        {"since": 20260301},
    ],
)
def test_nightly_params_reject_bad_values(nightly, conf):
    from airflow.sdk.definitions.param import ParamsDict
    from airflow.sdk.exceptions import ParamValidationError

    params = ParamsDict(nightly.params)
    with pytest.raises(ParamValidationError):
        for key, value in conf.items():
            params[key] = value
        params.validate()


def test_nightly_params_accept_a_full_trigger_form(nightly):
    from airflow.sdk.definitions.param import ParamsDict

    params = ParamsDict(nightly.params)
    for key, value in {
        "sources_file": "/srv/sources.yaml",
        "source": ["a", "b-2"],
        "since": "2026-03-01",
        "until": "2026-03-03",
        "max_pages": 50,
    }.items():
        params[key] = value
    assert params.validate()["source"] == ["a", "b-2"]


def test_nightly_task_ids_and_order(nightly):
    assert set(nightly.task_ids) == {
        "start_run",
        "source_names",
        "source.crawl",
        "source.extract",
        "source.load",
        "source.link",
        "source.check",
        "report",
        "verdict",
    }
    downstream = {t.task_id: set(t.downstream_task_ids) for t in nightly.tasks}
    assert downstream["start_run"] >= {"source_names", "source.crawl", "report"}
    assert downstream["source.crawl"] == {"source.extract"}
    assert downstream["source.extract"] == {"source.load"}
    assert downstream["source.load"] == {"source.link"}
    assert downstream["source.link"] == {"source.check"}
    assert downstream["source.check"] == {"report"}
    assert downstream["report"] == {"verdict"}


def test_every_per_source_task_is_mapped_over_the_source_names(nightly):
    for task_id in (
        "source.crawl",
        "source.extract",
        "source.load",
        "source.link",
        "source.check",
    ):
        group = nightly.get_task(task_id).get_closest_mapped_task_group()
        assert group is not None and group.group_id == "source", task_id
        mapped_over = [(op.task_id, key) for op, key in group._expand_input.iter_references()]
        assert mapped_over == [("source_names", "return_value")]


def test_crawls_run_in_the_crawl_pool(nightly):
    assert nightly.get_task("source.crawl").pool == "newsflow_crawl"


def test_the_report_runs_whatever_happened_to_the_sources(nightly):
    assert nightly.get_task("report").trigger_rule == "all_done"
    assert nightly.get_task("verdict").trigger_rule == "all_success"


@pytest.mark.parametrize("dag_id", ["newsflow_nightly", "newsflow_reprocess"])
def test_every_task_is_owned_by_newsflow(dag_bag, dag_id):
    dag = dag_bag.dags[dag_id]
    assert dag.owner == "newsflow"
    assert {task.owner for task in dag.tasks} == {"newsflow"}


@pytest.mark.parametrize("dag_id", ["newsflow_nightly", "newsflow_reprocess"])
def test_every_task_has_a_timeout_and_the_failure_callback(dag_bag, dag_id):
    for task in dag_bag.dags[dag_id].tasks:
        assert isinstance(task.execution_timeout, timedelta), task.task_id
        assert task.execution_timeout <= timedelta(hours=6), task.task_id
        callbacks = task.on_failure_callback
        names = [c.__name__ for c in (callbacks if isinstance(callbacks, list) else [callbacks])]
        assert "on_task_failure" in names, task.task_id


@pytest.mark.parametrize("dag_id", ["newsflow_nightly", "newsflow_reprocess"])
def test_tasks_touching_db_or_network_retry_with_exponential_backoff(dag_bag, dag_id):
    for task in dag_bag.dags[dag_id].tasks:
        if task.task_id in DB_OR_NETWORK_TASKS[dag_id]:
            assert task.retries >= 2, task.task_id
            assert task.retry_exponential_backoff >= 2, task.task_id
            assert task.max_retry_delay is not None, task.task_id


def test_dags_document_themselves(dag_bag):
    for dag in dag_bag.dags.values():
        assert dag.doc_md and dag.dag_id in dag.doc_md
        assert "newsflow" in dag.tags
