"""The read-only analyst role: reads every analytics view, writes nothing, never sees
warehouse. Roles are cluster-wide, so every test uses a uniquely named role and drops it."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import errors, sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from pipeline.db.roles import drop_reader, grant_reader
from pipeline.errors import PermanentError
from tests.cli_helpers import run_newsflow

ANALYTICS_VIEWS = (
    "articles",
    "article_duplicates",
    "daily_source_counts",
    "article_versions",
    "crawl_runs",
    "crawl_run_sources",
)


@pytest.fixture
def role_name(newsroom_url: str) -> Iterator[str]:
    """A role name no other test run uses; the role is dropped afterwards."""
    name = f"newsflow_reader_test_{os.getpid()}_{secrets.token_hex(3)}"
    yield name
    with psycopg.connect(newsroom_url) as conn:
        drop_reader(conn, name)


@pytest.fixture
def reader(newsroom_url: str, role_name: str) -> Iterator[psycopg.Connection]:
    """A connection acting as a freshly granted reader role (through SET ROLE)."""
    with psycopg.connect(newsroom_url, autocommit=True) as conn:
        grant_reader(conn, role_name)
        conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(role_name)))
        yield conn


def test_grant_reader_command_creates_a_nologin_role(newsroom_url, role_name, tmp_path):
    result = run_newsflow(
        "db",
        "grant-reader",
        role_name,
        env={"NEWSFLOW_DATABASE_URL": newsroom_url, "NEWSFLOW_HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    assert f"created role {role_name}" in result.stdout and "NOLOGIN" in result.stdout
    with psycopg.connect(newsroom_url) as conn:
        assert conn.execute(
            "SELECT rolcanlogin FROM pg_roles WHERE rolname = %s", (role_name,)
        ).fetchone() == (False,)


@pytest.mark.parametrize("view", ANALYTICS_VIEWS)
def test_reader_can_read_every_analytics_view(reader, view):
    count = reader.execute(
        sql.SQL("SELECT count(*) FROM analytics.{}").format(sql.Identifier(view))
    ).fetchone()
    assert count is not None and count[0] > 0


def test_reader_can_use_the_search_config_function(reader):
    assert reader.execute(
        "SELECT count(*) FROM analytics.articles "
        "WHERE search_vector @@ websearch_to_tsquery(analytics.search_config('de'), 'Klimawandel')"
    ).fetchone() == (1,)


@pytest.mark.parametrize("table", ["articles", "crawl_runs", "crawl_state", "schema_migrations"])
def test_reader_cannot_read_warehouse_tables(reader, table):
    with pytest.raises(errors.InsufficientPrivilege):
        reader.execute(sql.SQL("SELECT 1 FROM warehouse.{} LIMIT 1").format(sql.Identifier(table)))


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO analytics.articles (url, source, title, body) VALUES ('u', 's', 't', 'b')",
        "UPDATE analytics.articles SET title = 'x'",
        "DELETE FROM analytics.articles",
        "INSERT INTO warehouse.crawl_runs DEFAULT VALUES",
        "DELETE FROM warehouse.articles",
        "CREATE TABLE public.scratch (x int)",
        "CREATE TABLE analytics.scratch (x int)",
        "CREATE VIEW analytics.scratch AS SELECT 1",
        "CREATE SCHEMA scratch",
        "DROP VIEW analytics.articles",
        "TRUNCATE warehouse.articles",
    ],
)
def test_reader_cannot_write_anything(reader, statement):
    with pytest.raises((errors.InsufficientPrivilege, errors.WrongObjectType)):
        reader.execute(statement)


def test_views_added_later_are_readable_through_default_privileges(newsroom_url, role_name):
    with psycopg.connect(newsroom_url) as conn:
        grant_reader(conn, role_name)
        conn.execute(
            "CREATE VIEW analytics.later_view AS SELECT count(*) AS n FROM warehouse.articles"
        )
        conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(role_name)))
        assert conn.execute("SELECT n FROM analytics.later_view").fetchone() == (15,)
        conn.rollback()


def test_grant_reader_twice_updates_the_role_and_can_enable_login(newsroom_url, role_name):
    with psycopg.connect(newsroom_url, autocommit=True) as conn:
        first = grant_reader(conn, role_name)
        second = grant_reader(conn, role_name, login=True)
        third = grant_reader(conn, role_name)
        assert (first.created, first.can_login) == (True, False)
        assert (second.created, second.can_login) == (False, True)
        assert (third.created, third.can_login) == (False, True)


def test_grant_reader_refuses_the_connecting_role(newsroom_url):
    with psycopg.connect(newsroom_url, autocommit=True) as conn:
        me = conn.execute("SELECT current_user").fetchone()[0]
        with pytest.raises(PermanentError, match="never be read-only"):
            grant_reader(conn, me)


def test_login_reader_session_is_read_only_and_finds_views_unqualified(newsroom_url, role_name):
    with psycopg.connect(newsroom_url, autocommit=True) as conn:
        grant_reader(conn, role_name, login=True)
    params = conninfo_to_dict(newsroom_url)
    params.update(user=role_name, password="")
    try:
        reader = psycopg.connect(make_conninfo(**params), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.skip(f"the test server does not let a password-less role log in: {exc}")
    with reader:
        assert reader.execute("SHOW default_transaction_read_only").fetchone() == ("on",)
        assert reader.execute("SELECT count(*) FROM crawl_runs").fetchone() == (2,)
        with pytest.raises(errors.ReadOnlySqlTransaction):
            reader.execute("CREATE TEMP TABLE scratch AS SELECT 1 AS x")
