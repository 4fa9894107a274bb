"""Author names: from JSON-LD, meta tags or a byline, to a clean list."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

_PREFIX = re.compile(
    r"^\s*(?:(?:written|reported|posted|text|story|words|photos?)\s+)?"
    r"(?:by|von|por|par|di|da|av|door|af|przez|от|автор|text:|texte?\s*:|autor(?:in)?:?)\s+",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"\S+@\S+")
_URL = re.compile(r"https?://\S+|www\.\S+")
_SPLIT = re.compile(
    r"\s*(?:,|;|\||/|&|\band\b|\bund\b|\by\b|\bet\b|\be\b|\bog\b|\boch\b|\bi\b|\bsowie\b)\s*",
    re.IGNORECASE,
)
_ROLE = re.compile(
    r"\b(?:staff|senior|chief|political|foreign|deputy|associate|contributing|special)?\s*"
    r"(?:writer|reporter|editor|correspondent|columnist|journalist|contributor|redakteur(?:in)?|"
    r"korrespondent(?:in)?|photographer|reporting|news desk|redaktion)\b.*$",
    re.IGNORECASE,
)
_NOISE = re.compile(r"[\(\[].*?[\)\]]")
_MAX_WORDS = 5


def _clean_one(name: str) -> str | None:
    name = _URL.sub(" ", _EMAIL.sub(" ", name))
    name = _NOISE.sub(" ", name)
    name = _PREFIX.sub("", name)
    name = _ROLE.sub("", name)
    name = " ".join(name.split()).strip(" -–—:·•,.")
    if not name or len(name) < 2 or len(name.split()) > _MAX_WORDS:
        return None
    if any(ch.isdigit() for ch in name):
        return None
    return name


def clean_authors(raw: Iterable[str]) -> tuple[str, ...]:
    """Split bylines into names and drop what is not a name.

    Removes "By"-style prefixes (several languages), roles ("Staff Writer"), e-mail
    addresses, URLs and bracketed notes; splits on commas, semicolons, "and"/"und"/"&";
    drops strings with digits or more than five words; removes duplicates
    (case-insensitive), keeping the first spelling and the order.
    """
    seen: set[str] = set()
    out: list[str] = []
    for entry in raw:
        if not entry:
            continue
        for part in _SPLIT.split(_PREFIX.sub("", entry.strip())):
            name = _clean_one(part)
            if name and name.casefold() not in seen:
                seen.add(name.casefold())
                out.append(name)
    return tuple(out)


def jsonld_author_names(values: Iterable[Any]) -> list[str]:
    """Names of the JSON-LD ``author`` values that are people (or untyped), not organisations."""
    names: list[str] = []
    for value in values:
        if isinstance(value, str):
            if not value.startswith("http"):
                names.append(value)
        elif isinstance(value, dict):
            kind = value.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if "Organization" in kinds or "NewsMediaOrganization" in kinds:
                continue
            name = value.get("name")
            if isinstance(name, list):
                names.extend(n for n in name if isinstance(n, str))
            elif isinstance(name, str):
                names.append(name)
    return names


_BYLINE_START = re.compile(
    r"^(?:[-–•]\s*)?(?:by|von|por|par|di|door|av|af|od|text|texte|autor|autorin|author|written by|"
    r"ein (?:kommentar|gastbeitrag) von|eine analyse von)\b[:\s]",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")
_BYLINE_MAX_WORDS = 14


def is_byline(line: str, authors: tuple[str, ...] | list[str]) -> bool:
    """Whether a body line is a byline rather than article text.

    True for a short line (at most 14 words) that starts with "By"/"Von"/"Por"/... and
    names one of ``authors`` (or is at most six words long), and for a short line made of
    the author names and at most two other words ("Jane Doe and AP", "JANE DOE").
    """
    text = line.strip()
    words = [w.casefold() for w in _WORD.findall(text)]
    if not words or len(words) > _BYLINE_MAX_WORDS:
        return False
    names = [[w.casefold() for w in _WORD.findall(a)] for a in authors if a.strip()]
    names = [n for n in names if n]
    named = any(all(w in words for w in name) for name in names)
    if _BYLINE_START.match(text) and (named or len(words) <= 6):
        return True
    if named:
        other = [w for w in words if not any(w in name for name in names)]
        return len(other) <= 2
    return False
