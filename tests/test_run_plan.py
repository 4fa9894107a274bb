"""``RunPlan``: the plan every step of a run takes, and its XCom (JSON) form."""

from __future__ import annotations

import json
from dataclasses import FrozenInstanceError
from datetime import date
from pathlib import Path

import pytest

from pipeline.errors import PermanentError, RunPlanError
from pipeline.run_plan import RunPlan
from pipeline.window import Window

PLAN = RunPlan(
    run_id=7,
    sources=("alpha", "beta"),
    sources_file=Path("/srv/sources.yaml"),
    window=Window(date(2026, 3, 1), date(2026, 3, 2)),
    max_pages=50,
)
XCOM = {
    "run_id": 7,
    "sources": ["alpha", "beta"],
    "sources_file": "/srv/sources.yaml",
    "since": "2026-03-01",
    "until": "2026-03-02",
    "max_pages": 50,
    "sources_text": None,
}


def test_the_xcom_form_is_a_plain_json_dict():
    assert PLAN.to_xcom() == XCOM
    assert json.loads(json.dumps(PLAN.to_xcom())) == XCOM


def test_a_plan_survives_the_round_trip_through_json():
    assert RunPlan.from_xcom(json.loads(json.dumps(PLAN.to_xcom()))) == PLAN


def test_an_open_window_and_no_page_limit_round_trip_as_nulls():
    plan = RunPlan(run_id=1, sources=("a",), sources_file=Path("s.yaml"))
    assert plan.to_xcom()["since"] is None and plan.to_xcom()["max_pages"] is None
    assert RunPlan.from_xcom(plan.to_xcom()) == plan


def test_plans_are_frozen_and_hold_tuples():
    names: list[str] = ["a", "b"]
    plan = RunPlan(
        run_id=1,
        sources=names,  # type: ignore[arg-type]  # a list is accepted
        sources_file="s.yaml",
    )  # type: ignore[arg-type]  # so is a str
    assert plan.sources == ("a", "b") and plan.sources_file == Path("s.yaml")
    with pytest.raises(FrozenInstanceError):
        plan.run_id = 2  # type: ignore[misc]  # frozen on purpose


@pytest.mark.parametrize(
    "change, problem",
    [
        ({"run_id": "7"}, "run_id must be a positive integer"),
        ({"run_id": 0}, "run_id must be a positive integer"),
        ({"sources": "alpha"}, "sources must be a list"),
        ({"sources": ["alpha", 3]}, "sources must be a list"),
        ({"since": "yesterday"}, "since/until must be ISO dates"),
        ({"since": "2026-03-05", "until": "2026-03-01"}, "since 2026-03-05 is after until"),
        ({"max_pages": 0}, "max_pages must be empty or at least 1"),
    ],
)
def test_a_malformed_xcom_names_what_is_wrong_and_what_to_do(change, problem):
    with pytest.raises(RunPlanError, match=problem) as caught:
        RunPlan.from_xcom(XCOM | change)
    assert "start_run" in str(caught.value)


def test_missing_fields_are_named():
    with pytest.raises(RunPlanError, match="lacks run_id, sources_file"):
        RunPlan.from_xcom({"sources": ["a"]})


def test_a_plan_that_is_not_a_dict_is_refused():
    with pytest.raises(RunPlanError, match="must be a JSON object"):
        RunPlan.from_xcom(["not", "a", "plan"])  # type: ignore[arg-type]  # what a broken XCom holds


def test_a_malformed_plan_is_permanent_so_airflow_does_not_retry_it():
    assert issubclass(RunPlanError, PermanentError)
