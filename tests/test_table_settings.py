"""Server and table settings from the growth curves (docs/deployment.md): per-table
autovacuum (migration 0022) and the embedded server's settings for its size."""

from __future__ import annotations

from pathlib import Path

import psycopg

from pipeline.db.embedded import EMBEDDED_SETTINGS, embedded_url, stop_embedded, tune_embedded


def _options(conn: psycopg.Connection, table: str) -> dict[str, str]:
    (options,) = conn.execute(
        "SELECT coalesce(reloptions, '{}') FROM pg_class WHERE oid = %s::regclass", (table,)
    ).fetchone()
    return dict(option.split("=", 1) for option in options)


def test_busy_tables_are_vacuumed_after_a_nights_work_not_a_fifth_of_the_table(db):
    articles = _options(db, "warehouse.articles")
    assert articles["autovacuum_vacuum_scale_factor"] == "0.02"
    assert articles["autovacuum_vacuum_threshold"] == "10000"
    assert articles["autovacuum_analyze_scale_factor"] == "0.02"
    bands = _options(db, "warehouse.article_lsh_bands")
    assert bands["autovacuum_vacuum_insert_scale_factor"] == "0.05"
    assert _options(db, "warehouse.crawl_state")["autovacuum_vacuum_scale_factor"] == "0.02"
    assert "autovacuum_vacuum_insert_threshold" in _options(db, "warehouse.article_signatures")


def test_embedded_server_gets_its_settings_once(tmp_path: Path):
    data_dir = tmp_path / "postgres"
    try:
        url = embedded_url(data_dir)
        with psycopg.connect(url) as conn:
            shown = {name: conn.execute(f"SHOW {name}").fetchone()[0] for name in EMBEDDED_SETTINGS}
        assert shown == EMBEDDED_SETTINGS
        assert not tune_embedded(url)  # already written: nothing to do
        assert "work_mem" in (data_dir / "postgresql.auto.conf").read_text()
    finally:
        stop_embedded(data_dir)
