-- The LSH band rows, rebuilt cheaper to write and to look up. A load writes 16 band rows
-- per new article and looks each of them up; those writes and lookups, not the COPY of
-- the articles, were most of a load's time. Now:
-- - the band number is folded into the bucket (the loader hashes it in), so a row is
--   (bucket, article_id), and buckets are found through a hash index (an equality
--   lookup of a random 64-bit value, which a B-tree answers ~1.5x slower and writes
--   ~2x slower);
-- - no foreign key to warehouse.articles: checking 16 rows per article against it
--   doubled the cost of writing them. Band rows are written only by the loader, for the
--   articles it has just written, under the load lock; the candidate query reads only
--   bands whose article exists, and a rebuild of the bands starts from the signatures,
--   which keep their foreign key (ON DELETE CASCADE). So an article deleted by hand
--   leaves band rows that nothing reads, until the next rebuild drops them.
-- The stored buckets were computed without the band number: setting the recorded
-- number of bands to 0 makes the next load rebuild the bands from the stored signatures
-- (pipeline/load/index.py, ensure_index), without recomputing any signature.

DROP TABLE warehouse.article_lsh_bands;
CREATE TABLE warehouse.article_lsh_bands (
    bucket      bigint NOT NULL,
    article_id  bigint NOT NULL
);
CREATE INDEX article_lsh_bands_bucket_idx ON warehouse.article_lsh_bands USING hash (bucket);
CREATE INDEX article_lsh_bands_article_idx ON warehouse.article_lsh_bands (article_id);
UPDATE warehouse.dedup_index SET bands = 0;

COMMENT ON TABLE warehouse.article_lsh_bands IS 'Near-duplicate index: one row per LSH band of each signature. Articles sharing a bucket are candidate duplicates, checked against their bodies before they are linked.';
COMMENT ON COLUMN warehouse.article_lsh_bands.bucket IS 'Hash of the band number and of the signature values in that band.';
COMMENT ON COLUMN warehouse.article_lsh_bands.article_id IS 'The article (warehouse.articles.article_id; not a foreign key, see migration 0012: rows of deleted articles are ignored).';
