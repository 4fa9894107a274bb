"""The sample site's paywall trap: articles under /paywalled/ whose text stops at a prompt.

Nothing on the site links to /paywalled/ and robots.txt does not list its sitemap, so a
crawl of the three publications never sees it; a test opts in by adding a source whose
sitemap is ``PAYWALL_SITEMAP``. The first ``PAYWALLED_ARTICLES`` stories are paywalled
the way publishers mark them for search engines: JSON-LD ``isAccessibleForFree: false``
with a ``wordCount`` of the whole article and a ``hasPart`` section (``.paywall``) that
is left empty, and the visible text ends at "Subscribe to continue reading". The last
story is free (``isAccessibleForFree: true``) and whole, for contrast. Text is generated
from the site's seed, like the publications' articles.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, time, timedelta
from html import escape
from typing import TYPE_CHECKING

from devtools.sample_site import feeds
from devtools.sample_site.responses import (
    Request,
    Response,
    html_response,
    not_found,
    xml_response,
)
from devtools.sample_site.templates import byline
from devtools.sample_site.textgen import story_body, story_head

if TYPE_CHECKING:
    from devtools.sample_site.site import SampleSite

PAYWALL_PREFIX = "/paywalled/"
PAYWALL_SITEMAP = "/paywalled/sitemap.xml"
PAYWALLED_ARTICLES = 3
"""Stories 0 .. PAYWALLED_ARTICLES - 1 are paywalled; story PAYWALLED_ARTICLES is free."""
TEASER_PARAGRAPHS = 2
"""Paragraphs of a paywalled story shown before the prompt."""
PROMPT = "Subscribe to continue reading."
"""The first line of the paywall prompt (the rest: a log-in link and an offer)."""

_PAGE_PREFIX = PAYWALL_PREFIX + "story-"


def paywalled_paths() -> list[str]:
    """The article paths the paywall sitemap lists: the paywalled stories, then the free one."""
    return [f"{_PAGE_PREFIX}{n}/" for n in range(PAYWALLED_ARTICLES + 1)]


def is_paywalled(path: str) -> bool:
    """Whether the story at ``path`` (one of :func:`paywalled_paths`) is paywalled."""
    return int(path.rstrip("/").rsplit("-", 1)[1]) < PAYWALLED_ARTICLES


def respond(site: SampleSite, request: Request) -> Response:
    """The paywall sitemap, or one story of the trap."""
    if request.path == PAYWALL_SITEMAP:
        return xml_response(feeds.bare_urlset(site.base_url + p for p in paywalled_paths()))
    if request.path not in paywalled_paths():
        return not_found()
    return html_response(200, story_page(site, request.path))


def story_page(site: SampleSite, path: str) -> str:
    """The HTML of the story at ``path``: cut at the paywall prompt, or whole when free."""
    n = int(path.rstrip("/").rsplit("-", 1)[1])
    rng = random.Random(f"{site.config.seed}-paywalled-{n}")
    head = story_head(rng)
    paragraphs = story_body(rng, head, min_paragraphs=6, max_paragraphs=8)
    published = datetime.combine(site.today, time(6), tzinfo=UTC) + timedelta(hours=n)
    paywalled = is_paywalled(path)
    shown = paragraphs[:TEASER_PARAGRAPHS] if paywalled else paragraphs
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": head.title,
        "datePublished": published.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "author": [{"@type": "Person", "name": name} for name in head.authors],
        "wordCount": sum(len(p.split()) for p in paragraphs),
        "isAccessibleForFree": not paywalled,
    }
    if paywalled:
        data["hasPart"] = {
            "@type": "WebPageElement",
            "isAccessibleForFree": False,
            "cssSelector": ".paywall",
        }
    prompt = (
        f'<div class="paywall"></div><div class="offer"><p>{PROMPT}</p>'
        '<p>Already a subscriber? <a href="/paywalled/login">Log in</a></p>'
        "<p>Your first month for 1 euro.</p></div>"
        if paywalled
        else ""
    )
    body = "\n".join(f"<p>{escape(p)}</p>" for p in shown)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(head.title)} | The Ledger</title>\n"
        f'<script type="application/ld+json">{_json_script(data)}</script>\n'
        f"</head><body><article><h1>{escape(head.title)}</h1>"
        f'<p class="byline">By {escape(byline(head.authors))}</p>\n{body}\n{prompt}'
        "</article></body></html>\n"
    )


def _json_script(data: dict[str, object]) -> str:
    """``data`` as JSON safe inside a ``<script>`` element."""
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
