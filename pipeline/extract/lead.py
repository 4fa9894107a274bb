"""The start of an extracted body: lines that belong to the article's header, not its text.

Extractors often pick up the header block above the first paragraph: the headline again
(often with a kicker or section name glued on), a dateline ("05.08.2024, 20:59 Uhr",
"Updated 15.59 | Published 14.14"), a byline ("Von Karim Natour", "Nizaar Kinsella 2
minutes ago") and one- to three-word labels (section names, "Summary", "FAQ").
:func:`strip_lead` drops such lines from the start of the body, stopping at the first
line that is none of them.
"""

from __future__ import annotations

import re

from pipeline.extract.authors import is_byline
from pipeline.extract.endmatter import is_author_bio

LEAD_SCAN = 6
"""How many leading lines are examined at most."""

_WORD = re.compile(r"\w+")
_TERMINAL_PERIOD = (".", "。")


def _tokens(text: str) -> list[str]:
    return [t.casefold() for t in _WORD.findall(text)]


def is_title_variant(line: str, title: str | None) -> bool:
    """Whether ``line`` repeats the headline: it holds at least 80 % of the title's words
    and is at most about 1.5 times as long (a kicker or site name added), or at least 80 %
    of its own words are title words (a shortened headline). A full sentence longer than
    the title is never a variant: ledes often start by restating the headline."""
    if not title:
        return False
    line_tokens, title_tokens = _tokens(line), _tokens(title)
    if not line_tokens or not title_tokens:
        return False
    if line.rstrip().endswith(_TERMINAL_PERIOD) and len(line_tokens) > len(title_tokens):
        return False
    in_line, in_title = set(line_tokens), set(title_tokens)
    shared = in_line & in_title
    if len(shared) >= 0.8 * len(in_title) and len(line_tokens) <= 1.5 * len(title_tokens) + 5:
        return True
    return len(line_tokens) >= 3 and len(shared) >= 0.8 * len(in_line)


_MONTHS = (
    "jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june july "
    "august september october november december januar februar märz mai juni juli oktober dezember "
    "janvier février mars avril juin juillet août septembre octobre novembre décembre enero "
    "febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre gennaio "
    "febbraio aprile maggio giugno luglio settembre ottobre dicembre januari februari maart mei "
    "augustus desember"
)
_DATE_WORDS = frozenset(_MONTHS.split()) | frozenset(
    [
        "uhr",
        "am",
        "um",
        "stand",
        "aktualisiert",
        "veröffentlicht",
        "updated",
        "update",
        "published",
        "posted",
        "last",
        "modified",
        "uppdaterad",
        "publicerad",
        "oppdatert",
        "publisert",
        "jst",
        "utc",
        "gmt",
        "cet",
        "cest",
        "est",
        "edt",
        "bst",
        "pm",
        "ago",
        "min",
        "mins",
        "minutes",
        "minute",
        "hours",
        "hour",
        "days",
        "day",
        "minuten",
        "stunden",
        "lesezeit",
        "read",
        "reading",
        "time",
        "vom",
        "von",
        "on",
        "at",
        "le",
        "de",
        "del",
        "el",
        "la",
        "mis",
        "à",
        "jour",
        "publié",
        "il",
        "ore",
        "vor",
        "seit",
        "gestern",
        "heute",
        "today",
        "yesterday",
    ]
)
_DATE_SIGN = re.compile(
    r"\d{1,4}[.:/-]\d{1,2}|\d{4}|\d+\s*(?:min|minutes?|hours?|h)\b|\d+[年月日時]", re.IGNORECASE
)
_LETTER_WORD = re.compile(r"[^\W\d_]+")
_CJK_DATE = ("年", "月", "日")


def is_dateline(line: str, authors: tuple[str, ...] = ()) -> bool:
    """Whether ``line`` is a date/time stamp (possibly with "Updated", a reading time or
    an author name): a short line with a date or time in it and at most one other word."""
    text = line.strip().lstrip("-–•* ").strip()
    if not text or len(text.split()) > 12 or not _DATE_SIGN.search(text):
        return False
    if any(mark in text for mark in _CJK_DATE) and len(text) <= 40 and len(text.split()) <= 4:
        return True
    rest = [w for w in _LETTER_WORD.findall(text.casefold()) if w not in _DATE_WORDS]
    for name in authors:
        for token in _tokens(name):
            if token in rest:
                rest.remove(token)
    return len(rest) <= 1


def is_label(line: str) -> bool:
    """Whether ``line`` is a one- to three-word label (section name, kicker, "Summary")
    rather than a sentence."""
    text = line.strip()
    return (
        len(text.split()) <= 3
        and len(text) <= 30
        and not text.endswith((".", "!", "?", "…", '"', "”", "»"))
    )


def strip_lead(paragraphs: list[str], title: str | None, authors: tuple[str, ...]) -> list[str]:
    """``paragraphs`` without the header lines at their start (see module docstring).

    At most :data:`LEAD_SCAN` lines are dropped and the last line is always kept; a label
    is dropped only when a longer line follows it.
    """
    i = 0
    while i < min(LEAD_SCAN, len(paragraphs) - 1):
        line = paragraphs[i]
        if (
            is_title_variant(line, title)
            or is_dateline(line, authors)
            or is_byline(line, authors)
            or is_author_bio(line, authors)
            or (is_label(line) and len(paragraphs[i + 1].split()) > 3)
        ):
            i += 1
            continue
        break
    return paragraphs[i:]
