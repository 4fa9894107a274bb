"""Timestamps as aware UTC datetimes, where a timestamp without a zone means UTC."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

_HOURS_ONLY_OFFSET = re.compile(r"[+-]\d{2}$")


def as_utc(value: datetime) -> datetime:
    """``value`` in UTC; a naive ``value`` is taken as UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def parse_utc(text: str | None) -> datetime | None:
    """An ISO 8601 / W3C timestamp (``2024-05-01``, ``2024-05-01T10:00:00+02:00``,
    ``2024-05-01 10:00Z``, ``...+02``) or an RFC 2822 / HTTP date (``Wed, 01 May 2024
    10:00:00 GMT``) as an aware UTC datetime; None when empty or unreadable.

    A value without a zone is taken as UTC; a date alone is 00:00 UTC that day.
    """
    text = (text or "").strip()
    if not text:
        return None
    iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    candidates = [iso, iso.replace(" ", "T", 1)]
    if _HOURS_ONLY_OFFSET.search(iso):
        candidates.append(iso + ":00")
    for candidate in candidates:
        try:
            return as_utc(datetime.fromisoformat(candidate))
        except ValueError:
            continue
    try:
        return as_utc(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError):
        return None
