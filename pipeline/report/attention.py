"""Which sources need attention: threshold breaches, drops against the trailing average (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import fmean
from typing import Literal

from pipeline.config import QualityThresholds
from pipeline.errors import first_line
from pipeline.quality import TRAILING_RUNS
from pipeline.report.data import SourceRun


@dataclass(frozen=True, slots=True)
class Limit:
    """One quality threshold on a share of a source's run (0-1)."""

    metric: str
    """The ``SourceRun`` attribute it applies to, e.g. ``date_share``."""
    label: str
    bound: float
    kind: Literal["min", "max"]

    def value(self, run: SourceRun) -> float | None:
        share: float | None = getattr(run, self.metric)
        return share

    def off_by(self, value: float | None) -> float:
        """How far ``value`` is on the wrong side of the bound (0 when within it)."""
        if value is None:
            return 0.0
        return max(0.0, self.bound - value if self.kind == "min" else value - self.bound)


@dataclass(frozen=True, slots=True)
class Attention:
    """A source whose latest run needs a look, and why; ``off`` orders them (larger: worse)."""

    source: str
    run_id: int
    off: float
    """The largest shortfall, as a share (0-1): a failed run counts as 1."""
    reasons: tuple[str, ...]


def limits(thresholds: QualityThresholds) -> list[Limit]:
    """The thresholds the report draws, in the config's values."""
    return [
        Limit("yield_share", "yield (articles ÷ pages)", thresholds.min_article_share, "min"),
        Limit("title_share", "articles with a title", thresholds.min_title_share, "min"),
        Limit("date_share", "articles with a date", thresholds.min_date_share, "min"),
        Limit("author_share", "articles with an author", thresholds.min_author_share, "min"),
        Limit("duplicate_share", "duplicate share", thresholds.max_duplicate_share, "max"),
    ]


def trailing_articles_per_day(runs: list[SourceRun]) -> float | None:
    """Mean articles per publication day of the successful runs before the last one (up
    to ``TRAILING_RUNS``), so a week's backfill and a nightly run compare fairly."""
    earlier = [r.articles_per_day for r in runs[:-1] if r.status == "success"][-TRAILING_RUNS:]
    return fmean(earlier) if earlier else None


def needs_attention(
    runs_by_source: dict[str, list[SourceRun]], thresholds: QualityThresholds
) -> list[Attention]:
    """The sources whose latest run failed, breached a threshold or collected far fewer
    articles per publication day than its trailing average; the furthest off first."""
    found = []
    for source, runs in runs_by_source.items():
        if not runs:
            continue
        latest = runs[-1]
        scored = _failure(latest) + _breaches(latest, thresholds) + _drop(runs, thresholds)
        if not scored and latest.breaches:  # a check the report does not draw (empty bodies)
            scored = [(0.0, breach) for breach in latest.breaches]
        if scored:
            off = max(score for score, _ in scored)
            found.append(Attention(source, latest.run_id, off, tuple(r for _, r in scored)))
    return sorted(found, key=lambda a: (-a.off, a.source))


def _failure(run: SourceRun) -> list[tuple[float, str]]:
    if run.status != "failed":
        return []
    return [(1.0, f"failed: {first_line(run.error or 'no reason recorded')}")]


def _breaches(run: SourceRun, thresholds: QualityThresholds) -> list[tuple[float, str]]:
    scored = []
    for limit in limits(thresholds):
        value = limit.value(run)
        off = limit.off_by(value)
        if off > 0 and value is not None:
            side = "below the minimum" if limit.kind == "min" else "above the maximum"
            scored.append((off, f"{limit.label} {value:.0%} is {side} {limit.bound:.0%}"))
    return scored


def _drop(runs: list[SourceRun], thresholds: QualityThresholds) -> list[tuple[float, str]]:
    trailing = trailing_articles_per_day(runs)
    latest = runs[-1]
    current = latest.articles_per_day
    if not trailing or current >= trailing * thresholds.max_drop_vs_trailing:
        return []
    off = 1 - current / trailing
    over = f" over {latest.days} days" if latest.days > 1 else ""
    return [
        (
            off,
            f"{latest.articles} articles{over} ({current:.1f} a day), {off:.0%} below the "
            f"trailing average of {trailing:.1f} a day "
            f"(the limit is {1 - thresholds.max_drop_vs_trailing:.0%} below)",
        )
    ]
