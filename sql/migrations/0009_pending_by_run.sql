-- Pages waiting for extraction, by source and by the run that fetched them, in archive
-- order. `newsflow run` extracts a source's pages while its crawl fetches them: every
-- half second it asks for this run's pages archived after the last one it read, which
-- this index answers without reading the source's other pending pages. The plain
-- pending-pages query (by source) uses its first column, as it used the index replaced.

CREATE INDEX crawl_state_pending_run_idx ON warehouse.crawl_state
    (source, run_id, warc_path, warc_offset) WHERE pending_extract;
DROP INDEX warehouse.crawl_state_pending_idx;
