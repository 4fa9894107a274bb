"""The sample site's paywall trap through ``newsflow run``: the paywalled articles are loaded
flagged (not free, cut off, the prompt left out of the body), the free one is not, and
``newsflow stats`` gives the source's share of cut-off articles."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from subprocess import CompletedProcess

import psycopg
import pytest

from devtools.sample_site.paywalled import (
    PAYWALL_SITEMAP,
    PAYWALLED_ARTICLES,
    PROMPT,
    is_paywalled,
    paywalled_paths,
)
from pipeline.config import Settings
from pipeline.extract import EXTRACTOR_VERSION
from pipeline.reprocess import reprocess
from tests.cli_helpers import run_newsflow

pytestmark = pytest.mark.slow


@dataclass
class PaywallRun:
    run: CompletedProcess[str]
    articles: dict[str, tuple]
    """Path -> (is_accessible_for_free, truncated, body, extractor_version), from
    warehouse.articles."""
    whole: list[str]
    """Paths of analytics.articles WHERE NOT truncated."""
    stats: dict[str, object]
    """The source's line of ``newsflow stats --json``."""
    reprocessed: dict[str, tuple]
    """Path -> (is_accessible_for_free, truncated, body, version) after the rows were
    made to look extracted before paywalls were recorded and the reprocess ran."""


@pytest.fixture(scope="module")
def loaded(site, make_database, tmp_path_factory) -> PaywallRun:
    tmp: Path = tmp_path_factory.mktemp("paywall")
    sources = tmp / "sources.yaml"
    sources.write_text(
        "sources:\n"
        f"  - name: paywalled\n    sitemaps: [{site.base_url}{PAYWALL_SITEMAP}]\n"
        "    allow: ['/paywalled/']\n",
        encoding="utf-8",
    )
    database_url = make_database()
    env = {"NEWSFLOW_DATABASE_URL": database_url, "NEWSFLOW_HOME": str(tmp / "home")}
    run = run_newsflow("run", "--sources", str(sources), "--json", env=env, timeout=240)
    stats = run_newsflow("stats", "--json", env=env)
    assert stats.returncode == 0, stats.stderr
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT url, is_accessible_for_free, truncated, body, extractor_version "
            "FROM warehouse.articles WHERE source = 'paywalled'"
        ).fetchall()
        whole = conn.execute(
            "SELECT url FROM analytics.articles WHERE source = 'paywalled' AND NOT truncated"
        ).fetchall()
    cut = len(site.base_url)
    return PaywallRun(
        run,
        {url[cut:]: tuple(rest) for url, *rest in rows},
        [url[cut:] for (url,) in whole],
        next(
            line
            for line in map(json.loads, stats.stdout.splitlines())
            if line["source"] == "paywalled"
        ),
        {url[cut:]: tuple(rest) for url, *rest in _reprocessed(database_url, env)},
    )


def _reprocessed(database_url: str, env: dict[str, str]) -> list[tuple]:
    """Make the rows look loaded by the extractor before paywalls (flags unknown, the
    prompt in the first paywalled body), re-extract them, and read them back."""
    with psycopg.connect(database_url) as conn:
        conn.execute(
            "UPDATE warehouse.articles SET is_accessible_for_free = NULL, truncated = false, "
            "extractor_version = '2026.11.2', "
            "body = CASE WHEN url LIKE %s THEN body || %s ELSE body END",
            (f"%{paywalled_paths()[0]}", f"\n\n{PROMPT}"),
        )
    reprocess(Settings.from_env(env), extractor_version_below=EXTRACTOR_VERSION)
    with psycopg.connect(database_url) as conn:
        return conn.execute(
            "SELECT url, is_accessible_for_free, truncated, body, version "
            "FROM warehouse.articles WHERE source = 'paywalled'"
        ).fetchall()


def test_every_article_of_the_trap_is_loaded(loaded):
    assert loaded.run.returncode == 0, loaded.run.stderr[-2000:]
    assert sorted(loaded.articles) == sorted(paywalled_paths())
    assert {row[3] for row in loaded.articles.values()} == {EXTRACTOR_VERSION}


def test_paywalled_articles_are_flagged_not_free_and_truncated(loaded):
    flagged = {p: row[:2] for p, row in loaded.articles.items() if is_paywalled(p)}
    assert len(flagged) == PAYWALLED_ARTICLES
    assert set(flagged.values()) == {(False, True)}


def test_the_free_article_is_declared_free_and_whole(loaded):
    (free,) = [row for p, row in loaded.articles.items() if not is_paywalled(p)]
    assert free[:2] == (True, False)


def test_the_paywall_prompt_is_not_in_the_stored_bodies(loaded):
    for path, (_, _, body, _) in loaded.articles.items():
        assert PROMPT not in body and "Already a subscriber" not in body, path
        assert body.strip(), path


def test_one_filter_leaves_the_cut_off_articles_out(loaded):
    assert loaded.whole == [p for p in paywalled_paths() if not is_paywalled(p)]


def test_stats_gives_the_share_of_truncated_articles(loaded):
    expected = PAYWALLED_ARTICLES / (PAYWALLED_ARTICLES + 1)
    assert loaded.stats["truncated_share"] == pytest.approx(expected)


def test_reprocessing_fills_the_flags_of_articles_loaded_before_them(loaded):
    assert {p: row[:2] for p, row in loaded.reprocessed.items()} == {
        p: row[:2] for p, row in loaded.articles.items()
    }


def test_reprocessing_takes_the_prompt_out_of_an_older_body_as_a_new_version(loaded):
    first, *others = paywalled_paths()
    assert PROMPT not in loaded.reprocessed[first][2]
    assert loaded.reprocessed[first][3] == 2
    assert {loaded.reprocessed[p][3] for p in others} == {1}
