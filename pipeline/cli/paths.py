"""Output paths of the CLI (``--out``): prepared in one place, so a bad one is one error line."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from pipeline.errors import OutputPathError


class OutputPath(click.ParamType[Path, str | Path]):
    """A path the command writes to. Click does not check it (its checks print a usage
    screen); ``output_dir``/``output_file`` do when the command is about to write."""

    name = "PATH"

    def convert(
        self, value: str | Path, param: click.Parameter | None, ctx: click.Context | None
    ) -> Path:
        return value if isinstance(value, Path) else Path(value)


OUTPUT_PATH = OutputPath()


@contextmanager
def writing_to(path: Path, option: str = "--out") -> Iterator[None]:
    """Turn any ``OSError`` of the block (a write that fails half-way: disk full, a
    folder where a file should go) into ``OutputPathError``."""
    try:
        yield
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename not in (None, str(path)) else ""
        raise _error(path, option, f"{where}{exc.strerror or exc}") from None


def output_dir(path: Path, option: str = "--out") -> Path:
    """Create the folder ``path`` (and missing parents) and check files can be written in
    it; ``OutputPathError`` if not."""
    problem = _unwritable_dir(path)
    if problem:
        raise _error(path, option, problem)
    return path


def output_file(path: Path, option: str = "--out") -> Path:
    """Create the missing parents of the file ``path`` and check it can be written;
    ``OutputPathError`` if not."""
    problem = f"{path} is a folder, not a file" if path.is_dir() else _unwritable_dir(path.parent)
    if problem:
        raise _error(path, option, problem)
    return path


def _unwritable_dir(path: Path) -> str | None:
    """Why files cannot be written in the folder ``path`` (created if missing), or None."""
    existing = next(p for p in (path, *path.parents) if p.exists())
    if not existing.is_dir():
        return f"{existing} is a file, not a folder"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"cannot create the folder {exc.filename or path} ({exc.strerror or exc})"
    try:
        with tempfile.TemporaryFile(dir=path):
            pass  # root ignores permission bits and mounts can be read-only: only a write tells
    except OSError as exc:
        return f"cannot create files in {path} ({exc.strerror or exc})"
    return None


def _error(path: Path, option: str, problem: str) -> OutputPathError:
    return OutputPathError(f"cannot write {option} {path}: {problem}; give a path you can write to")
