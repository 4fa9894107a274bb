"""``Window``: the inclusive days of publication a run covers, and the rule since <= until."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pipeline.errors import WindowError


@dataclass(frozen=True, slots=True)
class Window:
    """The inclusive days [``since``, ``until``] of publication a run takes (UTC days;
    None: open on that side). A window that ends before it starts cannot be built:
    ``WindowError``."""

    since: date | None = None
    until: date | None = None

    def __post_init__(self) -> None:
        if self.since is not None and self.until is not None and self.since > self.until:
            raise WindowError(
                f"since {self.since} is after until {self.until}, so the date window would "
                "end before it starts; swap them (--since/--until on the command line, the "
                "since/until params of a DAG run)"
            )

    def contains(self, day: date | None) -> bool:
        """True for an unknown day or a day inside the window."""
        if day is None:
            return True
        return not (
            (self.since is not None and day < self.since)
            or (self.until is not None and day > self.until)
        )

    @classmethod
    def from_iso(cls, since: str | None, until: str | None) -> Window:
        """The window of two ISO dates (``2026-03-01``; None or empty: open)."""
        return cls(
            date.fromisoformat(since) if since else None,
            date.fromisoformat(until) if until else None,
        )

    def iso(self) -> tuple[str | None, str | None]:
        """(since, until) as ISO dates, None where open: the JSON-able form."""
        return (
            self.since.isoformat() if self.since else None,
            self.until.isoformat() if self.until else None,
        )

    @classmethod
    def for_interval(
        cls,
        data_interval_start: datetime | None,
        data_interval_end: datetime | None,
        logical_date: datetime | None,
    ) -> Window:
        """The days a scheduled or backfill run covers.

        With an interval timetable (the nightly DAG uses ``CronDataIntervalTimetable``)
        a run's data interval is the day it covers: the scheduled run at 02:00 on the 2nd
        has the interval [1st 02:00, 2nd 02:00) and covers the 1st, and a backfill run
        for the 1st has the same interval, so it covers its own day. When the interval is
        empty (a trigger timetable, or no interval), the run covers the day before its
        logical date.
        """
        start, end = data_interval_start, data_interval_end
        if start and end and end > start:
            days = max(1, math.ceil((end - start) / timedelta(days=1)))
            return cls(start.date(), start.date() + timedelta(days=days - 1))
        anchor = logical_date or end or start
        if anchor is None:
            raise ValueError("a run needs a data interval or a logical date to derive its window")
        day = anchor.date() - timedelta(days=1)
        return cls(day, day)
