-- A source may keep only some languages (languages: [en, de] in the sources file).
-- Articles detected in another language are counted, not loaded: a filtered source must
-- not look like a source with no articles (not_article). The analytics views gain the
-- column with their next definition (sql/views), not here.

ALTER TABLE warehouse.crawl_runs ADD COLUMN other_language integer NOT NULL DEFAULT 0;
ALTER TABLE warehouse.crawl_run_sources ADD COLUMN other_language integer NOT NULL DEFAULT 0;

COMMENT ON COLUMN warehouse.crawl_runs.other_language IS
    'Articles in a language their source does not keep (languages: in the sources file); not loaded.';
COMMENT ON COLUMN warehouse.crawl_run_sources.other_language IS
    'Articles in a language this source does not keep (languages: in the sources file); not loaded, not counted in not_article.';
