-- Sitemaps and feeds that were not well-formed (a bare `&`, an HTML entity, a stray `<`,
-- a truncated download) are now read as far as they go instead of failing. They get
-- their own counter next to discovery_failed, so a publisher whose documents degrade is
-- noticed before they stop being readable. The analytics views gain the column with
-- their next definition (sql/views), not here.

ALTER TABLE warehouse.crawl_runs ADD COLUMN discovery_recovered integer NOT NULL DEFAULT 0;
ALTER TABLE warehouse.crawl_run_sources ADD COLUMN discovery_recovered integer NOT NULL DEFAULT 0;

COMMENT ON COLUMN warehouse.crawl_runs.discovery_recovered IS
    'Sitemaps and feeds that were not well-formed and were read as far as they went (recovery mode); not counted in discovery_failed.';
COMMENT ON COLUMN warehouse.crawl_run_sources.discovery_recovered IS
    'Sitemaps and feeds that were not well-formed and were read as far as they went (recovery mode); not counted in discovery_failed. The documents that failed outright: crawl_stats -> failed_documents.';
