"""What the peer benchmarks share: versions, failures as one-line reasons, best of runs.

A peer is a tool users would otherwise install (dlt, datasketch, news-please, ...). A
peer that is not installed, or fails while it runs, must not stop the benchmark: its
measurement becomes an ``Outcome`` with no figures and the one-line reason, which the
report prints as a row of its own. ``linear_fit`` extrapolates a figure measured at a
few sizes (memory at one million signatures).
"""

from __future__ import annotations

import contextlib
import logging
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Outcome:
    """One contender of a peer benchmark over its runs."""

    name: str
    version: str = ""
    """The distribution's version ("" for newsflow itself or a bare baseline)."""
    distribution: str = ""
    """The peer's distribution (``pip install`` name), "" for newsflow or a baseline."""
    runs: list[dict[str, Any]] = field(default_factory=list)
    """The figures of each run that completed."""
    reason: str = ""
    """Why there are no figures (not installed, failed), one line; "" when it ran."""

    @property
    def ok(self) -> bool:
        return bool(self.runs) and not self.reason

    def best(self, key: str = "seconds") -> dict[str, Any]:
        """The run with the smallest ``key`` (the fastest of the runs)."""
        return min(self.runs, key=lambda run: run[key])

    def label(self) -> str:
        """The distribution with its version ("dlt 1.31.0"), else the name."""
        return f"{self.distribution} {self.version}" if self.distribution else self.name


def version(distribution: str) -> str | None:
    """The installed version of ``distribution``, or None when it is not installed."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def one_line(error: BaseException) -> str:
    """``error`` as one line: its type and the first line of its message."""
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


def peer(name: str, distribution: str | None = None) -> Outcome:
    """A new ``Outcome``; for a peer (``distribution`` given) that is not installed,
    one that says so."""
    if distribution is None:
        return Outcome(name)
    found = version(distribution)
    if found is None:
        return Outcome(
            name,
            distribution=distribution,
            reason=f"not installed (`pip install -e '.[bench]'` installs {distribution})",
        )
    return Outcome(name, version=found, distribution=distribution)


def attempt(outcome: Outcome, measure: Callable[[], dict[str, Any]]) -> None:
    """Run one measurement of ``outcome`` unless an earlier one failed; a failure is
    logged with its traceback and kept as the outcome's one-line reason."""
    if outcome.reason:
        return
    try:
        outcome.runs.append(measure())
    except Exception as error:  # a peer's failure of any kind is a row of the report
        log.warning("%s failed:\n%s", outcome.name, traceback.format_exc())
        outcome.reason = f"failed: {one_line(error)}"
        outcome.runs.clear()


def linear_fit(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float]:
    """Least-squares ``(slope, intercept)`` of ``ys`` over ``xs`` (at least two points)."""
    if len(xs) != len(ys) or len(xs) < 2:
        raise ValueError("a linear fit needs at least two (x, y) points")
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        raise ValueError("a linear fit needs at least two different x values")
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / spread
    return slope, mean_y - slope * mean_x


def extrapolate(xs: Sequence[float], ys: Sequence[float], at: float) -> float:
    """The value of the least-squares line through (``xs``, ``ys``) at ``at``."""
    slope, intercept = linear_fit(xs, ys)
    return slope * at + intercept


def versions_text(outcomes: Sequence[Outcome], machine: str = "") -> str:
    """``machine`` followed by the peers' versions ("dlt 1.31.0") it does not name yet,
    for the machine column of the summary table."""
    named = [o.label() for o in outcomes if o.version and o.label() not in machine]
    return ", ".join(part for part in (machine, *dict.fromkeys(named)) if part)


def quietly(loggers: Sequence[str]) -> contextlib.ExitStack:
    """An exit stack raising ``loggers`` to WARNING until it closes (chatty peers)."""
    stack = contextlib.ExitStack()
    for name in loggers:
        logger = logging.getLogger(name)
        stack.callback(logger.setLevel, logger.level)
        logger.setLevel(logging.WARNING)
    return stack
