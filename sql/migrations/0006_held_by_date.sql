-- Pages held back by the date window (see 0005) get their own counter instead of being
-- counted as not_article: they are articles, only of another day, and must not make a
-- backfill of a link-discovered source look like broken extraction.

ALTER TABLE warehouse.crawl_runs ADD COLUMN held_by_date integer NOT NULL DEFAULT 0;
ALTER TABLE warehouse.crawl_run_sources ADD COLUMN held_by_date integer NOT NULL DEFAULT 0;

COMMENT ON COLUMN warehouse.crawl_runs.held_by_date IS
    'Fetched articles published outside the run''s window: not loaded by this run, kept pending for the run whose window holds their date.';
COMMENT ON COLUMN warehouse.crawl_run_sources.held_by_date IS
    'Fetched articles published outside the run''s window: not loaded by this run, kept pending for the run whose window holds their date.';

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
       r.held_by_date
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
       s.held_by_date
FROM warehouse.crawl_run_sources s
JOIN warehouse.crawl_runs r ON r.run_id = s.run_id
ORDER BY s.started_at DESC, s.source;

COMMENT ON COLUMN analytics.crawl_runs.held_by_date IS
    'Fetched articles published outside the run''s window, left for the run that covers their day.';
COMMENT ON COLUMN analytics.crawl_run_sources.held_by_date IS
    'Fetched articles published outside the run''s window, left for the run that covers their day.';
COMMENT ON COLUMN analytics.crawl_run_sources.article_share IS
    'Share (0-1) of the pages fetched for this run''s window that yielded an article (new, updated, unchanged or duplicate); pages held for another day are left out. NULL when none were fetched.';
