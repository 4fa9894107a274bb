"""Every DAG file loads cleanly, fast, and without touching the database or the network."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap

from tests.dags.conftest import DAGS_DIR

DAG_IDS = {"newsflow_nightly", "newsflow_reprocess"}

# Parses dags/ with every way out of the process blocked, and reports what it saw.
_PARSE_SANDBOXED = textwrap.dedent("""
    import json, socket, sys, time
    from pathlib import Path

    from airflow.dag_processing.dagbag import BundleDagBag
    import psycopg

    attempts = []

    def refuse(what):
        def blocked(*args, **kwargs):
            attempts.append(what)
            raise OSError(f"{what} at DAG parse time")
        return blocked

    socket.socket.connect = refuse("socket connect")
    socket.create_connection = refuse("socket create_connection")
    psycopg.Connection.connect = classmethod(refuse("psycopg connect"))

    dags = Path(sys.argv[1])
    started, cpu_started = time.perf_counter(), time.process_time()
    bag = BundleDagBag(dag_folder=str(dags), bundle_path=dags)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    nightly = bag.dags.get("newsflow_nightly")
    schedule = getattr(nightly.timetable, "expression", None) if nightly else None
    print(json.dumps({"dags": sorted(bag.dags), "errors": bag.import_errors,
                      "attempts": attempts, "seconds": seconds, "cpu_seconds": cpu_seconds,
                      "schedule": schedule}))
""")


def _parse_in_fresh_process(env_overrides: dict[str, str] | None = None) -> dict:
    env = dict(os.environ)
    # A database that does not exist: parsing must not notice.
    env["NEWSFLOW_DATABASE_URL"] = "postgresql://nobody:secret@10.255.255.1:1/none"
    env.update(env_overrides or {})
    done = subprocess.run(
        [sys.executable, "-c", _PARSE_SANDBOXED, str(DAGS_DIR)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_every_dag_file_imports_without_errors(dag_bag):
    assert dag_bag.import_errors == {}
    assert set(dag_bag.dags) == DAG_IDS


def test_parsing_touches_neither_database_nor_network_and_takes_under_two_seconds():
    parsed = _parse_in_fresh_process()
    assert parsed["errors"] == {}
    assert set(parsed["dags"]) == DAG_IDS
    assert parsed["attempts"] == []
    # Two seconds of CPU; the wall clock only bounds waiting (the test machine may be
    # busy with other tests).
    assert parsed["cpu_seconds"] < 2.0
    assert parsed["seconds"] < 10.0


def test_the_schedule_comes_from_newsflow_schedule():
    parsed = _parse_in_fresh_process({"NEWSFLOW_SCHEDULE": "30 4 * * 1-5"})
    assert parsed["errors"] == {}
    assert parsed["schedule"] == "30 4 * * 1-5"


def test_dag_files_hold_no_credentials():
    url_with_password = re.compile(r"[a-z+]+://[^\s/:@'\"]+:[^\s/@'\"]+@")
    for path in DAGS_DIR.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not url_with_password.search(text), path
        assert not re.search(r"password\s*=\s*['\"]", text, re.IGNORECASE), path
