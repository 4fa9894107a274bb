"""Every ``--out`` of the CLI: a path that cannot be written is one ``newsflow: error:``
line and exit 2, never a traceback; missing folders are created.

The tests run as root, which file modes do not stop: unwritable paths are under
``/proc``, and "a file where a folder is expected" is a path under a regular file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_helpers import run_newsflow

ARTICLE = Path(__file__).parent / "fixtures" / "extract" / "article_furniture.html"


def _export(out: Path) -> tuple[str, ...]:
    return ("export", "--out", str(out))


def _extract(out: Path) -> tuple[str, ...]:
    return ("extract", str(ARTICLE), "--out", str(out))


def _db_docs(out: Path) -> tuple[str, ...]:
    return ("db", "docs", "--out", str(out / "schema.md"))


def _report(out: Path) -> tuple[str, ...]:
    return ("report", "--out", str(out / "report.html"))


COMMANDS = {"export": _export, "extract": _extract, "db docs": _db_docs, "report": _report}


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {"NEWSFLOW_DATABASE_URL": database_url, "NEWSFLOW_HOME": str(tmp_path / "home")}


@pytest.fixture
def a_file(tmp_path: Path) -> Path:
    path = tmp_path / "a-file"
    path.write_text("not a folder\n", encoding="utf-8")
    return path


def _assert_one_error_line(result, *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    errors = [line for line in lines if line.startswith("newsflow: error:")]
    assert len(errors) == 1 and len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in errors[0]


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unwritable_out_is_one_error_line(command, env):
    result = run_newsflow(*COMMANDS[command](Path("/proc/forbidden")), env=env)
    _assert_one_error_line(
        result, "cannot write --out /proc/forbidden", "give a path you can write to"
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_a_missing_parent_that_cannot_be_created_is_one_error_line(command, env):
    result = run_newsflow(*COMMANDS[command](Path("/proc/no-such/folder")), env=env)
    _assert_one_error_line(
        result, "cannot write --out /proc/no-such/folder", "cannot create the folder /proc/no-such"
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_a_file_where_a_folder_is_expected_is_one_error_line(command, env, a_file):
    result = run_newsflow(*COMMANDS[command](a_file / "out"), env=env)
    _assert_one_error_line(result, f"{a_file} is a file, not a folder")


@pytest.mark.parametrize("command", ["export", "extract"])
def test_an_out_folder_that_is_a_file_is_one_error_line(command, env, a_file):
    result = run_newsflow(*COMMANDS[command](a_file), env=env)
    _assert_one_error_line(result, f"cannot write --out {a_file}: {a_file} is a file")


def test_db_docs_out_that_is_a_folder_is_one_error_line(env, tmp_path):
    result = run_newsflow("db", "docs", "--out", str(tmp_path), env=env)
    _assert_one_error_line(result, f"{tmp_path} is a folder, not a file")


@pytest.mark.parametrize("command", COMMANDS)
def test_missing_parent_folders_are_created(command, env, tmp_path):
    out = tmp_path / "new" / "deeper"
    result = run_newsflow(*COMMANDS[command](out), env=env)
    assert result.returncode == 0, result.stderr
    assert out.is_dir()
    if command == "extract":
        assert len(list(out.iterdir())) == 1
    if command == "db docs":
        assert (out / "schema.md").read_text(encoding="utf-8").startswith("# The newsflow")
