"""Teasers of other articles inside trafilatura's output, recognised by their markup.

A story page carries cards and lists that point to other stories. The link-share test
(:mod:`pipeline.extract.links`) removes those that are mostly link text; three kinds
are not, and are recognised here instead:

- a paragraph whose ``class`` names it a promotion or another story's summary
  ("promo-description", "dek", "teaser", "related", "recirc", also inside a compound
  class such as ``ExternalLinkEmbedDek``): the summary below a card's headline link;
- a list item or short paragraph that opens with an empty link, a link around the
  card's picture only, and goes on with the headline as plain text;
- a list item of a short kicker ending in ":", "?" or "|" and a link to the end
  ("Rente: <a>Klingbeil greift Klöckner an</a>"), or a paragraph of that shape whose
  kicker ends in "|" ("READ MORE | <a>headline</a>").

The body's first block is never removed this way: an article's own standfirst may carry
a "dek" class. Working on trafilatura's small output tree, not the page, the check costs
a few attribute and text reads per block.
"""

from __future__ import annotations

import re

from lxml import etree

from pipeline.extract.links import remove_blocks

_CLASS_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
"""Words of a class attribute: split at non-letters and at camelCase humps."""
PROMO_CLASS_WORDS = frozenset({"promo", "teaser", "dek", "related", "recirc"})
"""Class words of a paragraph that sums up another story."""
_PROMO_CUE = re.compile(r"promo|teaser|dek|related|recirc", re.IGNORECASE)
"""A cheap first test: most classes hold none of the words as a substring either."""
MAX_CARD_WORDS = 30
"""A card's headline, or a kicker and a headline, is at most this long."""
MAX_KICKER_WORDS = 6
"""The kicker before a teaser link ("Rente:", "KI in der Schule?")."""
_KICKER_ENDS = ":?|"


def _text(element: etree._Element) -> str:
    return " ".join(" ".join(element.itertext()).split())


def has_promo_class(block: etree._Element) -> bool:
    """Whether ``block``'s class marks another story's summary (see module docstring)."""
    cls = block.get("class")
    if not cls or not _PROMO_CUE.search(cls):
        return False
    return any(w.lower() in PROMO_CLASS_WORDS for w in _CLASS_WORDS.findall(cls))


def _opens_with_empty_link(block: etree._Element) -> bool:
    if (block.text or "").strip() or not len(block):
        return False
    first = block[0]
    if first.tag != "ref" or _text(first):
        return False
    return 0 < len(_text(block).split()) <= MAX_CARD_WORDS


def _kicker_and_link(block: etree._Element, ends: str) -> bool:
    if not len(block):
        return False
    last = block[-1]
    if last.tag != "ref" or (last.tail or "").strip():
        return False
    link, full = _text(last), _text(block)
    if len(link.split()) < 2 or len(full.split()) > MAX_CARD_WORDS or not full.endswith(link):
        return False
    kicker = full[: len(full) - len(link)].strip()
    return 0 < len(kicker.split()) <= MAX_KICKER_WORDS and kicker[-1] in ends


def is_teaser(block: etree._Element) -> bool:
    """Whether a block of trafilatura's output is a teaser of another story."""
    if block.tag == "item":
        return _opens_with_empty_link(block) or _kicker_and_link(block, _KICKER_ENDS)
    if block.tag != "p":
        return False
    return has_promo_class(block) or _opens_with_empty_link(block) or _kicker_and_link(block, "|")


def drop_teasers(body: etree._Element) -> int:
    """Remove teasers (and lists left empty) from trafilatura's ``body`` in place, never
    its first block; return how many went."""
    return remove_blocks(body, is_teaser, keep_first=True)
