"""Exit codes of ``newsflow``: 2 for what the user must fix, 3 for what may work later.

Code 1 (the command ran, its outcome is a failure) is asserted where it happens: a run
with a failed source (``tests/faults/test_archive_read_only.py``), an extraction
without an article (``tests/extract/test_cli_extract.py``), ``db docs --check``
(``tests/analytics/test_schema_docs.py``).
"""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from pipeline import errors
from tests.cli_helpers import run_newsflow

UNREACHABLE = "postgresql://postgres@127.0.0.1:1/x"


def _error_types() -> list[type[errors.NewsflowError]]:
    return [
        t
        for _, t in inspect.getmembers(errors, inspect.isclass)
        if issubclass(t, errors.NewsflowError)
        and t.__module__ == errors.__name__
        and t not in (errors.NewsflowError, errors.TransientError, errors.PermanentError)
    ]


@pytest.mark.parametrize("error_type", _error_types(), ids=lambda t: t.__name__)
def test_every_error_type_is_either_transient_or_permanent(error_type):
    assert issubclass(error_type, errors.TransientError) != issubclass(
        error_type, errors.PermanentError
    )
    assert error_type.transient == issubclass(error_type, errors.TransientError)


@pytest.mark.parametrize("error_type", _error_types(), ids=lambda t: t.__name__)
def test_transient_errors_exit_3_and_permanent_ones_2(error_type):
    if error_type is errors.SchemaDocsOutOfDateError:  # "out of date" is an outcome
        assert error_type.exit_code == errors.EXIT_FAILED == 1
    elif error_type.transient:
        assert error_type.exit_code == errors.EXIT_TRANSIENT == 3
    else:
        assert error_type.exit_code == errors.EXIT_PERMANENT == 2


def _one_error_line(result) -> str:
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("newsflow: error:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"NEWSFLOW_DATABASE_URL": UNREACHABLE, "NEWSFLOW_HOME": str(tmp_path / "home")}


def test_bad_sources_file_exits_2(tmp_path, env):
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources:\n  - name: a\n    max_pages: -1\n", encoding="utf-8")
    result = run_newsflow("crawl", "--sources", str(sources), env=env)
    assert result.returncode == 2
    assert "field 'max_pages' must be a positive integer" in _one_error_line(result)


def test_unknown_source_exits_2(tmp_path, env):
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n  - name: a\n    feeds: [http://127.0.0.1:1/f]\n", encoding="utf-8"
    )
    result = run_newsflow("crawl", "--sources", str(sources), "--source", "b", env=env)
    assert result.returncode == 2
    assert "unknown source 'b'" in _one_error_line(result)


def test_since_after_until_exits_2(tmp_path, env):
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n  - name: a\n    feeds: [http://127.0.0.1:1/f]\n", encoding="utf-8"
    )
    result = run_newsflow(
        "crawl",
        "--sources",
        str(sources),
        "--since",
        "2024-05-02",
        "--until",
        "2024-05-01",
        env=env,
    )
    assert result.returncode == 2
    _one_error_line(result)


def test_malformed_database_url_exits_2(env):
    result = run_newsflow("stats", env=env | {"NEWSFLOW_DATABASE_URL": "not a url"})
    assert result.returncode == 2
    assert "invalid database URL" in _one_error_line(result)


def test_unreachable_database_exits_3(env):
    result = run_newsflow("stats", env=env)
    assert result.returncode == 3
    assert "cannot connect to PostgreSQL" in _one_error_line(result)


def test_wrong_usage_exits_2(env):
    result = run_newsflow("stats", "--no-such-option", env=env)
    assert result.returncode == 2
    assert "No such option" in result.stderr
