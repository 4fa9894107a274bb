"""Section pages in crawl state: a failed one waits before its next try, over three runs.

Run 1 reads the front page (a start URL) and the section pages it links to; one linked
section page and one start URL answer 500. Run 2 follows straight after: neither is
requested. Before run 3 their last attempt is moved back past the wait: both are asked
again. The outputs of ``newsflow crawl`` and ``newsflow run`` count these failures as
discovery failures, not as failed articles.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

import pytest

from crawlers.run import CrawlResult, crawl_sources
from pipeline.sources import Source
from tests.cli_helpers import run_newsflow
from tests.crawlers.site import TestSite, article_html

BROKEN = ["/section/broken", "/start-broken"]


@dataclass
class Runs:
    site: TestSite
    results: list[CrawlResult]
    paths: list[list[str]]
    """Paths requested by each run."""
    states: list[dict[str, tuple]]
    """Crawl state of the section pages after each run, by path."""


def build_site(site: TestSite) -> None:
    site.add("/robots.txt", "User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"})
    site.add("/front", article_html("Front", links=("/news/1", "/section/ok", "/section/broken")))
    site.add("/section/ok", article_html("Section", links=("/news/2",)))
    for path in BROKEN:
        site.add(path, "<html>down</html>", status=500)
    for path in ("/news/1", "/news/2"):
        site.add(path, article_html(path))


def move_last_attempt_back(env, base_url: str, delta: timedelta) -> None:
    with env.connect() as conn:
        conn.execute(
            "UPDATE warehouse.crawl_state SET last_attempt_at = last_attempt_at - %s "
            "WHERE url = ANY(%s)",
            (delta, [base_url + p for p in BROKEN]),
        )


@pytest.fixture(scope="module")
def runs(crawl_env) -> Runs:
    site = TestSite()
    results, paths, states = [], [], []
    with site.serve():
        build_site(site)
        b = site.base_url
        source = Source(
            name="nav", start_urls=(f"{b}/front", f"{b}/start-broken"), allow=("/news/",)
        )
        for step in range(3):
            if step == 2:  # the wait after a first failure is NEWSFLOW_RETRY_FAILED_HOURS
                wait = timedelta(hours=crawl_env.settings.retry_failed_hours)
                move_last_attempt_back(crawl_env, b, wait + timedelta(minutes=1))
            before = len(site.requests)
            (result,) = crawl_sources(
                crawl_env.settings,
                [source],
                run_id=crawl_env.new_run(),
                database_url=crawl_env.database_url,
            )
            results.append(result)
            paths.append([r.path for r in site.requests[before:]])
            states.append(
                {path: state(crawl_env, b + path) for path in ("/front", "/section/ok", *BROKEN)}
            )
    return Runs(site, results, paths, states)


def state(env, url: str) -> tuple:
    with env.connect() as conn:
        return conn.execute(
            "SELECT kind, outcome, failure_reason, http_status, failed_attempts, warc_path, "
            "pending_extract FROM warehouse.crawl_state WHERE url = %s",
            (url,),
        ).fetchone()


def test_a_failed_section_page_is_remembered_as_a_failed_navigation_page(runs):
    first = runs.states[0]
    assert first["/section/broken"][:5] == ("navigation", "failed", "nav_http_500", 500, 1)
    assert first["/start-broken"][:5] == ("navigation", "failed", "nav_http_500", 500, 1)


def test_a_section_page_read_is_remembered_as_followed_and_never_extracted(runs):
    for path in ("/front", "/section/ok"):
        kind, outcome, _, status, attempts, warc_path, pending = runs.states[0][path]
        assert (kind, outcome, status, attempts, warc_path, pending) == (
            "navigation",
            "followed",
            200,
            0,
            None,
            False,
        )


def test_section_page_failures_count_as_discovery_failures_not_failed_articles(runs):
    first = runs.results[0]
    assert first.failed_by_reason == {"nav_http_500": 2}
    assert (first.discovery_failed, first.failed) == (2, 0)
    assert first.run_counts().discovery_failed == 2 and first.run_counts().failed == 0


def test_within_the_wait_a_failed_section_page_is_not_requested(runs):
    assert not set(BROKEN) & set(runs.paths[1])
    assert runs.states[1]["/section/broken"] == runs.states[0]["/section/broken"]
    assert "/front" in runs.paths[1] and "/section/ok" in runs.paths[1]  # read every run
    second = runs.results[1]
    assert second.discovery_skipped_failed_recently == 2
    assert (second.discovery_failed, second.failed, second.skipped_failed_recently) == (0, 0, 0)


def test_after_the_wait_a_failed_section_page_is_requested_again(runs):
    assert set(BROKEN) <= set(runs.paths[2])
    assert runs.results[2].discovery_failed == 2
    assert runs.results[2].discovery_skipped_failed_recently == 0
    assert runs.states[2]["/section/broken"][4] == 2  # and waits twice as long now


# --- the commands' outputs --------------------------------------------------------------


def sources_file(tmp_path, base_url: str):
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n  - name: navcli\n"
        f"    start_urls: [{base_url}/front]\n    allow: ['/news/']\n"
        "    download_delay: 0\n"
    )
    return path


def run_source_counts(env, run_id: int) -> tuple[int, int]:
    with env.connect() as conn:
        return conn.execute(
            "SELECT discovery_failed, failed FROM warehouse.crawl_run_sources WHERE run_id = %s",
            (run_id,),
        ).fetchone()


@pytest.fixture
def cli_env(crawl_env, tmp_path):
    return {
        "NEWSFLOW_HOME": str(tmp_path / "home"),
        "NEWSFLOW_DATABASE_URL": crawl_env.database_url,
    }


def test_newsflow_crawl_counts_a_failed_section_page_in_discovery_failed(
    crawl_env, cli_env, tmp_path
):
    site = TestSite()
    with site.serve():
        build_site(site)
        done = run_newsflow(
            "crawl", "--sources", str(sources_file(tmp_path, site.base_url)), "--json", env=cli_env
        )
        table = run_newsflow(
            "crawl",
            "--sources",
            str(sources_file(tmp_path, site.base_url)),
            env={**cli_env, "COLUMNS": "250"},
        )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    (result,) = report["sources"]
    assert (result["discovery_failed"], result["failed"]) == (1, 0)
    assert result["failed_by_reason"] == {"nav_http_500": 1}
    assert run_source_counts(crawl_env, report["run_id"]) == (1, 0)
    assert table.returncode == 0, table.stderr
    assert "discovery skipped failed recently" in table.stdout
    assert site.count("/section/broken") == 1  # the second crawl waited


def test_newsflow_run_json_counts_a_failed_section_page_in_discovery_failed(
    crawl_env, cli_env, tmp_path
):
    site = TestSite()
    with site.serve():
        build_site(site)
        done = run_newsflow(
            "run",
            "--sources",
            str(sources_file(tmp_path, site.base_url)),
            "--json",
            env=cli_env,
            timeout=180,
        )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["discovery_failed"], report["failed"]) == (1, 0)
    assert run_source_counts(crawl_env, report["run_id"]) == (1, 0)
