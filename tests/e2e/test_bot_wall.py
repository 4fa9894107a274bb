"""The sample site's bot-wall trap through ``newsflow run``: walled pages are counted as
blocked (never as not_article or failed), wait before they are asked again, and a source
walled off fails its checks with a message that says so."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from subprocess import CompletedProcess

import psycopg
import pytest

from crawlers.middlewares.botwall import MAX_BLOCKED_IN_A_ROW
from devtools.sample_site import SampleSite
from devtools.sample_site.walls import WALL_SITEMAP, WALLED_PAGES, walled_paths
from tests.cli_helpers import run_newsflow

pytestmark = pytest.mark.slow


@dataclass
class WallRuns:
    first: CompletedProcess[str]
    first_paths: list[str]
    second: CompletedProcess[str]
    second_paths: list[str]
    source_rows: list[tuple]
    """(run_id, status, error, blocked, crawl_stats) per run, oldest first."""
    states: dict[str, tuple[str, str, int]]
    """Walled path -> (outcome, failure_reason, failed_attempts) after both runs."""
    view: tuple[int, int]
    """analytics.crawl_run_sources (blocked, skipped_blocked_host) of the first run."""


def _walled_requests(site: SampleSite, start: int) -> list[str]:
    return [r.path for r in site.request_log[start:] if r.path.startswith("/walled/20")]


@pytest.fixture(scope="module")
def runs(site, make_database, tmp_path_factory) -> WallRuns:
    tmp: Path = tmp_path_factory.mktemp("bot-wall")
    sources = tmp / "sources.yaml"
    sources.write_text(
        "sources:\n"
        f"  - name: walled\n    sitemaps: [{site.base_url}{WALL_SITEMAP}]\n"
        "    allow: ['/walled/']\n",
        encoding="utf-8",
    )
    database_url = make_database()
    env = {"NEWSFLOW_DATABASE_URL": database_url, "NEWSFLOW_HOME": str(tmp / "home")}
    done, paths = [], []
    for _ in range(2):
        start = len(site.request_log)
        done.append(run_newsflow("run", "--sources", str(sources), "--json", env=env, timeout=240))
        paths.append(_walled_requests(site, start))
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT run_id, status, error, blocked, crawl_stats FROM warehouse.crawl_run_sources "
            "ORDER BY run_id"
        ).fetchall()
        states = conn.execute(
            "SELECT url, outcome, failure_reason, failed_attempts FROM warehouse.crawl_state "
            "WHERE source = 'walled' AND kind = 'article'"
        ).fetchall()
        view = conn.execute(
            "SELECT blocked, skipped_blocked_host FROM analytics.crawl_run_sources "
            "WHERE run_id = %s",
            (rows[0][0],),
        ).fetchone()
    return WallRuns(
        done[0],
        paths[0],
        done[1],
        paths[1],
        rows,
        {url[len(site.base_url) :]: tuple(rest) for url, *rest in states},
        view,
    )


def test_walled_pages_are_counted_as_blocked_in_the_run_json(runs):
    report = json.loads(runs.first.stdout)
    assert report["blocked"] == len(runs.first_paths) >= MAX_BLOCKED_IN_A_ROW
    assert report["not_article"] == 0
    assert report["failed"] == 0


def test_both_forms_of_the_wall_are_recorded_as_blocked_in_crawl_state(runs):
    asked = runs.states.keys() & set(runs.first_paths)
    assert asked == set(runs.first_paths)
    assert {runs.states[p][0] for p in asked} == {"blocked"}
    assert {runs.states[p][1] for p in asked} == {"bot_wall_cloudflare", "bot_wall_captcha"}


def test_the_host_is_not_asked_for_more_after_walling_page_after_page(runs):
    blocked, skipped = runs.view
    assert blocked == len(runs.first_paths) < WALLED_PAGES
    assert skipped == WALLED_PAGES - blocked
    assert runs.source_rows[0][4]["skipped_blocked_host"] == skipped


def test_a_walled_off_source_fails_its_check_with_the_bot_wall_message(runs, site):
    assert runs.first.returncode == 1, runs.first.stderr[-2000:]
    assert json.loads(runs.first.stdout)["status"] == "failed"
    _, status, error, blocked, _ = runs.source_rows[0]
    assert status == "failed"
    assert f"source 'walled': blocked by a bot wall ({blocked} of {blocked} pages)" in error


def test_blocked_pages_are_not_asked_again_on_the_next_run(runs):
    assert runs.first_paths
    assert not set(runs.second_paths) & set(runs.first_paths)
    stats = runs.source_rows[1][4]
    assert stats["skipped_failed_recently"] == len(runs.first_paths)


def test_pages_left_alone_are_asked_on_the_next_run(runs, site):
    left = set(walled_paths(site)) - set(runs.first_paths)
    assert set(runs.second_paths) <= left
    assert runs.second_paths
