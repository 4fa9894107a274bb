"""The benchmark's synthetic articles load into the migrated schema and look like news."""

from __future__ import annotations

import psycopg

from benchmarks.analytics_fixture import DUPLICATE_SHARE, generate_articles, load_articles


def test_generated_articles_are_reproducible():
    assert list(generate_articles(50, seed=7)) == list(generate_articles(50, seed=7))


def test_generated_articles_load_and_the_views_see_them(make_migrated_database):
    url = make_migrated_database()
    with psycopg.connect(url, autocommit=True) as conn:
        load_articles(conn, 1000)
        total, duplicates = conn.execute(
            "SELECT count(*), count(duplicate_of) FROM warehouse.articles"
        ).fetchone()
        originals = conn.execute("SELECT count(*) FROM analytics.articles").fetchone()[0]
        counted = conn.execute(
            "SELECT sum(articles) + sum(duplicates) FROM analytics.daily_source_counts"
        ).fetchone()[0]
        dated = conn.execute(
            "SELECT count(*) FROM warehouse.articles WHERE published_at IS NOT NULL"
        ).fetchone()[0]
        matches = conn.execute(
            "SELECT count(*) FROM analytics.articles WHERE search_vector @@ "
            "websearch_to_tsquery('english', 'climate')"
        ).fetchone()[0]
        underived = conn.execute(
            "SELECT count(*) FROM warehouse.articles WHERE search_vector IS NULL OR word_count < 20"
        ).fetchone()[0]
        # The identity continues after the copied ids, so the loader can insert next.
        conn.execute(
            "INSERT INTO warehouse.articles (url, source, title, body, content_hash, "
            "extractor_version) VALUES ('https://x.example/next', 'x', 't', 'b', 'h', '1')"
        )
    assert total == 1000
    assert abs(duplicates / total - DUPLICATE_SHARE) < 0.04
    assert originals == total - duplicates
    assert counted == dated
    assert 0 < matches < originals
    assert underived == 0  # as the derive step leaves them
