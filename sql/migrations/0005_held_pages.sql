-- Pages held back by the date window. A page found without a date (link following) is
-- fetched and extracted; when its article turns out to be published outside the run's
-- window it is not loaded, and it stays pending with the date extraction found, so the
-- run whose window holds that date (a backfill) loads it from the archive instead of
-- losing it. Runs whose window excludes the date do not extract it again.

ALTER TABLE warehouse.crawl_state ADD COLUMN held_published_at timestamptz;

COMMENT ON COLUMN warehouse.crawl_state.held_published_at IS
    'Publication time (UTC) extraction found for a page held back because it lies outside the '
    'window of the run that fetched it; the page stays pending until a run whose window holds '
    'this date loads it. NULL for pages not held back.';
