"""Where a page files its article: the section and the tags.

Pure functions of the parsed page (and, for tags, of the keywords the news sitemap gave
for the URL). The section is ``article:section``, else the JSON-LD ``articleSection``,
else the page's breadcrumb; tags gather ``article:tag``, the JSON-LD ``keywords``, the
``news_keywords``/``keywords`` meta tags and the news sitemap's ``news:keywords``.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from pipeline.extract.structured import PageMetadata, jsonld_values

MAX_TAGS = 30
"""Tags kept per article (the first ones, in source order): pages that list hundreds of
keywords are stuffing them for search engines, and analysts group by the first few."""
MAX_TAG_CHARS = 100
"""A longer "tag" is a sentence or a mis-filled field, not a tag: it is left out rather
than cut into a tag nobody wrote."""
MAX_SECTION_CHARS = 100
"""A longer section name is not a section name (a headline in a breadcrumb): left out."""

_ID_LIKE = re.compile(r"[0-9a-f]{8,}(?:-[0-9a-f]{4,})*|\d+", re.IGNORECASE)
"""A "tag" that is a number or a hex identifier (a CMS's UUID), not a word anyone filed
the article under."""

SECTION_META_KEYS = ("article:section", "og:article:section", "section", "parsely-section")
KEYWORD_META_KEYS = ("news_keywords", "keywords")
_HOME_NAMES = frozenset({"home", "homepage", "start", "startseite", "accueil", "inicio"})


def _clean(value: object) -> str:
    """``value`` unescaped with its white space collapsed; "" when it is not a string."""
    if not isinstance(value, str):
        return ""
    return " ".join(html_lib.unescape(value).split())


def _section_name(value: object) -> str | None:
    text = _clean(value)
    return text if text and len(text) <= MAX_SECTION_CHARS else None


# --- section -------------------------------------------------------------------------------


def _crumb(item: Any) -> tuple[str, str | None]:
    """(name, URL) of one ``ListItem`` of a JSON-LD breadcrumb."""
    if not isinstance(item, dict):
        return "", None
    target = item.get("item")
    name = item.get("name")
    url = None
    if isinstance(target, dict):
        name = name or target.get("name")
        url = target.get("@id") or target.get("url")
    elif isinstance(target, str):
        url = target
    return _clean(name), url if isinstance(url, str) else None


def _position(item: Any) -> float:
    """A ``ListItem``'s ``position`` (a number or a numeric string); 0 when it has none."""
    value = item.get("position") if isinstance(item, dict) else None
    try:
        return float(value) if isinstance(value, int | float | str) else 0.0
    except ValueError:
        return 0.0


def _same_page(url: str | None, page_url: str | None) -> bool:
    if not url or not page_url:
        return False
    a, b = urlsplit(urljoin(page_url, url)), urlsplit(page_url)
    return (a.netloc.lower(), a.path.rstrip("/")) == (b.netloc.lower(), b.path.rstrip("/"))


def _is_home(name: str, url: str | None, page_url: str | None) -> bool:
    if name.casefold() in _HOME_NAMES:
        return True
    if url and page_url:
        return urlsplit(urljoin(page_url, url)).path in ("", "/")
    return False


def pick_crumb(
    crumbs: list[tuple[str, str | None]], page_url: str | None, title: str
) -> str | None:
    """The last breadcrumb before the article itself (the page's URL or title, or a
    last crumb without a link), leaving out the home page."""
    if crumbs:
        name, url = crumbs[-1]
        if url is None or _same_page(url, page_url) or name.casefold() == title.casefold():
            crumbs = crumbs[:-1]
    for name, url in reversed(crumbs):
        if name and not _is_home(name, url, page_url):
            return _section_name(name)
    return None


def jsonld_breadcrumb(meta: PageMetadata, page_url: str | None, title: str) -> str | None:
    """The section a JSON-LD ``BreadcrumbList`` names (see :func:`pick_crumb`)."""
    for crumb_list in meta.breadcrumbs:
        items = crumb_list.get("itemListElement")
        if not isinstance(items, list):
            continue
        found = pick_crumb([_crumb(i) for i in sorted(items, key=_position)], page_url, title)
        if found:
            return found
    return None


_NAV_BREADCRUMB = (
    "//nav[contains(translate(@aria-label, 'BREADCRUMB', 'breadcrumb'), 'breadcrumb')]"
    " | //*[contains(@class, 'breadcrumb')]"
)
"""Breadcrumb trails and every element whose class merely contains "breadcrumb" (a
cheap test; the class names are checked by :func:`_is_trail`)."""
_XML_SPACE = re.compile(r"[ \t\r\n]+")
_TRAIL_CLASSES = frozenset({"breadcrumb", "breadcrumbs"})
_UPPER = str.maketrans("BREADCRUMB", "breadcrumb")


def _is_trail(element: HtmlElement) -> bool:
    """A ``<nav>`` labelled as a breadcrumb, or an element of class ``breadcrumb`` or
    ``breadcrumbs`` (XPath's whitespace: space, tab, CR, LF)."""
    label = element.get("aria-label")
    if element.tag == "nav" and label is not None and "breadcrumb" in label.translate(_UPPER):
        return True
    return not _TRAIL_CLASSES.isdisjoint(_XML_SPACE.split(element.get("class") or ""))


def html_breadcrumb(tree: HtmlElement, page_url: str | None, title: str) -> str | None:
    """The section a breadcrumb trail in the markup names (``<nav aria-label=
    "Breadcrumb">`` or a ``.breadcrumb`` list): its last link before the article."""
    for trail in (el for el in tree.xpath(_NAV_BREADCRUMB) if _is_trail(el)):
        crumbs = [
            (_clean(a.text_content()), a.get("href"))
            for a in trail.iter("a")
            if a.get("aria-current") != "page"
        ]
        found = pick_crumb([(n, u or "") for n, u in crumbs], page_url, title)
        if found:
            return found
    return None


def choose_section(
    meta: PageMetadata, tree: HtmlElement, page_url: str | None, title: str = ""
) -> str | None:
    """``article:section``, else the JSON-LD ``articleSection`` (the first of a list),
    else the page's breadcrumb (JSON-LD, then markup); None when the page names none."""
    for key in SECTION_META_KEYS:
        found = _section_name(meta.meta.get(key))
        if found:
            return found
    for value in jsonld_values(meta.jsonld, "articleSection"):
        found = _section_name(value)
        if found:
            return found
    return jsonld_breadcrumb(meta, page_url, title) or html_breadcrumb(tree, page_url, title)


# --- tags ----------------------------------------------------------------------------------


def _split(value: object) -> Iterator[str]:
    """The tags of one keyword value: a comma-separated string, a list, a DefinedTerm."""
    if isinstance(value, str):
        yield from value.split(",")
    elif isinstance(value, dict):
        yield from _split(value.get("name"))
    elif isinstance(value, list):
        for item in value:
            yield from _split(item)


def _meta_values(tree: HtmlElement, key: str) -> list[str]:
    """The ``content`` of every ``<meta property|name=key>`` (tags repeat their meta)."""
    return [
        el.get("content") or ""
        for el in tree.iterfind(".//meta")
        if (el.get("property") or el.get("name") or "").strip().lower() == key
    ]


def clean_tags(values: Iterable[str]) -> tuple[str, ...]:
    """``values`` trimmed, without empty, over-long or identifier-like ones (numbers,
    UUIDs), deduplicated ignoring case
    (the first spelling kept), at most ``MAX_TAGS``."""
    seen: set[str] = set()
    tags: list[str] = []
    for value in values:
        tag = _clean(value)
        key = tag.casefold()
        if not tag or len(tag) > MAX_TAG_CHARS or key in seen or _ID_LIKE.fullmatch(tag):
            continue
        seen.add(key)
        tags.append(tag)
        if len(tags) == MAX_TAGS:
            break
    return tuple(tags)


def choose_tags(
    meta: PageMetadata, tree: HtmlElement, sitemap_keywords: Iterable[str] = ()
) -> tuple[str, ...]:
    """``article:tag`` (each meta one tag), the JSON-LD ``keywords``, the
    ``news_keywords`` and ``keywords`` meta tags and the news sitemap's keywords for
    this URL, cleaned by :func:`clean_tags`."""
    values: list[str] = _meta_values(tree, "article:tag")
    values.extend(_split(jsonld_values(meta.jsonld, "keywords")))
    for key in KEYWORD_META_KEYS:
        values.extend(_split(meta.meta.get(key)))
    values.extend(_split(list(sitemap_keywords)))
    return clean_tags(values)
