"""What the sample site publishes: every article's URL, headline, byline, time and body.

Everything is a pure function of the seed and an article's key (publication, day,
index), computed lazily and cached, so a site with 50,000 articles starts at once.
Copies (syndication) point at an original published earlier: herald exact copies the
same day, gazette near copies the day before.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from devtools.sample_site import textgen

PLANET, HERALD, GAZETTE = "daily-planet", "metro-herald", "valley-gazette"
PUBLICATIONS = (PLANET, HERALD, GAZETTE)
TITLES = {PLANET: "The Daily Planet", HERALD: "Metro Herald", GAZETTE: "Valley Gazette"}
PREFIXES = {PLANET: "/planet", HERALD: "/herald", GAZETTE: "/gazette"}

COPY_SHARE = 0.15
"""Share of herald (exact) and gazette (near) articles that copy another: ~10 % overall."""
RETRY_INDEX, LATIN1_INDEX = -1, -2
"""Indexes of the two trap pages that are real articles (429 then 200; ISO-8859-1)."""
TRAP_ARTICLE_PATHS = {
    RETRY_INDEX: "/planet/traps/rate-limited/",
    LATIN1_INDEX: "/planet/traps/latin1/",
}
_ID_EPOCH = date(2000, 1, 1)
_ID_SCALE = 10_000
_DAY_START = time(6, 0)
_DAY_MINUTES = 16 * 60
"""Articles of a day are published between 06:00 and 22:00 UTC, in index order."""

_ID_PATH = re.compile(r"^/(herald/news|gazette/(\d{4})/(\d{2}))/([a-z0-9-]+)-(\d+)(\.html)?$")
_PLANET_PATH = re.compile(r"^/planet/(\d{4})/(\d{2})/(\d{2})/([a-z0-9-]+)/$")


@dataclass(frozen=True, slots=True)
class ArticleKey:
    """Identity of an article: publication, day of publication and index within the day
    (negative indexes are the trap articles)."""

    publication: str
    day: date
    index: int


@dataclass(frozen=True, slots=True)
class ArticleSpec:
    """An article's page-level facts (its body is :meth:`Catalog.paragraphs`)."""

    key: ArticleKey
    path: str
    """Canonical path, starting with the publication prefix."""
    title: str
    authors: tuple[str, ...]
    published_at: datetime
    """UTC, whole minutes."""
    section: str
    place: str
    kind: str
    """'original', 'exact_copy' or 'near_copy'."""
    original: ArticleKey | None = None
    variant: str = ""
    """How a near copy differs: 'sentence' (one added) or 'boilerplate' (added line)."""
    topic: str = ""
    """The news beat (``topics.Topic.name``), e.g. 'council': a tag of the article."""

    @property
    def tags(self) -> tuple[str, ...]:
        """What the article page tags it with (the news sitemap adds the topic)."""
        return (self.place, self.section.title())


@dataclass(frozen=True, slots=True)
class _CopyPlan:
    kind: str
    original: ArticleKey | None = None
    variant: str = ""


LATIN1_PARAGRAPHS = (
    "The owner of the Café Zürich on Main Street, señor Ramón Núñez, celebrated twenty "
    "years in business this week with free coffee for every customer who came through "
    "the door before noon.",
    "Núñez moved from Zürich to the valley in his thirties and says he has never regretted "
    'it. "The people here made me feel at home from the first day," he said, standing '
    "behind the counter of the café he opened with his late wife.",
    "Regulars praised the crème brûlée, the piñata parties for children and the restored "
    "façade of the building, which dates from the nineteenth century and once housed a "
    "small hôtel for travelling salesmen.",
    "Asked about the future, the señor laughed and said he would keep working as long as "
    "his knees allowed. His daughter, Inés, who trained as a pâtissier in Zürich, is "
    "expected to take over the business in a few years.",
)


class Catalog:
    """The articles of one seed; cheap to create, every lookup lazy and cached."""

    def __init__(self, seed: int, articles_per_day: int, first_day: date, trap_day: date) -> None:
        self.seed = seed
        self.first_day = first_day
        self.articles_per_day = articles_per_day
        self.trap_day = trap_day
        self.spec = lru_cache(maxsize=65_536)(self._spec)
        self.story = lru_cache(maxsize=65_536)(self._story)
        self.body = lru_cache(maxsize=4_096)(self._body)
        self.day_specs = lru_cache(maxsize=1_024)(self._day_specs)
        self._copy_plan = lru_cache(maxsize=65_536)(self._plan)

    # --- identity and lookup ---------------------------------------------------------

    def keys(self, publication: str, day: date) -> list[ArticleKey]:
        """The regular articles of one publication and day, in publication order."""
        return [ArticleKey(publication, day, i) for i in range(self.articles_per_day)]

    def trap_keys(self) -> list[ArticleKey]:
        """The two trap pages that are articles (both daily-planet, on the trap day)."""
        return [
            ArticleKey(PLANET, self.trap_day, RETRY_INDEX),
            ArticleKey(PLANET, self.trap_day, LATIN1_INDEX),
        ]

    def lookup(self, path: str) -> ArticleKey | None:
        """The article served at ``path`` (without a query), or None. The caller checks
        that its day is published."""
        for index, trap_path in TRAP_ARTICLE_PATHS.items():
            if path == trap_path:
                return ArticleKey(PLANET, self.trap_day, index)
        match = _ID_PATH.match(path)
        if match:
            number = int(match.group(5))
            day = _ID_EPOCH + timedelta(days=number // _ID_SCALE)
            index = number % _ID_SCALE
            publication = HERALD if match.group(1) == "herald/news" else GAZETTE
            key = ArticleKey(publication, day, index)
            if index < self.articles_per_day and self.spec(key).path == path:
                return key
            return None
        match = _PLANET_PATH.match(path)
        if match:
            try:
                day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except ValueError:
                return None
            for spec in self.day_specs(PLANET, day):
                if spec.path == path:
                    return spec.key
        return None

    # --- specs -----------------------------------------------------------------------

    def _rng(self, *parts: object) -> random.Random:
        return random.Random(":".join(str(p) for p in (self.seed, *parts)))

    def _story(self, key: ArticleKey) -> textgen.StoryHead:
        return textgen.story_head(
            self._rng("story", key.publication, key.day.isoformat(), key.index)
        )

    def _body(self, key: ArticleKey) -> tuple[str, ...]:
        """The generated body of the story of ``key`` (no copy or revision changes)."""
        rng = self._rng("body", key.publication, key.day.isoformat(), key.index)
        return textgen.story_body(rng, self.story(key))

    def _plan(self, key: ArticleKey) -> _CopyPlan:
        """Herald copies (exact) take a planet article published earlier the same day;
        gazette copies (near) a planet or herald original of the day before, as a regional
        paper republishes the next day (and shows only a date, so an original of the same
        day could not be told apart by time)."""
        if key.publication == PLANET or key.index < 0:
            return _CopyPlan("original")
        if key.publication == HERALD and key.index < 1:
            return _CopyPlan("original")
        if key.publication == GAZETTE and key.day <= self.first_day:
            return _CopyPlan("original")
        rng = self._rng("copy", key.publication, key.day.isoformat(), key.index)
        if rng.random() >= COPY_SHARE:
            return _CopyPlan("original")
        if key.publication == HERALD:
            return _CopyPlan("exact_copy", ArticleKey(PLANET, key.day, rng.randrange(key.index)))
        day = key.day - timedelta(days=1)
        j = rng.randrange(self.articles_per_day)
        source = rng.choice((PLANET, HERALD))
        if source == HERALD and self._copy_plan(ArticleKey(HERALD, day, j)).kind != "original":
            source = PLANET
        return _CopyPlan(
            "near_copy", ArticleKey(source, day, j), rng.choice(("sentence", "boilerplate"))
        )

    def published_at(self, key: ArticleKey) -> datetime:
        """UTC publication time: the day's articles spread from 06:00 to 22:00 in index
        order (each publication with its own jitter inside an index's slot)."""
        start = datetime.combine(key.day, _DAY_START, UTC)
        if key.index < 0:
            return start + timedelta(hours=3, minutes=7 * -key.index)
        slot = _DAY_MINUTES / self.articles_per_day
        jitter = self._rng("time", key.publication, key.day.isoformat(), key.index)
        minute = int(key.index * slot + jitter.random() * max(slot - 1, 0))
        return start + timedelta(minutes=minute)

    def _base(self, key: ArticleKey) -> tuple[str, tuple[str, ...], textgen.StoryHead, _CopyPlan]:
        """Title, authors, underlying story and copy plan of ``key``."""
        plan = self._copy_plan(key)
        if plan.original is None:
            story = self.story(key)
            if key.index == LATIN1_INDEX:
                return (
                    f"Café owner from Zürich marks twenty years in {story.place}",
                    story.authors,
                    story,
                    plan,
                )
            return story.title, story.authors, story, plan
        original = self.spec(plan.original)
        story = self.story(plan.original)
        rng = self._rng("copy-byline", key.publication, key.day.isoformat(), key.index)
        title = original.title
        if rng.random() < (0.5 if plan.kind == "exact_copy" else 0.3):
            title = textgen.headline(rng, story.topic, story.place)
        authors = original.authors
        if plan.variant == "boilerplate" or (plan.kind == "exact_copy" and rng.random() < 0.5):
            authors = (textgen.person(rng),)
        return title, authors, story, plan

    def _spec(self, key: ArticleKey) -> ArticleSpec:
        if key.publication == PLANET and key.index >= 0:
            for spec in self.day_specs(PLANET, key.day):
                if spec.key == key:
                    return spec
            raise KeyError(key)
        base = self._base(key)
        return self._make_spec(key, self._path(key, base[0]), base)

    def _make_spec(
        self,
        key: ArticleKey,
        path: str,
        base: tuple[str, tuple[str, ...], textgen.StoryHead, _CopyPlan],
    ) -> ArticleSpec:
        title, authors, story, plan = base
        section = story.topic.section
        return ArticleSpec(
            key=key,
            path=path,
            title=title,
            authors=authors,
            published_at=self.published_at(key),
            section=section,
            place=story.place,
            kind=plan.kind,
            original=plan.original,
            variant=plan.variant,
            topic=story.topic.name,
        )

    def _path(self, key: ArticleKey, title: str) -> str:
        if key.index < 0:
            return TRAP_ARTICLE_PATHS[key.index]
        if key.publication == PLANET:
            return f"/planet/{key.day:%Y/%m/%d}/{textgen.slugify(title, 7)}/"
        number = (key.day - _ID_EPOCH).days * _ID_SCALE + key.index
        slug = textgen.slugify(title, 6)
        if key.publication == HERALD:
            return f"/herald/news/{slug}-{number}.html"
        return f"/gazette/{key.day:%Y/%m}/{slug}-{number}"

    def _day_specs(self, publication: str, day: date) -> tuple[ArticleSpec, ...]:
        if publication != PLANET:
            return tuple(self.spec(k) for k in self.keys(publication, day))
        specs: list[ArticleSpec] = []
        used: set[str] = set()
        for key in self.keys(PLANET, day):
            base = self._base(key)
            path = self._path(key, base[0])
            if path in used:
                path = path[:-1] + f"-{key.index}/"
            used.add(path)
            specs.append(self._make_spec(key, path, base))
        return tuple(specs)

    # --- bodies ----------------------------------------------------------------------

    def summary(self, key: ArticleKey) -> str:
        """A one-sentence standfirst of ``key`` for feeds and section pages."""
        original = self._copy_plan(key).original or key
        rng = self._rng("summary", key.publication, key.day.isoformat(), key.index)
        return textgen.standfirst(rng, self.story(original))

    def paragraphs(self, key: ArticleKey, revised_on: date | None = None) -> tuple[str, ...]:
        """The article's body paragraphs; ``revised_on`` gives the revised version
        (an update paragraph added at the end)."""
        if key.index == LATIN1_INDEX:
            body = LATIN1_PARAGRAPHS + self.body(key)[:2]
        else:
            plan = self._copy_plan(key)
            body = self.body(plan.original or key)
            if plan.kind == "near_copy":
                body = self._near_copy_body(key, plan, body)
        if revised_on is not None:
            rng = self._rng("revision", key.publication, key.day.isoformat(), key.index)
            body = body + (
                f"Update, {revised_on.day} {revised_on:%B %Y}: this story has been updated "
                f"with a response from {textgen.person(rng)}, who said the figures quoted "
                "earlier had been checked again and were correct.",
            )
        return body

    def _near_copy_body(
        self, key: ArticleKey, plan: _CopyPlan, body: tuple[str, ...]
    ) -> tuple[str, ...]:
        rng = self._rng("near", key.publication, key.day.isoformat(), key.index)
        assert plan.original is not None
        if plan.variant == "boilerplate":
            return body + (
                f"This article first appeared in {TITLES[plan.original.publication]} "
                "and is republished here with permission.",
            )
        at = rng.randrange(len(body))
        place = self.story(plan.original).place
        return body[:at] + (f"{body[at]} {textgen.extra_sentence(rng, place)}",) + body[at + 1 :]

    # --- revisions -------------------------------------------------------------------

    def revision_target(
        self, number: int, new_today: date, first_day: date, taken: frozenset[ArticleKey]
    ) -> ArticleKey:
        """The article revised by the ``number``-th day advance (1, 2, ...): an original
        without copies, published two days before ``new_today`` (or on ``first_day``),
        from the daily-planet (odd numbers) or the valley-gazette (even numbers)."""
        day = max(first_day, new_today - timedelta(days=2))
        rng = self._rng("revise", number, new_today.isoformat())
        order = (PLANET, GAZETTE, HERALD) if number % 2 else (GAZETTE, PLANET, HERALD)
        copied = {
            self._copy_plan(k).original
            for pub in PUBLICATIONS
            for d in (day, day + timedelta(days=1))
            for k in self.keys(pub, d)
        } - {None}
        for publication in order:
            eligible = [
                k
                for k in self.keys(publication, day)
                if k not in taken and k not in copied and self._copy_plan(k).kind == "original"
            ]
            if eligible:
                return rng.choice(eligible)
        raise ValueError(f"no article left to revise on {day}")
