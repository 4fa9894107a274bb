"""The CLI's database commands and its error paths, run as a real subprocess."""

from __future__ import annotations

import psycopg

from tests.cli_helpers import run_newsflow


def test_help_lists_commands():
    result = run_newsflow("--help")
    assert result.returncode == 0
    assert "db" in result.stdout


def test_db_upgrade_then_up_to_date(make_database, tmp_path):
    url = make_database()
    env = {"NEWSFLOW_DATABASE_URL": url, "NEWSFLOW_HOME": str(tmp_path)}
    first = run_newsflow("db", "upgrade", env=env)
    assert first.returncode == 0, first.stderr
    assert "applied 0001_warehouse.sql" in first.stdout
    second = run_newsflow("db", "upgrade", env=env)
    assert second.returncode == 0 and "up to date" in second.stdout
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM warehouse.articles").fetchone() == (0,)


def test_db_url_masks_password(tmp_path):
    env = {
        "NEWSFLOW_DATABASE_URL": "postgresql://alice:s3cret@db.example:5432/news",
        "NEWSFLOW_HOME": str(tmp_path),
    }
    result = run_newsflow("db", "url", env=env)
    assert result.returncode == 0
    assert result.stdout.strip() == "postgresql://alice:***@db.example:5432/news"
    assert "s3cret" not in result.stdout + result.stderr


def test_unreachable_database_is_one_line_and_exit_3(tmp_path):
    env = {
        "NEWSFLOW_DATABASE_URL": "postgresql://postgres@127.0.0.1:1/none",
        "NEWSFLOW_HOME": str(tmp_path),
    }
    result = run_newsflow("db", "upgrade", env=env)
    assert result.returncode == 3  # transient: the same command may work later
    assert "Traceback" not in result.stderr
    error_lines = [
        line for line in result.stderr.splitlines() if line.startswith("newsflow: error:")
    ]
    assert len(error_lines) == 1 and "cannot connect to PostgreSQL" in error_lines[0]


def test_db_upgrade_without_url_uses_embedded_postgres(tmp_path):
    env = {"NEWSFLOW_HOME": str(tmp_path / "home")}
    try:
        result = run_newsflow("db", "upgrade", env=env)
        assert result.returncode == 0, result.stderr
        assert "applied 0001_warehouse.sql" in result.stdout
        assert (tmp_path / "home" / "postgres" / "PG_VERSION").exists()
        again = run_newsflow("db", "url", env=env)  # a second process reuses the server
        assert again.returncode == 0
        assert str(tmp_path / "home" / "postgres") in again.stdout
        stopped = run_newsflow("db", "stop", env=env)
        assert stopped.returncode == 0 and "stopped the embedded PostgreSQL" in stopped.stdout
        assert not (tmp_path / "home" / "postgres" / "postmaster.pid").exists()
    finally:
        from pipeline.db.embedded import stop_embedded

        stop_embedded(tmp_path / "home" / "postgres")


def test_unknown_command_exits_2():
    result = run_newsflow("no-such-command")
    assert result.returncode == 2
    assert "No such command" in result.stderr
