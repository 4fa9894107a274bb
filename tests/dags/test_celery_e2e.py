"""Scale-out end to end: newsflow_nightly on two Celery workers that share no folder.

``scripts/airflow-local.sh celery`` (as documented in docs/airflow.md) starts the
api-server, dag-processor, scheduler and Celery worker A; the test starts worker B
itself. Each worker has its own NEWSFLOW_HOME and AIRFLOW_HOME. Worker A takes the
default queue and the crawl queue (NEWSFLOW_CRAWL_QUEUE), worker B the processing queue
(NEWSFLOW_PROCESS_QUEUE: extract, load, check), so every hand-off between a source's
crawl and its extraction goes through the archive in an S3 bucket (NEWSFLOW_ARCHIVE_URL,
moto's S3 server on 127.0.0.1), and the sources file is read from the bucket too.

Two runs race for one host: the DAG run crawls two sources, one on 127.0.0.1 and one on
127.0.0.3, while a ``newsflow crawl`` started beside it (another run, another
NEWSFLOW_HOME) crawls a third publication of the same sample site on 127.0.0.1. Both
take that host's lock, so whichever comes second waits (the CLI) or is rescheduled
(the Airflow task), and their crawls must not overlap. Redis is the
broker: the one at 127.0.0.1:6379, or a ``redis-server`` from PATH started on a free
port; without either the test skips, saying so. The newsflow database is named by the
``newsflow_db`` Airflow connection (``AIRFLOW_CONN_NEWSFLOW_DB``), as in production.
"""

from __future__ import annotations

import json
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
import yaml
from psycopg.conninfo import conninfo_to_dict

from devtools.s3_server import S3Server
from devtools.sample_site import SampleSite, SiteConfig
from pipeline.store import open_store
from tests.dags.airflow_cli import (
    AIRFLOW,
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
HOSTS = {"daily-planet": "127.0.0.1", "metro-herald": "127.0.0.1", "valley-gazette": "127.0.0.3"}
"""Source -> the host of its sample site: the first two share one host."""
DAG_SOURCES = ["daily-planet", "valley-gazette"]
CLI_SOURCE = "metro-herald"
"""Crawled by ``newsflow crawl`` while the DAG runs: the same host as daily-planet."""
LOGICAL_DATE = "2026-11-21T02:00:00+00:00"
CONF = {
    "since": (TODAY - timedelta(days=1)).isoformat(),
    "until": TODAY.isoformat(),
    "source": DAG_SOURCES,
}
PROCESS_TASKS = ("source.extract", "source.load", "source.link", "source.check")


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


def redis_answers(address: tuple[str, int]) -> bool:
    try:
        with socket.create_connection(address, timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextmanager
def redis_broker(tmp_path: Path) -> Iterator[str]:
    """A Redis URL: the machine's at 127.0.0.1:6379, else a ``redis-server`` from PATH on a
    free port (stopped afterwards); skips the test when neither is there."""
    if redis_answers(REDIS):
        yield f"redis://{REDIS[0]}:{REDIS[1]}/0"
        return
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("no Redis at 127.0.0.1:6379 and no redis-server on PATH to start one")
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while not redis_answers(("127.0.0.1", port)):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"redis-server did not start on port {port}")
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def sources_yaml(sites: dict[str, SampleSite]) -> bytes:
    """One source per name of HOSTS, each from the site on its host."""
    chosen = []
    for name, host in HOSTS.items():
        entries = yaml.safe_load(sites[host].sources_yaml())["sources"]
        chosen += [entry for entry in entries if entry["name"] == name]
    return yaml.safe_dump({"sources": chosen}, sort_keys=False).encode()


def _celery_env(
    tmp_path: Path,
    databases: tuple[str, str],
    broker: str,
    s3: dict[str, str],
    queues: dict[str, str],
) -> dict[str, str]:
    """Worker A's environment (and the scheduler's): its own ports, databases, queues,
    NEWSFLOW_HOME, and the archive and sources file in the bucket."""
    metadata_url, newsflow_url = databases
    return airflow_env(
        {
            **outside_environ(),
            **s3,
            "AIRFLOW_HOME": str(tmp_path / "airflow-a"),
            "AIRFLOW_PORT": str(free_port()),
            "AIRFLOW_METADATA_URL": metadata_url,
            "AIRFLOW_BROKER_URL": broker,
            "AIRFLOW_WORKER_CONCURRENCY": "4",
            # Queues of its own, so no other Celery worker on this Redis takes its tasks.
            "AIRFLOW__OPERATORS__DEFAULT_QUEUE": queues["default"],
            "AIRFLOW_WORKER_QUEUES": f"{queues['default']},{queues['crawl']}",
            "NEWSFLOW_CRAWL_QUEUE": queues["crawl"],
            "NEWSFLOW_PROCESS_QUEUE": queues["process"],
            "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
            "AIRFLOW__API__WORKERS": "1",
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
            # No NEWSFLOW_DATABASE_URL: the connection alone names the database.
            "AIRFLOW_CONN_NEWSFLOW_DB": sqlalchemy_url(newsflow_url, "postgresql"),
            "NEWSFLOW_HOME": str(tmp_path / "worker-a"),
            "NEWSFLOW_EXTRACT_PROCESSES": "1",
            # The crawl that finds its host busy is tried again soon, not in 2 minutes.
            "NEWSFLOW_HOST_BUSY_RETRY": "10",
        },
        "celery",
    )


def _worker_b_env(env_a: dict[str, str], tmp_path: Path, queue: str) -> dict[str, str]:
    """Worker B: another NEWSFLOW_HOME, AIRFLOW_HOME and log server port; one queue."""
    return {
        **env_a,
        "AIRFLOW_HOME": str(tmp_path / "airflow-b"),
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(tmp_path / "airflow-b" / "logs"),
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
        "NEWSFLOW_HOME": str(tmp_path / "worker-b"),
        "AIRFLOW_WORKER_QUEUES": queue,
    }


def _run_nightly(env: dict[str, str], services: Services) -> dict[str, str]:
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
    [run] = wait_for_runs(
        env, "newsflow_nightly", lambda run: True, count=1, timeout=700, alive=services.check_alive
    )
    return run


def test_nightly_dag_runs_on_two_celery_workers_without_a_shared_folder(
    make_database, tmp_path, s3_server: S3Server
):
    metadata_db, newsflow_url = make_database(), make_database()
    bucket = s3_server.bucket()
    queues = {k: f"newsflow-{k}-{secrets.token_hex(3)}" for k in ("default", "crawl", "process")}
    s3 = {**s3_server.env(), "NEWSFLOW_ARCHIVE_URL": f"s3://{bucket}/archive"}
    with ExitStack() as stack:
        broker = stack.enter_context(redis_broker(tmp_path))
        sites = {
            host: stack.enter_context(SampleSite(SITE).serve(host=host))
            for host in set(HOSTS.values())
        }
        store = open_store(f"s3://{bucket}", tmp_path, s3_server.env())
        s3["NEWSFLOW_SOURCES"] = store.put_bytes("sources.yaml", sources_yaml(sites))
        env = _celery_env(tmp_path, (sqlalchemy_url(metadata_db), newsflow_url), broker, s3, queues)
        services = stack.enter_context(Services(env, tmp_path / "services"))
        airflow_stack = services.start("airflow-local.sh celery", [str(SCRIPT), "celery"])
        wait_for_http(
            f"http://localhost:{env['AIRFLOW__API__PORT']}/api/v2/monitor/health",
            timeout=300,
            alive=services.check_alive,
        )
        env_b = _worker_b_env(env, tmp_path, queues["process"])
        worker_b = stack.enter_context(Services(env_b, tmp_path / "services-b")).start(
            "worker b",
            [
                str(AIRFLOW),
                "celery",
                "worker",
                "--queues",
                queues["process"],
                "--concurrency",
                "2",
                "--celery-hostname",
                f"worker-b-{bucket}@%h",
            ],
        )
        racer = _start_cli_crawl(env, newsflow_url, tmp_path)
        try:
            run = _run_nightly(env, services)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{airflow_stack.tail(80)}\n{worker_b.tail(40)}") from None
        finally:
            cli_out, cli_err = racer.communicate(timeout=300)
        log_a = airflow_stack.log_path.read_text(errors="replace")
        log_b = worker_b.log_path.read_text(errors="replace")

    assert racer.returncode == 0, cli_out + cli_err
    assert run["state"] == "success", log_a[-6000:] + log_b[-3000:]
    assert run["logical_date"] == LOGICAL_DATE
    assert "Executing workload in Celery" in log_b  # worker B ran the processing tasks
    _assert_task_queues(metadata_db, queues)
    _assert_loaded_through_the_bucket(newsflow_url, bucket)
    for home in ("worker-a", "worker-b"):
        left = [p for p in (tmp_path / home).rglob("*") if p.is_file()]
        assert left == [], f"{home} kept files after its tasks: {left}"


def _start_cli_crawl(
    env: dict[str, str], newsflow_url: str, tmp_path: Path
) -> subprocess.Popen[str]:
    """``newsflow crawl --source metro-herald`` on a third NEWSFLOW_HOME, the archive and
    sources file in the same bucket: a second run racing the DAG for 127.0.0.1."""
    cli_env = {
        **{k: v for k, v in env.items() if not k.startswith("AIRFLOW")},
        "NEWSFLOW_HOME": str(tmp_path / "cli-home"),
        "NEWSFLOW_DATABASE_URL": newsflow_url,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "crawl", "--source", CLI_SOURCE, "--json"],
        env=cli_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _assert_task_queues(metadata_url: str, queues: dict[str, str]) -> None:
    """Crawls went to the crawl queue, extract/load/check to the processing queue."""
    with psycopg.connect(metadata_url) as conn:
        rows = conn.execute(
            "SELECT task_id, queue, state FROM task_instance WHERE dag_id = 'newsflow_nightly'"
        ).fetchall()
    for task_id, queue, state in rows:
        assert state == "success", (task_id, state)
        if task_id == "source.crawl":
            assert queue == queues["crawl"]
        elif task_id in PROCESS_TASKS:
            assert queue == queues["process"]
    assert {task_id for task_id, _, _ in rows} >= {"source.crawl", *PROCESS_TASKS}


def _assert_loaded_through_the_bucket(newsflow_url: str, bucket: str) -> None:
    with psycopg.connect(newsflow_url) as conn:
        run_id, status, sources, new, duplicates = conn.execute(
            "SELECT run_id, status, sources, articles_new, duplicates FROM warehouse.crawl_runs"
            " WHERE trigger = 'airflow'"
        ).fetchone()
        per_source = dict(
            conn.execute(
                "SELECT source, articles_new FROM warehouse.crawl_run_sources WHERE run_id = %s",
                (run_id,),
            )
        )
        triggers = sorted(
            row[0] for row in conn.execute("SELECT trigger FROM warehouse.crawl_runs")
        )
        articles = conn.execute("SELECT count(*) FROM warehouse.articles").fetchone()[0]
        locations = [
            row[0]
            for row in conn.execute(
                "SELECT warc_path FROM warehouse.crawl_state WHERE warc_path IS NOT NULL"
            )
        ]
        spans = {
            source: (first, last)
            for source, first, last in conn.execute(
                "SELECT source, min(last_fetched_at), max(last_fetched_at)"
                " FROM warehouse.crawl_state GROUP BY source"
            )
        }
    assert triggers == ["airflow", "cli"]  # the DAG run and the racing newsflow crawl
    assert status == "success" and sorted(sources) == DAG_SOURCES
    assert all(count > 0 for count in per_source.values()) and len(per_source) == len(DAG_SOURCES)
    assert articles == new + duplicates and new > 0
    assert locations and all(path.startswith(f"s3://{bucket}/archive/") for path in locations)
    # The two runs took the host's lock in turn: their crawls of it never overlapped.
    (first_a, last_a), (first_b, last_b) = spans["daily-planet"], spans["metro-herald"]
    assert last_a < first_b or last_b < first_a, spans
