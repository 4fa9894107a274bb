"""Making text safe for PostgreSQL without losing any of it.

PostgreSQL ``text`` cannot hold NUL characters, and UTF-8 cannot encode lone
surrogates (which ``surrogateescape`` decoding and broken JSON leave in Python
strings); either would abort a whole batch at COPY time. These helpers remove NULs,
join valid surrogate pairs and replace lone surrogates with U+FFFD. Length is never
limited: very long bodies are stored whole.
"""

from __future__ import annotations

import re

_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """``text`` without NUL characters and with every surrogate resolved (see module)."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    if not text.isascii() and _SURROGATE.search(text):  # isascii() is O(1)
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def clean_optional(text: str | None) -> str | None:
    """``clean_text`` for optional fields; empty results become None."""
    if text is None:
        return None
    cleaned = clean_text(text).strip()
    return cleaned or None


def clean_title(title: str) -> str:
    """A title cleaned, trimmed, and on one line (inner whitespace runs become a space)."""
    return " ".join(clean_text(title).split())


def clean_authors(authors: tuple[str, ...] | list[str]) -> list[str]:
    """Author names cleaned and trimmed, empty ones and repeats dropped, order kept."""
    seen: dict[str, None] = {}
    for name in authors:
        cleaned = clean_text(name).strip()
        if cleaned:
            seen.setdefault(cleaned, None)
    return list(seen)
