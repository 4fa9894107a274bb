"""HTML of the three publications' article pages, section pages and small pages.

Template A (daily-planet): JSON-LD NewsArticle (with ``keywords``, a relative
ImageObject ``image`` and ``dateModified``), byline at the top, share buttons,
advertisement slots, cookie banner. Template B (metro-herald): OpenGraph (a relative
``og:image``), ``article:published_time``/``modified_time``/``section``/``tag``,
``<meta name="author">``, byline at the bottom, related-links box, "Read more" and
newsletter furniture. Template C (valley-gazette): no structured data at all, a visible
"Published 3 March 2026, 09:15" line, a ``<p class="byline">`` in the body and a photo
(the only image: its top image) with a stand-alone credit.

Pure functions: text in, markup out. Every string is ASCII-escaped where needed so a
page can be encoded in ISO-8859-1 as well as UTF-8.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime
from html import escape

from devtools.sample_site.catalog import GAZETTE, HERALD, PLANET, TITLES, ArticleSpec
from devtools.sample_site.padding import SECTIONS, Padding, make_padding


@dataclass(frozen=True, slots=True)
class ArticlePage:
    """Everything an article page shows."""

    spec: ArticleSpec
    paragraphs: tuple[str, ...]
    canonical_url: str
    modified_at: datetime
    related: tuple[tuple[str, str], ...] = ()
    """(title, path) of other articles to link to."""
    private_path: str = ""
    """A robots-disallowed link the page carries (a crawler must not follow it)."""
    charset: str = "utf-8"


def byline(authors: tuple[str, ...]) -> str:
    """``Ann Lee``, ``Ann Lee and Bo Chen``, ``Ann Lee, Bo Chen and Cy Dee``."""
    if len(authors) <= 1:
        return "".join(authors)
    return ", ".join(authors[:-1]) + " and " + authors[-1]


def visible_date(value: datetime) -> str:
    """``3 March 2026, 09:15``."""
    return f"{value.day} {value:%B %Y, %H:%M}"


def _iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _jsonld(data: dict[str, object]) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
    return f'<script type="application/ld+json">\n{text}\n</script>'


def _slug(name: str) -> str:
    return "-".join(name.lower().split())


def padded(render, page: ArticlePage, page_kb: int, rng: random.Random, prefix: str) -> str:
    """``render(page, padding)`` grown to about ``page_kb`` kilobytes with realistic markup."""
    bare = render(page, Padding())
    budget = page_kb * 1024 - len(bare.encode(page.charset, "replace"))
    if budget <= 256:
        return bare
    return render(page, make_padding(rng, budget, prefix))


# --- template A: the Daily Planet ----------------------------------------------------------


def _planet_authors(authors: tuple[str, ...]) -> str:
    """Author links: "A and B", or "A, B and C"."""
    links = [f'<a rel="author" href="/planet/authors/{_slug(a)}/">{escape(a)}</a>' for a in authors]
    if len(links) <= 2:
        return " and ".join(links)
    return ", ".join(links[:-1]) + " and " + links[-1]


def _planet_jsonld(page: ArticlePage) -> str:
    spec = page.spec
    return _jsonld(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": spec.title,
            "datePublished": _iso(spec.published_at),
            "dateModified": _iso(page.modified_at),
            "author": [{"@type": "Person", "name": a} for a in spec.authors],
            "publisher": {"@type": "NewsMediaOrganization", "name": TITLES[PLANET]},
            "mainEntityOfPage": page.canonical_url,
            "articleSection": spec.section.title(),
            "keywords": list(spec.tags),
            "image": {
                "@type": "ImageObject",
                "url": f"/planet/images/{spec.key.day:%Y%m%d}-{spec.key.index}.jpg",
                "width": 1200,
                "height": 675,
            },
            "inLanguage": "en",
        }
    )


def _planet_story(paragraphs: tuple[str, ...]) -> str:
    """The story's paragraphs, with an inline ad after the second and the sixth."""
    body: list[str] = []
    for i, p in enumerate(paragraphs):
        body.append(f"<p>{escape(p, quote=False)}</p>")
        if i in (1, 5):
            body.append(
                '<div class="ad-slot ad-inline" aria-hidden="true"><span>Advertisement</span>'
                f'<div id="div-gpt-ad-{i}"></div></div>'
            )
    return "\n".join(body)


def _planet_share(canonical_url: str) -> str:
    url = escape(canonical_url)
    return (
        '<div class="share-buttons"><span>Share</span> '
        f'<a href="https://www.facebook.com/sharer.php?u={url}">Facebook</a> '
        f'<a href="https://x.com/intent/post?url={url}">X</a> '
        '<a href="mailto:?subject=From%20the%20Daily%20Planet">Email</a></div>'
    )


def planet_article(page: ArticlePage, pad: Padding) -> str:
    spec = page.spec
    related = "".join(
        f'<li><a href="{escape(path)}">{escape(title)}</a></li>' for title, path in page.related
    )
    share = _planet_share(page.canonical_url)
    published = _iso(spec.published_at)
    visible = visible_date(spec.published_at)
    nav = "".join(f'<li><a href="/planet/section/{s}/">{s.title()}</a></li>' for s in SECTIONS)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="{page.charset}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(spec.title)} | {TITLES[PLANET]}</title>
<link rel="canonical" href="{escape(page.canonical_url)}">
<meta name="description" content="{escape(page.paragraphs[0][:150])}">
<meta property="og:site_name" content="{TITLES[PLANET]}">
{_planet_jsonld(page)}
{pad.head}</head>
<body class="article-page">
<div id="cookie-banner" class="cookie-consent" role="dialog"><p>We use cookies to give you
the best experience on our website. By continuing to browse you accept our use of cookies.
<a href="/planet/cookies/">Cookie settings</a></p><button type="button">Accept all</button></div>
<header class="site-header"><a class="logo" href="/planet/">{TITLES[PLANET]}</a>
<nav class="main-nav"><ul>{nav}</ul></nav></header>
{pad.nav}<div class="ad-slot ad-leaderboard" aria-hidden="true"><span>Advertisement</span></div>
<main id="content">
<article class="story">
<header class="story-header">
<p class="kicker"><a href="/planet/section/{spec.section}/">{spec.section.title()}</a></p>
<h1 class="headline">{escape(spec.title)}</h1>
<p class="byline">By {_planet_authors(spec.authors)}</p>
<p class="timestamp"><time datetime="{published}">{visible} UTC</time></p>
{share}
</header>
<div class="story-body">
{_planet_story(page.paragraphs)}
</div>
<footer class="story-footer">{share}</footer>
</article>
{pad.comments}<aside class="most-read"><h2>Most read</h2><ol>{related}</ol></aside>
</main>
<footer class="site-footer">{pad.footer}<p><a href="/planet/about/">About us</a> |
<a href="/planet/contact/">Contact</a> | <a href="{escape(page.private_path)}">Staff area</a></p>
<p>&copy; {spec.published_at.year} {TITLES[PLANET]}</p></footer>
</body>
</html>
"""


# --- template B: the Metro Herald ----------------------------------------------------------


_HERALD_TOPBAR = (
    '<div class="topbar"><a href="/herald/subscribe/">Subscribe</a> '
    '<a href="/herald/login/">Log in</a></div>'
)


def herald_article(page: ArticlePage, pad: Padding) -> str:
    spec = page.spec
    paragraphs = [f"<p>{escape(p, quote=False)}</p>" for p in page.paragraphs]
    if page.related:
        title, path = page.related[0]
        paragraphs.insert(
            min(2, len(paragraphs)),
            (
                f'<p class="read-more"><strong>Read more</strong> <a href="{escape(path)}">'
                f"{escape(title)}</a></p>"
            ),
        )
    related = "".join(
        f'<li><a href="{escape(path)}">{escape(title)}</a></li>' for title, path in page.related[1:]
    )
    box = (
        f'<aside class="related-links"><h3>Related</h3><ul>{related}</ul></aside>'
        if related
        else ""
    )
    paragraphs.insert(min(4, len(paragraphs)), box)
    nav = "".join(f'<li><a href="/herald/section/{s}/">{s.title()}</a></li>' for s in SECTIONS)
    tags = "".join(f'<meta property="article:tag" content="{escape(t)}">\n' for t in spec.tags)
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="{page.charset}">
<title>{escape(spec.title)} - {TITLES[HERALD]}</title>
<link rel="canonical" href="{escape(page.canonical_url)}">
<meta property="og:type" content="article">
<meta property="og:title" content="{escape(spec.title)}">
<meta property="og:site_name" content="{TITLES[HERALD]}">
<meta property="og:url" content="{escape(page.canonical_url)}">
<meta property="og:description" content="{escape(page.paragraphs[0][:150])}">
<meta property="article:published_time" content="{spec.published_at.isoformat()}">
<meta property="article:modified_time" content="{page.modified_at.isoformat()}">
<meta property="article:section" content="{spec.section.title()}">
{tags}<meta property="og:image" content="/herald/media/{spec.key.day:%Y%m%d}-{spec.key.index}.jpg">
<meta name="author" content="{escape(", ".join(spec.authors))}">
{pad.head}</head>
<body>
{_HERALD_TOPBAR}
<header><a class="brand" href="/herald/">{TITLES[HERALD]}</a><nav><ul>{nav}</ul></nav></header>
{pad.nav}<div class="container">
<div class="content-column">
<h1 class="entry-title">{escape(spec.title)}</h1>
<div class="entry-content">
{chr(10).join(paragraphs)}
<div class="newsletter-signup"><p>Sign up for our newsletter</p>
<form action="/herald/newsletter/" method="post"><input type="email" name="email"
placeholder="Your email"><button type="submit">Subscribe</button></form></div>
</div>
<div class="author-box"><p class="byline">By {escape(byline(spec.authors))}</p></div>
{pad.comments}</div>
<aside class="sidebar"><div class="ad"><span>Advertisement</span></div>
<p><a href="/herald/admin/news/draft-preview-{spec.key.index}.html">Editor preview</a></p></aside>
</div>
<footer>{pad.footer}<p>&copy; {TITLES[HERALD]}. All rights reserved.</p></footer>
</body>
</html>
"""


# --- template C: the Valley Gazette --------------------------------------------------------


def gazette_article(page: ArticlePage, pad: Padding) -> str:
    spec = page.spec
    paragraphs = [f"<p>{escape(p, quote=False)}</p>" for p in page.paragraphs]
    photo = (
        f'<p class="photo"><img src="/gazette/images/{spec.key.index}.jpg" alt=""></p>\n'
        f'<p class="credit">Photo: {escape(spec.authors[0] if spec.authors else "Staff")}'
        f"/{TITLES[GAZETTE]}</p>"
    )
    paragraphs.insert(min(2, len(paragraphs)), photo)
    nav = "".join(f'<li><a href="/gazette/section/{s}/">{s.title()}</a></li>' for s in SECTIONS)
    related = "".join(
        f'<li><a href="{escape(path)}">{escape(title)}</a></li>' for title, path in page.related
    )
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="{page.charset}">
<title>{escape(spec.title)} - {TITLES[GAZETTE]}</title>
<link rel="canonical" href="{escape(page.canonical_url)}">
{pad.head}</head>
<body>
<div id="wrapper">
<div id="masthead"><a href="/gazette/">{TITLES[GAZETTE]}</a><ul class="sections">{nav}</ul></div>
{pad.nav}<div id="main">
<div class="post">
<h1 class="post-title">{escape(spec.title)}</h1>
<p class="dateline">Published {visible_date(spec.published_at)}</p>
<div class="post-body">
<p class="byline">By {escape(byline(spec.authors))}</p>
{chr(10).join(paragraphs)}
</div>
<p class="tags">Filed under <a href="/gazette/section/{spec.section}/">{spec.section}</a></p>
</div>
{pad.comments}</div>
<div id="sidebar"><h3>Latest</h3><ul>{related}</ul>
<p><a href="{escape(page.private_path)}">Subscriber archive</a></p></div>
<div id="footer">{pad.footer}<p>Valley Gazette, 12 Mill Lane</p></div>
</div>
</body>
</html>
"""


TEMPLATES = {PLANET: planet_article, HERALD: herald_article, GAZETTE: gazette_article}


# --- listing and small pages ---------------------------------------------------------------


def listing_page(
    title: str,
    items: list[tuple[str, str, str]],
    *,
    nav: list[tuple[str, str]],
    extra_links: list[tuple[str, str]],
    next_path: str | None,
    prev_path: str | None,
) -> str:
    """A section/home page: ``items`` are (title, path, teaser)."""
    entries = "\n".join(
        f'<li class="teaser"><h2><a href="{escape(path)}">{escape(t)}</a></h2>'
        f"<p>{escape(teaser)}</p></li>"
        for t, path, teaser in items
    )
    nav_html = "".join(f'<li><a href="{escape(p)}">{escape(t)}</a></li>' for t, p in nav)
    extra = "".join(f'<li><a href="{escape(p)}">{escape(t)}</a></li>' for t, p in extra_links)
    pager = ""
    if prev_path:
        pager += f'<a rel="prev" href="{escape(prev_path)}">Previous page</a> '
    if next_path:
        pager += f'<a rel="next" href="{escape(next_path)}">Next page</a>'
    head_links = f'<link rel="next" href="{escape(next_path)}">' if next_path else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{escape(title)}</title>{head_links}</head>
<body>
<header><nav><ul>{nav_html}</ul></nav></header>
<main><h1>{escape(title)}</h1>
<ul class="teasers">
{entries}
</ul>
<nav class="pager">{pager}</nav>
</main>
<aside class="more"><h3>Elsewhere</h3><ul>{extra}</ul></aside>
</body>
</html>
"""


def small_page(title: str, text: str) -> str:
    """A short page that is not an article (errors, the slow trap)."""
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>'
        f"{escape(title)}</title></head><body><h1>{escape(title)}</h1><p>{escape(text)}</p>"
        "</body></html>\n"
    )
