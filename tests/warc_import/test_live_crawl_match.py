"""An imported page already loaded by a live crawl is matched by URL and content."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import psycopg
import pytest

from devtools.sample_site import SampleSite, SiteConfig
from devtools.warc_files import pages_of, write_warc
from tests.cli_helpers import run_newsflow

pytestmark = pytest.mark.slow


def test_a_live_crawled_article_is_matched_not_loaded_again(
    tmp_path: Path, clean_database_url: str
) -> None:
    env = {
        "NEWSFLOW_DATABASE_URL": clean_database_url,
        "NEWSFLOW_HOME": str(tmp_path / "home"),
        "NEWSFLOW_EXTRACT_PROCESSES": "2",
    }
    site = SampleSite(SiteConfig(today=date(2026, 11, 20), days=1, articles_per_day=3))
    with site.serve() as served:
        sources = served.write_sources_file(tmp_path / "sources.yaml")
        live = run_newsflow(
            "run", "--sources", str(sources), "--source", "daily-planet", "--json",
            env=env, timeout=240,
        )  # fmt: skip
        assert live.returncode == 0, live.stderr
        planet = [p for p in pages_of(served, rehost=False) if "/planet/" in p.url]
    with psycopg.connect(clean_database_url) as conn:
        originals = [
            row[0]
            for row in conn.execute(
                "SELECT url FROM warehouse.articles WHERE duplicate_of IS NULL ORDER BY url"
            )
        ]
        before = conn.execute("SELECT count(*) FROM warehouse.articles").fetchone()
    first = next(p for p in planet if p.url == originals[0])
    other = next(p for p in planet if p.url != first.url)
    now = datetime.now(UTC)
    copy_url = first.url.rsplit("/", 2)[0] + "/copy-of-the-story/"
    write_warc(
        tmp_path / "history.warc.gz",
        [
            replace(first, captured_at=now),  # captured after the live crawl: same content
            other,  # captured before the live crawl (an hour after publication)
            replace(first, url=copy_url, captured_at=now),  # same content, another URL
        ],
    )
    done = run_newsflow(
        "import-warc", str(tmp_path / "history.warc.gz"), "--source", "daily-planet",
        "--sources", str(sources), "--json", env=env, timeout=240,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["records"]["kept"], report["records"]["already_stored"]) == (2, 1)
    assert (report["articles_new"], report["articles_updated"]) == (0, 0)
    assert (report["articles_unchanged"], report["duplicates"]) == (1, 1)
    with psycopg.connect(clean_database_url) as conn:
        copy = conn.execute(
            "SELECT o.url FROM warehouse.articles a JOIN warehouse.articles o "
            "ON o.article_id = a.duplicate_of WHERE a.url = %s",
            (copy_url,),
        ).fetchone()
        after = conn.execute("SELECT count(*) FROM warehouse.articles").fetchone()
    assert copy == (first.url,)
    assert after is not None and before is not None and after[0] == before[0] + 1
