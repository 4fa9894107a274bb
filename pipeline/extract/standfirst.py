"""The standfirst: the summary paragraph between the headline and the article text.

Many news pages print a standfirst (also called lede, dek or teaser) in the article
header, outside the container that holds the article's paragraphs, so trafilatura
leaves it out. The page usually declares the same text as its description
(``og:description``, the description meta tag or the JSON-LD ``description``). When
that declared text is also shown on the page as an element of its own, and the body
does not already hold it, it is the article's standfirst and goes first in the body.

A description that is not visible (a summary written for search engines), that is
shown only as a link, caption, list item or inside navigation, or that the body already
holds (a description cut from the first paragraph), is left alone.

When the page declares no description that it shows, :func:`marked_standfirst` takes
the first element after the h1 (close to it in the tree) whose class names it a
standfirst ("article-lead", "intro", "excerpt", "sub-headline", "epigraph", ...) and
that is not an image caption, a truncated teaser or a call to subscribe.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from lxml import etree
from lxml.html import HtmlElement

from pipeline.extract.endmatter import is_endmatter
from pipeline.extract.furniture import is_furniture
from pipeline.extract.lead import is_title_variant
from pipeline.extract.structured import PageMetadata, jsonld_values
from pipeline.extract.title import first_str

MIN_WORDS = 6
"""Shorter descriptions are too generic to be recognised on the page."""
MAX_IN_BODY = 0.5
"""A description whose word 4-grams are at least this much in the body is already there."""
MIN_COVERED = 0.8
"""The element shown must hold at least this share of the description's word 4-grams ..."""
MAX_EXTRA_WORDS = 12
"""... and may have at most this many words more than it (a dateline, a kicker)."""
CLIMB = 3
"""How many ancestors above the text node that matched are tried."""

_WORD = re.compile(r"\w+")
_EXCLUDED = frozenset(
    {
        "a",
        "aside",
        "button",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "head",
        "label",
        "li",
        "nav",
        "noscript",
        "option",
        "script",
        "select",
        "style",
        "template",
        "textarea",
        "title",
    }
)
_NEEDLES = etree.XPath("/html/body/descendant::text()[contains(., $a) or contains(., $b)]")


def _grams(text: str) -> set[str]:
    """The word 4-grams of ``text`` (a shorter text: all its words), each as one string."""
    words = _WORD.findall(text)
    if len(words) < 4:
        return {" ".join(words)} if words else set()
    return {" ".join(g) for g in zip(words, words[1:], words[2:], words[3:], strict=False)}


def _body_words(paragraphs: list[str]) -> str:
    """The paragraphs' words joined by single spaces, with a space at either end (what
    :func:`_in_body` searches)."""
    return " " + " ".join(_WORD.findall(" ".join(paragraphs))) + " "


def _in_body(wanted: set[str], body: str) -> bool:
    """Whether at least :data:`MAX_IN_BODY` of the 4-grams ``wanted`` occur in ``body``
    (its words joined by single spaces, with a space at either end)."""
    need = MAX_IN_BODY * len(wanted)
    found = 0
    for gram in wanted:
        if f" {gram} " in body:
            found += 1
            if found >= need:
                return True
    return False


def _text_within(element: etree._Element, limit: int) -> str | None:
    """The text of ``element`` (text nodes joined by spaces, whitespace collapsed), or
    None when its raw text is longer than ``limit`` characters (stops reading there)."""
    parts, size = [], 0
    for piece in element.itertext():
        size += len(piece)
        if size > limit:
            return None
        parts.append(piece)
    return " ".join(" ".join(parts).split())


def _shown_in(element: etree._Element | None, description: str, wanted: set[str]) -> str | None:
    """The text of ``element`` or of one of its first :data:`CLIMB` ancestors when it shows
    ``description`` (see module docstring)."""
    limit = 3 * len(description) + 400  # raw text: indentation counts
    most_words = len(description.split()) + MAX_EXTRA_WORDS
    for _ in range(CLIMB + 1):
        if element is None or not isinstance(element.tag, str) or element.tag in _EXCLUDED:
            return None
        text = _text_within(element, limit)
        if text is None or len(text.split()) > most_words:
            return None
        if len(wanted & _grams(text)) >= MIN_COVERED * len(wanted):
            if any(a.tag in _EXCLUDED for a in element.iterancestors()):
                return None
            return text
        element = element.getparent()
    return None


def _visible_element(tree: HtmlElement, description: str, wanted: set[str]) -> str | None:
    """The text of the smallest element showing ``description`` (see module docstring),
    whitespace collapsed; None when there is none.

    The page's text nodes are searched once for the description's first three words or
    three words from its middle (inline markup may split the text elsewhere)."""
    words = description.split()
    middle = len(words) // 2
    try:
        hits = _NEEDLES(tree, a=" ".join(words[:3]), b=" ".join(words[middle : middle + 3]))
    except (etree.XPathError, ValueError):
        return None
    for hit in hits:
        element = hit.getparent()
        if element is not None and getattr(hit, "is_tail", False):
            element = element.getparent()
        shown = _shown_in(element, description, wanted)
        if shown:
            return shown
    return None


def find_standfirst(
    tree: HtmlElement,
    descriptions: Iterable[str | None],
    paragraphs: list[str],
    headlines: tuple[str | None, ...] = (),
) -> str | None:
    """The standfirst to put before ``paragraphs`` (see module docstring), or None.

    A description that repeats one of the page's ``headlines`` is not a standfirst."""
    if not paragraphs:
        return None
    body: str | None = None
    seen: set[str] = set()
    for description in descriptions:
        if not description:
            continue
        description = " ".join(description.split())
        if description in seen or len(description.split()) < MIN_WORDS:
            continue
        seen.add(description)
        if any(is_title_variant(description, h) for h in headlines):
            continue
        wanted = _grams(description)
        if body is None:
            body = _body_words(paragraphs)
        if _in_body(wanted, body):
            return None
        shown = _visible_element(tree, description, wanted)
        if shown:
            return shown
    return None


def descriptions(meta: PageMetadata) -> list[str | None]:
    """The summaries a page declares, in the order they are tried."""
    return [
        first_str(jsonld_values(meta.jsonld, "description")),
        first_str([meta.meta.get("og:description")]),
        first_str([meta.meta.get("description")]),
        first_str([meta.meta.get("twitter:description")]),
    ]


MARK_SCOPE = 4
"""A marked standfirst is looked for below the h1's ancestor this many levels up ..."""
MARK_SCAN = 300
"""... among this many elements after the h1 ..."""
MARK_WORDS = (8, 80)
"""... and has between this many words."""
_MARK = re.compile(
    r"(?:^|[-_])(?:lead|lede|intro|standfirst|dek|deck|excerpt|summary|subhead(?:line|ing)?"
    r"|sub-headline|subtitle|epigraph|abstract)(?:$|[-_](?!(?:art|image|img|media|photo|picture"
    r"|video|figure|caption|credit)))"
)
_MEDIA = etree.XPath(
    "boolean(descendant-or-self::*[self::img or self::picture or self::video"
    " or self::figure or self::figcaption])"
)
_MARK_TAGS = frozenset({"p", "div", "h2", "h3", "span", "section"})


def _is_marked(element: etree._Element) -> bool:
    classes = (element.get("class") or "").lower().split()
    return any(_MARK.search(c) for c in classes)


def _following(element: etree._Element, scope: etree._Element) -> Iterator[etree._Element]:
    """The nodes after ``element`` inside ``scope`` (an ancestor of it, or itself), in
    document order: its descendants, then its following siblings with theirs, then those
    of each ancestor below ``scope`` (what ``scope.iter()`` yields after ``element``,
    without walking what comes before it)."""
    yield from element.iterdescendants()
    while element is not scope:
        for sibling in element.itersiblings():
            yield from sibling.iter()
        parent = element.getparent()
        if parent is None:
            return
        element = parent


def marked_standfirst(
    tree: HtmlElement, paragraphs: list[str], headlines: tuple[str | None, ...] = ()
) -> str | None:
    """The text of an element after the page's h1 whose class names it a standfirst
    ("lead", "intro", "standfirst", "dek", "excerpt", "subheadline", ...), when the body
    does not hold it already; None otherwise."""
    if not paragraphs:
        return None
    h1 = next(tree.iter("h1"), None)
    if h1 is None:
        return None
    scope = h1
    for _ in range(MARK_SCOPE):
        parent = scope.getparent()
        if parent is None or parent.tag == "body":
            break
        scope = parent
    seen = 0
    for element in _following(h1, scope):
        if not isinstance(element.tag, str):
            continue
        seen += 1
        if seen > MARK_SCAN:
            return None
        if element.tag not in _MARK_TAGS or not _is_marked(element):
            continue
        if (
            any(a.tag in _EXCLUDED for a in element.iterancestors())
            or h1 in element.iterancestors()
        ):
            continue
        text = _text_within(element, 2000)
        if not text or not MARK_WORDS[0] <= len(text.split()) <= MARK_WORDS[1]:
            continue
        if text.endswith(("...", "…")) or _MEDIA(element) or is_furniture(text):
            continue
        if is_endmatter(text):
            continue
        if any(is_title_variant(text, h) for h in headlines):
            continue
        if _in_body(_grams(text), _body_words(paragraphs)):
            return None
        return text
    return None
