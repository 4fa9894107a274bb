"""The progress callback every step of a run reports to (the CLI shows its messages)."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str], None]


def quiet(_: str) -> None:
    """A progress callback that reports nothing."""
