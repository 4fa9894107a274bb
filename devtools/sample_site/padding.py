"""Realistic page weight: inline CSS and scripts, mega menus, comment threads, footers.

Scale mode asks for pages of ``page_kb`` kilobytes; real news pages are mostly this kind
of markup around a few kilobytes of text. Deterministic for a given ``random.Random``.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from html import escape

from devtools.sample_site import textgen

_CSS_PROPS = (
    "margin",
    "padding",
    "color",
    "font-size",
    "line-height",
    "border-bottom",
    "background",
    "display",
    "max-width",
    "letter-spacing",
)
STATIC_PAGES = ("about", "contact", "cookies", "subscribe", "newsletter", "login")
"""Small pages every publication serves under its prefix (``/planet/about/``, ...)."""
SECTIONS = ("news", "business", "sport", "culture")
_MENU = (
    "News",
    "Local",
    "Business",
    "Sport",
    "Culture",
    "Opinion",
    "Weather",
    "Travel",
    "Food",
    "Property",
    "Motoring",
    "Puzzles",
    "Obituaries",
    "Jobs",
    "Events",
)


@dataclass(frozen=True, slots=True)
class Padding:
    """Markup to add in four places of a page (any may be empty)."""

    head: str = ""
    """Inside <head>: inline <style> and <script> blocks."""
    nav: str = ""
    """After the site header: a mega menu."""
    comments: str = ""
    """After the article: a reader comment thread."""
    footer: str = ""
    """Before </body>: footer link lists."""


def _css(rng: random.Random, budget: int) -> str:
    rules: list[str] = []
    size = 0
    while size < budget:
        selector = (
            f".c-{rng.randrange(10_000):04d} .{rng.choice(_MENU).lower()}-{rng.randrange(99)}"
        )
        props = ";".join(f"{p}:{rng.randrange(40)}px" for p in rng.sample(_CSS_PROPS, 3))
        rule = f"{selector}{{{props}}}"
        rules.append(rule)
        size += len(rule) + 1
    return "<style>\n" + "\n".join(rules) + "\n</style>\n"


def _script(rng: random.Random, budget: int) -> str:
    config = {"site": "sample", "slots": [], "experiments": {}}
    size = 0
    while size < budget:
        slot = {
            "id": f"slot-{rng.randrange(10**6)}",
            "sizes": [[300, 250], [728, 90]],
            "targeting": {"section": rng.choice(_MENU).lower(), "pos": rng.randrange(9)},
        }
        config["slots"].append(slot)
        size += 110
    data = json.dumps(config, separators=(",", ":"))
    return (
        "<script>window.__SITE_CONFIG__="
        + data
        + ";(function(){var s=document.createElement('script');s.async=true;"
        "s.src='/static/ads.js';document.head.appendChild(s);})();</script>\n"
    )


def live_paths(prefix: str) -> tuple[str, ...]:
    """Pages of a publication that exist: its home, section and static pages. Menus link
    only to these, as on a real site (a link-following crawler meets no dead links)."""
    return (
        f"{prefix}/",
        *(f"{prefix}/section/{s}/" for s in SECTIONS),
        *(f"{prefix}/{name}/" for name in STATIC_PAGES),
    )


def _menu(rng: random.Random, budget: int, prefix: str) -> str:
    items: list[str] = []
    size = 0
    links = live_paths(prefix)
    while size < budget:
        top = rng.choice(_MENU)
        subs = "".join(
            f'<li><a href="{rng.choice(links)}">'
            f"{escape(rng.choice(textgen.PLACES))} {top.lower()}</a></li>"
            for _ in range(6)
        )
        item = (
            f'<li class="menu-item"><a href="{rng.choice(links)}">{top}</a>'
            f'<ul class="sub-menu">{subs}</ul></li>'
        )
        items.append(item)
        size += len(item)
    return (
        '<nav class="mega-menu" aria-label="All sections"><ul>' + "".join(items) + "</ul></nav>\n"
    )


def _comments(rng: random.Random, budget: int) -> str:
    topic = rng.choice(textgen.TOPICS)
    ctx = {
        "place": rng.choice(textgen.PLACES),
        "thing": rng.choice(topic.things),
        "year_prev": str(rng.randint(2015, 2024)),
    }
    parts: list[str] = []
    size = 0
    used: set[str] = set()
    while size < budget:
        text = textgen.paragraph(rng, topic, ctx, used, 8, 30)
        name = textgen.person(rng).replace(" ", "")
        part = (
            f'<div class="comment"><p class="comment-meta"><span class="comment-author">'
            f'{escape(name)}{rng.randrange(100)}</span> <span class="comment-time">'
            f'{rng.randrange(1, 23)} hours ago</span></p><div class="comment-text"><p>'
            f'{escape(text)}</p></div><p class="comment-actions"><a href="#">Reply</a> '
            f'<a href="#">Report</a></p></div>'
        )
        parts.append(part)
        size += len(part)
    return (
        '<section id="comments" class="comments"><h2>Comments</h2>'
        + "".join(parts)
        + "</section>\n"
    )


def _footer(rng: random.Random, budget: int, prefix: str) -> str:
    cols: list[str] = []
    size = 0
    paths = live_paths(prefix)
    while size < budget:
        title = rng.choice(_MENU)
        links = "".join(
            f'<li><a href="{rng.choice(paths)}">'
            f"{escape(rng.choice(textgen.PLACES))} {title.lower()} guide</a></li>"
            for _ in range(8)
        )
        col = f'<div class="footer-col"><h4>{title}</h4><ul>{links}</ul></div>'
        cols.append(col)
        size += len(col)
    return '<div class="footer-links">' + "".join(cols) + "</div>\n"


def make_padding(rng: random.Random, budget: int, prefix: str) -> Padding:
    """About ``budget`` bytes of markup spread over the four places of a page.

    Mostly styles, scripts and comments: link lists are kept to a quarter, as on real
    article pages, so a short article is not mistaken for an index page."""
    if budget <= 0:
        return Padding()
    return Padding(
        head=_css(rng, budget * 25 // 100) + _script(rng, budget * 15 // 100),
        nav=_menu(rng, budget // 10, prefix),
        comments=_comments(rng, budget * 35 // 100),
        footer=_footer(rng, budget * 15 // 100, prefix),
    )
