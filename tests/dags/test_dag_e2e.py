"""The DAGs through a real Airflow 3 (SQLite metadata) against the bundled sample site.

One Airflow home, one sample site and one newsflow database for the module, used in
sequence as an operator would:

1. ``airflow dags test newsflow_nightly`` for one logical date, with a window over the
   site's three days, then the same command again (idempotent: nothing new);
2. ``airflow backfill create`` over three days, executed by an ``airflow scheduler``
   (LocalExecutor) with the ``api-server`` its tasks report to: one run per day, each
   covering its own day;
3. ``airflow dags test newsflow_reprocess`` with ``extractor_version_below`` above the
   current extractor version: every article re-extracted from the archive, and not one
   request reaches the site.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from devtools.sample_site import SampleSite, SiteConfig
from pipeline.extract.version import EXTRACTOR_VERSION
from pipeline.runs import COUNTERS
from tests.dags.airflow_cli import (
    Services,
    airflow,
    airflow_env,
    free_port,
    init_airflow,
    outside_environ,
    wait_for_http,
    wait_for_runs,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

TODAY = date(2026, 11, 20)
SITE = SiteConfig(seed=11, today=TODAY, days=3, articles_per_day=4)
"""36 regular articles (3 publications x 3 days x 4) and the two trap articles."""
DAYS = [TODAY - timedelta(days=2), TODAY - timedelta(days=1), TODAY]
SOURCES = ("daily-planet", "metro-herald", "valley-gazette")

NIGHTLY_DATE = "2026-11-21T02:00:00+00:00"
"""The scheduled run that covers the site's last day; the window is widened by conf."""
NIGHTLY_CONF = {"since": DAYS[0].isoformat(), "until": DAYS[-1].isoformat()}
NIGHTLY_EXTERNAL_ID = f"newsflow_nightly:{NIGHTLY_DATE}"

BACKFILL_SOURCE = "daily-planet"
"""Backfill runs crawl one source: the three publications share one host, and the
per-host lock would make the scheduler run their crawls one after the other, two
minutes apart (see docs/airflow.md, Pools)."""


@dataclass(frozen=True)
class Stack:
    site: SampleSite
    env: dict[str, str]
    """The environment of every airflow command and service of the module."""
    database_url: str
    root: Path


@dataclass(frozen=True)
class Snapshot:
    """What the newsflow database holds after a step."""

    articles: int
    originals: int
    runs: dict[str, dict[str, Any]]
    """crawl_runs by external_id."""
    run_sources: dict[int, dict[str, dict[str, Any]]]
    """crawl_run_sources by run_id, then source."""


_RUNS = f"""
SELECT run_id, external_id, trigger, status, window_since, window_until, sources, error,
       {", ".join(COUNTERS)}
FROM warehouse.crawl_runs ORDER BY run_id
"""
_RUN_SOURCES = f"""
SELECT run_id, source, status, error, {", ".join(COUNTERS)}
FROM warehouse.crawl_run_sources ORDER BY run_id, source
"""
_ARTICLES = """
SELECT count(*), count(*) FILTER (WHERE duplicate_of IS NULL) FROM warehouse.articles
"""


def snapshot(database_url: str) -> Snapshot:
    with psycopg.connect(database_url) as conn:
        articles, originals = conn.execute(_ARTICLES).fetchone()
        runs_cursor = conn.execute(_RUNS)
        names = [column.name for column in runs_cursor.description]
        runs = {row[1]: dict(zip(names, row)) for row in runs_cursor}
        sources_cursor = conn.execute(_RUN_SOURCES)
        names = [column.name for column in sources_cursor.description]
        run_sources: dict[int, dict[str, dict[str, Any]]] = {}
        for row in sources_cursor:
            record = dict(zip(names, row))
            run_sources.setdefault(record["run_id"], {})[record["source"]] = record
    return Snapshot(articles, originals, runs, run_sources)


def request_count(site: SampleSite) -> int:
    return len(site.request_log)


# --- the module's Airflow, site and database ---------------------------------------------


@pytest.fixture(scope="module")
def stack(make_database, tmp_path_factory) -> Stack:
    root = tmp_path_factory.mktemp("airflow-e2e")
    database_url = make_database()
    site = SampleSite(SITE)
    with site.serve() as serving:
        sources = serving.write_sources_file(root / "sources.yaml")
        base = {
            **outside_environ(),
            "AIRFLOW_HOME": str(root / "airflow"),
            "AIRFLOW_PORT": str(free_port()),
            # Runs are made by the test (dags test, backfill) only: no scheduled run of
            # the nightly DAG when it is unpaused.
            "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
            "AIRFLOW__CORE__PARALLELISM": "4",
            "AIRFLOW__API__WORKERS": "1",
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
            "NEWSFLOW_HOME": str(root / "newsflow"),
            "NEWSFLOW_DATABASE_URL": database_url,
            "NEWSFLOW_SOURCES": str(sources),
            "NEWSFLOW_EXTRACT_PROCESSES": "2",
        }
        env = airflow_env(base)
        init_airflow(env)
        yield Stack(serving, env, database_url, root)


@dataclass(frozen=True)
class NightlyRuns:
    first: Snapshot
    second: Snapshot
    first_requests: int
    second_requests: int


@pytest.fixture(scope="module")
def nightly(stack: Stack) -> NightlyRuns:
    """``airflow dags test newsflow_nightly`` twice for the same logical date."""

    def dags_test() -> tuple[Snapshot, int]:
        before = request_count(stack.site)
        airflow(
            stack.env,
            "dags",
            "test",
            "newsflow_nightly",
            NIGHTLY_DATE,
            "--conf",
            json.dumps(NIGHTLY_CONF),
        )
        return snapshot(stack.database_url), request_count(stack.site) - before

    (first, first_requests), (second, second_requests) = dags_test(), dags_test()
    return NightlyRuns(first, second, first_requests, second_requests)


# --- newsflow_nightly through `airflow dags test` -----------------------------------------


def test_nightly_run_loads_the_sites_articles(stack: Stack, nightly: NightlyRuns):
    expected = stack.site.expected_articles()
    originals = [e for e in expected if e.kind == "original"]
    assert nightly.first_requests > len(expected)
    assert nightly.first.articles >= len(expected) - 2  # the two trap articles may fail
    assert nightly.first.originals >= len(originals) - 2
    with psycopg.connect(stack.database_url) as conn:
        stored = {row[0] for row in conn.execute("SELECT url FROM warehouse.articles")}
    assert {e.url for e in originals if "/traps/" not in e.url} <= stored


def test_nightly_run_reports_its_window_status_and_counts(nightly: NightlyRuns):
    run = nightly.first.runs[NIGHTLY_EXTERNAL_ID]
    assert (run["trigger"], run["status"], run["error"]) == ("airflow", "success", None)
    assert (run["window_since"], run["window_until"]) == (DAYS[0], DAYS[-1])
    assert run["articles_new"] + run["duplicates"] == nightly.first.articles
    assert run["pages_fetched"] >= nightly.first.articles


def test_nightly_run_reports_one_row_per_source(nightly: NightlyRuns):
    run = nightly.first.runs[NIGHTLY_EXTERNAL_ID]
    per_source = nightly.first.run_sources[run["run_id"]]
    assert sorted(per_source) == sorted(SOURCES)
    assert all(
        row["status"] == "success" and row["articles_new"] > 0 for row in per_source.values()
    )
    for counter in COUNTERS:
        assert sum(row[counter] for row in per_source.values()) == run[counter], counter


def test_the_same_date_again_adds_no_rows_and_counts_nothing_new(nightly: NightlyRuns):
    first = nightly.first.runs[NIGHTLY_EXTERNAL_ID]
    again = nightly.second.runs[NIGHTLY_EXTERNAL_ID]
    assert nightly.second.articles == nightly.first.articles
    assert len(nightly.second.runs) == len(nightly.first.runs) == 1
    assert again["run_id"] == first["run_id"] and again["status"] == "success"
    assert (again["articles_new"], again["articles_updated"]) == (0, 0)


# --- backfill through the scheduler -------------------------------------------------------

BACKFILL_FROM, BACKFILL_TO = DAYS[0].isoformat(), (DAYS[-1] + timedelta(days=1)).isoformat()
"""Logical dates are at 02:00, so --to-date the day after the last one includes it."""


@dataclass(frozen=True)
class Backfill:
    dag_runs: list[dict[str, str]]
    after: Snapshot


@pytest.fixture(scope="module")
def backfill(stack: Stack, nightly: NightlyRuns) -> Backfill:
    """``airflow backfill create`` over three days, run by scheduler + api-server."""
    with Services(stack.env, stack.root / "services") as services:
        port = stack.env["AIRFLOW__API__PORT"]
        services.airflow("api-server", "api-server", "--port", port, "--workers", "1")
        services.airflow("scheduler", "scheduler", "--skip-serve-logs")
        services.airflow("dag-processor", "dag-processor")
        wait_for_http(
            f"http://localhost:{port}/api/v2/monitor/health",
            timeout=120,
            alive=services.check_alive,
        )
        airflow(stack.env, "dags", "unpause", "newsflow_nightly")
        airflow(
            stack.env,
            "backfill",
            "create",
            "--dag-id",
            "newsflow_nightly",
            "--from-date",
            BACKFILL_FROM,
            "--to-date",
            BACKFILL_TO,
            "--reprocess-behavior",
            "completed",
            "--max-active-runs",
            "1",
            "--dag-run-conf",
            json.dumps({"source": [BACKFILL_SOURCE]}),
        )
        try:
            runs = wait_for_runs(
                stack.env,
                "newsflow_nightly",
                lambda run: run["run_id"].startswith("backfill__"),
                count=len(DAYS),
                timeout=480,
                alive=services.check_alive,
            )
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{services.logs()}") from None
    return Backfill(runs, snapshot(stack.database_url))


def test_backfill_makes_one_successful_dag_run_per_day(backfill: Backfill):
    logical_days = sorted(run["logical_date"][:10] for run in backfill.dag_runs)
    assert logical_days == [day.isoformat() for day in DAYS]
    assert {run["state"] for run in backfill.dag_runs} == {"success"}


def test_each_backfill_run_covers_its_own_day(backfill: Backfill):
    for day in DAYS:
        run = backfill.after.runs[f"newsflow_nightly:{day.isoformat()}T02:00:00+00:00"]
        assert (run["window_since"], run["window_until"]) == (day, day)
        assert run["status"] == "success" and run["sources"] == [BACKFILL_SOURCE]


def test_backfilled_days_already_loaded_add_no_rows(nightly: NightlyRuns, backfill: Backfill):
    assert backfill.after.articles == nightly.second.articles
    backfill_runs = [run for key, run in backfill.after.runs.items() if key != NIGHTLY_EXTERNAL_ID]
    assert len(backfill_runs) == len(DAYS)
    assert all(run["articles_new"] == 0 for run in backfill_runs)


# --- newsflow_reprocess ---------------------------------------------------------------------


def _newer_than(version: str) -> str:
    *head, last = version.split(".")
    return ".".join([*head, str(int(last) + 1)])


@dataclass(frozen=True)
class Reprocess:
    before: Snapshot
    after: Snapshot
    requests: int


@pytest.fixture(scope="module")
def reprocess(stack: Stack, nightly: NightlyRuns) -> Reprocess:
    """``airflow dags test newsflow_reprocess`` with every article below the version."""
    before = snapshot(stack.database_url)
    requests_before = request_count(stack.site)
    conf = {"extractor_version_below": _newer_than(EXTRACTOR_VERSION)}
    airflow(stack.env, "dags", "test", "newsflow_reprocess", "--conf", json.dumps(conf))
    return Reprocess(
        before, snapshot(stack.database_url), request_count(stack.site) - requests_before
    )


def test_reprocess_makes_no_http_request(reprocess: Reprocess):
    assert reprocess.requests == 0


def test_reprocess_re_extracts_every_article_and_reports_it(reprocess: Reprocess):
    [run] = [run for key, run in reprocess.after.runs.items() if key not in reprocess.before.runs]
    assert (run["trigger"], run["status"]) == ("reprocess", "success")
    assert sorted(run["sources"]) == sorted(SOURCES)
    assert run["pages_fetched"] == 0 and run["articles_new"] == 0
    assert (
        run["articles_updated"] + run["articles_unchanged"] + run["duplicates"]
        == reprocess.before.articles
    )
    assert reprocess.after.articles == reprocess.before.articles
