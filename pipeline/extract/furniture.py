"""Page furniture: lines in an extracted body that belong to the page, not the article.

Whole-line furniture ("Share", "Advertisement", "Read more", ...), cookie/consent notices
and the placeholders of embeds blocked until the reader consents, photo credits standing
alone, captions ending in their credit, "Read more: <other headline>" pointers and the
lines of a newsletter sign-up box. Lines at the start and end of a body are handled by
:mod:`pipeline.extract.lead` and :mod:`pipeline.extract.endmatter`.
"""

from __future__ import annotations

import re

# Whole-line furniture, several languages. Matched against a stripped, lower-cased line.
_FURNITURE = re.compile(
    r"^(?:"
    r"share(?: this (?:article|story))?(?: on \w+)?|share this|teilen|artikel teilen|"
    r"advertisement|anzeige|werbung|publicité|publicidad|pubblicità|reklame|annonse|reklam|"
    r"story continues below(?: advertisement)?|article continues below|"
    r"read more|read more:?|mehr lesen|mehr zum thema|lesen sie auch|auch interessant|"
    r"czytaj (?:więcej|też|także)|leia (?:mais|também)|lee también|lire aussi|leggi anche|"
    r"related(?: articles| stories| content)?|more from .{1,40}|recommended|popular|most read|"
    r"sign up(?: for .{0,60})?|subscribe(?: to .{0,60})?|newsletter|"
    r"(?:get|join) (?:our|the) .{0,40}newsletter.*|"
    r"click here to .{0,60}|"
    r"our standards: the thomson reuters trust principles\.?|"
    r"externer inhalt nicht verfügbar|ein klick für den datenschutz|"
    r"article content|lesedauer:? ?\d+ ?min(?:uten?|\.)?|reading time:? ?\d+ ?min(?:utes?)?|"
    r"_{3,}|-{3,}|\*{3,}|•"
    r")[.!:]?$",
    re.IGNORECASE,
)
# Cookie/consent notices and photo credits standing alone on a line.
_CONSENT = re.compile(
    r"(?:cookie|privatsphäre-einstellungen|datenschutz-einstellungen|consent|"
    r"einwilligung|privacy settings).{0,200}(?:accept|zustimm|aktivier|einstellungen|settings|"
    r"enable|akzeptier)",
    re.IGNORECASE,
)
# The placeholder of an embed blocked until the reader consents ("Ich bin damit
# einverstanden, dass mir der externe Inhalt angezeigt wird", "Deine
# Privatsphäre-Einstellungen verhindern das Laden ...", "enable cookies to view this
# content").
_EMBED_CONSENT = re.compile(
    r"externe[nrs]? inhalt.{0,200}(?:anzeig|angezeigt|einverstanden|klick|laden)|"
    r"(?:einverstanden|aktivier).{0,120}(?:externe[nrs]? inhalt|privatsphäre|datenschutz)|"
    r"(?:privatsphäre|datenschutz)-einstellungen.{0,60}verhinder|"
    r"(?:third[- ]party|external|embedded) content.{0,150}(?:cookies|consent|accept|enable)|"
    r"(?:enable|accept|allow).{0,60}cookies.{0,60}(?:view|see|load|display) (?:this|the) content",
    re.IGNORECASE,
)
_CREDIT = re.compile(
    r"^(?:(?:photo|image|picture|foto|bild|credit|quelle|source|crédit|фото|foto:)\s*"
    r"(?:credit)?s?\s*[:©]|©|\(c\)|copyright\b)|"
    r"(?:getty images|shutterstock|imago(?: images)?|picture alliance|dpa|afp|reuters|ap photo|"
    r"epa|keystone|alamy)(?:/[\w .-]+)?\)?$",
    re.IGNORECASE,
)
_MAX_CREDIT_WORDS = 14
# A caption: a line that ends with its photo credit ("... Foto: NTB", "(Photo by X/Getty)").
_CAPTION = re.compile(
    r"(?:\b(?:foto|photo|photograph|bild|image|picture|credit|kuva|billede|zdjęcie|imagen"
    r"|immagine)s?\s*(?:credit)?\s*[:©]\s*[^.!?]{1,80}$|"
    r"\((?:photo|foto|image|picture)s?(?: by| credit:?)? [^()]{1,80}\)$|"
    r"[/|]\s*(?:getty images|afp|reuters|dpa|ap|epa|imago|shutterstock|picture alliance|keystone"
    r"|ntb|anp|tt|scanpix|alamy)\)?$)",
    re.IGNORECASE,
)
_MAX_CAPTION_WORDS = 60
# A pointer to another article: "Read more: <headline>", "Les også: ...", "ALSO READ | ...".
_READ_ALSO = re.compile(
    r"^(?:read (?:more|also|next)|also read|see also|more|related|watch|listen|les også|les mer|"
    r"lesen sie (?:auch|hier|mehr)|mehr zum thema|auch interessant|lire aussi|à lire aussi|"
    r"leia também|lee también|leggi anche|czytaj (?:też|także|więcej)|läs också|læs også|lees ook)"
    r"\s*[:|]\s*\S",
    re.IGNORECASE,
)
_MAX_READ_ALSO_WORDS = 30
# A newsletter sign-up box inside the body: its call and its fine print ("Sign up for our
# weekly newsletter to get it in your inbox", "By submitting your information, you
# confirm ...", "Privacy Policy", "Terms & Conditions", "You can unsubscribe at any time").
_SIGNUP = re.compile(
    r"\b(?:sign up|subscribe)\b.{0,80}\b(?:newsletter|inbox)|\bin your inbox\b|"
    r"\bby submitting your (?:information|email|details)|"
    r"\byou can (?:unsubscribe|check out|opt out) at any time|\bread our privacy|"
    r"^(?:privacy (?:policy|notice)|terms (?:&|and) conditions)\b",
    re.IGNORECASE,
)
_MAX_SIGNUP_WORDS = 30


_UNFOLDABLE = re.compile("[\u0130\u0131\u017f\u1c80-\u1c88]")
"""Characters for which lower-casing a line and matching case-sensitively differs from
``re.IGNORECASE``: "İ" lowers to two characters; "ı", "ſ" and the old Cyrillic letters
match "i", "s" and Cyrillic letters under ``re.IGNORECASE`` but stay themselves when
lowered."""
_NOT_FOLDABLE = re.compile(
    "[\u00b5\u0131\u017f\u0345\u0370-\u03ff\u1e61\u1e9b\u1f00-\u1fff\ua64b\ufb05\ufb06]"
)
"""Letters that ``re.IGNORECASE`` matches beyond their upper and lower case in ways
:data:`_UNFOLDABLE` does not cover (Greek, "µ", "ſ", ...): a pattern must not hold them."""


def for_lowered(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` (case-insensitive, written in lower case) compiled case-sensitively,
    to search lower-cased text: it matches ``line.lower()`` where ``pattern`` matches
    ``line``, at the same places, when the line holds no :data:`_UNFOLDABLE` character,
    and 2-4 times faster (Python's regular expressions try case-insensitive alternatives
    one by one at every position).

    Raises ValueError for a pattern that is not case-insensitive, has an upper-case
    letter or one of :data:`_NOT_FOLDABLE`."""
    literal = re.sub(r"\\.", "", pattern.pattern)  # escape sequences (\S, \b, ...) aside
    special = sorted({c for c in literal if c != c.lower() or _NOT_FOLDABLE.match(c)})
    if not pattern.flags & re.IGNORECASE or special:
        raise ValueError(
            f"pattern {pattern.pattern[:40]!r}... cannot be searched on lowered text: "
            f"make it case-insensitive, in lower case, without {special}"
        )
    return re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)


_LOWERED = {p: for_lowered(p) for p in (_CONSENT, _EMBED_CONSENT, _CREDIT, _CAPTION, _SIGNUP)}
_NEEDS: dict[re.Pattern[str], tuple[str, ...]] = {
    _CONSENT: (
        "cookie",
        "privatsphäre-einstellungen",
        "datenschutz-einstellungen",
        "consent",
        "einwilligung",
        "privacy settings",
    ),
    _EMBED_CONSENT: ("inhalt", "einverstanden", "aktivier", "-einstellungen", "content", "cookies"),
    _CREDIT: (
        ":",
        "©",
        "(c)",
        "copyright",
        "getty images",
        "shutterstock",
        "imago",
        "picture alliance",
        "dpa",
        "afp",
        "reuters",
        "ap photo",
        "epa",
        "keystone",
        "alamy",
    ),
    _CAPTION: (":", "©", "(", "/", "|"),
    _SIGNUP: ("newsletter", "inbox", "by submitting your", "at any time", "privacy", "terms"),
}
"""For each pattern, strings of which every match (in lowered text) holds one: a line
without any of them is not searched (a few substring tests cost less than a search
with ``.{0,200}`` in it). Kept in step with the patterns by
``tests/extract/test_fast_paths.py``."""


def _found(pattern: re.Pattern[str], line: str, lowered: str | None) -> bool:
    """Whether ``pattern`` occurs in ``line``, searched in ``lowered`` (the line lowered,
    None when it has an :data:`_UNFOLDABLE` character) where one is given."""
    if lowered is None:
        return pattern.search(line) is not None
    needs = _NEEDS.get(pattern)
    if needs is not None and not any(n in lowered for n in needs):
        return False
    return _LOWERED[pattern].search(lowered) is not None


def is_furniture(line: str) -> bool:
    """Whether a body line, on its own, is page furniture rather than article text."""
    s = line.strip().lstrip("-•*· ").strip()
    if not s:
        return True
    if _FURNITURE.match(s):
        return True
    words = len(s.split())
    low = None if _UNFOLDABLE.search(s) else s.lower()
    if words <= 40 and (_found(_CONSENT, s, low) or _found(_EMBED_CONSENT, s, low)):
        return True
    if (
        words <= _MAX_CREDIT_WORDS
        and _found(_CREDIT, s, low)
        and not s.endswith((".", "?", "!", '"', "”"))
    ):
        return True
    if words <= _MAX_CAPTION_WORDS and _found(_CAPTION, s, low):
        return True
    if words <= _MAX_SIGNUP_WORDS and _found(_SIGNUP, s, low):
        return True
    return words <= _MAX_READ_ALSO_WORDS and _READ_ALSO.match(s) is not None


def remove_furniture(paragraphs: list[str]) -> list[str]:
    """``paragraphs`` without furniture lines, order kept."""
    return [p for p in paragraphs if not is_furniture(p)]
