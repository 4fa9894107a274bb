"""Conditional discovery over two runs of the sample site, read from its request log.

The site holds one daily-planet article back (``SiteConfig.late_article``) and
publishes it between the two runs: that changes one day sitemap, and its lastmod in the
sitemap index, and nothing else. The daily-planet and the metro-herald serve ETag and
Last-Modified on their sitemaps and feeds; the valley-gazette serves no validators.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import psycopg
import pytest

from devtools.sample_site import RequestRecord, SampleSite
from pipeline.local_run import run_pipeline
from tests.e2e.conftest import SITE_CONFIG, e2e_settings, sources_file, stored_articles

pytestmark = pytest.mark.slow

PLANET_DOCUMENTS = ("/planet/sitemap-index.xml", "/planet/news-sitemap.xml", "/planet/sitemaps/")
HERALD_DOCUMENTS = ("/herald/rss.xml",)
GAZETTE_DOCUMENTS = ("/gazette/sitemap.xml", "/gazette/section/")


@dataclass
class Runs:
    site: SampleSite
    database_url: str
    first: list[RequestRecord]
    second: list[RequestRecord]
    second_report: dict
    late_path: str
    base_url: str


@pytest.fixture(scope="module")
def runs(make_database, tmp_path_factory) -> Runs:
    database_url = make_database()
    home = tmp_path_factory.mktemp("conditional-home")
    settings = e2e_settings(home, database_url)
    with SampleSite(replace(SITE_CONFIG, late_article=True)).serve() as site:
        sources = str(sources_file(site, home / "sources.yaml"))
        run_pipeline(settings, sources_file=sources)
        first = site.request_log
        late_path = site.publish_late()
        report = run_pipeline(settings, sources_file=sources)
        second = site.request_log[len(first) :]
        return Runs(site, database_url, first, second, report, late_path, site.base_url)


def requests_for(log: list[RequestRecord], prefixes: tuple[str, ...]) -> list[RequestRecord]:
    return [r for r in log if r.path.startswith(prefixes)]


def day_sitemaps(log: list[RequestRecord]) -> list[str]:
    return sorted(r.path for r in log if r.path.startswith("/planet/sitemaps/"))


def test_the_first_run_asks_every_document_unconditionally(runs):
    first = requests_for(runs.first, PLANET_DOCUMENTS + HERALD_DOCUMENTS + GAZETTE_DOCUMENTS)
    assert first and all("if-none-match" not in r.headers for r in first)
    assert len(day_sitemaps(runs.first)) == SITE_CONFIG.days


def test_the_second_run_asks_only_conditional_questions_of_servers_with_validators(runs):
    second = requests_for(runs.second, PLANET_DOCUMENTS + HERALD_DOCUMENTS)
    assert second
    unconditional = [
        r.path
        for r in second
        if "if-none-match" not in r.headers or "if-modified-since" not in r.headers
    ]
    assert unconditional == []


def test_unchanged_child_sitemaps_are_not_asked_at_all(runs):
    late_day = runs.late_path.split("/")[2:5]  # /planet/YYYY/MM/DD/slug/
    assert day_sitemaps(runs.second) == [f"/planet/sitemaps/{'-'.join(late_day)}.xml.gz"]
    # The news sitemap is a child of the index too, with its lastmod unchanged.
    assert requests_for(runs.second, ("/planet/news-sitemap.xml",)) == []


def test_unchanged_documents_are_answered_304(runs):
    statuses = {r.path: r.status for r in requests_for(runs.second, PLANET_DOCUMENTS)}
    assert statuses["/planet/sitemap-index.xml"] == 200  # the late day's lastmod changed
    assert {r.status for r in requests_for(runs.second, HERALD_DOCUMENTS)} == {304}


def test_the_changed_sitemap_is_read_and_its_new_article_loaded(runs):
    (day,) = [r for r in runs.second if r.path.startswith("/planet/sitemaps/")]
    assert day.status == 200
    articles_asked = [r.path for r in runs.second if r.path.startswith("/planet/20")]
    assert articles_asked == [runs.late_path]
    assert runs.base_url + runs.late_path in stored_articles(runs.database_url)
    assert runs.second_report["counts"]["articles_new"] == 1
    assert runs.second_report["status"] == "success"


def test_documents_without_validators_are_downloaded_but_not_parsed_again(runs):
    gazette = requests_for(runs.second, GAZETTE_DOCUMENTS)
    assert gazette and all("if-none-match" not in r.headers for r in gazette)
    assert {r.status for r in gazette} == {200}
    crawl = runs.second_report["sources"]["valley-gazette"]["crawl"]
    # robots.txt read for its Sitemap: lines, the sitemap, the section pages.
    assert crawl["discovery_unchanged"] >= 3
    assert crawl["documents_read"] == 0
    assert crawl["fetched"] == 0
    assert [r.path for r in runs.second if r.path.startswith("/gazette/20")] == []


def test_the_quiet_documents_are_counted_per_source(runs):
    sources = runs.second_report["sources"]
    planet = sources["daily-planet"]["crawl"]
    # The news sitemap and the day sitemaps but one, not asked.
    assert planet["discovery_not_modified"] == 1 + SITE_CONFIG.days - 1
    assert sources["metro-herald"]["crawl"]["discovery_not_modified"] == 1
    counts = runs.second_report["counts"]
    assert counts["discovery_not_modified"] == planet["discovery_not_modified"] + 1
    assert counts["discovery_unchanged"] >= 3


def test_the_counters_are_stored_with_the_run(runs):
    with psycopg.connect(runs.database_url) as conn:
        rows = dict(
            conn.execute(
                "SELECT source, discovery_not_modified FROM analytics.crawl_run_sources"
                " WHERE run_id = %s",
                (runs.second_report["run_id"],),
            ).fetchall()
        )
    assert rows["daily-planet"] == SITE_CONFIG.days
