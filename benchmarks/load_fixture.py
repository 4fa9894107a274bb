"""Synthetic articles for bench_load: random-word bodies, some planted near-copies of others."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from pipeline.records import Article, ExtractionResult

EPOCH = datetime(2025, 1, 1, tzinfo=UTC)


def _vocabulary(rng: np.random.Generator, size: int = 20_000) -> np.ndarray:
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    lengths = rng.integers(3, 10, size)
    return np.array(["".join(rng.choice(letters, n)) for n in lengths])


def synthetic_bodies(
    count: int, words: int, copy_share: float, seed: int
) -> tuple[list[str], dict[int, int]]:
    """``count`` bodies of about ``words`` words; {copy index: original index} for the
    planted copies (the original with one sentence added and one word changed)."""
    rng = np.random.default_rng(seed)
    vocab = _vocabulary(rng)
    ids = rng.integers(0, len(vocab), (count, words))
    bodies = []
    for row in ids:
        tokens = vocab[row]
        sentences = [" ".join(tokens[i : i + 15]).capitalize() + "." for i in range(0, words, 15)]
        bodies.append(
            "\n\n".join(" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4))
        )
    copies: dict[int, int] = {}
    originals = rng.choice(count, int(count * copy_share), replace=False)
    targets = rng.permutation(np.setdiff1d(np.arange(count), originals))[: len(originals)]
    for original, target in zip(originals.tolist(), targets.tolist()):
        if original in copies or target in copies.values():
            continue
        text = bodies[original]
        cut = text.index(" ", len(text) // 2)
        bodies[target] = (
            text[:cut]
            + " changed"
            + text[text.index(" ", cut + 1) :]
            + "\n\nThis story first appeared elsewhere."
        )
        copies[target] = original
    return bodies, copies


def synthetic_results(bodies: list[str]) -> list[ExtractionResult]:
    """One extraction result per body, as the extraction workers hand them to the load."""
    out = []
    for i, body in enumerate(bodies):
        url = f"https://bench{i % 7}.example/news/{i:06d}"
        article = Article(
            url=url,
            title=f"Synthetic article number {i}",
            body=body,
            authors=("Bench Writer",),
            published_at=EPOCH + timedelta(minutes=i),
            language="en",
            description="A synthetic article for the benchmark.",
            extractor_version="bench",
            source="bench",
            fetched_url=url,
        )
        out.append(ExtractionResult("ok", url=url, article=article))
    return out
