-- The analytics views are no longer defined by migrations: each has one file in
-- sql/views/ holding its current definition and comments, and every upgrade re-applies
-- them after the migrations (pipeline/db/views.py). This table records what the last
-- upgrade applied, so an upgrade that finds the files and the live views unchanged
-- leaves them alone instead of re-creating them (which waits for every running query
-- on them). From this migration on, a migration changes tables and never restates a view.

CREATE TABLE warehouse.schema_views (
    name        text PRIMARY KEY,
    file        text NOT NULL,
    checksum    text NOT NULL,
    live_hash   text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE warehouse.schema_views IS 'The analytics views newsflow created from sql/views/ at the last upgrade that changed them; written by newsflow db upgrade.';
COMMENT ON COLUMN warehouse.schema_views.name IS 'Name of the view in schema analytics.';
COMMENT ON COLUMN warehouse.schema_views.file IS 'The file of sql/views/ that defines it (NN_name.sql).';
COMMENT ON COLUMN warehouse.schema_views.checksum IS 'SHA-256 of that file as applied; a different file makes the next upgrade re-create the views.';
COMMENT ON COLUMN warehouse.schema_views.live_hash IS 'MD5 of the view''s definition, comments and column names as created; a view changed by hand since makes the next upgrade re-create the views.';
COMMENT ON COLUMN warehouse.schema_views.applied_at IS 'When the view was last created (UTC).';
