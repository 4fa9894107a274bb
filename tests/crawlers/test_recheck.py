"""The frontier's re-check: known URLs due again when discovery did not read their
documents again (crawlers.frontier.Frontier.recheck, crawlers.state ``due``)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from crawlers.frontier import Frontier, UrlFilter
from crawlers.state import CrawlStateStore, FetchRecord
from pipeline import runs
from pipeline.window import Window

NOW = datetime(2024, 6, 1, tzinfo=UTC)
MAY_2 = datetime(2024, 5, 2, tzinfo=UTC)


@pytest.fixture
def store(db):
    run_id = runs.create_run(db, sources=["s"], since=None, until=None, trigger="test")
    return CrawlStateStore(db, source="s", run_id=run_id)


def frontier(store, window=Window()):
    return Frontier(
        store,
        url_filter=UrlFilter(["a.com"], (), ()),
        window=window,
        revisit=timedelta(days=7),
        retry_failed=timedelta(hours=20),
        max_pages=100,
        clock=lambda: NOW,
    )


def url(path):
    return f"http://a.com{path}"


def record(store, path, outcome, *, lastmod=MAY_2, at=NOW - timedelta(days=1), **changes):
    fields = {
        "url": url(path),
        "outcome": outcome,
        "lastmod": lastmod,
        "fetched_at": at if outcome == "fetched" else None,
        "attempted_at": at,
    }
    fields.update(changes)
    store.fetched(FetchRecord(**fields))
    store.flush()


def admitted(store, window=Window()):
    return sorted(a.found.url for a in frontier(store, window).recheck())


def test_a_failed_url_whose_wait_is_over_is_admitted_again(store):
    record(store, "/failed-long-ago", "failed", at=NOW - timedelta(days=2))
    record(store, "/failed-just-now", "failed", at=NOW - timedelta(hours=1))
    rechecking = frontier(store)
    assert [a.found.url for a in rechecking.recheck()] == [url("/failed-long-ago")]
    assert rechecking.counts.skipped_failed_recently == 1


def test_a_url_fetched_with_a_date_is_not_due(store):
    record(store, "/fetched", "fetched")
    assert admitted(store) == []


def test_an_undated_url_is_due_once_its_fetch_is_older_than_the_revisit_interval(store):
    record(store, "/old", "fetched", lastmod=None, at=NOW - timedelta(days=8))
    record(store, "/recent", "fetched", lastmod=None, at=NOW - timedelta(days=1))
    assert admitted(store) == [url("/old")]


def test_a_url_skipped_by_date_is_due_when_the_window_now_covers_it(db, store):
    store.discovered(url("/may-2"), MAY_2, outcome="skipped_by_date")
    store.flush()
    assert admitted(store, Window(date(2024, 5, 10), date(2024, 5, 20))) == []
    assert admitted(store, Window(date(2024, 5, 1), date(2024, 5, 2))) == [url("/may-2")]


def test_another_sources_urls_are_not_rechecked(db, store):
    other = CrawlStateStore(db, source="other", run_id=store.run_id)
    record(other, "/theirs", "failed", at=NOW - timedelta(days=2))
    assert admitted(store) == []
