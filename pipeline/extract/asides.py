"""Lines about the page or its production, not the article: the caption of a media player
or a photo, a translation note, a promotion of the publisher's app.

- A media player's caption ends with the clip's length, often after its date
  ("Sanktionen ... beschlossen. 18.04.2024 | 0:21 min", "02:57 Min.. Verfügbar bis
  06.05.2024."): the description of a video, not article text.
- A photo caption says who is pictured where ("Pictured from left, are ...", "Murder
  victims from left: ...", "(L-R)"); captions that end in a photo credit are
  :mod:`pipeline.extract.furniture`'s.
- A translation note says who translated the article, or that a machine did
  ("Dies ist eine maschinelle Übersetzung ...", "Aus dem Englischen von Jan Doolan",
  "Übersetzung: ...", "Translated by ...").
- An app promotion asks the reader to install the publisher's app or e-paper
  ("Aktuelle Nachrichten aufs Handy? Hier geht es zur neuen WAZ-News-App").

Each kind recurs across publishers on the dev set (see benchmarks/RESULTS.md); the lines
are short, so the length is checked before the patterns.
"""

from __future__ import annotations

import re

MAX_ASIDE_WORDS = 60
"""A media or photo caption is at most this long; notes are shorter."""
MAX_NOTE_WORDS = 40
"""A translation note or an app promotion is at most this long."""

# The patterns run on the lower-cased line, and only when one of their cue words occurs
# in it (a search for a few literal words is far cheaper than the full patterns).
_MEDIA_LENGTH = re.compile(
    r"(?:^|\s)\d{1,2}:\d{2}(?::\d{2})?\s?(?:min(?:uten|utes|s)?|std)\.*$|"
    r"\bverfügbar bis \d{1,2}\.\d{1,2}\.\d{2,4}\.?$"
)
"""The length of a clip at the end of its caption, or how long a media library keeps it."""
_MEDIA_TAIL = 32
"""Characters at the end of a line that can hold a clip's length."""
_PICTURED_CUE = re.compile(r"pictured|left|links|\(l-r\)|\(v\.|gauche|above|below|inset")
_PICTURED = re.compile(
    r"^pictured\b|\bpictured (?:from|at|above|below|left|right|here)\b|"
    r"\b(?:from left|von links|de gauche à droite)\s*[:,)]|\((?:from )?left\)|\(l-r\)|"
    r"\(v\. ?l\.\)|^(?:above|below|inset)(?: picture| image| photo)?:"
)
"""How a photo caption says who is pictured where."""
_NOTE_CUE = re.compile(r"übersetz|translat|traduc|traduit|^aus dem |[ -]app|e-paper")
_TRANSLATION = re.compile(
    r"\b(?:maschinell(?:e[nr]?)? übersetz|automatisiert übersetzt|machine[- ]translat|"
    r"ist eine übersetzung\b|"
    r"translated (?:from (?:the )?\w+ )?by\b|traduit (?:de l'\w+ )?par\b|traducción de\b)|"
    r"^(?:übersetzung|translation|traduction|traducción)(?: und \w+)?\s*:|"
    r"^aus dem \w+(?:ischen|en) (?:übersetzt )?von\b"
)
"""A translation note."""
_APP_PROMO = re.compile(
    r"\b(?:news-?app\b|unsere[nr]? app\b|our app\b|(?:download|get|install) (?:the|our) app\b|"
    r"e-paper\b)"
)
"""A promotion of the publisher's app or e-paper."""


def is_aside(line: str) -> bool:
    """Whether a body line is a media or photo caption, a translation note or an app
    promotion. Lines are whitespace-collapsed, so spaces count the words."""
    words = line.count(" ") + 1
    if words > MAX_ASIDE_WORDS:
        return False
    low = line.lower()
    if _MEDIA_LENGTH.search(low[-_MEDIA_TAIL:]):
        return True
    if _PICTURED_CUE.search(low) and _PICTURED.search(low):
        return True
    if words > MAX_NOTE_WORDS or not _NOTE_CUE.search(low):
        return False
    return bool(_TRANSLATION.search(low) or _APP_PROMO.search(low))


def drop_asides(paragraphs: list[str]) -> list[str]:
    """``paragraphs`` without asides, order kept."""
    return [p for p in paragraphs if not is_aside(p)]
