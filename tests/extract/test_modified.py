"""modified_at: declared modification time, never before publication nor after the fetch."""

from __future__ import annotations

from datetime import UTC, datetime

from pipeline.extract.dates import choose_modified

PUBLISHED = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
FETCHED = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)


def test_article_modified_time_meta_in_utc():
    meta = {"article:modified_time": "2026-12-01T12:30:00+02:00"}
    assert choose_modified([], meta, PUBLISHED, FETCHED) == datetime(
        2026, 12, 1, 10, 30, tzinfo=UTC
    )


def test_jsonld_date_modified_when_no_meta():
    assert choose_modified(["2026-12-01T11:00:00Z"], {}, PUBLISHED, FETCHED) == datetime(
        2026, 12, 1, 11, 0, tzinfo=UTC
    )


def test_modified_before_publication_is_dropped():
    assert choose_modified(["2026-11-30T23:00:00Z"], {}, PUBLISHED, FETCHED) is None


def test_modified_after_the_fetch_is_dropped():
    assert choose_modified(["2026-12-09T10:00:00Z"], {}, PUBLISHED, FETCHED) is None


def test_a_future_meta_value_gives_way_to_a_valid_jsonld_one():
    meta = {"article:modified_time": "2030-01-01T00:00:00Z"}
    assert choose_modified(["2026-12-01T11:00:00Z"], meta, PUBLISHED, FETCHED) == datetime(
        2026, 12, 1, 11, 0, tzinfo=UTC
    )


def test_unreadable_modified_time_is_none():
    assert choose_modified(["yesterday"], {"article:modified_time": ""}, None, FETCHED) is None


def test_equal_to_publication_is_kept():
    assert choose_modified([PUBLISHED.isoformat()], {}, PUBLISHED, FETCHED) == PUBLISHED
