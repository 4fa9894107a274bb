"""The sources-file kind ``warc:``: a backfill that runs as a source of ``newsflow run``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devtools.warc_files import WarcPage, write_warc
from pipeline.errors import SourcesFileError
from pipeline.sources import parse_sources
from tests.cli_helpers import run_newsflow


def test_a_warc_source_lists_paths_globs_and_urls() -> None:
    (source,) = parse_sources(
        "sources:\n  - name: history\n"
        "    warc: [cc-news/*.warc.gz, https://data.example/CC-NEWS-1.warc.gz]\n"
        "    allow: ['^https://metro-herald\\.example/']\n"
    )
    assert source.warc == ("cc-news/*.warc.gz", "https://data.example/CC-NEWS-1.warc.gz")
    assert source.allow == ("^https://metro-herald\\.example/",)


def test_a_warc_source_takes_no_discovery_urls() -> None:
    with pytest.raises(SourcesFileError, match="field 'warc' reads the pages from WARC files"):
        parse_sources(
            "sources:\n  - name: history\n    warc: [a.warc.gz]\n"
            "    sitemaps: [https://a.example/sitemap.xml]\n"
        )


def test_a_warc_source_takes_no_request_options() -> None:
    with pytest.raises(SourcesFileError, match="headers, cookies and proxy do not apply"):
        parse_sources(
            "sources:\n  - name: history\n    warc: [a.warc.gz]\n    cookies: {consent: 'yes'}\n"
        )


def test_a_warc_source_may_read_from_a_bucket() -> None:
    (source,) = parse_sources("sources:\n  - name: history\n    warc: ['s3://bucket/a.warc.gz']\n")
    assert source.warc == ("s3://bucket/a.warc.gz",)
    with pytest.raises(SourcesFileError, match=r"only local paths, globs, http\(s\) and s3://"):
        parse_sources("sources:\n  - name: history\n    warc: ['ftp://host/a.warc.gz']\n")


def test_newsflow_run_imports_a_warc_source(
    tmp_path: Path, pages: list[WarcPage], clean_database_url: str
) -> None:
    (tmp_path / "cc-news").mkdir()
    write_warc(tmp_path / "cc-news" / "CC-NEWS-1.warc.gz", pages[:9])
    write_warc(tmp_path / "cc-news" / "CC-NEWS-2.warc.gz", pages[9:])
    sources = tmp_path / "sources.yaml"
    sources.write_text(  # a relative glob is relative to the sources file
        "sources:\n  - name: herald-history\n    warc: ['cc-news/*.warc.gz']\n"
        "    allow: ['^https://metro-herald\\.example/']\n",
        encoding="utf-8",
    )
    env = {
        "NEWSFLOW_DATABASE_URL": clean_database_url,
        "NEWSFLOW_HOME": str(tmp_path / "home"),
        "NEWSFLOW_EXTRACT_PROCESSES": "2",
    }
    done = run_newsflow("run", "--sources", str(sources), "--json", env=env, timeout=240)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["status"] == "success"
    assert report["pages_fetched"] == 6
    assert report["articles_new"] + report["duplicates"] == 6


def test_newsflow_crawl_leaves_a_warc_source_out(tmp_path: Path, clean_database_url: str) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources:\n  - name: history\n    warc: [a.warc.gz]\n", encoding="utf-8")
    env = {"NEWSFLOW_DATABASE_URL": clean_database_url, "NEWSFLOW_HOME": str(tmp_path / "home")}
    done = run_newsflow("crawl", "--sources", str(sources), env=env)
    assert done.returncode == 2
    assert "history reads WARC files, not the web" in done.stderr
    assert "every chosen source has warc: files" in done.stderr


@pytest.mark.slow
def test_a_run_with_a_web_source_and_a_warc_source_loads_both(
    tmp_path: Path, pages: list[WarcPage], clean_database_url: str
) -> None:
    from datetime import date

    from devtools.sample_site import SampleSite, SiteConfig

    write_warc(tmp_path / "history.warc.gz", pages)
    env = {
        "NEWSFLOW_DATABASE_URL": clean_database_url,
        "NEWSFLOW_HOME": str(tmp_path / "home"),
        "NEWSFLOW_EXTRACT_PROCESSES": "2",
    }
    site = SampleSite(SiteConfig(today=date(2026, 11, 20), days=1, articles_per_day=3))
    with site.serve() as served:
        planet = served.sources_yaml().split("  - name: metro-herald")[0]
        sources = tmp_path / "sources.yaml"
        history = "  - name: history\n    warc: [history.warc.gz]\n    allow: ['//metro-herald']\n"
        sources.write_text(planet + history, encoding="utf-8")
        done = run_newsflow("run", "--sources", str(sources), "--json", env=env, timeout=240)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["sources"]["history"]["pages_fetched"] == 6
    assert report["sources"]["daily-planet"]["pages_fetched"] > 0
    assert all(s["status"] == "success" for s in report["sources"].values())


def test_a_runs_plan_lists_backfills_after_the_web_sources(settings, tmp_path: Path) -> None:
    """The order the crawl step works in: ``newsflow run`` extracts the sources in plan
    order, so a backfill listed first must not hold up the web sources' extraction."""
    from pipeline import steps

    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n"
        "  - name: history\n    warc: [a.warc.gz]\n"
        "  - name: web\n    sitemaps: [http://a.test/s.xml]\n"
        "  - name: more-web\n    sitemaps: [http://b.test/s.xml]\n"
    )
    plan = steps.start_run(settings, sources_file=str(sources))
    assert plan.sources == ("web", "more-web", "history")
