"""``newsflow reprocess``: the sample site crawled and loaded by ``newsflow run``, then
its archived pages extracted again from the command line with no request to the site,
narrowed by extractor version, source and publication day; ``--json`` has the keys of
``newsflow run --json``."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest

from devtools.sample_site import SampleSite, SiteConfig
from pipeline.errors import EXIT_PERMANENT
from pipeline.extract import EXTRACTOR_VERSION
from tests.cli_helpers import run_newsflow
from tests.e2e.conftest import TODAY

pytestmark = pytest.mark.slow

CONFIG = SiteConfig(seed=13, today=TODAY, days=2, articles_per_day=3, oversized_mb=11)
OLD = "2026.11.2"
_VERSIONS = """
SELECT source, extractor_version = %s AS current, count(*) FROM warehouse.articles
GROUP BY 1, 2 ORDER BY 1, 2
"""


def _versions(url: str) -> dict[tuple[str, bool], int]:
    with psycopg.connect(url) as conn:
        return {(s, c): n for s, c, n in conn.execute(_VERSIONS, (EXTRACTOR_VERSION,))}


def _age_every_article(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("UPDATE warehouse.articles SET extractor_version = %s", (OLD,)).rowcount


def test_reprocess_re_extracts_archived_pages_offline_with_run_json_keys(
    make_database, tmp_path: Path
):
    url = make_database()
    env = {"NEWSFLOW_DATABASE_URL": url, "NEWSFLOW_HOME": str(tmp_path / "home")}
    env["NEWSFLOW_EXTRACT_PROCESSES"] = "2"
    with SampleSite(CONFIG).serve() as site:
        sources = site.write_sources_file(tmp_path / "sources.yaml")
        ran = run_newsflow("run", "--sources", str(sources), "--json", env=env, timeout=300)
        assert ran.returncode == 0, ran.stderr
        run_json = json.loads(ran.stdout)
        loaded = _age_every_article(url)
        aged = _versions(url)
        asked = len(site.request_log)

        one = run_newsflow(
            "reprocess", "--extractor-version-below", EXTRACTOR_VERSION,
            "--source", "metro-herald", "--json", env=env, timeout=300,
        )  # fmt: skip
        assert one.returncode == 0, one.stderr
        one_json = json.loads(one.stdout)
        after_one = _versions(url)

        day = (TODAY - timedelta(days=1)).isoformat()
        by_day = run_newsflow(
            "reprocess", "--extractor-version-below", EXTRACTOR_VERSION,
            "--since", day, "--until", day, env=env, timeout=300,
        )  # fmt: skip
        assert by_day.returncode == 0, by_day.stderr
        assert len(site.request_log) == asked, "reprocessing asked the site for a page"

    assert loaded == run_json["articles_new"] + run_json["duplicates"] > 0
    assert one_json.keys() == run_json.keys()
    herald = one_json["sources"]["metro-herald"]
    assert herald.keys() == run_json["sources"]["metro-herald"].keys()
    assert one_json["status"] == herald["status"] == "success"
    assert list(one_json["sources"]) == ["metro-herald"]
    assert one_json["articles_new"] == 0, one_json
    assert one_json["articles_unchanged"] + one_json["articles_updated"] > 0, one_json
    assert after_one[("metro-herald", True)] == aged[("metro-herald", False)]  # re-extracted
    assert ("metro-herald", False) not in after_one
    assert after_one[("daily-planet", False)] > 0 and ("daily-planet", True) not in after_one

    assert by_day.stdout.startswith(f"run {one_json['run_id'] + 1}: success")
    after_day = _versions(url)
    with psycopg.connect(url) as conn:
        (that_day,) = conn.execute(
            "SELECT count(*) FROM warehouse.articles WHERE source <> 'metro-herald'"
            " AND published_at::date = %s",
            (day,),
        ).fetchone()
        trigger = conn.execute(
            "SELECT trigger FROM warehouse.crawl_runs WHERE run_id = %s", (one_json["run_id"],)
        ).fetchone()
    assert that_day > 0
    assert after_day[("daily-planet", True)] + after_day[("valley-gazette", True)] == that_day
    assert trigger == ("reprocess",)


def test_reprocess_refuses_a_window_that_ends_before_it_starts(clean_database_url, tmp_path):
    env = {"NEWSFLOW_DATABASE_URL": clean_database_url, "NEWSFLOW_HOME": str(tmp_path)}
    done = run_newsflow("reprocess", "--since", "2026-03-05", "--until", "2026-03-01", env=env)
    assert done.returncode == EXIT_PERMANENT
    assert done.stderr.strip().splitlines()[-1].startswith("newsflow: error: ")
