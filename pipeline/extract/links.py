"""Link-dense blocks in trafilatura's output: related lists, teasers, tag lists, boxes.

The blocks are related-article lists, teaser headlines, tag lists and "more on this" boxes.

trafilatura runs with ``include_links=True`` so that its XML keeps ``<ref>`` elements;
this module removes the blocks that are (almost) all link text and then unwraps the
remaining links into plain text. On the dev set, blocks with at least 90 % of their words
inside links are non-article text ~95 % of the time; between 70 % and 90 % that holds for
short blocks, headings and list items, but not for long paragraphs with many inline links.
A short block whose own words after its last link end in a colon is kept whatever its
share: it introduces what follows, usually a quotation from the linked source
(``<ref>The Washington Examiner</ref> reports:``), and is article text.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

LINK_SHARE_ALWAYS = 0.9
"""A block with at least this share of its words inside links is dropped."""
LINK_SHARE_SHORT = 0.7
"""A short block, heading or list item with at least this share is dropped."""
SHORT_BLOCK_WORDS = 15
"""Blocks with fewer words than this count as short."""

_BLOCK_CONTAINERS = frozenset({"list"})
_SHORT_KINDS = frozenset({"head", "item"})


def _words(element: etree._Element) -> int:
    return len(" ".join(element.itertext()).split())


def link_share(block: etree._Element) -> float:
    """Share of the words of ``block`` that sit inside ``<ref>`` elements (0 when empty)."""
    return _share(block, _words(block))


def _share(block: etree._Element, total: int) -> float:
    if not total:
        return 0.0
    linked = sum(_words(ref) for ref in block.iter("ref"))
    return min(1.0, linked / total)


def is_link_block(block: etree._Element) -> bool:
    """Whether a block of trafilatura's output is link furniture (see module docstring)."""
    if next(block.iter("ref"), None) is None:  # no link, no share: skip counting words
        return False
    total = _words(block)
    if not total:
        return False
    share = _share(block, total)
    if share >= LINK_SHARE_ALWAYS:
        return not introduces_quote(block)
    return (
        share >= LINK_SHARE_SHORT
        and (total < SHORT_BLOCK_WORDS or block.tag in _SHORT_KINDS)
        and not introduces_quote(block)
    )


def introduces_quote(block: etree._Element) -> bool:
    """Whether ``block`` ends in words of its own after its last link, closing with a
    colon (``<ref>The Washington Examiner</ref> reports:``): a line introducing the
    quotation or post that follows, not a link to another page. A colon inside the link
    (``<ref>Read more:</ref>``) does not count."""
    refs = list(block.iter("ref"))
    if not refs:
        return False
    after = "".join(_text_after(refs[-1], block)).strip()
    return after.endswith(":") and any(ch.isalnum() for ch in after)


def _text_after(ref: etree._Element, block: etree._Element) -> list[str]:
    """The text of ``block`` after ``ref`` (its tail and what follows it in the block)."""
    parts = [ref.tail or ""]
    node = ref
    while node is not block:
        for sibling in node.itersiblings():
            parts.append("".join(sibling.itertext()) + (sibling.tail or ""))
        parent = node.getparent()
        if parent is None or parent is block:
            break
        parts.append(parent.tail or "")
        node = parent
    return parts


def _remove_keeping_tail(element: etree._Element) -> None:
    """Remove ``element`` but keep its tail text (trafilatura leaves loose text in tails)."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail and tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def prune_link_blocks(body: etree._Element) -> int:
    """Remove link-dense blocks (and list items) from trafilatura's ``body`` in place.

    Returns how many blocks were removed. Lists left without items are removed too.
    """
    return remove_blocks(body, is_link_block)


def remove_blocks(
    body: etree._Element,
    matches: Callable[[etree._Element], bool],
    *,
    keep_first: bool = False,
) -> int:
    """Remove the blocks of trafilatura's ``body`` (and the items of its lists) that
    ``matches``, in place, keeping their tails; lists left without items go too. With
    ``keep_first``, the body's first block stays whatever it is. Returns how many went."""
    removed = 0
    for position, block in enumerate(list(body)):
        if block.tag in _BLOCK_CONTAINERS:
            for item in list(block):
                if matches(item):
                    _remove_keeping_tail(item)
                    removed += 1
            if not len(block) and not (block.text or "").strip():
                _remove_keeping_tail(block)
        elif (position or not keep_first) and matches(block):
            _remove_keeping_tail(block)
            removed += 1
    return removed


def unwrap_links(body: etree._Element) -> None:
    """Replace every ``<ref>`` in ``body`` by its text, in place."""
    etree.strip_tags(body, "ref")
