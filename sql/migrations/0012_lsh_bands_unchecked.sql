-- The LSH band rows no longer carry a foreign key to warehouse.articles. A load writes
-- 16 band rows per new article, and checking each against warehouse.articles doubled
-- the cost of writing them (more than the COPY of the articles themselves). Band rows
-- are written only by the loader, for the articles it has just written, under the load
-- lock; the candidate query reads only bands whose article exists, and a rebuild of the
-- bands (warehouse.dedup_index) starts from the signatures, which keep their foreign
-- key (ON DELETE CASCADE). So an article deleted by hand leaves band rows that nothing
-- reads, until the next rebuild drops them.

ALTER TABLE warehouse.article_lsh_bands DROP CONSTRAINT article_lsh_bands_article_id_fkey;

COMMENT ON COLUMN warehouse.article_lsh_bands.article_id IS 'The article (warehouse.articles.article_id; not a foreign key: see migration 0012, rows of deleted articles are ignored).';
