"""The migration runner: fresh databases, repeats, concurrency and edited files."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import psycopg
import pytest

from pipeline.db.migrations import (
    MIGRATIONS_DIR,
    apply_migrations,
    discover_migrations,
    pending_migrations,
)
from pipeline.errors import MigrationError


def _applied_versions(url: str) -> list[int]:
    with psycopg.connect(url) as conn:
        return [
            r[0]
            for r in conn.execute(
                "SELECT version FROM warehouse.schema_migrations ORDER BY version"
            )
        ]


def test_fresh_database_gets_every_migration_in_order(make_database):
    url = make_database()
    with psycopg.connect(url) as conn:
        applied = apply_migrations(conn)
    expected = [m.version for m in discover_migrations()]
    assert [m.version for m in applied] == expected
    assert _applied_versions(url) == expected
    with psycopg.connect(url) as conn:
        tables = {
            r[0]
            for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'warehouse'")
        }
    assert {"articles", "article_versions", "crawl_runs", "crawl_state"} <= tables


def test_second_upgrade_applies_nothing(make_database):
    url = make_database()
    with psycopg.connect(url) as conn:
        apply_migrations(conn)
        assert apply_migrations(conn) == []
        assert pending_migrations(conn) == []


def test_concurrent_upgrades_apply_each_migration_once(make_database):
    url = make_database()
    results: list[int] = []
    errors: list[BaseException] = []

    def upgrade() -> None:
        try:
            with psycopg.connect(url) as conn:
                results.append(len(apply_migrations(conn)))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=upgrade) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(results) == len(discover_migrations())
    assert _applied_versions(url) == [m.version for m in discover_migrations()]


def test_edited_applied_migration_is_refused(make_database, tmp_path: Path):
    directory = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, directory)
    url = make_database()
    with psycopg.connect(url) as conn:
        apply_migrations(conn, directory)
    first = sorted(directory.glob("*.sql"))[0]
    first.write_text(first.read_text() + "\n-- edited\n")
    with psycopg.connect(url) as conn, pytest.raises(MigrationError, match="never edit"):
        apply_migrations(conn, directory)


def test_failing_migration_leaves_nothing_behind(make_database, tmp_path: Path):
    directory = tmp_path / "migrations"
    directory.mkdir()
    (directory / "0001_ok.sql").write_text("CREATE TABLE public.ok_table (x int);")
    (directory / "0002_broken.sql").write_text(
        "CREATE TABLE public.half_done (x int);\nSELECT * FROM no_such_table;"
    )
    url = make_database()
    with psycopg.connect(url) as conn, pytest.raises(MigrationError, match="0002_broken"):
        apply_migrations(conn, directory)
    with psycopg.connect(url) as conn:
        tables = {
            r[0]
            for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        }
    assert tables == {"ok_table"}
    assert _applied_versions(url) == [1]


def test_badly_named_migration_file_is_reported(tmp_path: Path):
    (tmp_path / "1_first.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationError, match="NNNN_lowercase_name"):
        discover_migrations(tmp_path)
