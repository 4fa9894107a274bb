"""Synthetic news articles for the analyst-layer benchmark, loaded with COPY.

``generate_articles`` yields realistic-shaped rows for ``warehouse.articles``: 25
sources over two years, Zipf-distributed words with topical vocabulary (so that a search
for "climate policy" matches about 4% of the articles and "government" about 11%),
several languages, author bylines, a few undated articles and about 8% duplicates that
point at an earlier original. Everything is seeded, so two runs load the same data.

Usage as a script (loads into an existing, migrated database)::

    python -m benchmarks.analytics_fixture DATABASE_URL [--articles N]
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import psycopg

from benchmarks.analytics_words import COMMON, FIRST_NAMES, LAST_NAMES, TOPICS

SOURCES = tuple(f"source-{i:02d}" for i in range(25))
PERIOD_END = datetime(2026, 11, 1, tzinfo=UTC)
PERIOD_DAYS = 730
DUPLICATE_SHARE = 0.08
UNDATED_SHARE = 0.02
LANGUAGES = (("en", 0.80), ("de", 0.10), ("fr", 0.05), (None, 0.05))


@dataclass(frozen=True, slots=True)
class Vocabulary:
    words: np.ndarray
    """Common words followed by synthetic rarer words, most frequent first."""
    cumulative: np.ndarray
    """Cumulative word probabilities, for drawing words with ``searchsorted``."""
    topics: dict[str, np.ndarray]


def build_vocabulary(rng: np.random.Generator, size: int = 20000) -> Vocabulary:
    """Common English words plus synthetic ones, with Zipf (s=1.07) frequencies."""
    syllables = [
        "ka",
        "lo",
        "mi",
        "ren",
        "tas",
        "vo",
        "bel",
        "dor",
        "fen",
        "gri",
        "hal",
        "jun",
        "kor",
        "lim",
        "nar",
        "pel",
        "quo",
        "sar",
        "tun",
        "vex",
        "wal",
        "zen",
    ]
    synthetic: set[str] = set()
    while len(synthetic) < size - len(COMMON):
        parts = rng.choice(syllables, size=int(rng.integers(2, 5)))
        synthetic.add("".join(parts))
    words = np.array(COMMON + sorted(synthetic), dtype=object)
    ranks = np.arange(1, len(words) + 1, dtype=np.float64)
    weights = 1.0 / ranks**1.07
    topics = {name: np.array(text.split(), dtype=object) for name, text in TOPICS.items()}
    cumulative = np.cumsum(weights / weights.sum())
    cumulative[-1] = 1.0
    return Vocabulary(words, cumulative, topics)


def _body(rng: np.random.Generator, vocab: Vocabulary, topics: list[str]) -> str:
    length = int(rng.integers(80, 320))
    tokens = vocab.words[np.searchsorted(vocab.cumulative, rng.random(length), side="right")]
    topical = rng.random(length) < 0.06
    topic_words = np.concatenate([vocab.topics[t] for t in topics])
    tokens[topical] = topic_words[rng.integers(0, len(topic_words), int(topical.sum()))]
    sentences = [" ".join(tokens[i : i + 18]).capitalize() + "." for i in range(0, length, 18)]
    paragraphs = [" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4)]
    return "\n\n".join(paragraphs)


def _language(rng: np.random.Generator) -> str | None:
    draw, total = rng.random(), 0.0
    for language, share in LANGUAGES:
        total += share
        if draw < total:
            return language
    return None


def generate_articles(count: int, seed: int = 20261101) -> Iterator[tuple]:
    """``count`` rows in the column order of ``COPY_ARTICLES``; article_id 1..count."""
    rng = np.random.default_rng(seed)
    vocab = build_vocabulary(rng)
    topic_names = list(TOPICS)
    authors_pool = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    originals: list[tuple] = []
    for article_id in range(1, count + 1):
        source = SOURCES[int(rng.integers(0, len(SOURCES)))]
        if originals and rng.random() < DUPLICATE_SHARE:
            original = originals[int(rng.integers(max(0, len(originals) - 2000), len(originals)))]
            exact = rng.random() < 0.5
            body = original[5] if exact else original[5] + "\n\nReporting by " + source + "."
            published_at = (
                None
                if original[2] is None
                else original[2] + timedelta(minutes=int(rng.integers(5, 600)))
            )
            duplicate_of, similarity = original[0], 1.0 if exact else float(rng.uniform(0.8, 0.99))
            title, language = original[4], original[3]
        else:
            topics = list(rng.choice(topic_names, size=int(rng.integers(1, 3)), replace=False))
            body = _body(rng, vocab, topics)
            published_at = (
                None
                if rng.random() < UNDATED_SHARE
                else PERIOD_END - timedelta(seconds=int(rng.integers(0, PERIOD_DAYS * 86400)))
            )
            title = " ".join(
                vocab.topics[topics[0]][rng.integers(0, 10, 3)].tolist()
                + vocab.words[rng.integers(0, 200, 4)].tolist()
            ).capitalize()
            language, duplicate_of, similarity = _language(rng), None, None
            originals.append((article_id, source, published_at, language, title, body))
        day = published_at or PERIOD_END
        url = f"https://{source}.example/{day:%Y/%m/%d}/story-{article_id}"
        authors = [
            authors_pool[int(i)]
            for i in rng.integers(0, len(authors_pool), int(rng.integers(0, 3)))
        ]
        seen = (published_at or PERIOD_END) + timedelta(hours=int(rng.integers(1, 30)))
        yield (
            article_id,
            url,
            source,
            title,
            authors,
            published_at,
            language,
            body,
            hashlib.sha1(body.encode()).hexdigest(),
            duplicate_of,
            similarity,
            seen,
        )


_COLUMNS = """article_id, url, source, title, authors, published_at, language, body,
content_hash, duplicate_of, similarity, first_seen_at, last_seen_at, updated_at,
extractor_version"""
_STAGE = f"""
CREATE TEMP TABLE fixture_articles ON COMMIT DROP AS
SELECT {_COLUMNS} FROM warehouse.articles WITH NO DATA
"""
COPY_ARTICLES = f"COPY fixture_articles ({_COLUMNS}) FROM STDIN"
# The derived columns are computed as the rows go in (what a run's derive step would
# store later): one write per row, where COPY and then the derive step's UPDATE would
# write every row twice and make the 200k fixture take twice as long.
_INSERT = f"""
INSERT INTO warehouse.articles ({_COLUMNS}, search_vector, word_count) OVERRIDING SYSTEM VALUE
SELECT {_COLUMNS}, warehouse.search_vector_of(language, title, body), regexp_count(body, '\\S+')
FROM fixture_articles
"""
_RESET_IDENTITY = (
    "SELECT setval(pg_get_serial_sequence('warehouse.articles', 'article_id'), "
    "(SELECT max(article_id) FROM warehouse.articles))"
)


def load_articles(conn: psycopg.Connection, count: int, seed: int = 20261101) -> int:
    """Load ``count`` generated articles into ``warehouse.articles`` (one transaction),
    with their search vectors and word counts as a run's derive step leaves them."""
    with conn.transaction(), conn.cursor() as cur:
        cur.execute(_STAGE)
        with cur.copy(COPY_ARTICLES) as copy:
            for row in generate_articles(count, seed):
                seen = row[-1]
                copy.write_row((*row[:-1], seen, seen, seen, "bench"))
        cur.execute(_INSERT)
        cur.execute(_RESET_IDENTITY)
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("--articles", type=int, default=200_000)
    args = parser.parse_args(argv)
    with psycopg.connect(args.database_url) as conn:
        load_articles(conn, args.articles)
    print(f"loaded {args.articles} articles")
    return 0


if __name__ == "__main__":
    sys.exit(main())
