"""``Window``: which days a scheduled, backfill or manual run covers, and since <= until."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from pipeline.errors import PermanentError, WindowError
from pipeline.reprocess import version_key
from pipeline.window import Window

UTC = UTC


def test_interval_run_covers_the_day_its_interval_starts():
    # The scheduled run at 02:00 on the 2nd (or the backfill run "for" the 1st).
    start = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
    end = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
    assert Window.for_interval(start, end, start) == Window(date(2026, 11, 1), date(2026, 11, 1))


def test_multi_day_interval_covers_each_day():
    start = datetime(2026, 11, 1, tzinfo=UTC)
    end = datetime(2026, 11, 4, tzinfo=UTC)
    assert Window.for_interval(start, end, start) == Window(date(2026, 11, 1), date(2026, 11, 3))


def test_empty_interval_covers_the_day_before_the_logical_date():
    moment = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
    assert Window.for_interval(moment, moment, moment) == Window(
        date(2026, 11, 1), date(2026, 11, 1)
    )


def test_no_dates_at_all_is_an_error():
    with pytest.raises(ValueError):
        Window.for_interval(None, None, None)


def test_a_window_that_ends_before_it_starts_cannot_be_built():
    with pytest.raises(WindowError, match=r"since 2026-03-05 is after until 2026-03-01.*swap"):
        Window(date(2026, 3, 5), date(2026, 3, 1))


def test_a_backwards_window_is_a_permanent_error_not_worth_retrying():
    assert issubclass(WindowError, PermanentError)
    assert WindowError.transient is False


def test_a_one_day_window_and_open_ends_are_valid():
    assert Window(date(2026, 3, 1), date(2026, 3, 1)).contains(date(2026, 3, 1))
    assert Window().contains(date(1990, 1, 1))
    assert Window(since=date(2026, 3, 1)).contains(date(2099, 1, 1))


def test_contains_is_inclusive_and_open_for_an_unknown_day():
    window = Window(date(2026, 3, 2), date(2026, 3, 4))
    assert [window.contains(date(2026, 3, d)) for d in range(1, 6)] == [
        False,
        True,
        True,
        True,
        False,
    ]
    assert window.contains(None)


def test_iso_round_trip():
    window = Window(date(2026, 3, 2), None)
    assert window.iso() == ("2026-03-02", None)
    assert Window.from_iso(*window.iso()) == window
    assert Window.from_iso("", None) == Window()


def test_windows_are_frozen():
    with pytest.raises(AttributeError):
        Window().since = date(2026, 1, 1)  # type: ignore[misc]  # frozen on purpose


def test_extractor_versions_compare_numerically():
    assert version_key("2026.11.9") < version_key("2026.11.10")
    assert version_key("2026.11.1") < version_key("2026.12.0")
