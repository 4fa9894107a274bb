"""``pipeline.utc``: every timestamp becomes an aware UTC datetime; no zone means UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from pipeline.utc import as_utc, parse_utc

UTC = UTC


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024-05-01", datetime(2024, 5, 1, tzinfo=UTC)),
        ("2024-05-01T10:00:00", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("2024-05-01 10:00:00", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("2024-05-01T10:00:00Z", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("2024-05-01T10:00:00z", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("2024-05-01T10:00:00.250Z", datetime(2024, 5, 1, 10, 0, 0, 250000, tzinfo=UTC)),
        ("2024-05-01T10:00:00+02:00", datetime(2024, 5, 1, 8, tzinfo=UTC)),
        ("2024-05-01T10:00:00-05:00", datetime(2024, 5, 1, 15, tzinfo=UTC)),
        ("2024-05-01T10:00:00+02", datetime(2024, 5, 1, 8, tzinfo=UTC)),
        ("Wed, 01 May 2024 10:00:00 GMT", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("Wed, 01 May 2024 10:00:00 +0200", datetime(2024, 5, 1, 8, tzinfo=UTC)),
        ("Wed, 01 May 2024 10:00:00 -0000", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("  2024-05-01T10:00:00Z\n", datetime(2024, 5, 1, 10, tzinfo=UTC)),
    ],
)
def test_timestamps_parse_to_aware_utc(text, expected):
    value = parse_utc(text)
    assert value == expected
    assert value is not None and value.utcoffset() == timedelta(0)


@pytest.mark.parametrize("text", [None, "", "   ", "yesterday", "2024-13-45", "Wed, 99 Foo"])
def test_empty_or_unreadable_text_is_none(text):
    assert parse_utc(text) is None


def test_a_naive_datetime_is_taken_as_utc():
    assert as_utc(datetime(2024, 5, 1, 10)) == datetime(2024, 5, 1, 10, tzinfo=UTC)


def test_an_aware_datetime_is_converted_to_utc():
    paris = timezone(timedelta(hours=2))
    value = as_utc(datetime(2024, 5, 1, 10, tzinfo=paris))
    assert value == datetime(2024, 5, 1, 8, tzinfo=UTC) and value.tzinfo == UTC
