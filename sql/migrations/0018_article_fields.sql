-- Four more things analysts filter and group articles by: the top image, the section,
-- the tags and the time the page says the article last changed. Rows loaded before
-- this migration have NULL / empty values until they are re-processed
-- (`newsflow reprocess --extractor-version-below 2026.12.1`, no network needed).
-- The news sitemap's keywords for a URL are kept in crawl state, so extraction (and a
-- later re-processing) can add them to the article's tags. The analytics views gain
-- the columns with their next definition (sql/views), not here.

ALTER TABLE warehouse.articles
    ADD COLUMN top_image_url text,
    ADD COLUMN section text,
    ADD COLUMN tags text[] NOT NULL DEFAULT '{}',
    ADD COLUMN modified_at timestamptz;

CREATE INDEX articles_tags_idx ON warehouse.articles USING gin (tags);

ALTER TABLE warehouse.crawl_state ADD COLUMN sitemap_keywords text[];

COMMENT ON COLUMN warehouse.articles.top_image_url IS
    'Absolute URL of the article''s main picture: og:image (or twitter:image), else the JSON-LD image, else the first picture in the body; never a tracking pixel, icon or logo. NULL when the page has none.';
COMMENT ON COLUMN warehouse.articles.section IS
    'Section the site files the article under: article:section, else JSON-LD articleSection, else the page''s breadcrumb (the last item before the article). As the site writes it; NULL when the page names none.';
COMMENT ON COLUMN warehouse.articles.tags IS
    'Tags and keywords: article:tag, JSON-LD keywords, the news_keywords/keywords meta tags and the news sitemap''s news:keywords, in that order; trimmed, deduplicated ignoring case (first spelling kept), at most 30 of at most 100 characters. Empty array when none. GIN-indexed: WHERE tags @> ARRAY[''Climate''].';
COMMENT ON COLUMN warehouse.articles.modified_at IS
    'When the page says the article last changed (article:modified_time, else JSON-LD dateModified), UTC. NULL when not given, or when the value given is before published_at or after the page was fetched.';
COMMENT ON COLUMN warehouse.crawl_state.sitemap_keywords IS
    'Keywords the news sitemap gave for the URL (news:keywords, as written) when it was last fetched; extraction adds them to the article''s tags. NULL when none.';
