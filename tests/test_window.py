"""Which days a scheduled, backfill or manual run covers."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from pipeline.steps import window_for_interval

UTC = timezone.utc


def test_interval_run_covers_the_day_its_interval_starts():
    # The scheduled run at 02:00 on the 2nd (or the backfill run "for" the 1st).
    start = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
    end = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
    assert window_for_interval(start, end, start) == (date(2026, 11, 1), date(2026, 11, 1))


def test_multi_day_interval_covers_each_day():
    start = datetime(2026, 11, 1, tzinfo=UTC)
    end = datetime(2026, 11, 4, tzinfo=UTC)
    assert window_for_interval(start, end, start) == (date(2026, 11, 1), date(2026, 11, 3))


def test_empty_interval_covers_the_day_before_the_logical_date():
    moment = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
    assert window_for_interval(moment, moment, moment) == (date(2026, 11, 1), date(2026, 11, 1))


def test_no_dates_at_all_is_an_error():
    with pytest.raises(ValueError):
        window_for_interval(None, None, None)


def test_extractor_versions_compare_numerically():
    from pipeline.steps import version_key

    assert version_key("2026.11.9") < version_key("2026.11.10")
    assert version_key("2026.11.1") < version_key("2026.12.0")
