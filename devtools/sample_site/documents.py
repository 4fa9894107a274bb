"""The sample site's discovery documents: sitemap index, news and day sitemaps, RSS, Atom.

Each is served with an ETag (a hash of its body) and a Last-Modified (its newest
entry's date) and answers a matching If-None-Match / If-Modified-Since with 304, except
the valley-gazette's sitemap, whose server gives no validators at all."""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from typing import TYPE_CHECKING

from devtools.sample_site import feeds
from devtools.sample_site.catalog import GAZETTE, HERALD, PLANET, TITLES, ArticleKey
from devtools.sample_site.responses import XML, Request, Response, cached, not_found
from devtools.sample_site.site import TRAP_PATHS

if TYPE_CHECKING:
    from devtools.sample_site.site import SampleSite

NEWS_SITEMAP_DAYS = 2
DAY_SITEMAP = re.compile(r"^/planet/sitemaps/(\d{4}-\d{2}-\d{2})\.xml\.gz$")


def _xml(
    request: Request,
    site: SampleSite,
    text: str,
    last_modified: datetime | None,
    content_type: str = XML,
) -> Response:
    """A discovery document with ETag and Last-Modified (304 when the client has it)."""
    return cached(request, site, 200, content_type, text.encode("utf-8"), last_modified)


def _entry(
    site: SampleSite, key: ArticleKey, query: str = "", *, summary: bool = False
) -> feeds.FeedEntry:
    """``key`` as discovery documents list it (feeds ask for a ``summary``)."""
    spec = site.catalog.spec(key)
    url = site.base_url + spec.path + (f"?{query}" if query else "")
    return feeds.FeedEntry(
        url=url,
        lastmod=site.modified_at(key),
        published_at=spec.published_at,
        title=spec.title,
        authors=spec.authors,
        summary=site.catalog.summary(key) if summary else "",
        entry_id=f"{key.publication}-{key.day:%Y%m%d}-{key.index}",
    )


def newest_first(site: SampleSite, publication: str) -> Iterator[ArticleKey]:
    for day in site.days():
        keys = site.day_keys(publication, day)
        if publication == PLANET and day == site.trap_day:
            keys = keys + site.catalog.trap_keys()
        yield from sorted(keys, key=site.catalog.published_at, reverse=True)


def _sitemap_index(site: SampleSite, request: Request) -> Response:
    entries = [
        (
            site.base_url + "/planet/news-sitemap.xml",
            max(site.modified_at(k) for k in islice(newest_first(site, PLANET), 1)),
        )
    ]
    for day in site.days():
        entries.append(
            (f"{site.base_url}/planet/sitemaps/{day.isoformat()}.xml.gz", _day_lastmod(site, day))
        )
    return _xml(request, site, feeds.sitemap_index(entries), max(e[1] for e in entries))


def _day_lastmod(site: SampleSite, day: date) -> datetime:
    """When a day's sitemap last changed (its lastmod in the index)."""
    return max([site.modified_at(k) for k in site.day_keys(PLANET, day)] + [_noon(day)])


def _news_sitemap(site: SampleSite, request: Request) -> Response:
    since = site.today - timedelta(days=NEWS_SITEMAP_DAYS - 1)
    keys = [k for k in newest_first(site, PLANET) if k.day >= since]
    entries = [_news_entry(site, k) for k in keys]
    lastmod = max((e.lastmod for e in entries), default=None)
    return _xml(request, site, feeds.news_sitemap(entries, TITLES[PLANET]), lastmod)


def _news_entry(site: SampleSite, key: ArticleKey) -> feeds.FeedEntry:
    """``key`` as the news sitemap lists it: with its topic and place as keywords."""
    spec = site.catalog.spec(key)
    return replace(_entry(site, key), keywords=(spec.topic.title(), spec.place))


def _noon(day: date) -> datetime:
    """The lastmod of the traps and the disallowed URL a day's sitemap lists."""
    return datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=12)


def _day_entries(site: SampleSite, day: date) -> list[feeds.FeedEntry]:
    keys = site.day_keys(PLANET, day)
    entries = [_entry(site, k) for k in keys]
    stamp = _noon(day)
    if day == site.trap_day:
        entries += [
            feeds.FeedEntry(site.base_url + p, stamp)
            for p in TRAP_PATHS
            if p not in ("/planet/traps/rate-limited/", "/planet/traps/latin1/")
        ]
        entries += [_entry(site, k) for k in site.catalog.trap_keys()]
    entries.append(
        feeds.FeedEntry(f"{site.base_url}/private/planet/{day:%Y/%m/%d}/embargoed-story-0/", stamp)
    )
    return entries


def day_sitemap(site: SampleSite, request: Request, day_text: str) -> Response:
    day = date.fromisoformat(day_text)
    if day not in site.days():
        return not_found()
    body = gzip.compress(feeds.urlset(_day_entries(site, day)).encode("utf-8"), mtime=0)
    return cached(request, site, 200, "application/x-gzip", body, _day_lastmod(site, day))


def _gazette_sitemap(site: SampleSite, request: Request) -> Response:
    entries = [_entry(site, k) for k in newest_first(site, GAZETTE)]
    entries.append(
        feeds.FeedEntry(
            f"{site.base_url}/private/gazette/{site.today:%Y/%m}/subscriber-special-0",
            datetime.combine(site.today, datetime.min.time(), UTC),
        )
    )
    # The gazette's server gives no validators at all (no ETag, no Last-Modified): a
    # crawler can only tell an unchanged sitemap by its body.
    body = feeds.urlset(entries).encode("utf-8")
    return Response(200, (("Content-Type", XML),), body)


FEED_TRACKING = "utm_source=rss&utm_medium=feed"


def _rss(site: SampleSite, request: Request) -> Response:
    entries = [_entry(site, k, FEED_TRACKING, summary=True) for k in newest_first(site, HERALD)]
    draft_time = datetime.combine(site.today, datetime.min.time(), UTC)
    entries.insert(
        0,
        feeds.FeedEntry(
            f"{site.base_url}/herald/admin/news/draft-preview-1.html?{FEED_TRACKING}",
            draft_time,
            draft_time,
            "DRAFT - do not publish",
            summary="Internal preview.",
        ),
    )
    built = max(e.lastmod for e in entries)
    return _xml(
        request,
        site,
        feeds.rss(
            entries,
            title=TITLES[HERALD],
            link=site.base_url + "/herald/",
            description="The latest news from the Metro Herald",
            built=built,
        ),
        built,
        "application/rss+xml; charset=utf-8",
    )


def _atom(site: SampleSite, request: Request) -> Response:
    entries = [
        _entry(site, k, "utm_source=atom&utm_medium=feed", summary=True)
        for k in newest_first(site, HERALD)
    ]
    updated = max(e.lastmod for e in entries)
    return _xml(
        request,
        site,
        feeds.atom(
            entries,
            title=TITLES[HERALD],
            link=site.base_url + "/herald/",
            feed_url=site.base_url + "/herald/atom.xml",
            feed_id="tag:metro-herald.example,2026:feed",
            updated=updated,
        ),
        updated,
        "application/atom+xml; charset=utf-8",
    )


DOCUMENTS = {
    "/planet/sitemap-index.xml": _sitemap_index,
    "/planet/news-sitemap.xml": _news_sitemap,
    "/gazette/sitemap.xml": _gazette_sitemap,
    "/herald/rss.xml": _rss,
    "/herald/atom.xml": _atom,
}
