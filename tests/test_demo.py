"""``make demo``: the nightly DAG through Airflow on the sample site, then idempotent."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from datetime import timedelta

import pytest
from rich.console import Console

from devtools.demo import (
    DEFAULT_DAYS,
    DEFAULT_PORT,
    ROOT,
    plan_demo,
    report_path,
    source_table,
)
from pipeline.runs import COUNTERS


def test_the_demo_covers_the_last_week_and_keeps_its_state_in_the_project():
    plan = plan_demo({})
    assert plan.port == DEFAULT_PORT
    assert plan.until == plan.today - timedelta(days=1)
    assert (plan.until - plan.since).days == DEFAULT_DAYS - 1
    assert plan.env["NEWSFLOW_HOME"] == str(ROOT / ".newsflow")
    assert plan.env["AIRFLOW_HOME"] == str(ROOT / ".airflow")
    assert plan.env["NEWSFLOW_SOURCES"].startswith(plan.env["NEWSFLOW_HOME"])
    assert report_path(plan) == ROOT / ".newsflow" / "demo" / "report.html"


def test_the_demo_respects_the_users_home_port_and_days():
    plan = plan_demo(
        {"NEWSFLOW_HOME": "/srv/nf", "NEWSFLOW_DEMO_PORT": "9000", "NEWSFLOW_DEMO_DAYS": "2"}
    )
    assert plan.env["NEWSFLOW_HOME"] == "/srv/nf" and plan.port == 9000
    assert plan.since == plan.today - timedelta(days=2)
    assert plan.logical_date.startswith(plan.until.isoformat() + "T02:00")


def test_every_figure_and_source_of_the_per_source_table_is_named_in_full():
    failed = ("daily-planet", "failed", *range(1, len(COUNTERS) + 1), "robots.txt unreachable")
    fine = ("valley-gazette", "success", *[0] * len(COUNTERS), None)
    table = source_table([failed, fine])
    assert [str(column.header) for column in table.columns] == [
        "",
        "daily-planet",
        "valley-gazette",
    ]
    console = Console(width=120, record=True)
    console.print(table)
    lines = console.export_text().splitlines()
    assert not [line for line in lines if "…" in line]
    for index, counter in enumerate(COUNTERS, start=1):
        label = counter.replace("_", " ")
        row = next(line for line in lines if re.match(rf"│ {re.escape(label)} +│", line))
        assert f" {index} " in row and " 0 " in row
    assert "robots.txt unreachable" in next(line for line in lines if " error " in line)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
@pytest.mark.timeout(900)  # Airflow twice: minutes on a busy machine
def test_demo_runs_the_nightly_dag_and_a_second_demo_adds_nothing(tmp_path, database_url):
    env = {
        **os.environ,
        "NEWSFLOW_HOME": str(tmp_path / "home"),
        "AIRFLOW_HOME": str(tmp_path / "airflow"),
        "NEWSFLOW_DATABASE_URL": database_url,
        "NEWSFLOW_DEMO_PORT": str(_free_port()),
        "NEWSFLOW_DEMO_DAYS": "1",  # a one-day window: about 30 new articles (> 20 below)
        "COLUMNS": "200",
    }
    first = subprocess.run(
        [sys.executable, "-m", "devtools.demo"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert "✓ airflow dags test newsflow_nightly" in first.stdout
    assert ": success" in first.stdout
    new = int(first.stdout.split("articles new ")[1].split(",")[0])
    assert new > 20
    assert "SELECT source, published_date" in first.stdout and "daily-planet" in first.stdout
    assert "psql " in first.stdout and "http://localhost:8080" in first.stdout
    report = tmp_path / "home" / "demo" / "report.html"
    assert f"{report}" in first.stdout.replace("\n", "")
    assert 'id="source-daily-planet"' in report.read_text(encoding="utf-8")
    assert "http://localhost:8080/newsflow/" in first.stdout

    second = subprocess.run(
        [sys.executable, "-m", "devtools.demo"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert "articles new 0," in second.stdout
    assert "0 new articles" in second.stdout
