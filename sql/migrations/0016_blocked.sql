-- Article pages answered by a bot wall (a challenge or block page of Cloudflare, AWS WAF,
-- Akamai, DataDome, PerimeterX or a captcha) get their own counter next to failed: a
-- protected site must not look like a site with no articles (not_article) or a flaky one.
-- In warehouse.crawl_state such a page has outcome 'blocked' (failure_reason
-- 'bot_wall_<service>') and waits before its next try like a failed page. The analytics
-- views gain the column with their next definition (sql/views), not here.

ALTER TABLE warehouse.crawl_runs ADD COLUMN blocked integer NOT NULL DEFAULT 0;
ALTER TABLE warehouse.crawl_run_sources ADD COLUMN blocked integer NOT NULL DEFAULT 0;

COMMENT ON COLUMN warehouse.crawl_runs.blocked IS
    'Article pages a bot wall answered (a challenge or block page) instead of the page; not counted in failed.';
COMMENT ON COLUMN warehouse.crawl_run_sources.blocked IS
    'Article pages a bot wall answered (a challenge or block page) instead of the page; not counted in failed. Pages not asked because their host walled several pages in a row: crawl_stats -> skipped_blocked_host.';
COMMENT ON COLUMN warehouse.crawl_state.outcome IS
    'What the last request led to: fetched, not_modified, not_html, canonical_elsewhere, failed, blocked (a bot wall answered; waits like failed), skipped_by_robots, skipped_by_date (never requested), followed (a section page read for its links); NULL when never requested.';
