"""trafilatura's byline search (``trafilatura.metadata.extract_author``), faster.

trafilatura finds a byline with XPath expressions that test ``@class`` and ``@id`` with
regular expressions (EXSLT ``re:test``): libxml2 calls back into Python for every
element of the page, several times, ~15 ms on a dev page. :func:`byline_author` applies
the same tests in one pass of Python over the elements (the same regular expressions,
searched with Python's ``re`` as ``re:test`` does), on the same copy of the page with
the same parts pruned, and reads the first match the same way, so it returns the same
string
(``tests/extract/test_byline.py`` checks it against trafilatura on constructed pages).
The expressions are those of trafilatura 2.3.1 (``AUTHOR_XPATHS`` and
``AUTHOR_DISCARD_XPATHS`` in ``trafilatura.xpaths``).
"""

from __future__ import annotations

import re
from copy import deepcopy

from lxml import etree
from lxml.html import HtmlElement
from trafilatura.json_metadata import normalize_authors
from trafilatura.utils import trim
from trafilatura.xml import delete_element

LEN_LIMIT = 120
"""A match's text must be shorter than this (trafilatura's ``len_limit`` for authors)."""

_DISCARD_TAGS = frozenset({"a", "div", "section", "span"})
_DISCARD_EXACT = frozenset({"comments", "title", "date"})
_DISCARD_CLASS = re.compile(
    "^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|embedly-instagram"
    "|article-(?:share|support)|print|category|meta-date|meta-reviewer"
)
_DISCARD_ID = re.compile("^comments|comment-?list|ProductReviews")

_TAGS_1 = frozenset({"a", "address", "div", "link", "p", "span", "strong"})
_CLASS_1 = re.compile("author-?name|AuthorName|authorName")
_TAGS_2 = frozenset({"a", "div", "h3", "h4", "p", "span"})
_CLASS_EXACT_2 = frozenset({"byline", "username", "byl", "BBL"})
_ID_2 = re.compile("author|zuozhe|bianji|xiaobian")
_CLASS_2 = re.compile(
    "author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name"
)
_ID_3 = re.compile("[Aa]uthor")
_CLASS_3 = re.compile("[Aa]uthor|screenname|writer|[Bb]yline")
"""The regular expressions of trafilatura's expressions, searched here in Python (where a
search costs less than libxml2's call back into Python for it)."""


def _discarded(element: HtmlElement) -> bool:
    """trafilatura's first ``AUTHOR_DISCARD_XPATHS`` expression, for one element."""
    if element.tag not in _DISCARD_TAGS:
        return False
    ident, cls = element.get("id"), element.get("class")
    component = element.get("data-component")
    return (
        ident == "comments"
        or cls in _DISCARD_EXACT
        or (ident is not None and _DISCARD_ID.search(ident) is not None)
        or (cls is not None and _DISCARD_CLASS.search(cls) is not None)
        or (component is not None and "Figure" in component)
    )


def _prune(tree: HtmlElement) -> None:
    """Delete, tails kept, what ``AUTHOR_DISCARD_XPATHS`` selects, in its order: the
    elements of its first expression (below the root), then ``time`` and ``figure``."""
    below = tree.iterdescendants("a", "div", "section", "span")
    for element in [e for e in below if _discarded(e)]:
        delete_element(element)
    for element in list(tree.iter("time", "figure")):
        delete_element(element)


def _rel_me(element: HtmlElement) -> bool:
    """``rel='me'`` in trafilatura's expression: a child *element* ``rel`` whose text is
    "me" (so written there; kept for the same result)."""
    return any(child.text_content() == "me" for child in element.iterchildren("rel"))


def _kinds(element: HtmlElement) -> tuple[bool, bool, bool]:
    """Whether ``element`` matches each of the three ``AUTHOR_XPATHS`` expressions."""
    tag = element.tag
    get = element.get
    ident, cls, itemprop = get("id"), get("class"), get("itemprop")
    first = tag == "author" or (
        tag in _TAGS_1
        and (
            get("rel") == "author"
            or ident == "author"
            or cls == "author"
            or itemprop == "author name"
            or get("data-testid") in ("AuthorCard", "AuthorURL")
            or (cls is not None and _CLASS_1.search(cls) is not None)
            or _rel_me(element)
        )
    )
    in_itemprop = itemprop is not None and "author" in itemprop
    second = tag in _TAGS_2 and (
        cls in _CLASS_EXACT_2
        or in_itemprop
        or (ident is not None and _ID_2.search(ident) is not None)
        or (cls is not None and _CLASS_2.search(cls) is not None)
    )
    component = get("data-component")
    third = (
        (component is not None and "Byline" in component)
        or in_itemprop
        or (ident is not None and _ID_3.search(ident) is not None)
        or (cls is not None and _CLASS_3.search(cls) is not None)
    )
    return first, second, third


def byline_author(tree: HtmlElement) -> str | None:
    """What ``trafilatura.metadata.extract_author(tree)`` returns, faster (see module
    docstring); ``tree`` is not modified."""
    subtree = deepcopy(tree)
    _prune(subtree)
    found: tuple[list[HtmlElement], list[HtmlElement], list[HtmlElement]] = ([], [], [])
    for element in subtree.iter(etree.Element):
        for matches, kind in zip(found, _kinds(element), strict=True):
            if kind:
                matches.append(element)
    for matches in found:
        for element in matches:
            content = trim(" ".join(element.itertext()))
            if content and 2 < len(content) < LEN_LIMIT:
                return normalize_authors(None, content)
    return None
