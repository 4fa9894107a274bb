"""Crawls of one sample-site host from two processes: the second waits, saying so and
naming the first, and asks the host only when the first has ended, while its sources on
other hosts go on; both succeed (``pipeline.host_lock``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from devtools.sample_site import SampleSite, SiteConfig
from tests.cli_helpers import CLEARED
from tests.e2e.conftest import TODAY

pytestmark = pytest.mark.slow

CONFIG = SiteConfig(seed=11, today=TODAY, days=2, articles_per_day=3, slow_seconds=1.0)
OTHER_SITE = SiteConfig(seed=12, today=TODAY, days=2, articles_per_day=3, slow_seconds=1.0)
"""Another site (other articles, so they are not duplicates) on another host."""
DELAY_S = 0.4
"""Seconds between two requests of a crawl: the first crawl lasts several seconds."""


def _newsflow(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    full = {k: v for k, v in os.environ.items() if k not in CLEARED} | env
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", *args],
        env=full,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_lock_holder(database_url: str, pid: int, timeout_s: float = 60) -> None:
    """Until process ``pid``'s host-lock connection is open (``holder_name``)."""
    deadline = time.monotonic() + timeout_s
    with psycopg.connect(database_url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)"
                " WHERE l.locktype = 'advisory' AND l.granted AND a.application_name LIKE %s",
                (f"newsflow crawl run % pid {pid}@%",),
            ).fetchone()
            if row and row[0]:
                return
            time.sleep(0.1)
    pytest.fail(f"process {pid} never took its host lock")


def test_a_second_crawl_of_a_host_waits_until_the_first_has_ended(make_database, tmp_path: Path):
    database_url = make_database()
    with SampleSite(CONFIG).serve() as site:
        sources = site.write_sources_file(tmp_path / "sources.yaml")
        sources.write_text(
            sources.read_text("utf-8").replace("download_delay: 0", f"download_delay: {DELAY_S}"),
            "utf-8",
        )
        env = {
            "NEWSFLOW_DATABASE_URL": database_url,
            "NEWSFLOW_HOME": str(tmp_path / "home"),
            "NEWSFLOW_HOST_LOCK_WAIT": "300",
        }
        first = _newsflow(env, "crawl", "--sources", str(sources), "--source", "daily-planet")
        _wait_for_lock_holder(database_url, first.pid)
        second = _newsflow(env, "crawl", "--sources", str(sources), "--source", "metro-herald")
        first_out, first_err = first.communicate(timeout=300)
        first_ended = time.time()
        second_out, second_err = second.communicate(timeout=300)
        log = site.request_log
        host = site.base_url  # the lock key: scheme, host and port

    assert first.returncode == 0, first_err
    assert second.returncode == 0, second_err
    waiting = [line for line in second_err.splitlines() if "waiting for host" in line]
    assert len(waiting) == 1, second_err
    assert waiting[0].startswith(
        f"newsflow: waiting for host {host} (metro-herald): newsflow crawl run 1 pid {first.pid}@"
    )
    planet = [r.timestamp.timestamp() for r in log if r.path.startswith("/planet/")]
    herald = [r.timestamp.timestamp() for r in log if r.path.startswith("/herald/")]
    assert planet and herald
    assert min(herald) > max(planet), "the second crawl asked the host while the first ran"
    assert min(herald) <= first_ended + 5  # it went on as soon as the host was free
    assert "crawl run 1: success" in first_out and "crawl run 2: success" in second_out


def _planet_block(site: SampleSite, name: str) -> str:
    """The daily-planet source of ``site``'s sources file, named ``name``."""
    text = site.sources_yaml()
    block = text[text.index("  - name: daily-planet") : text.index("  - name: metro-herald")]
    return block.replace("name: daily-planet", f"name: {name}")


def test_a_run_crawls_its_free_hosts_while_one_waits_for_another_crawl(
    make_database, tmp_path: Path
):
    database_url = make_database()
    env = {
        "NEWSFLOW_DATABASE_URL": database_url,
        "NEWSFLOW_HOME": str(tmp_path / "home"),
        "NEWSFLOW_HOST_LOCK_WAIT": "300",
        "NEWSFLOW_EXTRACT_PROCESSES": "1",
    }
    with (
        SampleSite(CONFIG).serve(host="127.0.0.1") as here,
        SampleSite(OTHER_SITE).serve(host="127.0.0.2") as there,
    ):
        first_file = tmp_path / "first.yaml"
        first_file.write_text(
            "sources:\n"
            + _planet_block(here, "daily-planet").replace(
                "download_delay: 0", f"download_delay: {DELAY_S}"
            ),
            "utf-8",
        )
        run_file = tmp_path / "run.yaml"
        run_file.write_text(
            "sources:\n" + _planet_block(here, "daily-planet") + _planet_block(there, "planet-b"),
            "utf-8",
        )
        first = _newsflow(
            env | {"NEWSFLOW_USER_AGENT": "first-crawl"}, "crawl", "--sources", str(first_file)
        )
        _wait_for_lock_holder(database_url, first.pid)
        second = _newsflow(
            env | {"NEWSFLOW_USER_AGENT": "second-run"}, "run", "--sources", str(run_file), "--json"
        )
        _, first_err = first.communicate(timeout=300)
        second_out, second_err = second.communicate(timeout=300)
        here_log, there_log = here.request_log, there.request_log

    assert first.returncode == 0, first_err
    assert second.returncode == 0, second_err
    waiting = [line for line in second_err.splitlines() if "waiting for host" in line]
    assert len(waiting) == 1 and "(daily-planet): newsflow crawl run 1 pid" in waiting[0]
    report = json.loads(second_out)
    assert report["status"] == "success"
    assert report["sources"]["planet-b"]["pages_fetched"] > 0

    def times(log: list, agent: str) -> list[float]:
        return [r.timestamp.timestamp() for r in log if r.headers.get("user-agent") == agent]

    first_here, second_here = times(here_log, "first-crawl"), times(here_log, "second-run")
    second_there = times(there_log, "second-run")
    assert first_here and second_here and second_there
    assert min(second_here) > max(first_here), "the run asked the busy host during the crawl"
    assert min(second_there) < max(first_here), "the run's other host waited too"
