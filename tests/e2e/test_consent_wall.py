"""The sample site's consent-wall trap through ``newsflow run``: the documented cookie in
``cookies:`` gets the articles, whole; without it the pages are not loaded as articles;
and the cookie goes to the source's host only."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from subprocess import CompletedProcess

import psycopg
import pytest

from devtools.sample_site import RequestRecord, SampleSite
from devtools.sample_site.consent import (
    CONSENT_PAGES,
    CONSENT_SITEMAP,
    consent_article,
    consent_paths,
)
from tests.cli_helpers import run_newsflow
from tests.e2e.conftest import stored_articles

pytestmark = pytest.mark.slow

ELSEWHERE = "localhost"
"""The same server under another host name: the source without the cookie."""


@dataclass
class ConsentRun:
    done: CompletedProcess[str]
    report: dict
    requests: list[RequestRecord]
    """The run's requests for the consent trap, both host names."""
    fetched: set[str]
    """Article URLs crawl_state has as fetched."""
    articles: dict[str, str]
    """Stored article URL -> body."""


@pytest.fixture(scope="module")
def run(site: SampleSite, make_database, tmp_path_factory) -> ConsentRun:
    tmp: Path = tmp_path_factory.mktemp("consent-wall")
    elsewhere = site.base_url.replace("127.0.0.1", ELSEWHERE)
    sources = tmp / "sources.yaml"
    sources.write_text(
        "sources:\n"
        f"  - name: consent\n    sitemaps: [{site.base_url}{CONSENT_SITEMAP}]\n"
        "    cookies: {consent: yes}\n"
        f"  - name: consent-elsewhere\n    sitemaps: [{elsewhere}{CONSENT_SITEMAP}]\n",
        encoding="utf-8",
    )
    database_url = make_database()
    env = {"NEWSFLOW_DATABASE_URL": database_url, "NEWSFLOW_HOME": str(tmp / "home")}
    start = len(site.request_log)
    done = run_newsflow("run", "--sources", str(sources), "--json", env=env, timeout=240)
    requests = [r for r in site.request_log[start:] if r.path.startswith("/consent/")]
    with psycopg.connect(database_url) as conn:
        fetched = {
            url
            for (url,) in conn.execute(
                "SELECT url FROM warehouse.crawl_state "
                "WHERE kind = 'article' AND outcome = 'fetched'"
            )
        }
    articles = {url: stored.body for url, stored in stored_articles(database_url).items()}
    return ConsentRun(done, json.loads(done.stdout), requests, fetched, articles)


def test_with_the_cookie_every_page_is_loaded_with_its_whole_body(run, site):
    for path in consent_paths(site):
        body = run.articles[site.base_url + path]
        for paragraph in consent_article(site, path).paragraphs:
            assert paragraph in body, path


def test_without_the_cookie_no_page_is_loaded_as_an_article(run, site):
    elsewhere = site.base_url.replace("127.0.0.1", ELSEWHERE)
    urls = [elsewhere + path for path in consent_paths(site)]
    assert set(urls) <= run.fetched  # fetched, then found to be no article
    assert run.report["sources"]["consent-elsewhere"]["not_article"] == CONSENT_PAGES
    assert not set(urls) & run.articles.keys()
    assert len([u for u in run.articles if "/consent/" in u]) == CONSENT_PAGES


def test_the_cookie_is_sent_to_the_sources_host_only(run, site):
    host = site.base_url.removeprefix("http://")
    own = [r for r in run.requests if r.headers.get("host") == host]
    other = [r for r in run.requests if r.headers.get("host", "").startswith(ELSEWHERE)]
    assert len(own) > CONSENT_PAGES and len(other) > CONSENT_PAGES
    assert {r.headers.get("cookie") for r in own} == {"consent=yes"}
    assert {r.headers.get("cookie") for r in other} == {None}


def test_the_source_with_the_cookie_passes_its_checks_the_other_says_why_not(run):
    sources = run.report["sources"]
    assert sources["consent"]["status"] == "success", run.done.stderr[-2000:]
    assert sources["consent"]["articles_new"] == CONSENT_PAGES
    assert sources["consent-elsewhere"]["status"] == "failed"
    assert "share of fetched pages with an article 0%" in sources["consent-elsewhere"]["error"]


def test_the_cookie_value_is_not_in_the_run_json(run):
    assert "consent=yes" not in run.done.stdout
