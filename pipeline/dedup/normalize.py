"""Body normalisation for exact-duplicate detection.

Two bodies are exact duplicates when their normalised forms are equal: Unicode
compatibility forms folded (NFKC), case folded, typographic quotes, apostrophes and
dashes replaced by their ASCII forms, and every run of whitespace collapsed to one
space. ``content_hash`` is the SHA-256 of that form; it is what
``warehouse.articles.content_hash`` stores.
"""

from __future__ import annotations

import hashlib
import unicodedata

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2039": "'",
        "\u203a": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00ad": None,
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\ufeff": None,
    }
)


def normalize_body(text: str) -> str:
    """The comparison form of ``text`` (see module docstring); idempotent."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    # Whitespace runs to one space: str.split() splits on exactly what \s matches in a
    # str pattern and drops the ends (several times faster than re.sub and strip).
    return " ".join(text.split())


def content_hash(text: str, *, normalized: bool = False) -> str:
    """Hex SHA-256 of ``normalize_body(text)``: equal for exact duplicates
    (``normalized``: ``text`` is already that form)."""
    form = text if normalized else normalize_body(text)
    return hashlib.sha256(form.encode("utf-8")).hexdigest()
