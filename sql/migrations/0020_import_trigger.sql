-- Runs of `newsflow import-warc` (history backfilled from WARC files such as CC-NEWS)
-- are told apart from crawls by their own trigger value, 'import'. Their pages are
-- recorded in warehouse.crawl_state like fetched pages (outcome 'fetched' at the
-- record's WARC-Date, copied into the raw archive), so extraction, loading and
-- re-processing treat them like any other page.

ALTER TABLE warehouse.crawl_runs DROP CONSTRAINT IF EXISTS crawl_runs_trigger_check;
ALTER TABLE warehouse.crawl_runs ADD CONSTRAINT crawl_runs_trigger_check
    CHECK (trigger IN ('cli', 'airflow', 'reprocess', 'import', 'test'));

COMMENT ON COLUMN warehouse.crawl_runs.trigger IS
    'What started the run: cli, airflow, reprocess, import (newsflow import-warc) or test.';
