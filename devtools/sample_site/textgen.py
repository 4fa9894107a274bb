"""Seeded generator of plausible local-news English (no copyrighted text).

Pure functions of a ``random.Random``: the same generator state gives the same story.
Everything is plain ASCII (straight quotes, no dashes beyond ``-``) so any page can be
encoded in ISO-8859-1 as well as UTF-8.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from devtools.sample_site.topics import TOPICS, Topic
from devtools.sample_site.vocabulary import (
    FIRST_NAMES,
    GENERIC,
    LAST_NAMES,
    MONTHS,
    OPENERS,
    PLACES,
    PREDICATES,
    QUOTES,
    ROLES,
    SOURCES,
    SUBJECTS,
    TAILS,
    WEEKDAYS,
)

__all__ = [
    "PLACES",
    "TOPICS",
    "StoryHead",
    "Topic",
    "extra_sentence",
    "headline",
    "paragraph",
    "person",
    "slugify",
    "standfirst",
    "story_body",
    "story_head",
]


_SLOT = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True, slots=True)
class StoryHead:
    """What a story is about and who wrote it; cheap to make (no body text)."""

    topic: Topic
    place: str
    title: str
    authors: tuple[str, ...]
    thing: str
    year_prev: str

    @property
    def context(self) -> dict[str, str]:
        return {"place": self.place, "thing": self.thing, "year_prev": self.year_prev}


def person(rng: random.Random) -> str:
    """A fictional full name."""
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _fill(template: str, rng: random.Random, ctx: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        key = match.group(1)
        if key in ctx:
            return ctx[key]
        if key == "money":
            if rng.random() < 0.6:
                return f"${rng.randint(2, 95)} million"
            return f"{rng.randint(150, 990)},000 dollars"
        if key == "n1":
            return str(rng.randint(7, 15))
        if key in ("n2", "n3", "n4"):
            return str(rng.randint(2, 9) if key != "n4" else rng.randint(11, 48))
        if key == "n_big":
            return str(rng.randint(12, 480))
        if key == "big":
            return f"{rng.randint(1, 40)},{rng.randint(0, 999):03d}"
        if key == "pct":
            return str(rng.randint(3, 45))
        if key == "n_temp":
            return str(rng.randint(29, 38))
        if key == "hours":
            return rng.choice(("three", "four", "five", "six"))
        if key == "ordinal":
            return rng.choice(("third", "fourth", "fifth", "sixth", "seventh", "eighth"))
        if key == "month":
            return rng.choice(MONTHS)
        if key == "weekday":
            return rng.choice(WEEKDAYS)
        if key == "place2":
            return rng.choice([p for p in PLACES if p != ctx.get("place")])
        return key

    return _SLOT.sub(value, template)


def _grammar_sentence(rng: random.Random, topic: Topic, ctx: dict[str, str]) -> str:
    opener = rng.choice(OPENERS)
    subject = rng.choice(SUBJECTS)
    if opener:
        subject = subject[0].lower() + subject[1:]
    tail = rng.choice(TAILS).replace("{source}", rng.choice(SOURCES))
    text = f"{opener}{subject} {rng.choice(PREDICATES)}{tail}."
    return _fill(text, rng, {**ctx, "thing": rng.choice(topic.things)})


def _sentence(rng: random.Random, topic: Topic, ctx: dict[str, str], used: set[str]) -> str:
    roll = rng.random()
    if roll < 0.2:
        fresh = [q for q in QUOTES if q not in used]
        if fresh:
            template = rng.choice(fresh)
            used.add(template)
            quote = _fill(template, rng, ctx)
            who = person(rng)
            role = _fill(rng.choice(ROLES), rng, ctx)
            if rng.random() < 0.5:
                return f'"{quote}," said {who}, {role}.'
            return f'{who}, {role}, said: "{quote}."'
    elif roll < 0.55:
        pool = topic.sentences if roll < 0.45 else GENERIC
        fresh = [t for t in pool if t not in used]
        if fresh:
            template = rng.choice(fresh)
            used.add(template)
            return _fill(template, rng, {**ctx, "thing": rng.choice(topic.things)})
    return _grammar_sentence(rng, topic, ctx)


def paragraph(
    rng: random.Random,
    topic: Topic,
    ctx: dict[str, str],
    used: set[str],
    min_words: int = 25,
    max_words: int = 80,
) -> str:
    """One paragraph of ``min_words``..``max_words`` words."""
    target = rng.randint(min_words, max_words)
    sentences: list[str] = []
    words = 0
    while words < target:
        s = _sentence(rng, topic, ctx, used)
        n = len(s.split())
        if words + n > max_words:
            if words >= min_words:
                break
            continue
        sentences.append(s)
        words += n
    return " ".join(sentences)


def story_head(rng: random.Random) -> StoryHead:
    """Topic, place, headline and 1-3 authors of a story."""
    topic = rng.choice(TOPICS)
    place = rng.choice(PLACES)
    head = StoryHead(topic, place, "", (), rng.choice(topic.things), str(rng.randint(2015, 2024)))
    title = headline(rng, topic, place, head.context)
    authors = tuple(dict.fromkeys(person(rng) for _ in range(rng.choice((1, 1, 1, 2, 2, 3)))))
    return StoryHead(topic, place, title, authors, head.thing, head.year_prev)


def story_body(
    rng: random.Random, head: StoryHead, *, min_paragraphs: int = 4, max_paragraphs: int = 12
) -> tuple[str, ...]:
    """The body paragraphs of the story ``head`` announces."""
    used: set[str] = set()
    count = rng.randint(min_paragraphs, max_paragraphs)
    return tuple(paragraph(rng, head.topic, head.context, used) for _ in range(count))


def standfirst(rng: random.Random, head: StoryHead) -> str:
    """A one-sentence summary for feeds and teasers (cheap: no body is generated)."""
    return _fill(rng.choice(head.topic.sentences), rng, head.context)


def headline(
    rng: random.Random, topic: Topic, place: str, ctx: dict[str, str] | None = None
) -> str:
    """A headline on ``topic`` set in ``place``, first letter capitalised."""
    ctx = ctx or {
        "place": place,
        "thing": rng.choice(topic.things),
        "year_prev": str(rng.randint(2015, 2024)),
    }
    title = _fill(rng.choice(topic.headlines), rng, ctx)
    return title[0].upper() + title[1:]


def extra_sentence(rng: random.Random, place: str) -> str:
    """A short sentence a syndicating paper adds to a story (8-16 words)."""
    return _fill(
        rng.choice(
            (
                "Residents of {place} can find more local coverage in our weekend edition.",
                "The Valley Gazette has asked the council for further comment.",
                "Readers in {place} have written to us about the issue in recent weeks.",
                "Our reporters will follow the story as it develops.",
                "A similar question was raised in {place} two years ago.",
            )
        ),
        rng,
        {"place": place},
    )


def slugify(text: str, max_words: int = 8) -> str:
    """Lower-case ASCII words joined by hyphens."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words[:max_words]) or "story"
