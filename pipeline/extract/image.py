"""The article's top image: og:image, else the JSON-LD image, else the body's first image.

Pure functions of the parsed page. Every URL comes out absolute (against ``<base href>``,
else the page URL) and http(s); tracking pixels, spacers, icons, logos and sprites are
not images and are passed over.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from pipeline.extract.structured import PageMetadata, jsonld_values

META_IMAGE_KEYS = (
    "og:image",
    "og:image:url",
    "og:image:secure_url",
    "twitter:image",
    "twitter:image:src",
)
"""Meta tags that name the page's share image, most trusted first."""

MIN_IMAGE_SIDE_PX = 48
"""An ``<img>`` whose width or height attribute is smaller is a pixel, spacer or icon."""

MAX_URL_CHARS = 2048
"""Longer image URLs are data or tracking payloads, not a picture's address."""

_NOT_A_PICTURE = re.compile(
    r"(?:^|[/_.=-])(?:pixel|spacer|tracking|tracker|beacon|favicon|logo|sprites?|icons?|"
    r"blank|1x1|transparent|clear)(?:[/_.-]|$)",
    re.IGNORECASE,
)
"""Words in an image URL's path that mark a pixel, spacer, icon or logo."""
_ICON_EXTENSIONS = (".ico", ".svg")
_NOT_A_PICTURE_CLASS = re.compile(r"logo|icon|avatar|emoji|sprite|pixel|tracking", re.IGNORECASE)
"""Words in an ``<img>``'s class or id that mark furniture, not the article's picture."""

_BODY_CONTAINERS = (
    "//article",
    "//*[@itemprop='articleBody']",
    "//main",
    "//*[@role='main']",
    "//body",
)
"""Where the body's first image is looked for, most specific first."""
_IMAGE_SOURCES = ("src", "data-src", "data-lazy-src", "data-original")
"""``<img>`` attributes holding its address (lazy loaders move it out of ``src``)."""


def page_base(tree: HtmlElement, page_url: str | None) -> str | None:
    """What relative URLs of the page resolve against: ``<base href>``, else the page URL."""
    base = tree.find(".//base[@href]")
    href = (base.get("href") or "").strip() if base is not None else ""
    if href:
        return urljoin(page_url or "", href) if page_url else href
    return page_url


def picture_url(raw: object, base: str | None) -> str | None:
    """``raw`` as an absolute http(s) image URL, or None when it is no picture's address:
    empty, a ``data:`` URI, an icon (``.ico``/``.svg``), or a pixel, spacer or logo."""
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if not text or text.lower().startswith("data:") or len(text) > MAX_URL_CHARS:
        return None
    url = urljoin(base, text) if base else text
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    path = parts.path.lower()
    if path.endswith(_ICON_EXTENSIONS) or _NOT_A_PICTURE.search(path):
        return None
    return url


def _jsonld_image(value: Any) -> str | None:
    """The URL of one JSON-LD ``image`` value: a string, an ImageObject, or a list."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for key in ("url", "contentUrl"):
            found = _jsonld_image(value.get(key))
            if found:
                return found
    if isinstance(value, list):
        for item in value:
            found = _jsonld_image(item)
            if found:
                return found
    return None


def _side_too_small(value: str | None) -> bool:
    digits = re.match(r"\s*(\d+)\s*(?:px)?\s*$", value or "")
    return digits is not None and int(digits.group(1)) < MIN_IMAGE_SIDE_PX


def _is_furniture(img: HtmlElement) -> bool:
    """An ``<img>`` that is a pixel or icon by its size, or furniture by its class or id."""
    if _side_too_small(img.get("width")) or _side_too_small(img.get("height")):
        return True
    marks = " ".join(filter(None, (img.get("class"), img.get("id"))))
    return bool(_NOT_A_PICTURE_CLASS.search(marks))


def body_image(tree: HtmlElement, base: str | None) -> str | None:
    """The first picture inside the article body (navigation, asides and footers left out)."""
    for xpath in _BODY_CONTAINERS:
        containers = tree.xpath(xpath)
        if not containers:
            continue
        for img in containers[0].iter("img"):
            if _is_furniture(img) or img.xpath("ancestor::nav|ancestor::aside|ancestor::footer"):
                continue
            for attr in _IMAGE_SOURCES:
                url = picture_url(img.get(attr), base)
                if url:
                    return url
        return None
    return None


def choose_top_image(meta: PageMetadata, tree: HtmlElement, page_url: str | None) -> str | None:
    """The article's top image: og:image (or the twitter image), else the JSON-LD
    ``image``, else the first picture inside the body; absolute, never a pixel or icon."""
    base = page_base(tree, page_url)
    for key in META_IMAGE_KEYS:
        url = picture_url(meta.meta.get(key), base)
        if url:
            return url
    for value in jsonld_values(meta.jsonld, "image"):
        url = picture_url(_jsonld_image(value), base)
        if url:
            return url
    return body_image(tree, base)
