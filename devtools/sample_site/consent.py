"""The sample site's consent-wall trap: pages under /consent/ show the article only to a
client that sends the documented cookie ``consent=yes``.

Nothing on the site links to /consent/ and robots.txt does not list its sitemap, so a
crawl of the three publications never sees it; a test opts in by adding a source whose
sitemap is ``CONSENT_SITEMAP`` (with ``cookies: {consent: "yes"}`` to get the articles).
Without the cookie an article page answers 200 with a consent interstitial ("Before you
continue", accept/reject buttons) and none of the article text; with it, the full
article. The sitemap lists the pages on the host name it was asked under, so a test can
crawl the trap as two sources on two host names (``127.0.0.1`` and ``localhost``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from devtools.sample_site import feeds, textgen
from devtools.sample_site.responses import (
    Request,
    Response,
    html_response,
    not_found,
    xml_response,
)

if TYPE_CHECKING:
    from devtools.sample_site.site import SampleSite

CONSENT_PREFIX = "/consent/"
CONSENT_SITEMAP = "/consent/sitemap.xml"
CONSENT_PAGES = 6
"""Article URLs the consent sitemap lists."""
CONSENT_COOKIE = ("consent", "yes")
"""The cookie the site documents: send it and the articles are shown."""

INTERSTITIAL = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Before you continue</title></head>
<body><div class="consent-wall"><h1>Before you continue</h1>
<p>We and our partners use cookies to run this site. Choose whether you accept them.</p>
<form method="get" action="/consent/choice"><button name="c" value="yes">Accept all</button>
<button name="c" value="no">Reject all</button></form></div></body></html>
"""


@dataclass(frozen=True, slots=True)
class ConsentArticle:
    """One article behind the consent wall (generated from the site's seed)."""

    path: str
    title: str
    authors: tuple[str, ...]
    paragraphs: tuple[str, ...]


def consent_paths(site: SampleSite) -> list[str]:
    """The article paths the consent sitemap lists, dated today."""
    return [f"{CONSENT_PREFIX}{site.today:%Y/%m/%d}/story-{n}/" for n in range(CONSENT_PAGES)]


def consent_article(site: SampleSite, path: str) -> ConsentArticle:
    """The article at ``path`` (one of ``consent_paths``)."""
    rng = random.Random(f"{site.config.seed}:consent:{path}")
    head = textgen.story_head(rng)
    body = textgen.story_body(rng, head, min_paragraphs=6)
    return ConsentArticle(path, head.title, head.authors, body)


def has_consent(request: Request) -> bool:
    """True when the request's ``Cookie`` header holds ``consent=yes``."""
    pairs = (item.strip().partition("=") for item in request.headers.get("cookie", "").split(";"))
    return (CONSENT_COOKIE[0], "=", CONSENT_COOKIE[1]) in pairs


def respond(site: SampleSite, request: Request) -> Response:
    """The consent sitemap, an article (with the cookie) or the interstitial."""
    if request.path == CONSENT_SITEMAP:
        host = request.headers.get("host") or site.base_url.removeprefix("http://")
        return xml_response(
            feeds.bare_urlset(f"http://{host}{path}" for path in consent_paths(site))
        )
    if request.path not in consent_paths(site):
        return not_found()
    if not has_consent(request):
        return html_response(200, INTERSTITIAL)
    return html_response(200, _article_page(site, consent_article(site, request.path)))


def _article_page(site: SampleSite, article: ConsentArticle) -> str:
    published = f"{site.today:%Y-%m-%d}T08:00:00+00:00"
    body = "".join(f"<p>{escape(p)}</p>" for p in article.paragraphs)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(article.title)}</title>"
        f'<meta property="article:published_time" content="{published}">'
        f'<meta name="author" content="{escape(", ".join(article.authors))}">'
        f"</head><body><article><h1>{escape(article.title)}</h1>"
        f'<p class="byline">By {escape(" and ".join(article.authors))}</p>'
        f'<time datetime="{published}">{site.today:%d %B %Y}</time>{body}</article>'
        "</body></html>\n"
    )
