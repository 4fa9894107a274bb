-- Failures of discovery documents (sitemaps, feeds, robots.txt sitemap lists) and of
-- section pages followed only for their links get their own counter. Until now they were
-- added to `failed`, whose meaning in the issue and the views is article pages that could
-- not be fetched or extracted: a broken sitemap made a run look as if articles failed,
-- and `failed` no longer matched the failed pages in crawl_state. From this migration on
-- `failed` counts article pages only; earlier runs' figures are left as they were.

ALTER TABLE warehouse.crawl_runs ADD COLUMN discovery_failed integer NOT NULL DEFAULT 0;
ALTER TABLE warehouse.crawl_run_sources ADD COLUMN discovery_failed integer NOT NULL DEFAULT 0;

CREATE OR REPLACE VIEW analytics.crawl_runs AS
SELECT r.run_id,
       r.trigger,
       r.sources,
       r.window_since,
       r.window_until,
       r.started_at,
       r.finished_at,
       r.finished_at - r.started_at AS duration,
       r.status,
       r.pages_discovered,
       r.pages_fetched,
       r.articles_new,
       r.articles_updated,
       r.articles_unchanged,
       r.duplicates,
       r.not_article,
       r.failed,
       r.error,
       r.held_by_date,
       r.discovery_failed
FROM warehouse.crawl_runs r
ORDER BY r.started_at DESC, r.run_id DESC;

CREATE OR REPLACE VIEW analytics.crawl_run_sources AS
SELECT s.run_id,
       s.source,
       r.trigger,
       s.started_at,
       s.finished_at,
       s.status,
       s.pages_discovered,
       s.pages_fetched,
       s.articles_new,
       s.articles_updated,
       s.articles_unchanged,
       s.duplicates,
       s.not_article,
       s.failed,
       (s.articles_new + s.articles_updated + s.articles_unchanged + s.duplicates)::double precision
           / nullif(s.pages_fetched - s.held_by_date, 0) AS article_share,
       (s.quality -> 'metrics' ->> 'title_share')::double precision AS title_share,
       (s.quality -> 'metrics' ->> 'date_share')::double precision AS date_share,
       (s.quality -> 'metrics' ->> 'author_share')::double precision AS author_share,
       (s.quality -> 'metrics' ->> 'empty_body_share')::double precision AS empty_body_share,
       (s.quality ->> 'checked')::boolean AS quality_checked,
       ARRAY(SELECT jsonb_array_elements_text(
                 CASE WHEN jsonb_typeof(s.quality -> 'breaches') = 'array'
                      THEN s.quality -> 'breaches' ELSE '[]'::jsonb END)) AS quality_breaches,
       s.error,
       s.held_by_date,
       s.discovery_failed
FROM warehouse.crawl_run_sources s
JOIN warehouse.crawl_runs r ON r.run_id = s.run_id
ORDER BY s.started_at DESC, s.source;

COMMENT ON COLUMN warehouse.crawl_runs.discovery_failed IS
    'Sitemaps, feeds and section pages (read only for their links) that could not be fetched or parsed; the crawl went on with the rest. Reasons per source in crawl_run_sources.crawl_stats.';
COMMENT ON COLUMN warehouse.crawl_run_sources.discovery_failed IS
    'Sitemaps, feeds and section pages (read only for their links) that could not be fetched or parsed; the crawl went on with the rest. Reasons in crawl_stats -> failed_by_reason.';
COMMENT ON COLUMN analytics.crawl_runs.discovery_failed IS
    'Sitemaps, feeds and section pages that could not be fetched or parsed (the crawl went on with the rest); not counted in failed.';
COMMENT ON COLUMN analytics.crawl_run_sources.discovery_failed IS
    'Sitemaps, feeds and section pages that could not be fetched or parsed (the crawl went on with the rest); not counted in failed.';
COMMENT ON COLUMN warehouse.crawl_runs.failed IS 'Article pages that could not be fetched or extracted (discovery documents: discovery_failed).';
COMMENT ON COLUMN warehouse.crawl_run_sources.failed IS 'Article pages that could not be fetched or extracted (discovery documents: discovery_failed).';
COMMENT ON COLUMN analytics.crawl_runs.failed IS 'Article pages that could not be fetched or extracted (sitemaps, feeds and section pages: discovery_failed).';
COMMENT ON COLUMN analytics.crawl_run_sources.failed IS 'Article pages that could not be fetched or extracted (sitemaps, feeds and section pages: discovery_failed).';
