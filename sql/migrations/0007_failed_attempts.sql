-- A page whose fetch failed (5xx, 404, timeout, too large, redirect loop, ...) is not
-- requested again on every run: it waits NEWSFLOW_RETRY_FAILED_HOURS after its first
-- failure, twice as long after each further consecutive failure, at most the revisit
-- interval. These two columns remember what that wait is computed from.

ALTER TABLE warehouse.crawl_state
    ADD COLUMN failed_attempts integer NOT NULL DEFAULT 0,
    ADD COLUMN last_attempt_at timestamptz;

UPDATE warehouse.crawl_state
SET failed_attempts = 1, last_attempt_at = last_discovered_at
WHERE outcome = 'failed';

COMMENT ON COLUMN warehouse.crawl_state.failed_attempts IS
    'Consecutive failed fetch attempts up to the last one; 0 after a successful fetch. '
    'The crawler waits longer before each new try (NEWSFLOW_RETRY_FAILED_HOURS, doubled per failure).';
COMMENT ON COLUMN warehouse.crawl_state.last_attempt_at IS
    'When the URL was last requested (UTC), whatever came of it; NULL when never requested.';
