"""What an import keeps: host, allow/deny and the day from the URL or WARC-Date."""

from __future__ import annotations

from datetime import UTC, date, datetime

from crawlers.warc_select import Selection, url_date
from pipeline.window import Window

CAPTURED = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def test_url_dates_are_read_from_slashes_or_dashes() -> None:
    assert url_date("https://a.example/news/2024/03/15/story/") == date(2024, 3, 15)
    assert url_date("https://a.example/2024-03-15-story.html") == date(2024, 3, 15)
    assert url_date("https://a.example/news/story-12345/") is None
    assert url_date("https://a.example/2024/02/31/impossible/") is None


def test_the_host_regex_is_searched_case_insensitively() -> None:
    selection = Selection.of(host=r"(^|\.)herald\.example$")
    assert selection.reason_to_skip("https://herald.example/a/", "herald.example", CAPTURED) is None
    assert (
        selection.reason_to_skip("https://www.herald.example/a/", "www.herald.example", CAPTURED)
        is None
    )
    assert (
        selection.reason_to_skip("https://planet.example/a/", "planet.example", CAPTURED)
        == "other_host"
    )


def test_the_date_in_the_url_wins_over_the_capture_date() -> None:
    selection = Selection.of(window=Window(date(2024, 3, 1), date(2024, 3, 31)))
    old_story = "https://a.example/2024/03/15/story/"
    assert selection.reason_to_skip(old_story, "a.example", CAPTURED) is None
    undated = "https://a.example/story/"
    assert selection.reason_to_skip(undated, "a.example", CAPTURED) == "outside_window"
    in_march = datetime(2024, 3, 2, tzinfo=UTC)
    assert selection.reason_to_skip(undated, "a.example", in_march) is None


def test_allow_and_deny_patterns_apply_to_the_url() -> None:
    selection = Selection.of(allow=("/news/",), deny=("/news/video/",))
    assert selection.reason_to_skip("https://a.example/news/x/", "a.example", CAPTURED) is None
    assert selection.reason_to_skip("https://a.example/sport/x/", "a.example", CAPTURED) == "denied"
    assert (
        selection.reason_to_skip("https://a.example/news/video/x/", "a.example", CAPTURED)
        == "denied"
    )
