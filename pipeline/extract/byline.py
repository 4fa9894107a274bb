"""trafilatura's byline search (``trafilatura.metadata.extract_author``), faster.

trafilatura finds a byline with XPath expressions that test ``@class`` and ``@id`` with
regular expressions (EXSLT ``re:test``): libxml2 calls back into Python for every
element of the page, several times, ~15 ms on a dev page. :func:`byline_author` applies
the same tests in one pass of Python over the elements (the same regular expressions,
searched with Python's ``re`` as ``re:test`` does), skipping the parts trafilatura prunes
from its copy of the page, and reads the first match the same way, so it returns the same
string (``tests/extract/test_byline.py`` checks it against trafilatura on constructed
pages). Only the match is copied and pruned, not the whole page: what pruning changes
inside an element depends on that element's subtree alone.
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

_DISCARD_CANDIDATES = etree.XPath(
    "descendant::*[(self::a or self::div or self::section or self::span)"
    " and (@id or @class or @data-component)]"
)
"""The elements below the root that :func:`_discarded` can select (it needs one of these
attributes), in document order: a test in libxml2 without a call back into Python."""
_KIND_CANDIDATES = etree.XPath(
    "descendant-or-self::*[@id or @class or @itemprop or @data-component or @rel"
    " or @data-testid or self::author or rel]"
)
"""The elements the tests of :data:`_KINDS` can find a match in (every test of it needs one of these
attributes, the tag ``author`` or a child element ``rel``), in document order."""


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
    for element in [e for e in _DISCARD_CANDIDATES(tree) if _discarded(e)]:
        delete_element(element)
    for element in list(tree.iter("time", "figure")):
        delete_element(element)


def _pruned_away(tree: HtmlElement) -> set[etree._Element]:
    """The nodes :func:`_prune` would delete from ``tree`` (with everything inside them)."""
    gone: set[etree._Element] = set()
    for root in [e for e in _DISCARD_CANDIDATES(tree) if _discarded(e)]:
        if root not in gone:
            gone.update(root.iter())
    for root in tree.iterdescendants("time", "figure"):
        if root not in gone:
            gone.update(root.iter())
    return gone


def _pruned_copy(element: HtmlElement, gone: set[etree._Element]) -> HtmlElement:
    """``element`` as it reads in trafilatura's pruned copy of the page: ``element``
    itself when nothing below it is pruned, else a copy of it, pruned."""
    if not any(e in gone for e in element.iterdescendants()):
        return element
    copy = deepcopy(element)
    _prune(copy)
    return copy


def _rel_me(element: HtmlElement, gone: set[etree._Element]) -> bool:
    """``rel='me'`` in trafilatura's expression: a child *element* ``rel`` whose text
    (pruned) is "me" (so written there; kept for the same result)."""
    return any(
        _pruned_copy(child, gone).text_content() == "me" for child in element.iterchildren("rel")
    )


def _first_kind(element: HtmlElement, gone: set[etree._Element]) -> bool:
    """Whether ``element`` matches the first of the ``AUTHOR_XPATHS`` expressions."""
    tag = element.tag
    if tag == "author":
        return True
    if tag not in _TAGS_1:
        return False
    get = element.get
    cls = get("class")
    return (
        get("rel") == "author"
        or get("id") == "author"
        or cls == "author"
        or get("itemprop") == "author name"
        or get("data-testid") in ("AuthorCard", "AuthorURL")
        or (cls is not None and _CLASS_1.search(cls) is not None)
        or _rel_me(element, gone)
    )


def _second_kind(element: HtmlElement, gone: set[etree._Element]) -> bool:
    """Whether ``element`` matches the second of the ``AUTHOR_XPATHS`` expressions."""
    if element.tag not in _TAGS_2:
        return False
    get = element.get
    ident, cls, itemprop = get("id"), get("class"), get("itemprop")
    return (
        cls in _CLASS_EXACT_2
        or (itemprop is not None and "author" in itemprop)
        or (ident is not None and _ID_2.search(ident) is not None)
        or (cls is not None and _CLASS_2.search(cls) is not None)
    )


def _third_kind(element: HtmlElement, gone: set[etree._Element]) -> bool:
    """Whether ``element`` matches the third of the ``AUTHOR_XPATHS`` expressions."""
    get = element.get
    ident, cls, itemprop = get("id"), get("class"), get("itemprop")
    component = get("data-component")
    return (
        (component is not None and "Byline" in component)
        or (itemprop is not None and "author" in itemprop)
        or (ident is not None and _ID_3.search(ident) is not None)
        or (cls is not None and _CLASS_3.search(cls) is not None)
    )


_KINDS = (_first_kind, _second_kind, _third_kind)
"""trafilatura's ``AUTHOR_XPATHS``, in the order it tries them."""


def byline_author(tree: HtmlElement) -> str | None:
    """What ``trafilatura.metadata.extract_author(tree)`` returns, faster (see module
    docstring); ``tree`` is not modified."""
    gone = _pruned_away(tree)
    candidates = [e for e in _KIND_CANDIDATES(tree) if e not in gone]
    # Expression by expression, each in document order, until a match has the right text
    # (trafilatura's order; the later expressions are not tried once one returns).
    for kind in _KINDS:
        for element in candidates:
            if kind(element, gone):
                content = trim(" ".join(_pruned_copy(element, gone).itertext()))
                if content and 2 < len(content) < LEN_LIMIT:
                    return normalize_authors(None, content)
    return None
