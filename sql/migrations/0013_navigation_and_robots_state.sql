-- Crawl state remembers two more things, so that neither is asked again on every run:
-- - section pages (navigation pages, followed only for their links), not only articles:
--   a section page that failed waits before its next try like a failed article
--   (NEWSFLOW_RETRY_FAILED_HOURS, doubled per consecutive failure, at most the revisit
--   interval). `kind` tells the two apart; a section page read successfully has the
--   outcome 'followed'.
-- - which robots.txt disallowed a URL: while the host serves the same robots.txt (same
--   SHA-256 of the part that is parsed), the URL is skipped before it is queued; once
--   robots.txt changes it is decided again.

ALTER TABLE warehouse.crawl_state
    ADD COLUMN kind text NOT NULL DEFAULT 'article'
        CONSTRAINT crawl_state_kind_check CHECK (kind IN ('article', 'navigation')),
    ADD COLUMN robots_sha256 text;

COMMENT ON TABLE warehouse.crawl_state IS
    'Per-URL crawl bookkeeping for incremental crawls: when each article or section page was discovered and requested, the HTTP validators for conditional requests, where the raw response is archived, failures (for the wait before the next try) and robots.txt refusals.';
COMMENT ON COLUMN warehouse.crawl_state.url IS
    'Canonical URL of an article, or of a section page followed for its links (see kind).';
COMMENT ON COLUMN warehouse.crawl_state.outcome IS
    'What the last request led to: fetched, not_modified, not_html, canonical_elsewhere, failed, skipped_by_robots, skipped_by_date (never requested), followed (a section page read for its links); NULL when never requested.';
COMMENT ON COLUMN warehouse.crawl_state.kind IS
    'article: a page to extract; navigation: a section page (start URL or page linked from one) read only for its links, never extracted. Failures of navigation pages have reasons nav_* and count in discovery_failed.';
COMMENT ON COLUMN warehouse.crawl_state.robots_sha256 IS
    'SHA-256 (hex) of the host''s robots.txt that disallowed the URL (outcome skipped_by_robots); the URL is not queued again until the host serves a different robots.txt. NULL otherwise.';
