"""The console the CLI prints its reports on: full column names on a terminal or not."""

from __future__ import annotations

from rich.console import Console

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
