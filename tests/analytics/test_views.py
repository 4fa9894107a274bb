"""The analytics views, computed columns, search configuration and indexes."""

from __future__ import annotations

from datetime import date

import psycopg
import pytest

from pipeline.load.derive import derive_chunk


def _one(conn: psycopg.Connection, query: str, params: tuple = ()) -> object:
    row = conn.execute(query, params).fetchone()
    assert row is not None
    return row[0]


def _plan(conn: psycopg.Connection, query: str) -> str:
    """The plan of ``query`` when sequential scans are discouraged (tiny tables would
    otherwise always be scanned): proves an index exists that serves the filter."""
    conn.execute("SET LOCAL enable_seqscan = off")
    return "\n".join(r[0] for r in conn.execute(f"EXPLAIN {query}"))


def test_articles_view_hides_duplicates(newsroom):
    urls = {r[0] for r in newsroom.execute("SELECT url FROM analytics.articles")}
    assert "https://daily-planet.example/world/climate-summit-deal" not in urls
    assert "https://global-wire.example/2026/11/02/climate-summit-deal" in urls
    assert len(urls) == 13


def test_syndication_count_counts_the_duplicates_of_an_original(newsroom):
    counts = dict(newsroom.execute("SELECT article_id, syndication_count FROM analytics.articles"))
    assert counts[1] == 2
    assert counts[4] == 0


def test_article_duplicates_link_each_copy_to_its_original_with_match_kind(newsroom):
    rows = newsroom.execute(
        "SELECT duplicate_id, original_id, match, similarity FROM analytics.article_duplicates "
        "ORDER BY duplicate_id"
    ).fetchall()
    assert rows == [(2, 1, "exact", 1.0), (3, 1, "near", pytest.approx(0.91))]


def test_published_date_is_the_utc_day(newsroom):
    newsroom.execute("""
        INSERT INTO warehouse.articles (url, source, title, body, content_hash, extractor_version,
                                        published_at)
        VALUES ('https://x.example/late', 'x', 't', 'b', 'h', '1', '2026-11-01 23:30-05')""")
    assert _one(
        newsroom,
        "SELECT published_date FROM analytics.articles WHERE url = 'https://x.example/late'",
    ) == date(2026, 11, 2)


def test_word_count_counts_whitespace_separated_words(newsroom):
    newsroom.execute("""
        INSERT INTO warehouse.articles (url, source, title, body, content_hash, extractor_version)
        VALUES ('https://x.example/words', 'x', 't', E'One two,  three.\n\nFour', 'h', '1'),
               ('https://x.example/empty', 'x', 't', '', 'h2', '1')""")
    assert derive_chunk(newsroom) == 2  # what a run's derive step does after a load
    counts = dict(
        newsroom.execute("SELECT url, word_count FROM analytics.articles WHERE source = 'x'")
    )
    assert counts == {"https://x.example/words": 4, "https://x.example/empty": 0}


@pytest.mark.parametrize(
    ("language", "config"),
    [
        ("en", "english"),
        ("de", "german"),
        ("de-AT", "german"),
        ("pt_BR", "portuguese"),
        ("FR", "french"),
        ("nb", "norwegian"),
        ("xx", "simple"),
        (None, "simple"),
    ],
)
def test_search_config_maps_iso_codes_to_configurations(newsroom, language, config):
    assert _one(newsroom, "SELECT analytics.search_config(%s)::text", (language,)) == config


def test_search_vector_stems_in_the_article_language(newsroom):
    assert (
        _one(
            newsroom,
            "SELECT search_vector @@ to_tsquery('german', 'Klimawandel') "
            "FROM analytics.articles WHERE article_id = 10",
        )
        is True
    )
    assert (
        _one(
            newsroom,
            "SELECT search_vector @@ to_tsquery('english', 'negotiations') "
            "FROM analytics.articles WHERE article_id = 1",
        )
        is True
    )


def test_search_vector_of_unknown_language_is_unstemmed(newsroom):
    vector = _one(
        newsroom, "SELECT search_vector::text FROM analytics.articles WHERE article_id = 13"
    )
    assert "'moves'" in vector and "'organisers'" in vector


def test_title_words_rank_above_body_words(newsroom):
    ranks = dict(
        newsroom.execute("""
        SELECT article_id, ts_rank_cd(search_vector, to_tsquery('english', 'climate'))
        FROM analytics.articles WHERE article_id IN (1, 6)""")
    )
    assert ranks[1] > ranks[6]  # "Climate" in the title of 1, only in the body of 6


def test_daily_source_counts_split_originals_and_duplicates(newsroom):
    rows = newsroom.execute("""
        SELECT source, articles, duplicates FROM analytics.daily_source_counts
        WHERE published_date = '2026-11-02' ORDER BY source""").fetchall()
    assert rows == [
        ("city-notes", 1, 0),
        ("daily-planet", 0, 1),
        ("global-wire", 3, 0),
        ("le-quotidien", 1, 0),
        ("metro-herald", 0, 1),
        ("tagesblatt", 1, 0),
    ]


def test_article_versions_hold_earlier_and_current_versions(newsroom):
    rows = newsroom.execute(
        "SELECT article_id, version, is_current FROM analytics.article_versions "
        "WHERE article_id IN (4, 5) ORDER BY 1, 2"
    ).fetchall()
    assert rows == [(4, 1, False), (4, 2, True), (5, 1, True)]


def test_crawl_runs_are_listed_newest_first(newsroom):
    assert [r[0] for r in newsroom.execute("SELECT run_id FROM analytics.crawl_runs")] == [2, 1]


def test_crawl_run_sources_expose_quality_figures(newsroom):
    row = newsroom.execute("""
        SELECT article_share, title_share, quality_checked, cardinality(quality_breaches)
        FROM analytics.crawl_run_sources WHERE run_id = 2 AND source = 'metro-herald'""").fetchone()
    assert row == (pytest.approx(12 / 40), 0.6, True, 2)


def test_crawl_run_sources_before_checks_have_null_figures(newsroom):
    newsroom.execute("INSERT INTO warehouse.crawl_run_sources (run_id, source) VALUES (2, 'new')")
    row = newsroom.execute("""
        SELECT article_share, title_share, quality_checked, quality_breaches
        FROM analytics.crawl_run_sources WHERE run_id = 2 AND source = 'new'""").fetchone()
    assert row == (None, None, None, [])


def test_views_run_with_owner_rights_not_security_invoker(newsroom):
    options = newsroom.execute("""
        SELECT c.relname, c.reloptions FROM pg_class c
        WHERE c.relnamespace = 'analytics'::regnamespace AND c.relkind = 'v'""").fetchall()
    assert len(options) >= 6
    assert all(not any("security_invoker" in o for o in (opts or [])) for _, opts in options)


def test_lookup_by_url_uses_an_index(newsroom):
    plan = _plan(newsroom, "SELECT * FROM analytics.articles WHERE url = 'https://a.example/x'")
    assert "articles_url_key" in plan


def test_full_text_search_uses_the_gin_index(newsroom):
    plan = _plan(
        newsroom,
        "SELECT article_id FROM analytics.articles "
        "WHERE search_vector @@ websearch_to_tsquery('english', 'climate')",
    )
    assert "articles_search_idx" in plan


def test_source_and_date_range_filters_use_an_index(newsroom):
    plan = _plan(
        newsroom,
        "SELECT article_id FROM analytics.articles WHERE source = 'x' "
        "AND published_at >= '2026-11-01' AND published_at < '2026-12-01'",
    )
    assert "Seq Scan" not in plan and "Index Cond: (source = 'x'::text)" in plan


def test_daily_counts_of_one_source_use_an_index(newsroom):
    plan = _plan(
        newsroom,
        "SELECT * FROM analytics.daily_source_counts WHERE source = 'x' "
        "AND published_date BETWEEN '2026-01-01' AND '2026-12-31'",
    )
    assert "articles_source_day_idx" in plan
