"""Crawl state in PostgreSQL and the frontier's admission, against the test database."""

from datetime import UTC, datetime, timedelta

import pytest

from crawlers.discovery import Discovered
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


def frontier(store, max_pages=100, allow=(), deny=()):
    return Frontier(
        store,
        url_filter=UrlFilter(["a.com"], allow, deny),
        window=Window(),
        revisit=timedelta(days=7),
        max_pages=max_pages,
        clock=lambda: NOW,
    )


def found(path, lastmod=MAY_2):
    return Discovered(f"http://a.com{path}", f"http://a.com{path}", lastmod=lastmod)


def fetch(store, path, lastmod=MAY_2, **changes):
    record = {
        "url": f"http://a.com{path}",
        "outcome": "fetched",
        "fetched_at": NOW,
        "lastmod": lastmod,
        "http_status": 200,
        "etag": '"1"',
        "warc_path": "s/1/f.warc.gz",
        "warc_offset": 0,
        "warc_length": 10,
        "pending_extract": True,
    }
    record.update(changes)
    store.fetched(FetchRecord(**record))
    store.flush()


def test_fetched_page_is_remembered_with_its_archive_location_and_pending(store, db):
    fetch(store, "/x")
    row = db.execute(
        "SELECT outcome, warc_path, pending_extract, discovered_lastmod, etag "
        "FROM warehouse.crawl_state WHERE url = 'http://a.com/x'"
    ).fetchone()
    assert row == ("fetched", "s/1/f.warc.gz", True, MAY_2, '"1"')


def test_failed_refetch_keeps_the_earlier_archive_location(store, db):
    fetch(store, "/x")
    fetch(
        store,
        "/x",
        outcome="failed",
        failure_reason="timeout",
        warc_path=None,
        warc_offset=None,
        warc_length=None,
        pending_extract=False,
        http_status=None,
    )
    row = db.execute(
        "SELECT outcome, failure_reason, warc_path, warc_offset FROM warehouse.crawl_state"
    ).fetchone()
    assert row == ("failed", "timeout", "s/1/f.warc.gz", 0)


def test_known_page_with_the_same_lastmod_is_not_admitted(store):
    fetch(store, "/x")
    f = frontier(store)
    assert f.admit([found("/x")]) == []
    assert f.counts.skipped_unchanged == 1


def test_known_page_gets_conditional_headers_when_its_lastmod_changed(store):
    fetch(store, "/x")
    (admitted,) = frontier(store).admit([found("/x", MAY_2 + timedelta(hours=1))])
    assert admitted.headers == {"If-None-Match": '"1"'}


def test_each_url_is_admitted_once_per_run(store):
    f = frontier(store)
    assert len(f.admit([found("/x"), found("/x")])) == 1
    assert f.admit([found("/x")]) == []
    assert f.counts.discovered == 1


def test_allow_deny_and_other_hosts_filter_before_counting(store):
    f = frontier(store, allow=[r"/news/"], deny=[r"/news/video/"])
    admitted = f.admit(
        [
            found("/news/1"),
            found("/news/video/2"),
            found("/about"),
            Discovered("http://b.com/news/3", "http://b.com/news/3"),
        ]
    )
    assert [a.found.url for a in admitted] == ["http://a.com/news/1"]
    assert f.counts.discovered == 1


def test_max_pages_caps_admissions(store):
    f = frontier(store, max_pages=2)
    assert len(f.admit([found(f"/{i}") for i in range(5)])) == 2
    assert f.counts.over_limit == 3


def test_skipped_by_date_never_fetched_url_is_recorded_as_such(store, db):
    f = Frontier(
        store,
        url_filter=UrlFilter(["a.com"], (), ()),
        window=Window(MAY_2.date() + timedelta(days=1), None),
        revisit=timedelta(days=7),
        max_pages=10,
        clock=lambda: NOW,
    )
    assert f.admit([found("/old")]) == []
    store.flush()
    assert db.execute("SELECT outcome, last_fetched_at FROM warehouse.crawl_state").fetchone() == (
        "skipped_by_date",
        None,
    )


def test_rediscovery_of_a_fetched_page_keeps_the_lastmod_of_its_fetch(store, db):
    fetch(store, "/x")
    store.discovered("http://a.com/x", MAY_2 + timedelta(days=9), outcome="skipped_by_date")
    store.flush()
    assert db.execute(
        "SELECT outcome, discovered_lastmod FROM warehouse.crawl_state"
    ).fetchone() == ("fetched", MAY_2)


def test_consecutive_failures_are_counted_and_a_success_resets_them(store, db):
    def attempts():
        return db.execute(
            "SELECT failed_attempts, last_attempt_at IS NOT NULL FROM warehouse.crawl_state"
        ).fetchone()

    for expected in (1, 2):
        fetch(
            store,
            "/x",
            outcome="failed",
            failure_reason="http_500",
            http_status=500,
            warc_path=None,
            warc_offset=None,
            warc_length=None,
            pending_extract=False,
        )
        assert attempts() == (expected, True)
    fetch(store, "/x")
    assert attempts() == (0, True)


def test_a_page_that_just_failed_waits_and_is_admitted_after_its_wait(store):
    fetch(
        store,
        "/x",
        outcome="failed",
        failure_reason="http_500",
        http_status=500,
        warc_path=None,
        warc_offset=None,
        warc_length=None,
        pending_extract=False,
        attempted_at=NOW - timedelta(hours=1),
    )

    def admitted_at(now):
        f = Frontier(
            store,
            url_filter=UrlFilter(["a.com"], (), ()),
            window=Window(),
            revisit=timedelta(days=7),
            retry_failed=timedelta(hours=20),
            max_pages=100,
            clock=lambda: now,
        )
        return f.admit([found("/x")]), f.counts

    admitted, counts = admitted_at(NOW)
    assert admitted == [] and counts.skipped_failed_recently == 1
    admitted, counts = admitted_at(NOW + timedelta(hours=20))
    assert [a.found.url for a in admitted] == ["http://a.com/x"]


def test_a_robots_refusal_is_remembered_with_its_robots_txt_and_kind(store, db):
    store.fetched(
        FetchRecord(
            url="http://a.com/members/",
            outcome="skipped_by_robots",
            failure_reason="robots",
            kind="navigation",
            robots_sha256="v1",
        )
    )
    store.flush()
    assert db.execute(
        "SELECT kind, outcome, robots_sha256, failed_attempts FROM warehouse.crawl_state"
    ).fetchone() == ("navigation", "skipped_by_robots", "v1", 0)


def test_a_fetch_after_robots_txt_changed_forgets_the_refusal(store, db):
    fetch(
        store,
        "/x",
        outcome="skipped_by_robots",
        failure_reason="robots",
        robots_sha256="v1",
        warc_path=None,
        warc_offset=None,
        warc_length=None,
        pending_extract=False,
    )
    fetch(store, "/x")
    assert db.execute("SELECT outcome, robots_sha256 FROM warehouse.crawl_state").fetchone() == (
        "fetched",
        None,
    )


def robots_frontier(store, sha, max_pages=100):
    return Frontier(
        store,
        url_filter=UrlFilter(["a.com"], (), ()),
        window=Window(),
        revisit=timedelta(days=7),
        max_pages=max_pages,
        clock=lambda: NOW,
        retry_failed=timedelta(hours=20),
        robots_sha256=lambda url: sha,
    )


def test_a_url_refused_by_the_same_robots_txt_is_not_admitted_nor_counted_against_the_limit(store):
    fetch(
        store,
        "/secret",
        outcome="skipped_by_robots",
        failure_reason="robots",
        robots_sha256="v1",
        warc_path=None,
        warc_offset=None,
        warc_length=None,
        pending_extract=False,
    )
    f = robots_frontier(store, "v1", max_pages=1)
    admitted = f.admit([found("/secret"), found("/new")])
    assert [a.found.url for a in admitted] == ["http://a.com/new"]
    assert (f.counts.skipped_by_robots, f.counts.over_limit) == (1, 0)
    assert [a.found.url for a in robots_frontier(store, "v2").admit([found("/secret")])] == [
        "http://a.com/secret"
    ]


def nav_found(path):
    return Discovered(f"http://a.com{path}", f"http://a.com{path}", via="link")


def test_a_section_page_that_failed_recently_or_was_refused_is_not_admitted(store):
    store.fetched(
        FetchRecord(
            url="http://a.com/broken",
            outcome="failed",
            failure_reason="nav_http_500",
            kind="navigation",
            attempted_at=NOW - timedelta(hours=1),
        )
    )
    store.fetched(
        FetchRecord(
            url="http://a.com/members/",
            outcome="skipped_by_robots",
            failure_reason="robots",
            kind="navigation",
            robots_sha256="v1",
        )
    )
    store.flush()
    f = robots_frontier(store, "v1")
    admitted = f.admit_navigation(
        [nav_found("/broken"), nav_found("/members/"), nav_found("/section")]
    )
    assert [a.url for a in admitted] == ["http://a.com/section"]
    assert (f.counts.nav_skipped_failed_recently, f.counts.nav_skipped_by_robots) == (1, 1)
    assert f.counts.skipped_failed_recently == f.counts.skipped_by_robots == 0


def _keywords(db, path):
    return db.execute(
        "SELECT sitemap_keywords FROM warehouse.crawl_state WHERE url = %s",
        (f"http://a.com{path}",),
    ).fetchone()[0]


def test_a_fetch_remembers_the_news_sitemap_keywords_of_its_url(store, db):
    fetch(store, "/x", sitemap_keywords=("Budget", "Council"))
    assert _keywords(db, "/x") == ["Budget", "Council"]


def test_a_fetch_without_keywords_keeps_those_remembered(store, db):
    fetch(store, "/x", sitemap_keywords=("Budget",))
    fetch(store, "/x")
    assert _keywords(db, "/x") == ["Budget"]


def test_keywords_of_a_url_another_document_listed_first_are_remembered(store, db):
    f = frontier(store)
    assert len(f.admit([found("/x")])) == 1
    news = Discovered("http://a.com/x", "http://a.com/x", lastmod=MAY_2, keywords=("Budget",))
    assert f.admit([news]) == []
    fetch(store, "/x")  # the fetch of the first listing carries no keywords
    assert _keywords(db, "/x") == ["Budget"]
