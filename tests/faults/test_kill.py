"""``newsflow run`` killed with SIGKILL while crawling and while loading: the next run
completes and leaves exactly the table an uninterrupted run leaves (no article lost, none
duplicated).

Each scenario has its own database and NEWSFLOW_HOME against one sample site; the
reference is one uninterrupted ``newsflow run`` into a third database.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

from devtools.sample_site import SampleSite
from tests.cli_helpers import CLEARED
from tests.e2e.conftest import SITE_CONFIG, sources_file

pytestmark = pytest.mark.slow

SNAPSHOT = """
SELECT a.url, a.source, a.title, a.body, o.url, a.version
FROM warehouse.articles a LEFT JOIN warehouse.articles o ON o.article_id = a.duplicate_of
"""
RUN_TIMEOUT_S = 240


def snapshot(database_url: str) -> dict[str, object]:
    """Every article as (url, source, title, body, url of its original, version), and
    the earlier versions kept."""
    with psycopg.connect(database_url) as conn:
        return {
            "articles": set(conn.execute(SNAPSHOT).fetchall()),
            "versions": conn.execute("SELECT count(*) FROM warehouse.article_versions").fetchone()[
                0
            ],
        }


@dataclass
class Env:
    database_url: str
    home: Path
    sources: Path

    def variables(self) -> dict[str, str]:
        return {
            "NEWSFLOW_DATABASE_URL": self.database_url,
            "NEWSFLOW_HOME": str(self.home),
            "NEWSFLOW_EXTRACT_PROCESSES": "2",
        }


def start_run(env: Env) -> subprocess.Popen[str]:
    full = {k: v for k, v in os.environ.items() if k not in CLEARED} | env.variables()
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "run", "--sources", str(env.sources), "--json"],
        env=full,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def finish_run(env: Env) -> dict:
    process = start_run(env)
    out, err = process.communicate(timeout=RUN_TIMEOUT_S)
    assert process.returncode == 0, err
    return json.loads(out)


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (children of children included), from /proc."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [p for p, pp in parents.items() if pp == parent]
        found.extend(children)
        frontier.extend(children)
    return found


def kill_run(process: subprocess.Popen[str]) -> None:
    """SIGKILL the run and everything it started (its crawl child leads its own session),
    as when the machine or container running it dies."""
    for pid in [process.pid, *descendants(process.pid)]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL


def wait_for(condition, what: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def site():
    with SampleSite(SITE_CONFIG).serve() as serving:
        yield serving


@pytest.fixture(scope="module")
def new_env(site, make_migrated_database, tmp_path_factory):
    def make(name: str) -> Env:
        home = tmp_path_factory.mktemp(name)
        url = make_migrated_database()
        return Env(url, home, sources_file(site, home / "sources.yaml"))

    return make


@pytest.fixture(scope="module")
def reference(new_env) -> dict[str, object]:
    env = new_env("reference")
    assert finish_run(env)["status"] == "success"
    return snapshot(env.database_url)


def test_uninterrupted_run_stores_every_published_article(reference, site):
    assert {row[0] for row in reference["articles"]} == {e.url for e in site.expected_articles()}


def test_run_killed_while_crawling_is_completed_by_the_next_run(reference, new_env, site):
    env = new_env("killed-crawling")
    articles = {urlsplit(e.url).path for e in site.expected_articles()}
    start = len(site.request_log)

    def article_requests() -> int:
        return sum(urlsplit(r.path).path in articles for r in site.request_log[start:])

    process = start_run(env)
    wait_for(lambda: article_requests() >= 8, "the crawl to fetch 8 articles")
    kill_run(process)
    assert snapshot(env.database_url)["articles"] == set()  # killed before any load

    report = finish_run(env)
    assert report["status"] == "success"
    assert snapshot(env.database_url) == reference
    with psycopg.connect(env.database_url) as conn:  # the killed run does not stay 'running'
        runs = conn.execute(
            "SELECT status, error FROM warehouse.crawl_runs ORDER BY run_id"
        ).fetchall()
    assert [status for status, _ in runs] == ["failed", "success"]
    assert runs[0][1].startswith("abandoned: ")


def test_run_killed_while_loading_is_completed_by_the_next_run(reference, new_env):
    env = new_env("killed-loading")
    process = start_run(env)
    with (
        psycopg.connect(env.database_url, autocommit=True) as watcher,
        psycopg.connect(env.database_url, autocommit=True) as blocker,
    ):

        def count(query: str) -> int:
            return watcher.execute(query).fetchone()[0]

        # Once the first source is loaded, hold a link step inside its transaction: the
        # rows it links are loaded (hidden from analysts) and it waits to write their
        # near-duplicate signatures, so the kill falls between a load and its link step.
        wait_for(
            lambda: count("SELECT count(*) FROM warehouse.articles") > 0,
            "the first source to be loaded",
        )
        with blocker.transaction():
            blocker.execute("LOCK TABLE warehouse.article_signatures IN SHARE MODE")
            wait_for(
                lambda: (
                    count(
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'newsflow' "
                        "AND wait_event_type = 'Lock'"
                    )
                    > 0
                ),
                "a load waiting for the lock",
            )
            loaded_before_kill = count("SELECT count(*) FROM warehouse.articles")
            kill_run(process)
    assert len(snapshot(env.database_url)["articles"]) == loaded_before_kill

    report = finish_run(env)
    assert report["status"] == "success"
    assert snapshot(env.database_url) == reference


def test_crawl_child_stops_when_only_the_run_process_is_killed(new_env, tmp_path):
    from tests.crawlers.site import TestSite, article_html
    from tests.faults.site_helpers import small_site, write_sources

    site = TestSite()
    with site.serve():
        small_site(site)
        site.add("/news/two", article_html("two", words=300), delay_s=8.0)
        env = new_env("orphan")
        env = Env(env.database_url, env.home, write_sources(tmp_path / "s.yaml", site.base_url))
        process = start_run(env)
        wait_for(lambda: "/news/two" in site.paths(), "the crawl to wait on a slow page")
        children = descendants(process.pid)
        os.kill(process.pid, signal.SIGKILL)
        process.communicate(timeout=30)
        time.sleep(2.0)
        alive = [pid for pid in children if _running(pid)]
        for pid in alive:
            os.kill(pid, signal.SIGKILL)
    assert children and alive == []


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"
