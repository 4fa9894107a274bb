"""A click group whose commands are imported when they are run, not when it is built.

Each command module imports what its command needs (psycopg, Scrapy's helpers,
trafilatura, numpy); importing them all for every invocation cost ``newsflow
extract`` about 0.5 s of start-up, and each of its workers started by a console
script (which re-imports the script's module) as much again.
"""

from __future__ import annotations

import importlib

import click


class LazyGroup(click.Group):
    """A group whose ``commands`` maps names to ``"module:attribute"`` paths; a command's
    module is imported the first time the command is looked up (``--help`` of the group
    imports them all, for their short help)."""

    def __init__(self, *args: object, lazy_commands: dict[str, str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy_commands = dict(lazy_commands)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        path = self.lazy_commands.get(cmd_name)
        if path is None:
            return super().get_command(ctx, cmd_name)
        module, _, attribute = path.partition(":")
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{path} is not a click command")
        return command
