"""Publication date: a weighted vote across every source a page offers."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from lxml.html import HtmlElement

from pipeline.utc import as_utc, parse_utc

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)

# Weights: structured sources first. A calendar date wins by its summed weight.
WEIGHTS = {
    "jsonld": 4.0,
    "meta-published": 3.0,
    "meta-other": 1.5,
    "time-element": 1.5,
    "htmldate": 1.0,
    "url": 1.0,
    "discovery": 0.5,
}

STRUCTURED_SOURCES = frozenset({"jsonld", "meta-published", "meta-other"})

PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "published_time",
    "article.published",
    "parsely-pub-date",
    "sailthru.date",
    "pubdate",
    "publishdate",
    "publish-date",
    "date.published",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.created",
    "date",
    "cxenseparse:recs:publishtime",
    "article_date_original",
    "originalpublicationdate",
    "og:article:published_time",
)

_URL_DATE = re.compile(
    r"/((?:19|20)\d{2})[/_-]?(0[1-9]|1[0-2])[/_-]?(0[1-9]|[12]\d|3[01])(?=[/_.-]|$)"
)
_URL_DATE_SEP = re.compile(r"/((?:19|20)\d{2})/(0[1-9]|1[0-2])/(0[1-9]|[12]\d|3[01])/")
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True, slots=True)
class DateCandidate:
    """One source's claim about the publication time."""

    value: datetime
    """Timezone-aware, UTC."""
    date_only: bool
    source: str


def parse_datetime(text: str) -> tuple[datetime, bool] | None:
    """Parse an ISO 8601 or RFC 2822 timestamp to (UTC datetime, date_only)
    (``pipeline.utc.parse_utc``: date-only values become 00:00 UTC; naive timestamps are
    taken as UTC)."""
    text = (text or "").strip()
    value = parse_utc(text)
    if value is None:
        return None
    return value, _DATE_ONLY.fullmatch(text) is not None


def _candidate(text: str | None, source: str) -> DateCandidate | None:
    parsed = parse_datetime(text) if isinstance(text, str) else None
    if parsed is None:
        return None
    return DateCandidate(parsed[0], parsed[1], source)


def url_date(url: str | None) -> DateCandidate | None:
    """A date written in the URL path (``/2024/05/03/``, ``/20240503``, ``-2024-05-03``)."""
    if not url:
        return None
    path = url.split("?", 1)[0]
    match = _URL_DATE_SEP.search(path) or _URL_DATE.search(path)
    if not match:
        return None
    try:
        day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
    return DateCandidate(datetime.combine(day, time(), UTC), True, "url")


def time_element_dates(tree: HtmlElement) -> list[DateCandidate]:
    """Dates of ``<time datetime>`` elements, the ones marked as publication time first."""
    marked: list[str] = []
    other: list[str] = []
    for el in tree.iterfind(".//time[@datetime]"):
        attrs = " ".join(filter(None, (el.get("itemprop"), el.get("class"), el.get("pubdate"))))
        (
            marked
            if re.search(r"publish|pubdate|created", attrs, re.I) or "pubdate" in el.attrib
            else other
        ).append(el.get("datetime") or "")
    # Only the first date that parses counts: parse in that order and stop there (pages
    # with long lists of dated teasers have hundreds of <time> elements).
    for text in (*marked, *other):
        cand = _candidate(text, "time-element")
        if cand is not None:
            return [cand]
    return []


def is_plausible(value: datetime, now: datetime) -> bool:
    """Not before 1990 and not more than a day in the future."""
    return EARLIEST <= value <= now + FUTURE_SLACK


def vote(candidates: list[DateCandidate], now: datetime | None = None) -> DateCandidate | None:
    """The publication date most sources agree on, weighted by source.

    Implausible candidates (future, before 1990) are dropped. Candidates are grouped by
    calendar date (UTC); the date with the highest summed weight wins (ties: the
    earliest date, as updates only move dates forward). Within the winning date the
    candidate with a time of day from the heaviest source is returned.
    """
    now = now or datetime.now(UTC)
    valid = [c for c in candidates if is_plausible(c.value, now)]
    if not valid:
        return None
    score: dict[date, float] = defaultdict(float)
    for c in valid:
        score[c.value.date()] += WEIGHTS.get(c.source, 1.0)
    best_day = min(score, key=lambda d: (-score[d], d))
    on_day = [c for c in valid if c.value.date() == best_day]
    on_day.sort(key=lambda c: (c.date_only, -WEIGHTS.get(c.source, 1.0)))
    return on_day[0]


def date_candidates(
    jsonld_published: list[object],
    meta: dict[str, str],
    tree: HtmlElement,
    url: str | None,
    htmldate_value: str | None,
    discovered_at: datetime | None,
) -> list[DateCandidate]:
    """Every candidate the page and its discovery offer, each tagged with its source."""
    out: list[DateCandidate] = []
    for value in jsonld_published[:1]:
        cand = _candidate(value if isinstance(value, str) else None, "jsonld")
        if cand:
            out.append(cand)
    for i, key in enumerate(PUBLISHED_META):
        cand = _candidate(meta.get(key), "meta-published" if i < 5 else "meta-other")
        if cand:
            out.append(cand)
            break
    out.extend(time_element_dates(tree))
    cand = _candidate(htmldate_value, "htmldate")
    if cand:
        out.append(cand)
    cand = url_date(url)
    if cand:
        out.append(cand)
    if discovered_at is not None:
        value = as_utc(discovered_at)
        # Sitemaps often give a bare date, which arrives here as midnight.
        out.append(DateCandidate(value, value.time() == time(), "discovery"))
    return out


def htmldate_guess(tree: HtmlElement, url: str | None) -> str | None:
    """htmldate's original-publication date for ``tree`` (YYYY-MM-DD), or None."""
    from htmldate import find_date

    try:
        return find_date(tree, url=url, original_date=True, extensive_search=True)
    except Exception:  # htmldate is heuristic; a failure only means no candidate
        return None


MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "og:article:modified_time",
    "datemodified",
)
"""Meta tags that give the time an article was last changed, most trusted first."""


def choose_modified(
    jsonld_modified: list[object],
    meta: dict[str, str],
    published_at: datetime | None,
    fetched_at: datetime,
) -> datetime | None:
    """When the page says the article last changed: ``article:modified_time`` (and its
    kin), else the JSON-LD ``dateModified``; UTC.

    A value is passed over (and the next one tried) when it is earlier than ``published_at`` (a
    modification cannot precede publication: the value is wrong, and a clamped one
    would claim a change nobody made) or later than ``fetched_at`` (the page cannot
    know of a change after it was fetched); None when no value is left.
    """
    texts = [meta.get(key) for key in MODIFIED_META]
    texts += [v for v in jsonld_modified[:1] if isinstance(v, str)]
    for text in texts:
        parsed = parse_datetime(text) if text else None
        if parsed is None:
            continue
        value = parsed[0]
        too_early = value < EARLIEST or (published_at is not None and value < as_utc(published_at))
        if not too_early and value <= as_utc(fetched_at):
            return value
    return None
