"""The ``newsflow`` group imports a command's module only when the command runs."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from pipeline.cli import COMMANDS, cli
from pipeline.cli.lazy import LazyGroup


def test_every_command_resolves_to_a_click_command():
    ctx = click.Context(cli)
    assert cli.list_commands(ctx) == sorted(COMMANDS)
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert isinstance(command, click.Command)
        assert command.name == name


def test_an_unknown_command_is_a_usage_error():
    result = CliRunner().invoke(cli, ["no-such-command"])
    assert result.exit_code == 2 and "No such command" in result.output


def test_a_lazy_path_that_is_not_a_command_is_refused():
    group = LazyGroup(name="g", lazy_commands={"bad": "pipeline.cli.lazy:LazyGroup"})
    with pytest.raises(TypeError, match="not a click command"):
        group.get_command(click.Context(group), "bad")


def test_eager_commands_still_work_next_to_lazy_ones():
    group = LazyGroup(name="g", lazy_commands={"extract": COMMANDS["extract"]})
    group.add_command(click.Command("hello", callback=lambda: click.echo("hi")))
    assert group.list_commands(click.Context(group)) == ["extract", "hello"]
    assert CliRunner().invoke(group, ["hello"]).output == "hi\n"


def test_the_extract_command_loads_neither_the_extractor_nor_the_database_driver():
    # The CLI process only hands files to the pool: trafilatura, psycopg and numpy are
    # imported by the workers (preloaded by the forkserver), not here.
    code = (
        "import sys; from pipeline.cli import cli; import click;"
        "cli.get_command(click.Context(cli), 'extract');"
        "print(sorted(m for m in ('trafilatura', 'psycopg', 'numpy', 'lxml') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
