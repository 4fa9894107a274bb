"""No silent nights: ``newsflow run`` on a source whose sitemap moved fails loudly, and a
source with one broken feed next to a good one succeeds and names the broken one."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from tests.cli_helpers import run_newsflow
from tests.crawlers.site import TestSite, article_html


def build(site: TestSite) -> None:
    b = site.base_url
    site.add("/robots.txt", "User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"})
    items = "".join(
        f"<item><title>{p}</title><link>{b}/news/{p}</link></item>" for p in ("one", "two")
    )
    site.add(
        "/good.rss",
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Fish & '
        f"chips</title>{items}</channel></rss>",  # a bare "&": read in recovery mode
        headers={"Content-Type": "application/rss+xml"},
    )
    for path in ("one", "two"):
        site.add(f"/news/{path}", article_html(f"Story {path}", words=300))


def write_sources(path: Path, base: str) -> Path:
    path.write_text(
        "sources:\n"
        f"  - name: moved\n    sitemaps: [{base}/sitemap.xml]\n"
        f"  - name: mixed\n    feeds: [{base}/broken.rss, {base}/good.rss]\n"
        "    allow: ['/news/']\n"
        f"  - name: frontless\n    start_urls: [{base}/section/gone]\n"
        "    allow: ['/news/']\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def outcome(make_database, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("no-silent-nights")
    database_url = make_database()
    site = TestSite()
    with site.serve():
        build(site)
        sources = write_sources(tmp / "sources.yaml", site.base_url)
        env = {"NEWSFLOW_DATABASE_URL": database_url, "NEWSFLOW_HOME": str(tmp / "home")}
        done = run_newsflow("run", "--sources", str(sources), "--json", env=env, timeout=240)
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT source, status, error, crawl_stats, discovery_recovered "
            "FROM warehouse.crawl_run_sources"
        ).fetchall()
        run = conn.execute("SELECT status, error FROM warehouse.crawl_runs").fetchone()
        view = conn.execute(
            "SELECT source, failed_documents, discovery_recovered FROM analytics.crawl_run_sources"
        ).fetchall()
    return (
        site.base_url,
        done,
        {name: row for name, *row in rows},
        run,
        {name: tuple(row) for name, *row in view},
    )


def test_a_run_with_a_source_whose_sitemap_answers_404_exits_non_zero(outcome):
    _, done, _, _, _ = outcome
    assert done.returncode == 1, done.stderr[-2000:]
    assert json.loads(done.stdout)["status"] == "partial"


def test_the_source_fails_with_a_message_naming_the_document_and_the_answer(outcome):
    base, _, sources, run, _ = outcome
    status, error, stats, _ = sources["moved"]
    expected = (
        f"source 'moved': no discovery document could be read: {base}/sitemap.xml answered 404"
    )
    assert status == "failed" and expected in error
    assert run[0] == "partial" and f"moved: {error}" in run[1]
    assert stats["failed_documents"] == [f"{base}/sitemap.xml answered 404"]


def test_the_json_report_names_each_source_s_failed_documents(outcome):
    base, done, _, _, _ = outcome
    per_source = json.loads(done.stdout)["sources"]
    assert per_source["mixed"]["status"] == "success"
    assert per_source["mixed"]["failed_documents"] == [f"{base}/broken.rss answered 404"]
    assert per_source["mixed"]["discovery_failed"] == 1
    assert per_source["moved"]["status"] == "failed"
    assert "no discovery document could be read" in per_source["moved"]["error"]


def test_a_source_with_one_broken_feed_succeeds_and_names_the_broken_one(outcome):
    base, _, sources, _, _ = outcome
    status, error, stats, _ = sources["mixed"]
    assert (status, error) == ("success", None)
    assert stats["failed_documents"] == [f"{base}/broken.rss answered 404"]
    assert stats["documents_read"] == 1 and stats["fetched"] == 2


def test_a_feed_read_in_recovery_mode_is_counted_per_source_and_in_the_run(outcome):
    _, done, sources, _, _ = outcome
    assert sources["mixed"][3] == 1 and sources["moved"][3] == 0
    assert json.loads(done.stdout)["discovery_recovered"] == 1


def test_a_source_whose_only_start_page_fails_fails_too(outcome):
    base, _, sources, _, _ = outcome
    status, error, stats, _ = sources["frontless"]
    assert status == "failed"
    assert f"no discovery document could be read: {base}/section/gone answered 404" in error
    assert stats["failed_documents"] == [f"{base}/section/gone answered 404"]


def test_analysts_see_the_failed_documents_and_recovered_count_per_source(outcome):
    base, _, _, _, view = outcome
    assert view["moved"] == ([f"{base}/sitemap.xml answered 404"], 0)
    assert view["mixed"] == ([f"{base}/broken.rss answered 404"], 1)
