"""Reports on a pipe (cron mail, Airflow logs): tables keep their full column names."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.cli.crawl import COLUMNS as CRAWL_COLUMNS
from pipeline.runs import COUNTERS
from tests.cli_helpers import run_newsflow
from tests.crawlers.site import TestSite
from tests.faults.site_helpers import small_site

SOURCE = "a-source-with-a-rather-long-name"


@pytest.fixture
def piped_env(clean_database_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        "NEWSFLOW_DATABASE_URL": clean_database_url,
        "NEWSFLOW_HOME": str(tmp_path / "home"),
        "COLUMNS": "",
    }  # what cron and Airflow give: no terminal, no width


def _sources(tmp_path: Path, base_url: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(
        f"sources:\n  - name: {SOURCE}\n    sitemaps: [{base_url}/sitemap.xml]\n"
        "    allow: ['/news/']\n    download_delay: 0\n",
        encoding="utf-8",
    )
    return path


def _assert_full_table(stdout: str, headers: list[str]) -> None:
    assert "…" not in stdout
    header_line = next(line for line in stdout.splitlines() if "source" in line)
    for header in headers:
        assert f" {header} " in header_line, (header, header_line)
    assert SOURCE in stdout


def test_run_report_on_a_pipe_has_full_column_names(piped_env, tmp_path):
    site = TestSite()
    with site.serve():
        small_site(site)
        result = run_newsflow(
            "run", "--sources", str(_sources(tmp_path, site.base_url)), env=piped_env
        )
    assert result.returncode == 0, result.stderr
    _assert_full_table(result.stdout, ["source", "status", *COUNTERS[1:], "error"])


def test_crawl_and_stats_reports_on_a_pipe_have_full_column_names(piped_env, tmp_path):
    site = TestSite()
    with site.serve():
        small_site(site)
        crawled = run_newsflow(
            "crawl", "--sources", str(_sources(tmp_path, site.base_url)), env=piped_env
        )
    assert crawled.returncode == 0, crawled.stderr
    _assert_full_table(
        crawled.stdout,
        ["source", *(c.replace("_", " ") for c in CRAWL_COLUMNS), "failed by reason", "error"],
    )
    stats = run_newsflow("stats", env=piped_env)
    assert stats.returncode == 0, stats.stderr
    _assert_full_table(
        stats.stdout,
        [
            "source",
            "articles",
            "duplicates",
            "last run",
            "last success",
            "with date",
            "with author",
        ],
    )
