"""The consoles the CLI prints on: reports with full column names on a terminal or
not, and the notice that a crawl waits for a host."""

from __future__ import annotations

from rich.console import Console
from rich.status import Status

PIPE_WIDTH = 10_000
"""Columns assumed when stdout is not a terminal; tables take only the width they need."""


def stdout_console() -> Console:
    """A console on stdout. On a terminal it has the terminal's width. Elsewhere (a pipe,
    cron mail, an Airflow log) rich would assume 80 columns and cut headers to ``sou…``,
    so it is wide enough for any table to keep its full names and values."""
    console = Console()
    if console.is_terminal:
        return console
    return Console(width=PIPE_WIDTH)


def waiting_notice(console: Console, status: Status, message: str) -> None:
    """Say on stderr (``console``) that a crawl waits for a host another crawl holds: a
    line of its own, on a terminal or not, and the spinner's text."""
    console.print(f"newsflow: {message}", markup=False, highlight=False, soft_wrap=True)
    status.update(message)
