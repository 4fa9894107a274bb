"""Whether a discovered URL is fetched: date window, failed recently, unchanged."""

from datetime import UTC, date, datetime, timedelta

from crawlers.discovery import Discovered
from crawlers.policy import (
    Decision,
    KnownState,
    conditional_headers,
    decide,
    decide_navigation,
    failure_wait,
)
from pipeline.window import Window

NOW = datetime(2024, 6, 1, 12, tzinfo=UTC)
REVISIT = timedelta(days=7)
MAY_2 = datetime(2024, 5, 2, 9, tzinfo=UTC)
WINDOW = Window(date(2024, 5, 2), date(2024, 5, 3))


def found(lastmod=None, published=None):
    return Discovered("http://a.com/x", "http://a.com/x", lastmod=lastmod, published=published)


def fetched(lastmod=None, days_ago=1.0, outcome="fetched", etag=None, last_modified=None):
    return KnownState(lastmod, NOW - timedelta(days=days_ago), outcome, etag, last_modified)


def test_new_url_in_the_window_is_fetched():
    assert decide(found(MAY_2), None, window=WINDOW, now=NOW, revisit=REVISIT) is Decision.FETCH


def test_url_dated_before_the_window_is_skipped_by_date():
    d = found(published=MAY_2 - timedelta(days=1))
    assert decide(d, None, window=WINDOW, now=NOW, revisit=REVISIT) is Decision.SKIP_BY_DATE


def test_url_dated_after_the_window_is_skipped_by_date():
    d = found(lastmod=MAY_2 + timedelta(days=3))
    assert decide(d, None, window=WINDOW, now=NOW, revisit=REVISIT) is Decision.SKIP_BY_DATE


def test_publication_date_decides_the_window_over_lastmod():
    d = found(lastmod=MAY_2 + timedelta(days=10), published=MAY_2)
    assert decide(d, None, window=WINDOW, now=NOW, revisit=REVISIT) is Decision.FETCH


def test_undated_url_is_fetched_whatever_the_window():
    assert decide(found(), None, window=WINDOW, now=NOW, revisit=REVISIT) is Decision.FETCH


def test_same_lastmod_as_the_last_fetch_is_unchanged():
    decision = decide(found(MAY_2), fetched(MAY_2), window=Window(), now=NOW, revisit=REVISIT)
    assert decision is Decision.SKIP_UNCHANGED


def test_different_lastmod_is_fetched_again():
    decision = decide(
        found(MAY_2 + timedelta(hours=1)), fetched(MAY_2), window=Window(), now=NOW, revisit=REVISIT
    )
    assert decision is Decision.FETCH


def test_undated_url_is_revisited_only_after_the_revisit_interval():
    assert (
        decide(found(), fetched(days_ago=6), window=Window(), now=NOW, revisit=REVISIT)
        is Decision.SKIP_UNCHANGED
    )
    assert (
        decide(found(), fetched(days_ago=8), window=Window(), now=NOW, revisit=REVISIT)
        is Decision.FETCH
    )


RETRY = timedelta(hours=20)


def failed(attempts, hours_ago):
    return KnownState(
        MAY_2,
        None,
        "failed",
        failed_attempts=attempts,
        last_attempt_at=NOW - timedelta(hours=hours_ago),
    )


def test_failed_fetch_is_tried_again_once_its_wait_is_over():
    decision = decide(
        found(MAY_2),
        failed(1, hours_ago=21),
        window=Window(),
        now=NOW,
        revisit=REVISIT,
        retry_failed=RETRY,
    )
    assert decision is Decision.FETCH


def test_failed_fetch_waits_before_it_is_tried_again():
    decision = decide(
        found(MAY_2),
        failed(1, hours_ago=2),
        window=Window(),
        now=NOW,
        revisit=REVISIT,
        retry_failed=RETRY,
    )
    assert decision is Decision.SKIP_FAILED_RECENTLY


def test_the_wait_doubles_with_each_consecutive_failure_up_to_the_revisit_interval():
    waits = [failure_wait(n, retry_failed=RETRY, revisit=REVISIT) for n in (1, 2, 3, 4, 5, 60)]
    assert waits == [
        timedelta(hours=20),
        timedelta(hours=40),
        timedelta(hours=80),
        timedelta(hours=160),
        REVISIT,
        REVISIT,
    ]
    assert (
        decide(
            found(MAY_2),
            failed(3, hours_ago=50),
            window=Window(),
            now=NOW,
            revisit=REVISIT,
            retry_failed=RETRY,
        )
        is Decision.SKIP_FAILED_RECENTLY
    )


def test_a_failed_url_outside_the_window_is_skipped_by_date_first():
    decision = decide(
        found(published=MAY_2),
        failed(1, hours_ago=1),
        window=Window(since=date(2024, 5, 10)),
        now=NOW,
        revisit=REVISIT,
        retry_failed=RETRY,
    )
    assert decision is Decision.SKIP_BY_DATE


def test_url_skipped_by_date_before_is_fetched_when_its_window_comes():
    never = KnownState(MAY_2, None, "skipped_by_date")
    assert decide(found(MAY_2), never, window=WINDOW, now=NOW, revisit=REVISIT) is Decision.FETCH


def test_conditional_headers_come_from_the_last_fetch():
    known = fetched(etag='"v1"', last_modified="Wed, 01 May 2024 10:00:00 GMT")
    assert conditional_headers(known) == {
        "If-None-Match": '"v1"',
        "If-Modified-Since": "Wed, 01 May 2024 10:00:00 GMT",
    }
    assert conditional_headers(None) == {}


# --- robots.txt refusals ------------------------------------------------------------------


def refused(sha="v1"):
    return KnownState(None, None, "skipped_by_robots", robots_sha256=sha)


def test_a_url_refused_under_the_same_robots_txt_is_skipped_by_robots():
    decision = decide(
        found(), refused("v1"), window=Window(), now=NOW, revisit=REVISIT, robots_sha256="v1"
    )
    assert decision is Decision.SKIP_BY_ROBOTS


def test_a_url_refused_under_another_robots_txt_is_decided_again():
    assert (
        decide(
            found(), refused("v1"), window=Window(), now=NOW, revisit=REVISIT, robots_sha256="v2"
        )
        is Decision.FETCH
    )


def test_a_refusal_is_not_trusted_before_this_run_has_read_robots_txt():
    assert (
        decide(
            found(), refused("v1"), window=Window(), now=NOW, revisit=REVISIT, robots_sha256=None
        )
        is Decision.FETCH
    )


def test_a_refusal_while_robots_txt_was_unreadable_is_not_remembered():
    assert (
        decide(
            found(), refused(None), window=Window(), now=NOW, revisit=REVISIT, robots_sha256="v1"
        )
        is Decision.FETCH
    )


# --- section pages ------------------------------------------------------------------------


def nav(known, robots_sha256=None, now=NOW):
    return decide_navigation(
        known, now=now, revisit=REVISIT, retry_failed=RETRY, robots_sha256=robots_sha256
    )


def test_a_section_page_is_read_on_every_run():
    assert nav(None) is Decision.FETCH
    assert nav(KnownState(None, NOW - timedelta(minutes=5), "followed")) is Decision.FETCH


def test_a_failed_section_page_waits_like_a_failed_article():
    assert nav(failed(1, hours_ago=2)) is Decision.SKIP_FAILED_RECENTLY
    assert nav(failed(1, hours_ago=21)) is Decision.FETCH
    assert nav(failed(2, hours_ago=21)) is Decision.SKIP_FAILED_RECENTLY


def test_a_section_page_refused_under_the_same_robots_txt_is_skipped_by_robots():
    assert nav(refused("v1"), robots_sha256="v1") is Decision.SKIP_BY_ROBOTS
    assert nav(refused("v1"), robots_sha256="v2") is Decision.FETCH
