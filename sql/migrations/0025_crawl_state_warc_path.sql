-- `newsflow archive copy --to URL` rewrites crawl_state.warc_path file by file (from the
-- relative key of a local WARC file to the object's s3:// URL), one transaction each:
-- without an index every file's UPDATE would scan the whole table.

CREATE INDEX crawl_state_warc_path_idx ON warehouse.crawl_state (warc_path)
    WHERE warc_path IS NOT NULL;

COMMENT ON COLUMN warehouse.crawl_state.warc_path IS
    'WARC archive file holding the last raw response: a key relative to the local archive folder, or the s3:// URL of the object in the archive''s store; NULL when nothing is archived.';
