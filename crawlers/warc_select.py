"""Which archived pages an import takes: host, URL patterns and date, before extraction.

Pure rules on a record's URL and capture date, so a month of CC-NEWS filtered to a few
hosts never extracts the other hosts' pages. A page's day is the date in its URL when
the URL has one (``/2024/03/15/``, ``/2024-03-15-``: the publication day), else the day
of its ``WARC-Date`` (when it was captured).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from pipeline.window import Window

_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](0[1-9]|1[0-2])[/-](0[1-9]|[12]\d|3[01])(?=[/\-_.]|$)")


def url_date(url: str) -> date | None:
    """The publication date a URL's path spells (``/YYYY/MM/DD/`` or ``/YYYY-MM-DD``)."""
    match = _URL_DATE.search(url)
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:  # 2024/02/31
        return None


@dataclass(frozen=True, slots=True)
class Selection:
    """The pages an import keeps: hosts matching ``host`` (a regex searched in the
    lower-case host name; None: every host), URLs matching one of ``allow`` (when
    any) and none of ``deny``, and days inside ``window``."""

    host: re.Pattern[str] | None = None
    allow: tuple[re.Pattern[str], ...] = ()
    deny: tuple[re.Pattern[str], ...] = ()
    window: Window = Window()

    @classmethod
    def of(
        cls,
        host: str | None = None,
        allow: tuple[str, ...] = (),
        deny: tuple[str, ...] = (),
        window: Window = Window(),
    ) -> Selection:
        """A selection from regex strings (``re.error`` for an invalid one)."""
        return cls(
            re.compile(host, re.IGNORECASE) if host else None,
            tuple(re.compile(p) for p in allow),
            tuple(re.compile(p) for p in deny),
            window,
        )

    def reason_to_skip(self, url: str, host: str, captured_at: datetime) -> str | None:
        """Why the page at canonical ``url`` on ``host`` is left out (``other_host``,
        ``denied`` or ``outside_window``), or None when it is kept."""
        if self.host is not None and not self.host.search(host):
            return "other_host"
        if (self.allow and not any(p.search(url) for p in self.allow)) or any(
            p.search(url) for p in self.deny
        ):
            return "denied"
        day = url_date(url) or captured_at.date()
        if not self.window.contains(day):
            return "outside_window"
        return None
