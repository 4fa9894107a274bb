-- The two columns computed from an article's text, search_vector (full-text search) and
-- word_count, are no longer computed while a batch is written: together with the GIN
-- index they cost about 20 times the COPY of the rows themselves. A load now stores
-- them NULL and the run's derive step (pipeline/load/derive.py) fills them right after
-- the source's load, in chunks, from the same expressions as before; a revised
-- article's are set NULL again by the load that revises it. Rows loaded before this
-- migration keep their values.

ALTER TABLE warehouse.articles ALTER COLUMN word_count DROP EXPRESSION;
ALTER TABLE warehouse.articles ALTER COLUMN search_vector DROP EXPRESSION;

-- The full-text vector of an article: title (weight A) and the first 300,000 characters
-- of body (weight B; a tsvector is limited to 1 MB), in the article's language. Never
-- NULL: NULL marks an article the derive step has still to do.
CREATE FUNCTION warehouse.search_vector_of(language text, title text, body text)
    RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN coalesce(
    setweight(to_tsvector(analytics.search_config(language), title), 'A')
    || setweight(to_tsvector(analytics.search_config(language), left(body, 300000)), 'B'),
    ''::tsvector);

-- The articles the derive step has still to do.
CREATE INDEX articles_underived_idx ON warehouse.articles (article_id)
    WHERE search_vector IS NULL;

COMMENT ON FUNCTION warehouse.search_vector_of(text, text, text) IS 'The full-text vector stored in articles.search_vector: title (weight A) and the first 300,000 characters of body (weight B), in the text search configuration of the language.';
COMMENT ON COLUMN warehouse.articles.word_count IS 'Number of words in body (runs of non-space characters). NULL until the derive step of the run that loaded or revised the article has run (right after the source''s load).';
COMMENT ON COLUMN warehouse.articles.search_vector IS 'Full-text search index of title (weight A) and the first 300,000 characters of body (weight B), in the article''s language (warehouse.search_vector_of). NULL until the derive step of the run that loaded or revised the article has run (right after the source''s load).';
COMMENT ON COLUMN analytics.articles.word_count IS 'Number of words in body (runs of non-space characters). NULL for an article loaded moments ago, until its run has indexed it (within the same run, right after the source''s load).';
COMMENT ON COLUMN analytics.articles.search_vector IS 'Full-text search index of title (weight A) and body (weight B), stemmed in the article''s language (simple, i.e. unstemmed, when the language is unknown). Match it with websearch_to_tsquery(''english'', ''...'') or analytics.search_config(language). NULL for an article loaded moments ago, until its run has indexed it (within the same run, right after the source''s load).';
