"""Body-text metrics of the extraction benchmark (pure functions).

The body metric is the Zyte article-extraction-benchmark shingle metric, as specified in
the dev set's README: tokens are the matches of the Unicode regex ``\\w+`` (case kept),
shingles are overlapping 4-token tuples counted as a multiset, and a text with 1-3 tokens
gives a single shorter shingle. Corpus precision is the mean page precision over pages with
a non-empty prediction, corpus recall the mean page recall over pages with a non-empty
truth, and F1 the harmonic mean of those two means (not the mean of page F1 scores).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

_TOKEN = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    """Every ``\\w+`` match of ``text`` in order, case kept."""
    return _TOKEN.findall(text or "")


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """The multiset of overlapping ``n``-token tuples of ``text``.

    A text with fewer than ``n`` (but at least one) tokens gives one shingle holding all
    of them; an empty text gives an empty multiset.
    """
    toks = tokens(text)
    if not toks:
        return Counter()
    if len(toks) < n:
        return Counter([tuple(toks)])
    return Counter(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))


@dataclass(frozen=True, slots=True)
class PageScore:
    """Shingle counts of one page; ``precision``/``recall`` are None when undefined."""

    tp: int
    fp: int
    fn: int
    pred_empty: bool
    truth_empty: bool

    @property
    def precision(self) -> float | None:
        if self.pred_empty:
            return None
        if self.fp == 0 and self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        if self.truth_empty:
            return None
        if self.fp == 0 and self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fn)

    @property
    def f1(self) -> float:
        p, r = self.precision or 0.0, self.recall or 0.0
        return 2 * p * r / (p + r) if p + r else 0.0


def score_page(truth: str, prediction: str, n: int = 4) -> PageScore:
    """Compare one page's predicted body with its truth, shingle multiset against multiset."""
    t, p = shingles(truth, n), shingles(prediction, n)
    tp = sum((t & p).values())
    return PageScore(
        tp=tp,
        fp=sum(p.values()) - tp,
        fn=sum(t.values()) - tp,
        pred_empty=not p,
        truth_empty=not t,
    )


def score_page_lenient(
    truth: str, prediction: str, optional: Sequence[str], n: int = 4
) -> PageScore:
    """The better (by page F1) of scoring against ``truth`` and against ``truth`` without
    its optional paragraphs."""
    full = score_page(truth, prediction, n)
    if not optional:
        return full
    drop = set(optional)
    strict = "\n\n".join(p for p in truth.split("\n\n") if p not in drop)
    reduced = score_page(strict, prediction, n)
    return reduced if reduced.f1 > full.f1 else full


@dataclass(frozen=True, slots=True)
class CorpusScore:
    """Corpus-level body scores."""

    f1: float
    precision: float
    recall: float
    empty: int
    pages: int


def aggregate(scores: Iterable[PageScore]) -> CorpusScore:
    """Mean page precision and recall over the pages where each is defined, and their F1."""
    scores = list(scores)
    ps = [s.precision for s in scores if s.precision is not None]
    rs = [s.recall for s in scores if s.recall is not None]
    p = sum(ps) / len(ps) if ps else 0.0
    r = sum(rs) / len(rs) if rs else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return CorpusScore(
        f1=f1,
        precision=p,
        recall=r,
        empty=sum(1 for s in scores if s.pred_empty),
        pages=len(scores),
    )


def normalise_title(title: str | None) -> str:
    """Unicode-NFC, whitespace collapsed, stripped."""
    return " ".join(unicodedata.normalize("NFC", title or "").split())


def title_match(truth: str | None, prediction: str | None) -> bool:
    """Exact title match after whitespace normalisation."""
    return normalise_title(truth) == normalise_title(prediction)


def author_f1(truth: Sequence[str], prediction: Sequence[str]) -> float:
    """F1 of the two author sets (names compared after whitespace normalisation).

    Both empty counts as a perfect match.
    """
    t = {normalise_title(a) for a in truth if a.strip()}
    p = {normalise_title(a) for a in prediction if a.strip()}
    if not t and not p:
        return 1.0
    if not t or not p:
        return 0.0
    tp = len(t & p)
    if not tp:
        return 0.0
    precision, recall = tp / len(p), tp / len(t)
    return 2 * precision * recall / (precision + recall)


def same_date(truth: date | None, prediction: date | None) -> bool:
    """Whether two publication dates fall on the same calendar date (both None matches)."""
    return truth == prediction


def leave_group_out(on: Sequence[float], off: Sequence[float], groups: Sequence[str]) -> list[bool]:
    """For each item, whether leave-one-group-out cross-validation keeps a rule on.

    ``on`` and ``off`` are each item's score with the rule and without it; ``groups``
    its publisher. For every publisher the rule is kept or switched off by the summed
    score of all *other* publishers' items (it must raise it: a tie switches it
    off), and that decision applies to
    the publisher's own items: scoring them with the chosen variant gives the
    cross-validated figure, where a rule that helps only the publishers it was written
    for shows as a loss.
    """
    total_on, total_off = sum(on), sum(off)
    by_group: dict[str, tuple[float, float]] = {}
    for g, a, b in zip(groups, on, off, strict=True):
        s_on, s_off = by_group.get(g, (0.0, 0.0))
        by_group[g] = (s_on + a, s_off + b)
    keep = {g: total_on - s_on > total_off - s_off for g, (s_on, s_off) in by_group.items()}
    return [keep[g] for g in groups]
