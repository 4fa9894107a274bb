"""Scale-out smoke test: newsflow_nightly through CeleryExecutor, Redis and PostgreSQL.

``scripts/airflow-local.sh celery`` (as documented in docs/airflow.md) starts the
api-server, dag-processor, scheduler and one Celery worker with Redis at 127.0.0.1:6379
as the broker and a throw-away PostgreSQL database as Airflow's metadata database; the
test triggers the nightly DAG against three sample sites (one publication each, on
127.0.0.1, 127.0.0.2 and 127.0.0.3, so the three crawls hold different per-host locks
and run at once on the worker), waits for the run to succeed and checks the rows. The
newsflow database is named by the ``newsflow_db`` Airflow connection
(``AIRFLOW_CONN_NEWSFLOW_DB``), as in production.

Opt-in (it needs Redis and takes a few minutes): ``scripts/celery-smoke.sh`` sets
NEWSFLOW_CELERY_SMOKE=1; without it the ``celery`` marker skips the test.
"""

from __future__ import annotations

import json
import secrets
import socket
from contextlib import ExitStack
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
import yaml
from psycopg.conninfo import conninfo_to_dict

from devtools.sample_site import SampleSite, SiteConfig
from tests.dags.airflow_cli import (
    SCRIPT,
    Services,
    airflow,
    airflow_env,
    free_port,
    outside_environ,
    wait_for_http,
    wait_for_runs,
)

pytestmark = [pytest.mark.celery, pytest.mark.slow, pytest.mark.timeout(900)]

REDIS = ("127.0.0.1", 6379)
TODAY = date(2026, 11, 20)
SITE = SiteConfig(seed=13, today=TODAY, days=2, articles_per_day=4)
HOSTS = {"daily-planet": "127.0.0.1", "metro-herald": "127.0.0.2", "valley-gazette": "127.0.0.3"}
LOGICAL_DATE = "2026-11-21T02:00:00+00:00"
CONF = {"since": (TODAY - timedelta(days=1)).isoformat(), "until": TODAY.isoformat()}


def sqlalchemy_url(conninfo: str, scheme: str = "postgresql+psycopg") -> str:
    """A libpq conninfo string as a URL (SQLAlchemy, Airflow connections)."""
    params = conninfo_to_dict(conninfo)
    user = quote(params.get("user", "postgres"), safe="")
    password = f":{quote(params['password'], safe='')}" if params.get("password") else ""
    host = params.get("host", "127.0.0.1")
    port = params.get("port", "5432")
    if host.startswith("/"):
        return f"{scheme}://{user}{password}@/{params['dbname']}?host={quote(host)}&port={port}"
    return f"{scheme}://{user}{password}@{host}:{port}/{params['dbname']}"


def redis_reachable() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def sources_file(sites: dict[str, SampleSite], path: Path) -> Path:
    """One source per site: each publication from its own host."""
    chosen = []
    for name, site in sites.items():
        entries = yaml.safe_load(site.sources_yaml())["sources"]
        chosen += [entry for entry in entries if entry["name"] == name]
    path.write_text(yaml.safe_dump({"sources": chosen}, sort_keys=False), encoding="utf-8")
    return path


def _celery_env(
    tmp_path: Path, metadata_url: str, newsflow_url: str, sites: dict[str, SampleSite]
) -> dict[str, str]:
    """The environment of airflow-local.sh celery: its own queue, ports, databases and sources."""
    return airflow_env(
        {
            **outside_environ(),
            "AIRFLOW_HOME": str(tmp_path / "airflow"),
            "AIRFLOW_PORT": str(free_port()),
            "AIRFLOW_METADATA_URL": metadata_url,
            "AIRFLOW_BROKER_URL": f"redis://{REDIS[0]}:{REDIS[1]}/0",
            "AIRFLOW_WORKER_CONCURRENCY": "4",
            # A queue of its own, so no other Celery worker on this Redis takes its tasks.
            "AIRFLOW__OPERATORS__DEFAULT_QUEUE": f"newsflow-smoke-{secrets.token_hex(4)}",
            "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
            "AIRFLOW__API__WORKERS": "1",
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
            # No NEWSFLOW_DATABASE_URL: the connection alone names the database.
            "AIRFLOW_CONN_NEWSFLOW_DB": sqlalchemy_url(newsflow_url, "postgresql"),
            "NEWSFLOW_HOME": str(tmp_path / "newsflow"),
            "NEWSFLOW_SOURCES": str(sources_file(sites, tmp_path / "sources.yaml")),
            "NEWSFLOW_EXTRACT_PROCESSES": "1",
        },
        "celery",
    )


def test_nightly_dag_runs_to_success_through_a_celery_worker(make_database, tmp_path):
    assert redis_reachable(), f"this test needs Redis at {REDIS[0]}:{REDIS[1]}"
    metadata_url = sqlalchemy_url(make_database())
    newsflow_url = make_database()
    with ExitStack() as stack:
        sites = {
            name: stack.enter_context(SampleSite(SITE).serve(host=host))
            for name, host in HOSTS.items()
        }
        env = _celery_env(tmp_path, metadata_url, newsflow_url, sites)

        services = stack.enter_context(Services(env, tmp_path / "services"))
        airflow_stack = services.start("airflow-local.sh celery", [str(SCRIPT), "celery"])
        port = env["AIRFLOW__API__PORT"]
        wait_for_http(
            f"http://localhost:{port}/api/v2/monitor/health",
            timeout=300,
            alive=services.check_alive,
        )
        airflow(env, "dags", "unpause", "newsflow_nightly")
        airflow(
            env,
            "dags",
            "trigger",
            "newsflow_nightly",
            "--logical-date",
            LOGICAL_DATE,
            "--conf",
            json.dumps(CONF),
        )
        try:
            [run] = wait_for_runs(
                env,
                "newsflow_nightly",
                lambda run: True,
                count=1,
                timeout=600,
                alive=services.check_alive,
            )
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{airflow_stack.tail(80)}") from None
        log = airflow_stack.log_path.read_text(errors="replace")

    assert run["state"] == "success", log[-6000:]
    assert run["logical_date"] == LOGICAL_DATE
    assert "Executing workload in Celery" in log  # the worker ran the tasks
    with psycopg.connect(newsflow_url) as conn:
        status, sources, new, duplicates = conn.execute(
            "SELECT status, sources, articles_new, duplicates FROM warehouse.crawl_runs"
        ).fetchone()
        per_source = dict(
            conn.execute("SELECT source, articles_new FROM warehouse.crawl_run_sources")
        )
        articles = conn.execute("SELECT count(*) FROM warehouse.articles").fetchone()[0]
    assert status == "success" and sorted(sources) == sorted(HOSTS)
    assert all(count > 0 for count in per_source.values()) and len(per_source) == len(HOSTS)
    assert articles == new + duplicates and new > 0
