"""The analytics views come from sql/views and every upgrade puts them back as the files say."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from pipeline.config import Settings
from pipeline.db import apply_migrations, prepare_database
from pipeline.db.migrations import discover_migrations
from pipeline.db.roles import drop_reader, grant_reader
from pipeline.db.sql_files import VIEWS_DIR
from pipeline.db.views import apply_views, discover_views
from pipeline.errors import MigrationError

RUN_TOTALS = """
CREATE VIEW analytics.run_totals AS
SELECT run_id, articles_new + articles_updated AS articles FROM analytics.crawl_runs;
COMMENT ON VIEW analytics.run_totals IS 'Test view reading another view.';
COMMENT ON COLUMN analytics.run_totals.run_id IS 'Run.';
COMMENT ON COLUMN analytics.run_totals.articles IS 'Articles.';
"""


@pytest.fixture
def migrated(make_migrated_database: Callable[[], str]) -> Iterator[psycopg.Connection]:
    """An autocommit connection to a new, fully upgraded database."""
    with psycopg.connect(make_migrated_database(), autocommit=True) as conn:
        yield conn


@pytest.fixture
def views_copy(tmp_path: Path) -> Path:
    """A copy of sql/views that a test may change."""
    directory = tmp_path / "views"
    shutil.copytree(VIEWS_DIR, directory)
    return directory


def _views(conn: psycopg.Connection) -> set[str]:
    return {
        r[0] for r in conn.execute("SELECT viewname FROM pg_views WHERE schemaname = 'analytics'")
    }


def _columns(conn: psycopg.Connection, view: str) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'analytics' "
            "AND table_name = %s ORDER BY ordinal_position",
            (view,),
        )
    ]


def _comment(conn: psycopg.Connection, view: str) -> str | None:
    return conn.execute(
        "SELECT obj_description(%s::regclass, 'pg_class')", (f"analytics.{view}",)
    ).fetchone()[0]


def _without_column(directory: Path, view_file: str, column: str) -> None:
    path = directory / view_file
    kept = [
        line
        for line in path.read_text().splitlines(keepends=True)
        if line.strip() != f"r.{column}," and f".{column} IS" not in line
    ]
    path.write_text("".join(kept))


def test_every_analytics_view_comes_from_one_file(migrated):
    names = [view.name for view in discover_views()]
    assert _views(migrated) == set(names)
    assert names[:1] == ["articles"] and len(names) == len(set(names))


def test_migrations_from_0014_on_do_not_define_views():
    for migration in discover_migrations():
        if migration.version >= 14:
            assert not re.search(
                r"CREATE\s+(OR\s+REPLACE\s+)?VIEW", migration.sql, re.IGNORECASE
            ), f"{migration.path.name} defines a view: put it in sql/views instead"


def test_upgrade_puts_back_a_dropped_view_comment(migrated):
    expected = _comment(migrated, "crawl_runs")
    migrated.execute("COMMENT ON VIEW analytics.crawl_runs IS NULL")
    migrated.execute("COMMENT ON COLUMN analytics.crawl_runs.failed IS 'edited by hand'")
    apply_migrations(migrated)
    assert expected and _comment(migrated, "crawl_runs") == expected
    assert (
        migrated.execute("SELECT col_description('analytics.crawl_runs'::regclass, 17)")
        .fetchone()[0]
        .startswith("Article pages that could not be fetched")
    )


def test_upgrade_puts_back_a_view_redefined_or_dropped_by_hand(migrated):
    columns = _columns(migrated, "crawl_runs")
    migrated.execute("DROP VIEW analytics.crawl_runs")
    migrated.execute("DROP VIEW analytics.articles")
    migrated.execute("CREATE VIEW analytics.articles AS SELECT 1 AS article_id")
    apply_migrations(migrated)
    assert _columns(migrated, "crawl_runs") == columns
    assert "search_vector" in _columns(migrated, "articles")


def test_upgrade_with_nothing_changed_leaves_the_views_alone(migrated):
    oids = dict(
        migrated.execute(
            "SELECT relname, oid FROM pg_class WHERE relnamespace = 'analytics'::regnamespace "
            "AND relkind = 'v'"
        )
    )
    assert apply_views(migrated) == []
    assert (
        dict(
            migrated.execute(
                "SELECT relname, oid FROM pg_class WHERE relnamespace = 'analytics'::regnamespace "
                "AND relkind = 'v'"
            )
        )
        == oids
    )


def test_a_column_removed_from_a_view_file_disappears_from_the_view(migrated, views_copy):
    _without_column(views_copy, "50_crawl_runs.sql", "error")
    assert len(apply_views(migrated, views_copy)) == len(discover_views())
    assert "error" not in _columns(migrated, "crawl_runs")
    apply_views(migrated)
    assert "error" in _columns(migrated, "crawl_runs")


def test_dependent_views_are_created_in_file_order_from_an_empty_database(
    make_database, views_copy
):
    (views_copy / "70_run_totals.sql").write_text(RUN_TOTALS)
    with psycopg.connect(make_database(), autocommit=True) as conn:
        apply_migrations(conn, views_directory=views_copy)
        assert "run_totals" in _views(conn)
        # A view another view reads can still lose a column: both are created again.
        _without_column(views_copy, "50_crawl_runs.sql", "error")
        apply_views(conn, views_copy)
        assert "error" not in _columns(conn, "crawl_runs")
        assert _columns(conn, "run_totals") == ["run_id", "articles"]
        # A view whose file is gone is dropped.
        (views_copy / "70_run_totals.sql").unlink()
        apply_views(conn, views_copy)
        assert "run_totals" not in _views(conn)


def test_a_view_numbered_before_the_view_it_reads_is_reported(migrated, views_copy):
    (views_copy / "05_run_totals.sql").write_text(RUN_TOTALS)
    with pytest.raises(MigrationError, match=r"05_run_totals\.sql failed.*higher number"):
        apply_views(migrated, views_copy)
    assert "crawl_runs" in _views(migrated), "the failed upgrade must leave the views as they were"


def test_an_object_outside_newsflow_reading_a_view_is_named_in_the_error(migrated):
    migrated.execute("CREATE VIEW public.my_runs AS SELECT run_id FROM analytics.crawl_runs")
    migrated.execute("COMMENT ON VIEW analytics.crawl_runs IS NULL")
    with pytest.raises(MigrationError, match=r"my_runs.*drop those objects"):
        apply_views(migrated)


def test_a_badly_named_view_file_is_reported(tmp_path):
    (tmp_path / "articles.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationError, match="NN_view_name"):
        discover_views(tmp_path)


def test_a_file_must_create_the_view_it_is_named_after(migrated, views_copy):
    (views_copy / "70_other_name.sql").write_text(RUN_TOTALS)
    with pytest.raises(MigrationError, match=re.escape("did not create view analytics.other_name")):
        apply_views(migrated, views_copy)


@pytest.fixture
def reader_role(migrated: psycopg.Connection) -> Iterator[str]:
    """A reader role granted on the migrated database, dropped afterwards."""
    name = f"newsflow_reader_test_{os.getpid()}_{secrets.token_hex(3)}"
    grant_reader(migrated, name)
    yield name
    drop_reader(migrated, name)


def test_reader_can_still_select_after_an_upgrade_recreated_the_views(
    migrated, views_copy, reader_role
):
    (views_copy / "70_run_totals.sql").write_text(RUN_TOTALS)
    _without_column(views_copy, "50_crawl_runs.sql", "error")
    apply_views(migrated, views_copy)
    with migrated.transaction():
        migrated.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(reader_role)))
        for view in _views(migrated):
            migrated.execute(
                sql.SQL("SELECT * FROM analytics.{} LIMIT 1").format(sql.Identifier(view))
            )


def test_privileges_taken_away_by_hand_stay_away_after_an_upgrade(migrated, reader_role):
    migrated.execute(
        sql.SQL("REVOKE SELECT ON analytics.article_duplicates FROM {}").format(
            sql.Identifier(reader_role)
        )
    )
    migrated.execute("COMMENT ON VIEW analytics.crawl_runs IS NULL")
    assert apply_views(migrated) != []
    readable = dict(
        migrated.execute(
            "SELECT viewname, has_table_privilege(%s, 'analytics.' || viewname, 'SELECT') "
            "FROM pg_views WHERE schemaname = 'analytics'",
            (reader_role,),
        )
    )
    assert readable.pop("article_duplicates") is False
    assert all(readable.values())


def test_concurrent_upgrades_recreate_changed_views_once(migrated):
    migrated.execute("COMMENT ON VIEW analytics.articles IS NULL")
    url = migrated.info.dsn
    recreated: list[int] = []
    errors: list[BaseException] = []

    def upgrade() -> None:
        try:
            with psycopg.connect(url) as conn:
                recreated.append(len(apply_views(conn)))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=upgrade) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(recreated) == [0, 0, 0, len(discover_views())]
    assert _comment(migrated, "articles")


def test_the_upgrade_every_command_runs_puts_back_a_changed_view(migrated, tmp_path):
    expected = _comment(migrated, "daily_source_counts")
    migrated.execute("COMMENT ON VIEW analytics.daily_source_counts IS 'edited by hand'")
    settings = Settings.from_env(
        {"NEWSFLOW_HOME": str(tmp_path / "home"), "NEWSFLOW_DATABASE_URL": migrated.info.dsn}
    )
    prepare_database(settings)
    assert _comment(migrated, "daily_source_counts") == expected
