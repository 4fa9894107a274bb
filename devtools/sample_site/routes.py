"""What the sample site answers to each request: one function from request to response.

No sockets here (see :mod:`devtools.sample_site.server`); the only effects are the
site's small state (the 429 trap's memory, ``advance_day`` through /_control/).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from itertools import islice
from typing import TYPE_CHECKING

from devtools.sample_site import feeds, templates
from devtools.sample_site.catalog import (
    GAZETTE,
    HERALD,
    PLANET,
    PREFIXES,
    TITLES,
    ArticleKey,
    ArticleSpec,
)
from devtools.sample_site.padding import SECTIONS, STATIC_PAGES
from devtools.sample_site.site import DISALLOWED_PATHS, TRAP_PATHS
from pipeline.utc import parse_utc

if TYPE_CHECKING:
    from devtools.sample_site.site import SampleSite

HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"
SECTION_PAGE_SIZE = 20
NEWS_SITEMAP_DAYS = 2
_SECTION = re.compile(r"^/(planet|herald|gazette)/section/([a-z]+)/(?:page/(\d+)/)?$")
_STATIC = re.compile(r"^/(planet|herald|gazette)/([a-z]+)/$")
_AUTHOR = re.compile(r"^/planet/authors/([a-z-]+)/$")
_BY_PREFIX = {prefix.strip("/"): publication for publication, prefix in PREFIXES.items()}
_DAY_SITEMAP = re.compile(r"^/planet/sitemaps/(\d{4}-\d{2}-\d{2})\.xml\.gz$")
_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    path: str
    query: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    """Lower-case names."""


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    stream: Iterator[bytes] | None = None
    """Sent with chunked transfer encoding instead of ``body`` (the oversized trap)."""
    delay_seconds: float = 0.0
    """How long to wait before answering (the slow trap)."""


def _html(status: int, text: str, *extra: tuple[str, str]) -> Response:
    return Response(status, (("Content-Type", HTML), *extra), text.encode("utf-8"))


def _not_found() -> Response:
    return _html(404, templates.small_page("Page not found", "There is nothing at this address."))


def _http_date(value: datetime) -> str:
    return format_datetime(value.astimezone(UTC), usegmt=True)


def _not_modified(request: Request, etag: str, last_modified: datetime | None) -> bool:
    """RFC 9110: If-None-Match wins over If-Modified-Since."""
    inm = request.headers.get("if-none-match")
    if inm is not None:
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        return "*" in tags or etag in tags
    ims = request.headers.get("if-modified-since")
    if ims and last_modified is not None:
        since = parse_utc(ims)
        return since is not None and last_modified.replace(microsecond=0) <= since
    return False


def _cached(
    request: Request,
    site: SampleSite,
    status: int,
    content_type: str,
    body: bytes,
    last_modified: datetime | None,
    *extra: tuple[str, str],
) -> Response:
    """A response with ETag (and Last-Modified), or 304 when the client has it."""
    digest = hashlib.sha1(body).hexdigest()[:20]
    etag = f'"{digest}"'
    headers: list[tuple[str, str]] = [("ETag", etag)]
    if last_modified is not None:
        headers.append(("Last-Modified", _http_date(last_modified)))
    if _not_modified(request, etag, last_modified):
        return Response(304, tuple(headers))
    return Response(status, (("Content-Type", content_type), *headers, *extra), body)


def respond(site: SampleSite, request: Request) -> Response:
    """The response to ``request``."""
    path = request.path
    if path.startswith("/_control/"):
        return _control(site, request)
    if request.method not in ("GET", "HEAD"):
        return Response(405, (("Allow", "GET, HEAD"),))
    if path == "/robots.txt":
        text = feeds.robots_txt(
            site.base_url,
            list(DISALLOWED_PATHS),
            ["/planet/sitemap-index.xml", "/gazette/sitemap.xml"],
        )
        return Response(200, (("Content-Type", "text/plain; charset=utf-8"),), text.encode())
    if path in TRAP_PATHS or path == "/planet/traps/loop-b/":
        return _trap(site, request)
    if path.startswith(("/private/", "/herald/admin/")):
        return _private(site, path)
    handler = _DOCUMENTS.get(path)
    if handler is not None:
        return handler(site, request)
    match = _DAY_SITEMAP.match(path)
    if match:
        return _day_sitemap(site, request, match.group(1))
    match = _SECTION.match(path)
    if match:
        return _section(site, _BY_PREFIX[match.group(1)], match.group(2), int(match.group(3) or 1))
    if path in ("/", "/planet/", "/herald/", "/gazette/"):
        return _home(site, path)
    match = _STATIC.match(path) or _AUTHOR.match(path)
    if match and (match.re is _AUTHOR or match.group(2) in STATIC_PAGES):
        return _static(match)
    key = site.catalog.lookup(path)
    if key is not None and site.is_published(key):
        return _article(site, request, key)
    return _not_found()


# --- articles ------------------------------------------------------------------------------


def _related(site: SampleSite, key: ArticleKey) -> tuple[tuple[str, str], ...]:
    n = site.config.articles_per_day
    if key.index < 0:
        return ()
    neighbours = [(key.index + d) % n for d in (1, 2, 3, 4) if (key.index + d) % n != key.index]
    specs = [
        site.catalog.spec(ArticleKey(key.publication, key.day, i))
        for i in dict.fromkeys(neighbours)
    ]
    return tuple((s.title, s.path) for s in specs)


def _private_link(spec: ArticleSpec) -> str:
    if spec.key.publication == GAZETTE:
        return f"/private/gazette/{spec.key.day:%Y/%m}/subscriber-special-{spec.key.index % 5}"
    return f"/private/planet/{spec.key.day:%Y/%m/%d}/embargoed-story-{spec.key.index % 5}/"


def render_article(site: SampleSite, key: ArticleKey) -> bytes:
    """The article page of ``key`` as served (bytes in the page's own encoding)."""
    spec = site.catalog.spec(key)
    revised = site.revised_at(key)
    latin1 = TRAP_PATHS.get(spec.path) == "latin1"
    page = templates.ArticlePage(
        spec=spec,
        paragraphs=site.catalog.paragraphs(key, revised.date() if revised else None),
        canonical_url=site.base_url + spec.path,
        modified_at=revised or spec.published_at,
        related=_related(site, key),
        private_path=_private_link(spec),
        charset="iso-8859-1" if latin1 else "utf-8",
    )
    rng = random.Random(f"{site.config.seed}:pad:{spec.path}")
    text = templates.padded(
        templates.TEMPLATES[key.publication],
        page,
        site.config.page_kb,
        rng,
        PREFIXES[key.publication],
    )
    return text.encode(page.charset)


def _article(site: SampleSite, request: Request, key: ArticleKey) -> Response:
    body = render_article(site, key)
    latin1 = TRAP_PATHS.get(site.catalog.spec(key).path) == "latin1"
    return _cached(request, site, 200, "text/html" if latin1 else HTML, body, site.modified_at(key))


def _private(site: SampleSite, path: str) -> Response:
    """Disallowed by robots.txt, yet looks like an article: only a rude crawler gets it."""
    rng = random.Random(f"{site.config.seed}:private:{path}")
    key = ArticleKey(PLANET, site.today, rng.randrange(site.config.articles_per_day))
    spec = site.catalog.spec(key)
    page = templates.ArticlePage(
        spec=ArticleSpec(
            key=key,
            path=path,
            title="EMBARGOED: " + spec.title,
            authors=spec.authors,
            published_at=spec.published_at,
            section=spec.section,
            place=spec.place,
            kind="original",
        ),
        paragraphs=site.catalog.paragraphs(key),
        canonical_url=site.base_url + path,
        modified_at=spec.published_at,
        private_path=path,
    )
    return _html(200, templates.planet_article(page, templates.Padding()))


# --- traps ---------------------------------------------------------------------------------


def _oversized(megabytes: int) -> Iterator[bytes]:
    head = (
        b'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Everything, ever'
        b"</title></head><body>\n"
    )
    yield head
    line = (
        b'<div class="row"><p>This page never ends. It keeps going and going, much like '
        b"the archive it pretends to be, row after row after row.</p></div>\n"
    )
    chunk = line * (65_536 // len(line))
    for _ in range(megabytes * 1024 * 1024 // len(chunk) + 1):
        yield chunk
    yield b"</body></html>\n"


def _trap(site: SampleSite, request: Request) -> Response:
    path = request.path
    kind = TRAP_PATHS.get(path, "redirect_loop")
    if kind == "500":
        return _html(500, templates.small_page("Internal server error", "Something broke."))
    if kind == "404":
        return _not_found()
    if kind == "slow":
        return Response(
            200,
            (("Content-Type", HTML),),
            templates.small_page("Slow page", "This page took its time.").encode(),
            delay_seconds=site.config.slow_seconds,
        )
    if kind == "oversized":
        return Response(200, (("Content-Type", HTML),), stream=_oversized(site.config.oversized_mb))
    if kind == "pdf":
        return Response(200, (("Content-Type", "application/pdf"),), _PDF)
    if kind == "redirect_loop":
        target = "/planet/traps/loop-b/" if path.endswith("loop-a/") else "/planet/traps/loop-a/"
        return Response(302, (("Location", site.base_url + target), ("Content-Type", HTML)), b"")
    key = site.catalog.lookup(path)
    assert key is not None
    if kind == "429" and site.first_request_of(path):
        return Response(
            429,
            (("Retry-After", "1"), ("Content-Type", HTML)),
            templates.small_page("Too many requests", "Slow down.").encode(),
        )
    return _article(site, request, key)


# --- discovery documents -------------------------------------------------------------------


def _xml(request: Request, site: SampleSite, text: str, content_type: str = XML) -> Response:
    return _cached(request, site, 200, content_type, text.encode("utf-8"), None)


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


def _newest_first(site: SampleSite, publication: str) -> Iterator[ArticleKey]:
    for day in site.days():
        keys = site.catalog.keys(publication, day)
        if publication == PLANET and day == site.trap_day:
            keys = keys + site.catalog.trap_keys()
        yield from sorted(keys, key=site.catalog.published_at, reverse=True)


def _sitemap_index(site: SampleSite, request: Request) -> Response:
    entries = [
        (
            site.base_url + "/planet/news-sitemap.xml",
            max(site.modified_at(k) for k in islice(_newest_first(site, PLANET), 1)),
        )
    ]
    for day in site.days():
        keys = site.catalog.keys(PLANET, day)
        lastmod = max([site.modified_at(k) for k in keys] + [_noon(day)])
        entries.append((f"{site.base_url}/planet/sitemaps/{day.isoformat()}.xml.gz", lastmod))
    return _xml(request, site, feeds.sitemap_index(entries))


def _news_sitemap(site: SampleSite, request: Request) -> Response:
    since = site.today - timedelta(days=NEWS_SITEMAP_DAYS - 1)
    keys = [k for k in _newest_first(site, PLANET) if k.day >= since]
    entries = [_entry(site, k) for k in keys]
    return _xml(request, site, feeds.news_sitemap(entries, TITLES[PLANET]))


def _noon(day: date) -> datetime:
    """The lastmod of the traps and the disallowed URL a day's sitemap lists."""
    return datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=12)


def _day_entries(site: SampleSite, day: date) -> list[feeds.FeedEntry]:
    keys = site.catalog.keys(PLANET, day)
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


def _day_sitemap(site: SampleSite, request: Request, day_text: str) -> Response:
    day = date.fromisoformat(day_text)
    if day not in site.days():
        return _not_found()
    body = gzip.compress(feeds.urlset(_day_entries(site, day)).encode("utf-8"), mtime=0)
    return _cached(request, site, 200, "application/x-gzip", body, None)


def _gazette_sitemap(site: SampleSite, request: Request) -> Response:
    entries = [_entry(site, k) for k in _newest_first(site, GAZETTE)]
    entries.append(
        feeds.FeedEntry(
            f"{site.base_url}/private/gazette/{site.today:%Y/%m}/subscriber-special-0",
            datetime.combine(site.today, datetime.min.time(), UTC),
        )
    )
    return _xml(request, site, feeds.urlset(entries))


FEED_TRACKING = "utm_source=rss&utm_medium=feed"


def _rss(site: SampleSite, request: Request) -> Response:
    entries = [_entry(site, k, FEED_TRACKING, summary=True) for k in _newest_first(site, HERALD)]
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
        "application/rss+xml; charset=utf-8",
    )


def _atom(site: SampleSite, request: Request) -> Response:
    entries = [
        _entry(site, k, "utm_source=atom&utm_medium=feed", summary=True)
        for k in _newest_first(site, HERALD)
    ]
    return _xml(
        request,
        site,
        feeds.atom(
            entries,
            title=TITLES[HERALD],
            link=site.base_url + "/herald/",
            feed_url=site.base_url + "/herald/atom.xml",
            feed_id="tag:metro-herald.example,2026:feed",
            updated=max(e.lastmod for e in entries),
        ),
        "application/atom+xml; charset=utf-8",
    )


_DOCUMENTS = {
    "/planet/sitemap-index.xml": _sitemap_index,
    "/planet/news-sitemap.xml": _news_sitemap,
    "/gazette/sitemap.xml": _gazette_sitemap,
    "/herald/rss.xml": _rss,
    "/herald/atom.xml": _atom,
}


# --- listing pages -------------------------------------------------------------------------


def _teaser(site: SampleSite, key: ArticleKey) -> tuple[str, str, str]:
    spec = site.catalog.spec(key)
    return spec.title, spec.path, site.catalog.summary(key)


def _section(site: SampleSite, publication: str, name: str, page: int) -> Response:
    """A paginated section page, newest first ("news" lists every article)."""
    if name not in SECTIONS or page < 1:
        return _not_found()
    keys = (
        k
        for k in _newest_first(site, publication)
        if name == "news" or site.catalog.spec(k).section == name
    )
    chunk = list(islice(keys, (page - 1) * SECTION_PAGE_SIZE, page * SECTION_PAGE_SIZE + 1))
    if not chunk and page > 1:
        return _not_found()
    more = len(chunk) > SECTION_PAGE_SIZE
    prefix = PREFIXES[publication]
    base = f"{prefix}/section/{name}/"
    extra: list[tuple[str, str]] = []
    if publication == GAZETTE:
        extra = [(f"From our partners: {kind}", path) for path, kind in TRAP_PATHS.items()]
        extra += [
            ("Subscriber archive", f"/private/gazette/{site.today:%Y/%m}/subscriber-special-1"),
            ("Editor preview", "/herald/admin/news/draft-preview-2.html"),
        ]
    text = templates.listing_page(
        f"{name.title()} - {TITLES[publication]}",
        [_teaser(site, k) for k in chunk[:SECTION_PAGE_SIZE]],
        nav=[(s.title(), f"{prefix}/section/{s}/") for s in SECTIONS],
        extra_links=extra,
        next_path=f"{base}page/{page + 1}/" if more else None,
        prev_path=(base if page == 2 else f"{base}page/{page - 1}/") if page > 1 else None,
    )
    return _html(200, text)


def _static(match: re.Match[str]) -> Response:
    """About, contact, cookies... and author pages: short pages that exist."""
    if match.re is _AUTHOR:
        name = match.group(1).replace("-", " ").title()
        return _html(
            200,
            templates.small_page(
                f"{name} - {TITLES[PLANET]}", f"{name} writes for {TITLES[PLANET]}."
            ),
        )
    publication = _BY_PREFIX[match.group(1)]
    title = f"{match.group(2).title()} - {TITLES[publication]}"
    return _html(200, templates.small_page(title, f"{TITLES[publication]}: {match.group(2)}."))


def _home(site: SampleSite, path: str) -> Response:
    publications = [p for p in (PLANET, HERALD, GAZETTE) if path in ("/", PREFIXES[p] + "/")]
    items = []
    for publication in publications:
        items += [_teaser(site, k) for k in islice(_newest_first(site, publication), 10)]
    nav = [(TITLES[p], PREFIXES[p] + "/") for p in (PLANET, HERALD, GAZETTE)]
    return _html(
        200,
        templates.listing_page(
            "Sample news site", items, nav=nav, extra_links=[], next_path=None, prev_path=None
        ),
    )


# --- control -------------------------------------------------------------------------------


def _json(data: object) -> Response:
    return Response(
        200,
        (("Content-Type", "application/json"),),
        json.dumps(data, indent=1, default=str).encode(),
    )


def _control(site: SampleSite, request: Request) -> Response:
    path = request.path
    if path == "/_control/requests" and request.method == "GET":
        return _json([r.to_json() for r in site.request_log])
    if path == "/_control/advance-day" and request.method == "POST":
        today = site.advance_day()
        return _json({"today": today.isoformat()})
    if path == "/_control/expected" and request.method == "GET":
        return _json([a.to_json() for a in site.expected_articles()])
    if path == "/_control/traps" and request.method == "GET":
        return _json(site.trap_urls())
    return _not_found()
