"""A second opinion on the body: the article text the publisher declares in JSON-LD.

Many news pages put the full article text into JSON-LD ``articleBody``. It is not used by
default: it often lacks paragraph breaks, and on some sites it holds a teaser, a different
version or extra boxes. But when trafilatura's body is suspiciously short against it — the
declared text contains (nearly) everything trafilatura found and is at least twice as
long — trafilatura has missed part of the article (pages split over several containers),
and the declared text is the better body.
"""

from __future__ import annotations

import html
import re

MIN_CONTAINED = 0.95
"""Share of the extracted body's word 4-grams that must occur in the declared body."""
MIN_LENGTH_RATIO = 1.8
"""The declared body must have at least this many times as many word 4-grams."""

_TAG = re.compile(r"<[^>]+>")
_BLOCK_TAG = re.compile(r"</?(?:p|br|div|h[1-6]|li)\b[^>]*>", re.IGNORECASE)
_WORD = re.compile(r"\w+")


def declared_paragraphs(article_body: str) -> list[str]:
    """The paragraphs of a JSON-LD ``articleBody`` value: HTML tags and entities removed,
    one paragraph per line (block tags count as line breaks), whitespace collapsed."""
    text = _BLOCK_TAG.sub("\n", article_body)
    text = html.unescape(_TAG.sub(" ", text))
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _grams(paragraphs: list[str]) -> set[tuple[str, ...]]:
    words = _WORD.findall(" ".join(paragraphs))
    return {tuple(words[i : i + 4]) for i in range(max(0, len(words) - 3))}


def could_prefer_declared(extracted: list[str], declared: list[str]) -> bool:
    """Whether :func:`prefer_declared` could choose ``declared`` (uncleaned paragraphs
    from JSON-LD) once cleaned: cleaning only drops lines, so the cleaned text has at most
    as many words, and at most that many minus three word 4-grams. A cheap bound, so that
    the declared text is cleaned only when it is long enough to win."""
    if not extracted or not declared:
        return False
    words = len(_WORD.findall(" ".join(declared)))
    return max(0, words - 3) >= MIN_LENGTH_RATIO * len(_grams(extracted))


def prefer_declared(extracted: list[str], declared: list[str]) -> bool:
    """Whether ``declared`` (cleaned paragraphs from JSON-LD) should replace ``extracted``
    (see module docstring)."""
    if not extracted or not declared:
        return False
    ours, theirs = _grams(extracted), _grams(declared)
    if not ours:
        return False
    contained = len(ours & theirs) / len(ours)
    return contained >= MIN_CONTAINED and len(theirs) >= MIN_LENGTH_RATIO * len(ours)
