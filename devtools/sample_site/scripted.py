"""The sample site's JavaScript publication: article pages whose text a script inserts.

Opt-in like the bot-wall trap: nothing on the site links to ``/scripted/`` and robots.txt
does not list its sitemap, so a crawl of the three publications never sees it; a test
adds a source whose sitemap is ``SCRIPTED_SITEMAP`` (``?pages=N`` lists N pages instead
of ``SCRIPTED_PAGES``, up to ``MAX_PAGES``, for the benchmark).

An article page holds its title, byline and date, but no body text: ``/scripted/app.js``
fetches ``/scripted/api/<date>/story-<n>.json`` (same site) and inserts its paragraphs.
The page also asks for what a browser that renders it politely does not load: a style
sheet, a web font, a photo (all on the site, so the request log shows whether they were
asked for) and a tracker script on another host. A crawler that does not run scripts
gets an empty shell; one that does gets ``expected_bodies``.
"""

from __future__ import annotations

import json
import random
import re
from datetime import UTC, date, datetime, time
from html import escape
from typing import TYPE_CHECKING

from devtools.sample_site import feeds, textgen
from devtools.sample_site.responses import HTML, Request, Response, not_found, xml_response

if TYPE_CHECKING:
    from devtools.sample_site.site import SampleSite

SCRIPTED_PREFIX = "/scripted/"
SCRIPTED_SITEMAP = "/scripted/sitemap.xml"
SCRIPTED_PAGES = 12
"""Article URLs the sitemap lists by default."""
MAX_PAGES = 5000
APP_JS = "/scripted/app.js"
NOT_LOADED = ("/scripted/style.css", "/scripted/fonts/", "/scripted/img/")
"""Path prefixes of the sub-resources a rendering crawler should not ask for."""
TRACKER = "https://tracker.example.invalid/t.js"
_PAGE = re.compile(r"^/scripted/(\d{4})/(\d{2})/(\d{2})/story-(\d+)/$")
_API = re.compile(r"^/scripted/api/(\d{4})/(\d{2})/(\d{2})/story-(\d+)\.json$")

SCRIPT = """(function () {
  var holder = document.getElementById("story-body");
  fetch(holder.getAttribute("data-src"))
    .then(function (answer) { return answer.json(); })
    .then(function (story) {
      story.paragraphs.forEach(function (text) {
        var p = document.createElement("p");
        p.textContent = text;
        holder.appendChild(p);
      });
    });
})();
"""


def _story(site: SampleSite, n: int) -> tuple[textgen.StoryHead, tuple[str, ...]]:
    rng = random.Random(f"{site.config.seed}:scripted:{n}")
    head = textgen.story_head(rng)
    return head, textgen.story_body(rng, head)


def _day(site: SampleSite, n: int) -> date:
    """Page ``n`` is dated one of the site's days, newest first."""
    days = site.days()
    return days[n % len(days)]


def scripted_path(site: SampleSite, n: int) -> str:
    return f"{SCRIPTED_PREFIX}{_day(site, n):%Y/%m/%d}/story-{n}/"


def scripted_paths(site: SampleSite, pages: int = SCRIPTED_PAGES) -> list[str]:
    """The article paths the sitemap lists for ``pages`` pages."""
    return [scripted_path(site, n) for n in range(pages)]


def expected_bodies(site: SampleSite, pages: int = SCRIPTED_PAGES) -> dict[str, str]:
    """Article path -> the body a rendering crawler stores (paragraphs, blank lines)."""
    return {scripted_path(site, n): "\n\n".join(_story(site, n)[1]) for n in range(pages)}


def respond(site: SampleSite, request: Request) -> Response:
    """The sitemap, an article shell, its JSON, the script, or 404."""
    path = request.path
    if path == SCRIPTED_SITEMAP:
        return _sitemap(site, request)
    if path == APP_JS:
        return Response(200, (("Content-Type", "text/javascript; charset=utf-8"),), SCRIPT.encode())
    for pattern, answer in ((_PAGE, _page), (_API, _api)):
        match = pattern.match(path)
        if match:
            n = int(match.group(4))
            if n < MAX_PAGES and path == _url_of(site, n, pattern):
                return answer(site, n)
    return not_found()


def _url_of(site: SampleSite, n: int, pattern: re.Pattern[str]) -> str:
    if pattern is _PAGE:
        return scripted_path(site, n)
    return f"{SCRIPTED_PREFIX}api/{_day(site, n):%Y/%m/%d}/story-{n}.json"


def _sitemap(site: SampleSite, request: Request) -> Response:
    asked = dict(part.partition("=")[::2] for part in request.query.split("&") if part)
    try:
        pages = min(int(asked.get("pages", SCRIPTED_PAGES)), MAX_PAGES)
    except ValueError:
        return not_found()
    return xml_response(feeds.bare_urlset(site.base_url + p for p in scripted_paths(site, pages)))


def _api(site: SampleSite, n: int) -> Response:
    body = json.dumps({"paragraphs": list(_story(site, n)[1])}).encode()
    return Response(200, (("Content-Type", "application/json"),), body)


def _page(site: SampleSite, n: int) -> Response:
    head, _ = _story(site, n)
    published = datetime.combine(_day(site, n), time(6, n % 60), tzinfo=UTC)
    iso = published.strftime("%Y-%m-%dT%H:%M:%SZ")
    title, authors = escape(head.title), escape(", ".join(head.authors))
    data = f"{SCRIPTED_PREFIX}api/{_day(site, n):%Y/%m/%d}/story-{n}.json"
    text = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} - The Scripted Times</title>
<meta name="author" content="{authors}">
<meta property="article:published_time" content="{iso}">
<link rel="canonical" href="{site.base_url}{scripted_path(site, n)}">
<link rel="stylesheet" href="/scripted/style.css">
<link rel="preload" href="/scripted/fonts/serif.woff2" as="font" type="font/woff2" crossorigin>
<script async src="{TRACKER}"></script>
<script defer src="{APP_JS}"></script>
</head><body>
<header><a href="{SCRIPTED_PREFIX}">The Scripted Times</a></header>
<main><article>
<h1>{title}</h1>
<p class="byline">By {authors}, <time datetime="{iso}">{published:%d %B %Y}</time></p>
<img src="/scripted/img/story-{n}.jpg" alt="">
<div id="story-body" data-src="{data}"></div>
<noscript>Turn on JavaScript to read this story.</noscript>
</article></main>
</body></html>
"""
    return Response(200, (("Content-Type", HTML),), text.encode())
