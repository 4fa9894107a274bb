"""The whole pipeline against the bundled sample site and a real PostgreSQL.

One sequence of runs for the module (``pipeline.local_run.run_pipeline``, what ``newsflow
run`` calls; the run's crawls in one child process): a first full run, the same run again,
then ``advance_day`` and a third run. Each test checks one promise against the rows
stored, the crawl state, the run reports or the site's request log. A date-window run
into a fresh database comes last.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import psycopg
import pytest

from devtools.extraction_metric import aggregate, score_page
from devtools.sample_site import ExpectedArticle, RequestRecord, SampleSite
from pipeline.local_run import run_pipeline
from pipeline.window import Window
from tests.e2e.conftest import (
    SITE_CONFIG,
    TODAY,
    StoredArticle,
    e2e_settings,
    sources_file,
    stored_articles,
)

pytestmark = pytest.mark.slow


@dataclass
class Run:
    report: dict
    requests: list[RequestRecord]
    expected: list[ExpectedArticle]
    """What the site published when the run started."""
    stored: dict[str, StoredArticle]


@dataclass
class Sequence:
    site: SampleSite
    database_url: str
    first: Run
    second: Run
    after_advance: Run
    revised_url: str


def path_of(url_or_path: str) -> str:
    return urlsplit(url_or_path).path


def article_requests(
    run: Run, expected: list[ExpectedArticle], *, downloads_only: bool = False
) -> list[str]:
    """Paths of the run's requests for article pages (query strings dropped); with
    ``downloads_only``, without the conditional requests answered 304."""
    articles = {path_of(e.url) for e in expected}
    return [
        path_of(r.path)
        for r in run.requests
        if path_of(r.path) in articles and not (downloads_only and r.status == 304)
    ]


@pytest.fixture(scope="module")
def sequence(site, make_database, tmp_path_factory) -> Sequence:
    url = make_database()
    home = tmp_path_factory.mktemp("e2e-home")
    settings = e2e_settings(home, url)
    sources = str(sources_file(site, home / "sources.yaml"))

    def run() -> Run:
        start, expected = len(site.request_log), site.expected_articles()
        report = run_pipeline(settings, sources_file=sources)
        return Run(report, site.request_log[start:], expected, stored_articles(url))

    first, second = run(), run()
    before = {e.url: e.version for e in site.expected_articles()}
    site.advance_day()
    (revised,) = [e.url for e in site.expected_articles() if e.version == 2]
    assert before[revised] == 1
    return Sequence(site, url, first, second, run(), revised)


# --- the first run --------------------------------------------------------------------


def test_first_run_succeeds_for_every_source(sequence):
    report = sequence.first.report
    assert report["status"] == "success", report
    assert set(report["sources"]) == {"daily-planet", "metro-herald", "valley-gazette"}


def test_stored_originals_are_exactly_the_published_originals(sequence):
    run = sequence.first
    originals = {u for u, a in run.stored.items() if a.original_url is None}
    assert originals == {e.url for e in run.expected if e.kind == "original"}


def test_every_copy_is_linked_to_its_original(sequence):
    run = sequence.first
    copies = [e for e in run.expected if e.kind != "original"]
    assert copies, "the sample site publishes copies"
    assert {e.url: run.stored[e.url].original_url for e in copies} == {
        e.url: e.original_url for e in copies
    }
    assert len(run.stored) == len(run.expected)


def test_no_request_ever_went_to_a_robots_disallowed_path(sequence):
    every = [*sequence.first.requests, *sequence.second.requests, *sequence.after_advance.requests]
    disallowed = tuple(sequence.site.disallowed_paths())
    assert every and not [r.path for r in every if r.path.startswith(disallowed)]


def test_extraction_f1_against_the_known_bodies_is_at_least_095(sequence):
    run = sequence.first
    score = aggregate(score_page(e.body, run.stored[e.url].body) for e in run.expected)
    assert score.pages == len(run.expected) and score.empty == 0
    assert score.f1 >= 0.95, score


def test_titles_are_extracted_exactly(sequence):
    run = sequence.first
    wrong = {
        e.url: (e.title, run.stored[e.url].title)
        for e in run.expected
        if e.title != run.stored[e.url].title
    }
    assert len(wrong) <= len(run.expected) // 20, wrong


TRAP_REASONS = {
    "500": ("failed", "http_500"),
    "404": ("failed", "http_404"),
    "slow": ("failed", "timeout"),
    "oversized": ("failed", "too_large"),
    "pdf": ("not_html", "not_html"),
    "redirect_loop": ("failed", "redirect_loop"),
    "429": ("fetched", None),
    "latin1": ("fetched", None),
}


def test_traps_are_recorded_as_failures_with_their_reasons(sequence):
    with psycopg.connect(sequence.database_url) as conn:
        state = {
            url: (outcome, reason)
            for url, outcome, reason in conn.execute(
                "SELECT url, outcome, failure_reason FROM warehouse.crawl_state"
            )
        }
    traps = sequence.site.trap_urls()
    assert {url: state.get(url) for url in traps} == {
        url: TRAP_REASONS[kind] for url, kind in traps.items()
    }
    failed = sequence.first.report["sources"]["daily-planet"]["crawl"]["failed_by_reason"]
    for reason in ("http_500", "http_404", "timeout", "too_large", "not_html", "redirect_loop"):
        assert failed.get(reason) == 1, failed
    # The run's failed counter is exactly those trap pages; no sitemap or feed failed.
    counts = sequence.first.report["counts"]
    assert counts["failed"] == sum(1 for kind in traps.values() if TRAP_REASONS[kind][1])
    assert counts["discovery_failed"] == 0


def test_trap_articles_behind_429_and_latin1_are_loaded_correctly(sequence):
    run = sequence.first
    for url, kind in sequence.site.trap_urls().items():
        if kind in ("429", "latin1"):
            (expected,) = [e for e in run.expected if e.url == url]
            assert run.stored[url].body == expected.body


# --- the second run -------------------------------------------------------------------


def test_second_run_adds_and_changes_nothing(sequence):
    counts = sequence.second.report["counts"]
    assert sequence.second.report["status"] == "success"
    assert (counts["articles_new"], counts["articles_updated"], counts["duplicates"]) == (0, 0, 0)
    assert sequence.second.stored == sequence.first.stored


def test_second_run_downloads_no_article_again(sequence):
    assert article_requests(sequence.second, sequence.second.expected) == []


def test_second_run_does_not_retry_the_pages_that_just_failed(sequence):
    failing = {
        path_of(url)
        for url, kind in sequence.site.trap_urls().items()
        if TRAP_REASONS[kind][0] == "failed"
    }
    assert failing
    assert [r.path for r in sequence.second.requests if path_of(r.path) in failing] == []
    crawl = sequence.second.report["sources"]["daily-planet"]["crawl"]
    assert crawl["skipped_failed_recently"] == len(failing), crawl


# --- after advance_day ------------------------------------------------------------------


def test_after_a_new_day_only_new_and_revised_pages_are_downloaded(sequence):
    run = sequence.after_advance
    new_day = {
        path_of(e.url) for e in run.expected if e.published_at.date() == TODAY + timedelta(days=1)
    }
    downloaded = article_requests(run, run.expected, downloads_only=True)
    assert sorted(downloaded) == sorted(new_day | {path_of(sequence.revised_url)})


def test_after_a_new_day_known_pages_are_at_most_asked_conditionally(sequence):
    """A page first fetched through a link (no date) and now found in a sitemap (dated)
    is asked once more with If-None-Match / If-Modified-Since; the site answers 304."""
    run = sequence.after_advance
    asked = [r for r in run.requests if r.status == 304]
    assert all("if-none-match" in r.headers or "if-modified-since" in r.headers for r in asked)


def test_after_a_new_day_the_new_articles_are_loaded(sequence):
    run = sequence.after_advance
    assert run.report["status"] == "success"
    assert {e.url for e in run.expected} == set(run.stored)
    originals = {u for u, a in run.stored.items() if a.original_url is None}
    assert originals == {e.url for e in run.expected if e.kind == "original"}


def test_the_revised_article_has_version_2_and_its_first_version_kept(sequence):
    run = sequence.after_advance
    (expected,) = [e for e in run.expected if e.url == sequence.revised_url]
    stored = run.stored[sequence.revised_url]
    assert (stored.version, stored.body) == (2, expected.body)
    with psycopg.connect(sequence.database_url) as conn:
        versions = conn.execute(
            "SELECT version, body FROM analytics.article_versions WHERE url = %s ORDER BY version",
            (sequence.revised_url,),
        ).fetchall()
    assert [v for v, _ in versions] == [1, 2]
    assert versions[0][1] == sequence.first.stored[sequence.revised_url].body
    assert run.report["counts"]["articles_updated"] == 1


_FIELDS = """
SELECT url, source, top_image_url, section, tags, published_at, modified_at
FROM warehouse.articles ORDER BY url
"""
_IMAGE_FOLDER = {
    "daily-planet": "/planet/images/",  # JSON-LD ImageObject
    "metro-herald": "/herald/media/",  # og:image
    "valley-gazette": "/gazette/images/",  # the body's only picture
}


def test_loaded_rows_have_their_image_section_tags_and_modified_time(sequence):
    with psycopg.connect(sequence.database_url) as conn:
        rows = conn.execute(_FIELDS).fetchall()
    assert rows
    base = sequence.site.base_url
    for url, source, image, section, tags, published, modified in rows:
        assert image and image.startswith(base + _IMAGE_FOLDER[source]), url
        if source == "valley-gazette":  # no structured data, no breadcrumb
            assert (section, tags, modified) == (None, [], None), url
            continue
        assert section in {"News", "Business", "Sport", "Culture"}, url
        assert section in tags and len(tags) >= 2, url
        assert modified is not None and modified >= published, url
    # The news sitemap's keywords (the story's topic) join the page's own tags.
    assert any(len(tags) == 3 for _, source, _, _, tags, _, _ in rows if source == "daily-planet")
    revised = next(r for r in rows if r[0] == sequence.revised_url)
    assert revised[6] > revised[5]  # modified after publication


def test_the_first_runs_quality_figures_give_the_share_of_articles_with_each_field(sequence):
    with psycopg.connect(sequence.database_url) as conn:
        shares = conn.execute(
            "SELECT source, image_share, section_share, tags_share, modified_share"
            " FROM analytics.crawl_run_sources"
            " WHERE run_id = (SELECT min(run_id) FROM warehouse.crawl_runs)"
        ).fetchall()
    assert {row[0]: row[1:] for row in shares} == {
        "daily-planet": (1.0, 1.0, 1.0, 1.0),
        "metro-herald": (1.0, 1.0, 1.0, 1.0),
        "valley-gazette": (1.0, 0.0, 0.0, 0.0),
    }


# --- a date-window run ------------------------------------------------------------------


@pytest.fixture(scope="module")
def window_run(make_database, tmp_path_factory):
    day = TODAY - timedelta(days=2)
    fresh = SampleSite(SITE_CONFIG)
    with fresh.serve() as site:
        url = make_database()
        home = tmp_path_factory.mktemp("e2e-window-home")
        report = run_pipeline(
            e2e_settings(home, url),
            sources_file=str(sources_file(site, home / "sources.yaml")),
            window=Window(day, day),
        )
        expected = site.expected_articles()
        return day, report, site.request_log, expected, stored_articles(url)


def window_fetches(window_run, prefix: str) -> tuple[set[str], list[str]]:
    """(article paths under ``prefix`` the window run requested, those outside its day)."""
    day, _, requests, expected, _ = window_run
    by_path = {path_of(e.url): e for e in expected if path_of(e.url).startswith(prefix)}
    fetched = {path_of(r.path) for r in requests if path_of(r.path) in by_path}
    return fetched, sorted(p for p in fetched if by_path[p].published_at.date() != day)


@pytest.mark.parametrize("prefix", ["/planet/", "/herald/"])
def test_date_window_run_fetches_only_in_window_pages_of_dated_discovery(window_run, prefix):
    fetched, outside = window_fetches(window_run, prefix)
    assert fetched and outside == []


def test_date_window_run_loads_exactly_the_articles_of_its_days(window_run):
    day, _, _, expected, stored = window_run
    assert set(stored) == {e.url for e in expected if e.published_at.date() == day}


def test_date_window_run_fetches_only_in_window_pages_of_link_discovery(window_run):
    fetched, outside = window_fetches(window_run, "/gazette/")
    assert fetched and outside == []


def test_date_window_run_passes_its_quality_checks(window_run):
    _, report, _, _, _ = window_run
    assert report["status"] == "success", report["error"]
