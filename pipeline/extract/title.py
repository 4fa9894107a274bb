"""The article's headline: og:title, the JSON-LD headline, <h1> or <title>, without the
site name and section that pages put around them."""

from __future__ import annotations

import html as html_lib
import re

from lxml.html import HtmlElement
from trafilatura.metadata import extract_title

from pipeline.extract.structured import PageMetadata, jsonld_values

_SITE_SUFFIX = re.compile(r"^(.{8,}?)\s+(?:\||-|–|—|::)\s+([^|–—]{2,60})$")
_SEPARATOR = re.compile(r"\s+(?:[|\-–—*·•/:]{1,2})\s+|\s*[：｜]\s*")
"""What sits between a headline and an appended site name or section: " | ", " - ",
"：" (Japanese), "｜", " * "."""
_QUOTES = (("‘", "'"), ("’", "'"), ("‚", "'"), ("“", '"'), ("”", '"'), ("„", '"'), ("–", "-"))
"""Typographic quotes and the en dash, each with its plain form (replaced one by one:
``str.translate`` with a table of non-ASCII characters takes a Python-level lookup per
character, ten times longer on a headline)."""


def first_str(values: list[object]) -> str | None:
    """The first non-empty string of ``values``, entities decoded, whitespace collapsed."""
    for v in values:
        if isinstance(v, str) and v.strip():
            return " ".join(html_lib.unescape(v).split())
    return None


_CHAR_BY_CHAR = ("\u0130", "\u03a3")
"""The two letters ``str.lower`` lowers differently in a string than one by one: "İ" to
two characters, "Σ" to "ς" at the end of a word."""


def _fold(text: str) -> str:
    """``text`` compared loosely, character for character (the length is kept): case,
    typographic quotes and dashes folded."""
    for typographic, plain in _QUOTES:
        if typographic in text:
            text = text.replace(typographic, plain)
    if not any(c in text for c in _CHAR_BY_CHAR):
        return text.lower()  # the same as below, without a Python step per character
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _confirmed_prefix(title: str, others: list[str], site: str | None = None) -> str | None:
    """The part of ``title`` before a separator when that part is another source's
    headline (quotes and case folded): "Headline：Site" or "Headline * Site * by Author"
    with an h1 "Headline" (dev set: title exact match +0.04 in-sample and
    leave-publisher-out, see benchmarks/RESULTS.md); also when the separator lacks
    spaces but the rest names the site (:func:`_unspaced_site_suffix`)."""
    folded = _fold(title)
    for other in others:
        head = _fold(other)
        if len(head) < 8 or len(head) >= len(folded) or not folded.startswith(head):
            continue
        tail = folded[len(head) :]
        if _SEPARATOR.match(tail) or _unspaced_site_suffix(tail, site):
            return title[: len(head)]
    return None


def _unspaced_site_suffix(tail: str, site: str | None) -> bool:
    """Whether ``tail``, what follows a confirmed headline, is site furniture although
    its separator has no spaces ("-정치ㅣ한국일보" on a site named "한국일보"):
    punctuation first, the site name last, at most a short section name between. A
    hyphen inside a word ("COVID-19") is not followed by the site name."""
    name = _fold(site.strip()) if site else ""
    between = len(tail) - len(name)
    return len(name) >= 2 and 0 < between <= 24 and not tail[0].isalnum() and tail.endswith(name)


_PIPE_PREFIX = re.compile(r"^(?=\S).{2,60}?(?:\s+\|\s+|\s*｜\s*)$")
"""A section or site name and a pipe in front of a headline: "Sport | ", "Site｜"."""


def _section_prefix(prefix: str) -> bool:
    """Whether ``prefix``, what precedes a confirmed headline, is a section or site name
    set off by a pipe ("Sport | "). A kicker and a colon is not: "Kicker: Headline" is
    how publishers write headlines (and an SEO title "Kicker: Headline - Site" keeps
    the kicker as often as not on the dev set)."""
    return bool(_PIPE_PREFIX.match(prefix))


def _after_prefix(title: str, others: list[str]) -> str | None:
    """``title`` from another source's headline on, when what precedes that headline is
    a section name and a pipe (:func:`_section_prefix`): "Vierschanzentournee | Headline"
    with an h1 "Headline"."""
    folded = _fold(title)
    for other in others:
        head = _fold(other)
        start = folded.find(head) if len(head) >= 8 else -1
        if start <= 0:
            continue
        if _section_prefix(title[:start]):
            return title[start:]
    return None


_KICKER_END = re.compile(r"(?:\s+[|\-–—:·•/]{1,2}|\s*[:：｜])\s*$")
"""How a kicker ends before its headline: " - ", ": ", " | ", "："."""


def _common_tail(a: str, b: str) -> int:
    """How many characters ``a`` and ``b`` end with in common (a binary search on slice
    comparisons, not a Python step per character)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        mid = (low + high + 1) // 2
        if a[len(a) - mid :] == b[len(b) - mid :]:
            low = mid
        else:
            high = mid - 1
    return low


def _after_kicker(title: str, others: list[str]) -> str | None:
    """The headline after the kicker of ``title`` when another source states the same
    headline after another kicker, or after the same kicker set off otherwise:
    og:title "Iranischer Angriff auf Israel: «Headline»" with an h1 "Eskalation im Nahen
    Osten - «Headline»" (the kicker an element of its own), og:title "Kicker: Headline"
    with a JSON-LD ``alternativeHeadline`` "Kicker - Headline". Two renderings that
    disagree on what precedes the same text show the kicker is a field of its own that
    templates join to the headline, not part of it. A kicker only ``title`` has is kept
    ("Kicker: Headline" with an h1 "Headline" is how publishers write headlines), and
    so is one that differs only in spacing ("Kicker:Headline")."""
    folded = _fold(title)
    for other in others:
        head = _fold(other)
        if head == folded or head[-8:] != folded[-8:]:
            continue
        n = len(folded[len(folded) - _common_tail(folded, head) :].lstrip())
        if n < 8 or n >= len(folded) or n >= len(head):
            continue
        mine, theirs = folded[: len(folded) - n], head[: len(head) - n]
        if (
            _KICKER_END.search(mine)
            and _KICKER_END.search(theirs)
            and "".join(mine.split()) != "".join(theirs.split())
        ):
            return title[len(title) - n :]
    return None


def strip_site_suffix(title: str, others: list[str | None], site: str | None) -> str:
    """``title`` without what follows another title source's headline (h1, JSON-LD) and a
    separator, else without a trailing " | Site name" when the rest is confirmed: it
    equals another title source or the suffix is the site name. What precedes another
    source's headline goes too when it is furniture (see :func:`_after_prefix`) or a
    kicker that source words otherwise (see :func:`_after_kicker`)."""
    known = [" ".join(o.split()) for o in others if o and o.strip()]
    title = _after_prefix(title, known) or title
    if head := _confirmed_prefix(title, known, site):
        return head
    match = _SITE_SUFFIX.match(title)
    if match:
        head, tail = match.group(1).strip(), match.group(2).strip()
        if head.casefold() in {k.casefold() for k in known} or (
            site and tail.casefold() == site.casefold()
        ):
            title = head
    return _after_kicker(title, known) or title


def other_headlines(meta: PageMetadata, tree: HtmlElement) -> tuple[str, ...]:
    """The headlines the page states besides og:title: its JSON-LD headline and <h1>."""
    found = (first_str(jsonld_values(meta.jsonld, "headline")), meta.h1)
    return tuple(h for h in found if h)


def choose_title(meta: PageMetadata, tree: HtmlElement) -> str:
    """og:title (site-name suffix and furniture removed, confirmed by the JSON-LD
    headline, the <h1> and the JSON-LD ``alternativeHeadline``: see
    :func:`strip_site_suffix`), else the JSON-LD headline, else trafilatura's title from
    <title>/<h1>.

    og:title comes first because it is the headline the publisher shows when the page is
    shared; JSON-LD headlines are more often SEO variants (dev set: og:title with suffix
    stripping matches the ground truth more often).
    """
    headline = first_str(jsonld_values(meta.jsonld, "headline"))
    og = first_str([meta.first_meta("og:title", "twitter:title")])
    if og:
        site = meta.first_meta("og:site_name", "application-name")
        alternative = first_str(jsonld_values(meta.jsonld, "alternativeHeadline"))
        return strip_site_suffix(og, [headline, meta.h1, alternative], site)
    return headline or " ".join((extract_title(tree) or "").split())
