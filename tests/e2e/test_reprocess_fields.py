"""Re-processing fills the article fields of rows loaded by an older extractor, with no
network: the archived pages of a sample-site run are extracted again."""

from __future__ import annotations

import psycopg
import pytest

from pipeline.extract import EXTRACTOR_VERSION
from pipeline.local_run import run_pipeline
from pipeline.reprocess import reprocess
from tests.e2e.conftest import e2e_settings, sources_file

pytestmark = pytest.mark.slow

# What a row loaded before migration 0018 looks like: the columns at their defaults.
_AS_BEFORE = """
UPDATE warehouse.articles
SET top_image_url = NULL, section = NULL, tags = '{}', modified_at = NULL,
    extractor_version = '2026.11.2'
"""
_FIELDS = """
SELECT source, count(*), count(top_image_url), count(section),
       count(*) FILTER (WHERE cardinality(tags) > 0), count(modified_at),
       count(*) FILTER (WHERE extractor_version = %s)
FROM warehouse.articles GROUP BY source ORDER BY source
"""
_ROWS = "SELECT url, top_image_url, section, tags, modified_at FROM warehouse.articles ORDER BY url"


def test_reprocessing_archived_pages_fills_the_new_fields_without_a_request(
    site, make_database, tmp_path
):
    url = make_database()
    settings = e2e_settings(tmp_path, url)
    report = run_pipeline(settings, sources_file=str(sources_file(site, tmp_path / "s.yaml")))
    assert report["status"] == "success", report
    with psycopg.connect(url) as conn:
        loaded = conn.execute(_FIELDS, (EXTRACTOR_VERSION,)).fetchall()
        rows = conn.execute(_ROWS).fetchall()
        conn.execute(_AS_BEFORE)
    requests = len(site.request_log)

    result = reprocess(settings, extractor_version_below=EXTRACTOR_VERSION)

    assert result["status"] == "success", result
    assert len(site.request_log) == requests  # no network
    with psycopg.connect(url) as conn:
        refilled = conn.execute(_FIELDS, (EXTRACTOR_VERSION,)).fetchall()
        assert conn.execute(_ROWS).fetchall() == rows  # news-sitemap keywords included
    assert refilled == loaded
    by_source = {row[0]: row[1:] for row in refilled}
    for source, (articles, images, sections, tagged, modified, current) in by_source.items():
        assert images == articles and current == articles, source
        if source != "valley-gazette":  # the gazette declares no section, tags or dates
            assert sections == tagged == modified == articles, source
