-- analytics.crawl_run_failures: the current definition, re-applied by every upgrade (see sql/README.md).

CREATE VIEW analytics.crawl_run_failures AS
SELECT s.run_id,
       s.source,
       s.started_at,
       f.reason,
       (f.count #>> '{}')::integer AS failures,
       split_part(f.reason, '_', 1) IN ('sitemap', 'feed', 'nav', 'document') AS discovery
FROM warehouse.crawl_run_sources s
CROSS JOIN LATERAL jsonb_each(
    CASE WHEN jsonb_typeof(s.crawl_stats -> 'failed_by_reason') = 'object'
         THEN s.crawl_stats -> 'failed_by_reason' ELSE '{}'::jsonb END) AS f(reason, count)
WHERE jsonb_typeof(f.count) = 'number'
ORDER BY s.started_at DESC, s.source, f.reason;

COMMENT ON VIEW analytics.crawl_run_failures IS
'Why requests failed: one row per source, run and failure reason, newest first. Summed per run and source, the article reasons give crawl_run_sources.failed and the discovery ones discovery_failed. Runs whose crawl recorded no reasons have no rows.';
COMMENT ON COLUMN analytics.crawl_run_failures.run_id IS 'The run (analytics.crawl_runs.run_id).';
COMMENT ON COLUMN analytics.crawl_run_failures.source IS 'Name of the news source.';
COMMENT ON COLUMN analytics.crawl_run_failures.started_at IS 'When this source''s part of the run started (UTC).';
COMMENT ON COLUMN analytics.crawl_run_failures.reason IS 'What went wrong: for article pages e.g. ''http_404'', ''timeout'', ''too_large'', ''not_html''; for discovery documents the reason names the kind, e.g. ''sitemap_malformed'', ''feed_http_404'', ''nav_timeout''.';
COMMENT ON COLUMN analytics.crawl_run_failures.failures IS 'Requests that failed for this reason (after retries).';
COMMENT ON COLUMN analytics.crawl_run_failures.discovery IS 'True when the reason is about a sitemap, feed, section page or other discovery document (counted in discovery_failed), false for article pages (counted in failed).';
