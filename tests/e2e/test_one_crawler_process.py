"""``newsflow run`` crawls all its sources in one crawler process (``run_pipeline``
against the bundled sample site and a real PostgreSQL), with each source's articles,
counts and log its own, and one source's failure kept to that source."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from devtools.sample_site import SampleSite, SiteConfig
from pipeline.local_run import run_pipeline
from tests.e2e.conftest import TODAY, e2e_settings

pytestmark = pytest.mark.slow

SOURCES = ("daily-planet", "metro-herald", "valley-gazette")
STARTED = re.compile(r"crawler process (\d+) crawls (\d+) source")


@pytest.fixture(scope="module")
def site():
    config = SiteConfig(seed=5, today=TODAY, days=2, articles_per_day=3, slow_seconds=3.0)
    with SampleSite(config).serve() as serving:
        yield serving


def crawler_processes(caplog: pytest.LogCaptureFixture) -> list[tuple[int, int]]:
    """(process id, sources) of every crawler child the run started."""
    return [
        (int(m[1]), int(m[2]))
        for r in caplog.records
        if r.name == "crawlers.run" and (m := STARTED.match(r.getMessage()))
    ]


def run(site, make_database, home: Path, caplog, extra_source: str = "") -> dict:
    sources = site.write_sources_file(home / "sources.yaml")
    if extra_source:
        text = sources.read_text("utf-8")
        # the extra source goes second: the sources after it prove the crawls go on
        first_end = text.index("  - name: metro-herald")
        sources.write_text(text[:first_end] + extra_source + text[first_end:], "utf-8")
    settings = e2e_settings(home, make_database())
    with caplog.at_level(logging.INFO, logger="crawlers.run"):
        return run_pipeline(settings, sources_file=str(sources))


def test_a_run_of_three_sources_starts_one_crawler_process(site, make_database, tmp_path, caplog):
    report = run(site, make_database, tmp_path, caplog)

    assert crawler_processes(caplog) == [(crawler_processes(caplog)[0][0], 3)]
    assert report["status"] == "success", report
    assert set(report["sources"]) == set(SOURCES)
    for name, outcome in report["sources"].items():
        assert outcome["error"] is None, (name, outcome)
        assert outcome["pages_fetched"] > 0 and outcome["articles_new"] > 0, (name, outcome)
        assert outcome["crawl"]["fetched"] == outcome["pages_fetched"], (name, outcome)
        log = (tmp_path / "runs" / str(report["run_id"]) / name / "crawl.log").read_text()
        assert "Spider closed (finished)" in log  # each source's log is its own
        assert log.count("Spider closed") == 1


def test_an_unreachable_source_fails_alone_in_the_shared_process(
    site, make_database, tmp_path, caplog
):
    unreachable = (
        "  - name: unreachable\n"
        "    sitemaps: [http://127.0.0.1:9/sitemap.xml]\n"  # discard port: refused
        "    download_delay: 0\n"
    )
    report = run(site, make_database, tmp_path, caplog, unreachable)

    assert [count for _, count in crawler_processes(caplog)] == [4]
    assert report["status"] == "partial", report
    failed = report["sources"]["unreachable"]
    assert failed["status"] == "failed" and "unreachable" in failed["error"], failed
    for name in SOURCES:
        outcome = report["sources"][name]
        assert outcome["error"] is None, (name, outcome)
        assert outcome["articles_new"] > 0, (name, outcome)


def test_a_dag_crawl_task_crawls_its_one_source(site, make_database, tmp_path, caplog):
    from pipeline import steps

    sources = site.write_sources_file(tmp_path / "sources.yaml")
    settings = e2e_settings(tmp_path, make_database())
    plan = steps.start_run(settings, sources_file=str(sources), source_names=["metro-herald"])
    with caplog.at_level(logging.INFO, logger="crawlers.run"):
        summary = steps.crawl_source(settings, plan, "metro-herald")

    assert [count for _, count in crawler_processes(caplog)] == [1]
    assert summary["source"] == "metro-herald" and summary["fetched"] > 0, summary
    assert summary["error"] is None
