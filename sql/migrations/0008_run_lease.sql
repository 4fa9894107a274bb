-- A run carried out by one process from start to end (`newsflow run`) holds a session
-- advisory lock on its run_id while it works. When that process dies without finishing
-- the run (SIGKILL, a lost machine), the lock goes with its connection, and the next run
-- to start marks the run failed instead of leaving it 'running' for ever.

ALTER TABLE warehouse.crawl_runs
    ADD COLUMN leased boolean NOT NULL DEFAULT false;

COMMENT ON COLUMN warehouse.crawl_runs.leased IS
    'True when the one process carrying out the run holds a lock on it until it ends '
    '(newsflow run). A leased run still running when nobody holds its lock was abandoned '
    '(its process was killed); the next run to start marks it failed. Airflow runs are '
    'not leased: Airflow tracks their tasks.';
