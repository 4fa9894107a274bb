"""What the sample site answers to each request: one function from request to response.

No sockets here (see :mod:`devtools.sample_site.server`); the only effects are the
site's small state (the 429 trap's memory, ``advance_day`` through /_control/).
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from itertools import islice
from typing import TYPE_CHECKING

from devtools.sample_site import consent, feeds, paywalled, scripted, templates, walls
from devtools.sample_site.catalog import (
    GAZETTE,
    HERALD,
    PLANET,
    PREFIXES,
    TITLES,
    ArticleKey,
    ArticleSpec,
)
from devtools.sample_site.documents import DAY_SITEMAP, DOCUMENTS, day_sitemap, newest_first
from devtools.sample_site.padding import SECTIONS, STATIC_PAGES
from devtools.sample_site.responses import HTML, Request, Response, cached, html_response, not_found
from devtools.sample_site.site import DISALLOWED_PATHS, TRAP_PATHS

if TYPE_CHECKING:
    from devtools.sample_site.site import SampleSite

SECTION_PAGE_SIZE = 20
_SECTION = re.compile(r"^/(planet|herald|gazette)/section/([a-z]+)/(?:page/(\d+)/)?$")
_STATIC = re.compile(r"^/(planet|herald|gazette)/([a-z]+)/$")
_AUTHOR = re.compile(r"^/planet/authors/([a-z-]+)/$")
_BY_PREFIX = {prefix.strip("/"): publication for publication, prefix in PREFIXES.items()}
_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


__all__ = ["Request", "Response", "render_article", "respond"]


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
    if path.startswith(walls.WALL_PREFIX):
        return walls.respond(site, request)
    if path.startswith(consent.CONSENT_PREFIX):
        return consent.respond(site, request)
    if path.startswith(paywalled.PAYWALL_PREFIX):
        return paywalled.respond(site, request)
    if path.startswith(scripted.SCRIPTED_PREFIX):
        return scripted.respond(site, request)
    if path.startswith(("/private/", "/herald/admin/")):
        return _private(site, path)
    handler = DOCUMENTS.get(path)
    if handler is not None:
        return handler(site, request)
    match = DAY_SITEMAP.match(path)
    if match:
        return day_sitemap(site, request, match.group(1))
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
    return not_found()


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
    return cached(request, site, 200, "text/html" if latin1 else HTML, body, site.modified_at(key))


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
    return html_response(200, templates.planet_article(page, templates.Padding()))


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
        return html_response(500, templates.small_page("Internal server error", "Something broke."))
    if kind == "404":
        return not_found()
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


# --- listing pages -------------------------------------------------------------------------


def _teaser(site: SampleSite, key: ArticleKey) -> tuple[str, str, str]:
    spec = site.catalog.spec(key)
    return spec.title, spec.path, site.catalog.summary(key)


def _section(site: SampleSite, publication: str, name: str, page: int) -> Response:
    """A paginated section page, newest first ("news" lists every article)."""
    if name not in SECTIONS or page < 1:
        return not_found()
    keys = (
        k
        for k in newest_first(site, publication)
        if name == "news" or site.catalog.spec(k).section == name
    )
    chunk = list(islice(keys, (page - 1) * SECTION_PAGE_SIZE, page * SECTION_PAGE_SIZE + 1))
    if not chunk and page > 1:
        return not_found()
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
    return html_response(200, text)


def _static(match: re.Match[str]) -> Response:
    """About, contact, cookies... and author pages: short pages that exist."""
    if match.re is _AUTHOR:
        name = match.group(1).replace("-", " ").title()
        return html_response(
            200,
            templates.small_page(
                f"{name} - {TITLES[PLANET]}", f"{name} writes for {TITLES[PLANET]}."
            ),
        )
    publication = _BY_PREFIX[match.group(1)]
    title = f"{match.group(2).title()} - {TITLES[publication]}"
    return html_response(
        200, templates.small_page(title, f"{TITLES[publication]}: {match.group(2)}.")
    )


def _home(site: SampleSite, path: str) -> Response:
    publications = [p for p in (PLANET, HERALD, GAZETTE) if path in ("/", PREFIXES[p] + "/")]
    items = []
    for publication in publications:
        items += [_teaser(site, k) for k in islice(newest_first(site, publication), 10)]
    nav = [(TITLES[p], PREFIXES[p] + "/") for p in (PLANET, HERALD, GAZETTE)]
    return html_response(
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
    if path == "/_control/publish-late" and request.method == "POST":
        try:
            return _json({"path": site.publish_late()})
        except ValueError as exc:
            return Response(409, (("Content-Type", "text/plain"),), str(exc).encode())
    if path == "/_control/expected" and request.method == "GET":
        return _json([a.to_json() for a in site.expected_articles()])
    if path == "/_control/traps" and request.method == "GET":
        return _json(site.trap_urls())
    return not_found()
