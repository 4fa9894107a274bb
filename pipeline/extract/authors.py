"""Author names: from JSON-LD, meta tags or a byline, to a clean list."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from lxml.html import HtmlElement

from pipeline.extract.byline import byline_author
from pipeline.extract.structured import PageMetadata, jsonld_values, objects_of

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
_NOISE = re.compile(r"[\(\[].*?(?:[\)\]]|$)")
"""A bracketed note, also one whose closing bracket went with a URL removed before."""
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


ORGANISATION_TYPES = frozenset({"Organization", "NewsMediaOrganization", "Corporation"})
ORGANISATIONS_AS_AUTHORS = True
"""Whether an organisation the JSON-LD names as ``author`` ("BBC News", "dpa") counts as
an author: it is who signs the article when no person does (dev set: author F1 +0.05,
leave-publisher-out too; see benchmarks/RESULTS.md)."""


def _person_name(value: dict[str, Any]) -> str | None:
    """``name``, else ``givenName familyName`` (schema.org Person without a ``name``)."""
    name = value.get("name")
    if isinstance(name, str) and name.strip():
        return name
    parts = [value.get("givenName"), value.get("familyName")]
    joined = " ".join(p for p in parts if isinstance(p, str) and p.strip())
    return joined or None


def jsonld_author_names(
    values: Iterable[Any], graph: dict[str, dict[str, Any]] | None = None
) -> list[tuple[str, bool]]:
    """(name, is an organisation) of each JSON-LD ``author`` value, nested lists
    flattened; a bare ``{"@id": ...}`` reference is looked up in ``graph`` (objects by
    ``@id``); URLs and organisations are skipped unless :data:`ORGANISATIONS_AS_AUTHORS`."""
    names: list[tuple[str, bool]] = []
    for value in values:
        if isinstance(value, list):
            names.extend(jsonld_author_names(value, graph))
        elif isinstance(value, str):
            if not value.startswith("http"):
                names.append((value, False))
        elif isinstance(value, dict):
            if "name" not in value and graph and isinstance(value.get("@id"), str):
                value = graph.get(value["@id"], value)
            kind = value.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            is_org = any(k in ORGANISATION_TYPES for k in kinds)
            if is_org and not ORGANISATIONS_AS_AUTHORS:
                continue
            name = value.get("name")
            if isinstance(name, list):
                names.extend((n, is_org) for n in name if isinstance(n, str))
            elif (single := _person_name(value)) is not None:
                names.append((single, is_org))
    return names


def needs_graph(values: Iterable[Any]) -> bool:
    """Whether an ``author`` value is a bare ``{"@id": ...}`` reference to look up."""
    return any(isinstance(v, dict) and "@id" in v and "name" not in v for v in values)


def _key(name: str) -> str:
    """What two spellings of one name share ("Chuck Ross", "chuck-ross")."""
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def _person_names(name: str) -> list[str]:
    """The names in one JSON-LD Person ``name``: :func:`clean_authors`, except that a desk
    credit ("Guardian staff reporter", "MM-Redaktion", "BR24 Redaktion"), which the role
    rule would cut to one word or nothing, is kept whole."""
    cleaned = list(clean_authors([name]))
    whole = " ".join(_PREFIX.sub("", name).split())
    single = len(_SPLIT.split(whole)) == 1
    short = len(whole.split()) <= _MAX_WORDS
    if single and short and _ROLE.search(whole) and (not cleaned or len(cleaned[0].split()) == 1):
        return [whole]
    return cleaned


def structured_authors(names: list[tuple[str, bool]]) -> tuple[str, ...]:
    """Clean JSON-LD author names: people through :func:`clean_authors`, organisations
    only whitespace-normalised (their names are not bylines: "Redaktion hessenschau.de"
    is a name, not a role); spellings of one name ("chuck-ross") kept once."""
    out: list[str] = []
    seen: set[str] = set()
    for name, is_org in names:
        cleaned = [" ".join(name.split())] if is_org else _person_names(name)
        for one in cleaned:
            key = _key(one)
            if one and key not in seen:
                seen.add(key)
                out.append(one)
    return tuple(out)


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


def choose_authors(meta: PageMetadata, tree: HtmlElement) -> tuple[str, ...]:
    """Authors from JSON-LD, else author meta tags, else trafilatura's byline search (see
    :mod:`pipeline.extract.byline`)."""
    values = jsonld_values(meta.jsonld, "author")
    graph = None
    if needs_graph(values):
        people = objects_of(meta.jsonld_documents, frozenset({"Person"}))
        graph = {o["@id"]: o for o in people if isinstance(o.get("@id"), str)}
    names = structured_authors(jsonld_author_names(values, graph))
    if names:
        return names
    tag = meta.first_meta("author", "article:author", "dc.creator", "sailthru.author", "byl")
    if tag and not tag.startswith("http"):
        names = clean_authors([tag])
        if names:
            return names
    return clean_authors((byline_author(tree) or "").split(";"))
