"""docs/schema.md: generated from the catalog, complete, and checked in up to date."""

from __future__ import annotations

import psycopg

from pipeline.db import apply_migrations
from pipeline.db.catalog import read_catalog, undocumented
from pipeline.db.schema_docs import SCHEMA_DOC, schema_docs
from tests.cli_helpers import run_newsflow


def _fresh_docs(make_database) -> str:
    url = make_database()
    with psycopg.connect(url) as conn:
        apply_migrations(conn)
        return schema_docs(conn)


def test_checked_in_schema_docs_match_the_migrations(make_database):
    expected = _fresh_docs(make_database)
    assert SCHEMA_DOC.read_text(encoding="utf-8") == expected, (
        "docs/schema.md is out of date with sql/migrations: run 'newsflow db docs' and commit it"
    )


def test_every_schema_table_view_column_and_function_has_a_comment(database_url):
    with psycopg.connect(database_url) as conn:
        missing = undocumented(read_catalog(conn))
    assert missing == [], "add COMMENT ON in a migration for: " + ", ".join(missing)


def test_docs_describe_columns_types_comments_and_indexes(newsroom_url):
    with psycopg.connect(newsroom_url) as conn:
        markdown = schema_docs(conn)
    assert "### View `analytics.articles`" in markdown
    assert "| `syndication_count` | integer | Number of other articles" in markdown
    assert "| `published_at` | timestamp with time zone | not null" not in markdown
    assert "- `articles_search_idx` (index) `gin (search_vector)`" in markdown
    assert "`analytics.search_config(language text)` → `regconfig`" in markdown


def test_docs_do_not_depend_on_the_data(newsroom_url, database_url):
    with psycopg.connect(newsroom_url) as loaded, psycopg.connect(database_url) as empty:
        assert schema_docs(loaded) == schema_docs(empty)


def test_docs_command_writes_the_file_and_check_detects_changes(newsroom_url, tmp_path):
    env = {"NEWSFLOW_DATABASE_URL": newsroom_url, "NEWSFLOW_HOME": str(tmp_path / "home")}
    out = tmp_path / "schema.md"
    written = run_newsflow("db", "docs", "--out", str(out), env=env)
    assert written.returncode == 0, written.stderr
    assert out.read_text(encoding="utf-8").startswith("# The newsflow database")
    assert run_newsflow("db", "docs", "--out", str(out), "--check", env=env).returncode == 0
    out.write_text(out.read_text(encoding="utf-8") + "edited by hand\n", encoding="utf-8")
    stale = run_newsflow("db", "docs", "--out", str(out), "--check", env=env)
    assert stale.returncode == 1
    assert "out of date" in stale.stderr and "newsflow db docs" in stale.stderr
