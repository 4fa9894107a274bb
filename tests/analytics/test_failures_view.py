"""``analytics.crawl_run_failures``: the crawl's failures by reason, one row per reason."""

from __future__ import annotations


def test_each_recorded_reason_is_a_row_with_its_kind(newsroom):
    newsroom.execute(
        "UPDATE warehouse.crawl_run_sources SET crawl_stats = "
        """'{"failed_by_reason": {"http_404": 5, "nav_timeout": 2}}'::jsonb """
        "WHERE run_id = 2 AND source = 'le-quotidien'"
    )
    rows = newsroom.execute(
        "SELECT run_id, source, reason, failures, discovery FROM analytics.crawl_run_failures"
    ).fetchall()
    assert rows == [
        (2, "le-quotidien", "http_404", 5, False),
        (2, "le-quotidien", "nav_timeout", 2, True),
    ]


def test_runs_without_recorded_reasons_have_no_rows(newsroom):
    newsroom.execute(
        "UPDATE warehouse.crawl_run_sources SET crawl_stats = "
        """'{"failed_by_reason": "junk", "fetched": 3}'::jsonb WHERE run_id = 1"""
    )
    assert newsroom.execute("SELECT count(*) FROM analytics.crawl_run_failures").fetchone() == (0,)
