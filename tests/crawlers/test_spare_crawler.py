"""The next crawl's process starts while the current crawl runs (``prepare_next``)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from crawlers import run as crawl_run
from crawlers.run import crawl_sources, stop_crawls
from crawlers.spare import waiting_spare
from pipeline.sources import Source
from tests.crawlers.site import TestSite


@pytest.fixture
def site():
    site = TestSite()
    with site.serve():
        for name in ("first", "second"):
            site.add_publication(name)
        yield site
    stop_crawls()  # no spare outlives a test


def _source(site: TestSite, name: str) -> Source:
    return Source(name, sitemaps=(f"{site.base_url}/{name}/sitemap.xml",), download_delay=0.0)


def _crawl(crawl_env, source: Source, **kwargs):
    (result,) = crawl_sources(
        crawl_env.settings,
        [source],
        run_id=crawl_env.new_run(),
        database_url=crawl_env.database_url,
        **kwargs,
    )
    return result


def _waiting_spare() -> subprocess.Popen:
    spare = waiting_spare()
    assert spare is not None and spare.poll() is None
    return spare


def test_the_next_crawl_runs_in_the_spare_and_logs_to_its_own_file(crawl_env, site):
    first = _crawl(crawl_env, _source(site, "first"), prepare_next=True)
    spare = _waiting_spare()
    second = _crawl(crawl_env, _source(site, "second"))

    assert first.error is None and first.fetched == 2
    assert second.error is None and second.fetched == 2
    assert spare.returncode == 0  # it ran the second crawl, and was waited for
    assert waiting_spare() is None  # nothing more was asked for
    logs = sorted(crawl_env.settings.runs_dir.glob("*/second/crawl.log"))
    assert "Spider closed (finished)" in logs[-1].read_text("utf-8")


def test_several_sources_in_one_call_leave_no_spare_behind(crawl_env, site):
    results = crawl_sources(
        crawl_env.settings,
        [_source(site, "first"), _source(site, "second")],
        run_id=crawl_env.new_run(),
        database_url=crawl_env.database_url,
    )
    assert [r.error for r in results] == [None, None]
    assert [r.discovered for r in results] == [2, 2]
    assert waiting_spare() is None


def test_a_spare_that_died_is_replaced_by_a_fresh_process(crawl_env, site):
    _crawl(crawl_env, _source(site, "first"), prepare_next=True)
    spare = _waiting_spare()
    spare.kill()
    spare.wait()
    result = _crawl(crawl_env, _source(site, "second"))
    assert result.error is None and result.discovered == 2


def test_a_spare_started_under_another_environment_is_not_used(crawl_env, site, monkeypatch):
    _crawl(crawl_env, _source(site, "first"), prepare_next=True)
    spare = _waiting_spare()
    monkeypatch.setenv("NEWSFLOW_TEST_CHANGED", "1")  # e.g. a proxy set in between
    result = _crawl(crawl_env, _source(site, "second"))
    assert result.error is None and result.discovered == 2
    assert spare.returncode is not None and spare.returncode != 0  # stopped, not used


def test_stop_crawls_stops_the_waiting_spare(crawl_env, site):
    _crawl(crawl_env, _source(site, "first"), prepare_next=True)
    spare = _waiting_spare()
    stop_crawls()
    assert spare.wait(timeout=10) != 0
    assert waiting_spare() is None


def test_a_spare_whose_stdin_closes_exits_without_crawling():
    root = str(crawl_run.Path(crawl_run.__file__).resolve().parents[1])
    done = subprocess.run(
        [sys.executable, "-m", "crawlers.worker", "--wait"],
        input=b"",
        capture_output=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": root},
    )
    assert done.returncode == 0, done.stderr
