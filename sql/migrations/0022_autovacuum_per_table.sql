-- Autovacuum per table, from the growth curves (benchmarks/RESULTS.md, bench-growth;
-- docs/deployment.md). With PostgreSQL's defaults a table is vacuumed once 20% of its
-- rows are dead (and analyzed once 10% changed), so the larger the warehouse, the longer
-- dead tuples pile up between vacuums: at 2M articles a nightly load of 50,000 new
-- articles leaves some 50,000 dead tuples in warehouse.articles (the derive step
-- rewrites every new row; a re-visit rewrites last_seen_at), and 400,000 have to pile
-- up before autovacuum starts. The thresholds below stay proportionate to a night's
-- work instead of to the table: a fixed number of rows plus a small share.
--
-- articles: vacuumed after 10,000 + 2% dead rows, analyzed after 10,000 + 2% changes
--   (the planner's statistics of published_at and source follow each night's load).
-- article_lsh_bands, article_signatures: insert-only; an insert-triggered vacuum sets
--   the visibility map and freezes in small steps instead of one long anti-wraparound
--   pass over tens of millions of band rows.
-- crawl_state: every discovery and fetch updates its row; vacuumed after 10,000 + 2%.

ALTER TABLE warehouse.articles SET (
    autovacuum_vacuum_threshold = 10000,
    autovacuum_vacuum_scale_factor = 0.02,
    autovacuum_analyze_threshold = 10000,
    autovacuum_analyze_scale_factor = 0.02,
    autovacuum_vacuum_insert_threshold = 10000,
    autovacuum_vacuum_insert_scale_factor = 0.05
);
ALTER TABLE warehouse.article_lsh_bands SET (
    autovacuum_vacuum_insert_threshold = 100000,
    autovacuum_vacuum_insert_scale_factor = 0.05,
    autovacuum_analyze_scale_factor = 0.05
);
ALTER TABLE warehouse.article_signatures SET (
    autovacuum_vacuum_insert_threshold = 10000,
    autovacuum_vacuum_insert_scale_factor = 0.05
);
ALTER TABLE warehouse.crawl_state SET (
    autovacuum_vacuum_threshold = 10000,
    autovacuum_vacuum_scale_factor = 0.02,
    autovacuum_analyze_threshold = 10000,
    autovacuum_analyze_scale_factor = 0.02
);
