"""Word shingles of a body and their exact Jaccard similarity.

A body's shingles are the hashed sequences of ``SHINGLE_WORDS`` consecutive words of
its normalised form (``normalize.normalize_body``; punctuation dropped). They are
returned as a sorted array of unique unsigned 64-bit hashes: set operations on them
are fast, and with 64 bits a false collision between two different shingles is
negligible. Hashes are stable across processes and machines (no ``hash()``), because
signatures built from them are stored in PostgreSQL.
"""

from __future__ import annotations

import re
import zlib

import numpy as np
import numpy.typing as npt

from pipeline.dedup.normalize import normalize_body

SHINGLE_WORDS = 4
"""Words per shingle. Four keeps an added sentence or a changed byline from moving
Jaccard much while still telling apart texts that merely share vocabulary."""

_WORD = re.compile(r"\w+")
_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
_EMPTY = np.zeros(0, dtype=np.uint64)


def words(text: str, *, normalized: bool = False) -> list[str]:
    """The words of ``text`` after normalisation, in order (``normalized``: ``text`` is
    already ``normalize_body``'s output)."""
    return _WORD.findall(text if normalized else normalize_body(text))


def _mix64(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """The splitmix64 finaliser: spreads the bits of a polynomial hash evenly."""
    values = values ^ (values >> np.uint64(30))
    values = values * np.uint64(0xBF58476D1CE4E5B9)
    values = values ^ (values >> np.uint64(27))
    values = values * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))


def shingle_hashes(text: str, size: int = SHINGLE_WORDS, *, normalized: bool = False) -> np.ndarray:
    """Sorted unique 64-bit hashes of the ``size``-word shingles of ``text``.

    A text shorter than ``size`` words has one shingle (all its words); an empty text
    has none. ``normalized`` skips normalisation for text from ``normalize_body``.
    """
    tokens = words(text, normalized=normalized)
    if not tokens:
        return _EMPTY
    ids = np.fromiter(map(zlib.crc32, map(str.encode, tokens)), dtype=np.uint64, count=len(tokens))
    count = max(1, len(tokens) - size + 1)
    width = min(size, len(tokens))
    combined = np.zeros(count, dtype=np.uint64)
    for offset in range(width):
        combined = combined * _MULTIPLIER + ids[offset : offset + count] + np.uint64(1)
    return _sorted_unique(_mix64(combined))


def _sorted_unique(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """``np.unique(values)`` by one sort (numpy's hash-based unique is slower here)."""
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]]


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two shingle sets from ``shingle_hashes``.

    Two empty sets are identical (1.0).
    """
    if a.size == 0 and b.size == 0:
        return 1.0
    common = np.intersect1d(a, b, assume_unique=True).size
    return common / (a.size + b.size - common)
