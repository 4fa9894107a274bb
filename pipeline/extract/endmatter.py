"""The end of an extracted body: lines after the article's last paragraph.

Below an article, pages carry calls to action (newsletter, subscription, "follow us",
"get in touch"), paywall and comment-box notices, copyright lines, "first published in"
notes, agency/editor initials ("(dmk)", "SDA/sep") and the author's biography ("Jane Doe
is a reporter for ...", "Korrespondent Ulrich Exner ist bei WELT ...").
:func:`strip_endmatter` removes such lines from the last :data:`TAIL_SCAN` lines of a
body. A short one (a heading such as "Quellen:" or "Kommentar abgeben") that starts a
final block of at most :data:`TRUNCATE_SHARE` of the body's words ends the article:
everything from it on is dropped.

Contributor credits ("Reporting by ...", "... contributed to this report") are kept: the
hand-annotated dev set counts them as article text.
"""

from __future__ import annotations

import re

TAIL_SCAN = 10
"""How many final lines are examined."""
TRUNCATE_MAX_WORDS = 8
"""An end-matter line this short, near the end, cuts off everything after it."""
TRUNCATE_SHARE = 0.15
"""... provided what it cuts off is at most this share of the body's words."""
_MAX_NOTICE_WORDS = 40
MAX_BIO_WORDS = 120
"""An author biography is at most this long (dev sets: 87-word bios below articles)."""

# The word alternatives share one leading \b: the regex engine then tries them only at
# word starts, not at every character (3.6x faster on the dev set's lines, same matches).
_NOTICE = re.compile(
    r"(?:\b(?:"
    # subscriptions, newsletters, accounts
    r"subscri(?:be|ption|ber)|abonn(?:ier|ement|ent|e[rz]\b)|suscri(?:pción|ptor|be)|"
    r"newsletter|sign (?:up|in)\b|log ?in\b|create an account|"
    # comment boxes
    r"comment(?:ing| policy| section)\b|comment on this\b|leave a comment|"
    r"kommentar abgeben|join the conversation|"
    # calls to action
    r"bookmark|follow (?:us|\w+(?:\.\w+)? on)\b|folg(?:e|t|st) (?:uns|du)\b|"
    r"support (?:us|our (?:work|journalism)|independent journalism|\w+(?: \w+){0,3} directly)\b|"
    r"unterstützen sie (?:uns|unsere)\b|"
    r"get in touch\b|story to tell\b|send (?:us )?(?:tips|your feedback)|ihr feedback\b|"
    r"more stories like this|for (?:more|the latest) .{0,40}(?:news|stories)|"
    r"latest (?:news|stories) from|"
    r"fehler gefunden|jetzt melden\b|ihre meinung ist uns wichtig|"
    r"wie hat ihnen (?:dieser|der) artikel gefallen|unabhängigen? journalismus|"
    r"kostenlos testen|in unserem liveblog|"
    # rights and provenance
    r"copyright\b|all rights reserved|alle rechte vorbehalten|"
    r"dieses thema im programm|zuerst (?:bei|in|im) .{1,40} erschienen|"
    r"first published (?:in|by|on)\b|originally (?:published|appeared)|"
    # paywalls in other languages
    r"il vous reste \d|réservée? aux abonnés|découvrez nos offres|sólo para suscriptores"
    r")|"
    # rights and provenance
    r"©|ⓒ|^sendung:|"
    # section headings of what follows the article
    r"^mehr (?:themen|zum thema)\b|^ähnliche(?: artikel)?:?$|^weiterführende links|"
    r"^quellen:?$|^sources?:$|^schlagw(?:ö|o)rter|^[-–•]?\s*etiketler|^tags?:|"
    # paywalls in other languages
    r"会員|有料記事|無断転載|무단 전재|재배포|기사 url|分享让|^[-–•]?\s*(?:评论|关注)$"
    r")",
    re.IGNORECASE,
)
_RELATED_HEADING = re.compile(
    r"^(?:most read|recommended (?:videos?|stories|articles|for you))\b|"
    r"^(?:関連キーワード|おすすめ情報)$",
    re.IGNORECASE,
)
"""The heading of a block of links to other articles ("Most read in Football",
"おすすめ情報"); near the end it cuts the block off like the other short headings (dev
set: 3 publishers, see benchmarks/RESULTS.md)."""
_INITIALS = re.compile(r"^(?:\([a-z]{2,5}(?:/[a-z]{2,5})*\)|[A-Za-z]{2,5}/[a-z]{2,5})\.?$")
_BIO = re.compile(
    r"^(?:[A-ZÀ-Þ][\w.'’-]+\s){1,4}(?:is|ist|est|es|è|är|er|was|war|covers|writes|schreibt)\s"
    r".{0,120}?\b(?:writer|reporter|editor|journalist|correspondent|columnist|contributor|author|"
    r"professor|researcher|lecturer|redakteur(?:in)?|korrespondent(?:in)?|reporter(?:in)?|"
    r"autor(?:in)?|journalistin?|kolumnist(?:in)?|journaliste|rédact(?:eur|rice)|periodista|"
    r"giornalista)",
)
_BIO_VERB = re.compile(r"\s(?:is|ist|est|es|war|was|covers|writes|schreibt)\b")


def _words(text: str) -> int:
    return len(text.split())


def is_endmatter(line: str, authors: tuple[str, ...] = ()) -> bool:
    """Whether ``line`` is end matter (see module docstring) rather than article text."""
    text = line.strip()
    words = _words(text)
    if words <= _MAX_NOTICE_WORDS and (_NOTICE.search(text) or _RELATED_HEADING.match(text)):
        return True
    if _INITIALS.match(text):
        return True
    if words <= MAX_BIO_WORDS and _BIO.search(text):
        return True
    return is_author_bio(text, authors) or is_named_bio(text, authors)


_NAMED_BIO_VERB = re.compile(
    r"(?:\s*\([^()]{0,30}\))?,?\s+(?:is|ist|est|es|è|är|er|war|was|has|hat|makes|covers|writes|"
    r"schreibt|leitet|lebt|arbeitet|lives|works|reports|berichtet)\b"
)
MAX_BIO_LEAD_WORDS = 4
"""Words a biography may put before the author's name ("Korrespondent", "Der Berliner
Imam")."""


def is_named_bio(line: str, authors: tuple[str, ...]) -> bool:
    """Whether ``line`` is the biography of one of the page's ``authors`` that puts a role
    or a birth year around the full name: "Korrespondent Ulrich Exner ist bei WELT ...",
    "Anne-Marie Slaughter (*1958) war Direktorin ...", "Lance Ulanoff makes frequent
    appearances ..." (dev set: four publishers, see benchmarks/RESULTS.md). Only the end
    of a body is checked this way (:func:`strip_endmatter`)."""
    if _words(line) > MAX_BIO_WORDS:
        return False
    for name in authors:
        if len(name.split()) < 2:
            continue
        at = line.find(name)
        if (
            at >= 0
            and len(line[:at].split()) <= MAX_BIO_LEAD_WORDS
            and _NAMED_BIO_VERB.match(line, at + len(name))
        ):
            return True
    return False


def is_author_bio(line: str, authors: tuple[str, ...]) -> bool:
    """Whether ``line`` is the biography of one of the page's ``authors``: it starts with
    the name and a verb such as "is" or "writes" ("Jane Doe is a senior editor at ...")."""
    text = line.strip()
    if _words(text) > MAX_BIO_WORDS:
        return False
    return any(
        name and text.startswith(name + " ") and _BIO_VERB.match(text[len(name) :])
        for name in authors
    )


def strip_endmatter(paragraphs: list[str], authors: tuple[str, ...] = ()) -> list[str]:
    """``paragraphs`` without the end matter among their last :data:`TAIL_SCAN` lines.

    The first line is never removed.
    """
    if len(paragraphs) < 2:
        return paragraphs
    start = max(1, len(paragraphs) - TAIL_SCAN)
    total = sum(_words(p) for p in paragraphs)
    kept = paragraphs[:start]
    for i in range(start, len(paragraphs)):
        line = paragraphs[i]
        if not is_endmatter(line, authors):
            kept.append(line)
            continue
        rest = sum(_words(p) for p in paragraphs[i:])
        if _words(line) <= TRUNCATE_MAX_WORDS and rest <= TRUNCATE_SHARE * total:
            break
    return kept
