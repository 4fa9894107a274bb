"""The fixed batch bench_growth loads at every step: new sample-site stories, near copies planted.

Each step's batch has the same size and shape and new articles (a seed per step): 95%
fresh stories from the sample site's text generator, 5% near copies (one word changed,
one sentence added), of a story of the previous step's batch when there is one (an
article already in the warehouse, with its real LSH bands), else of an earlier story of
the same batch. The articles come with the dedup fingerprints the extraction workers
compute, as in a run. They are published over the same two years as the rest of the
warehouse (a month holds 1/24 of each batch, as of the filler), the near copies after
everything else.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from benchmarks.analytics_fixture import PERIOD_DAYS, PERIOD_END
from devtools.sample_site import textgen
from pipeline.dedup.fingerprint import with_fingerprint
from pipeline.records import Article, ExtractionResult

COPY_SHARE = 0.05
SOURCE = "growth"


@dataclass(frozen=True, slots=True)
class Batch:
    """One step's batch: the results to load, their bodies, how many are near copies."""

    results: list[ExtractionResult]
    bodies: list[str]
    planted: int


def near_copy(body: str, rng: random.Random) -> str:
    """``body`` with its middle word changed and a syndication sentence added."""
    cut = body.index(" ", len(body) // 2)
    rest = body.index(" ", cut + 1)
    return body[:cut] + " changed" + body[rest:] + "\n\n" + textgen.extra_sentence(rng, "Bench")


def _stories(rng: random.Random, count: int) -> list[tuple[str, tuple[str, ...], str, str]]:
    out = []
    for _ in range(count):
        head = textgen.story_head(rng)
        body = "\n\n".join(textgen.story_body(rng, head))
        out.append((head.title, head.authors, textgen.standfirst(rng, head), body))
    return out


def make_batch(step: int, count: int, previous: list[str] | None = None) -> Batch:
    """The batch of step ``step`` (0, 1, ...): ``count`` new articles, near copies of
    ``previous`` (the bodies of the last step's batch) or of earlier stories."""
    rng = random.Random(1000 + step)
    stories = _stories(rng, count)
    copies = rng.sample(range(1, count), int(count * COPY_SHARE)) if count > 1 else []
    bodies = [s[3] for s in stories]
    for target in copies:
        if previous:
            original = previous[rng.randrange(len(previous))]
        else:
            original = bodies[rng.randrange(target)]
        bodies[target] = near_copy(original, rng)
    results = []
    planted = set(copies)
    for i, ((title, authors, description, _), body) in enumerate(zip(stories, bodies)):
        url = f"https://growth.example/step-{step}/story-{i}"
        # A near copy is published after every original (syndicated later), so it is the
        # one linked as the duplicate and the count of duplicates shows what was found.
        minutes = timedelta(minutes=rng.randrange(60 * 24 * PERIOD_DAYS))
        published = (
            PERIOD_END + timedelta(days=1) + minutes if i in planted else PERIOD_END - minutes
        )
        article = Article(
            url=url,
            title=title,
            body=body,
            authors=authors,
            published_at=published,
            language="en",
            description=description,
            extractor_version="growth",
            source=SOURCE,
            fetched_url=url,
        )
        results.append(with_fingerprint(ExtractionResult("ok", url=url, article=article)))
    return Batch(results, bodies, len(copies))
