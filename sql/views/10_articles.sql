-- analytics.articles: the current definition, re-applied by every upgrade (see sql/README.md).

CREATE VIEW analytics.articles AS
SELECT a.article_id,
       a.url,
       a.source,
       a.title,
       a.authors,
       a.published_at,
       a.published_date,
       a.published_date_only,
       a.language,
       a.description,
       a.section,
       a.tags,
       a.top_image_url,
       a.modified_at,
       a.body,
       a.word_count,
       a.is_accessible_for_free,
       a.truncated,
       a.version,
       a.first_seen_at,
       a.last_seen_at,
       a.updated_at,
       (SELECT count(*) FROM warehouse.articles d
        WHERE d.duplicate_of = a.article_id
          AND NOT EXISTS (SELECT 1 FROM warehouse.articles_unlinked u
                          WHERE u.article_id = d.article_id AND u.content_changed)
       )::integer AS syndication_count,
       a.search_vector
FROM warehouse.articles a
WHERE a.duplicate_of IS NULL
  -- not before the link step linked it (pipeline/load/link.py): until then a copy
  -- would show here as an original
  AND NOT EXISTS (SELECT 1 FROM warehouse.articles_unlinked u
                  WHERE u.article_id = a.article_id AND u.content_changed);

COMMENT ON VIEW analytics.articles IS
'One row per original article: duplicates (syndicated or copied articles) are left out and counted in syndication_count. A new or revised article shows once its run has linked it to its duplicates (the link step, right after its source''s load). Start here. Full-text search: WHERE search_vector @@ websearch_to_tsquery(''english'', ''climate policy'') ORDER BY ts_rank_cd(search_vector, websearch_to_tsquery(''english'', ''climate policy'')) DESC (see docs/analyst-queries.sql). Leave articles cut off by a paywall out with WHERE NOT truncated.';
COMMENT ON COLUMN analytics.articles.article_id IS 'Stable identifier of the article; never reused.';
COMMENT ON COLUMN analytics.articles.url IS 'Canonical URL of the article (as the site declares it, else the fetched URL); unique.';
COMMENT ON COLUMN analytics.articles.source IS 'Name of the news source in the sources file, e.g. ''example-times''.';
COMMENT ON COLUMN analytics.articles.title IS 'Headline as published (latest version).';
COMMENT ON COLUMN analytics.articles.authors IS 'Author names as published, in byline order; empty array when the page names no author.';
COMMENT ON COLUMN analytics.articles.published_at IS 'Publication time in UTC. NULL when the page gives no date. When only the day is known (published_date_only), this is midnight UTC of that day.';
COMMENT ON COLUMN analytics.articles.published_date IS 'Publication day in UTC (the date part of published_at). NULL when the page gives no date.';
COMMENT ON COLUMN analytics.articles.published_date_only IS 'True when the page gives the publication day but not the time of day.';
COMMENT ON COLUMN analytics.articles.language IS 'ISO 639-1 language code of the text, e.g. ''en''; NULL when unknown.';
COMMENT ON COLUMN analytics.articles.description IS 'Summary or standfirst given by the page (meta description); NULL when there is none.';
COMMENT ON COLUMN analytics.articles.section IS 'Section the site files the article under, as the site writes it, e.g. ''Politics'' (article:section, JSON-LD articleSection, else the breadcrumb); NULL when the page names none.';
COMMENT ON COLUMN analytics.articles.tags IS 'Tags and keywords the page and the news sitemap give (article:tag, JSON-LD keywords, keywords meta tags, news:keywords); deduplicated ignoring case, at most 30. Empty array when none. Indexed: WHERE tags @> ARRAY[''Climate''] (exact spelling) is fast.';
COMMENT ON COLUMN analytics.articles.top_image_url IS 'Absolute URL of the article''s main picture (og:image, JSON-LD image, else the first picture in the body); never a tracking pixel or icon. NULL when there is none.';
COMMENT ON COLUMN analytics.articles.modified_at IS 'When the page says the article last changed (UTC); never before published_at nor after the page was fetched. NULL when not given. Not the same as updated_at (when newsflow saw a change).';
COMMENT ON COLUMN analytics.articles.body IS 'Article text without navigation, ads or comments; paragraphs separated by a blank line (latest version).';
COMMENT ON COLUMN analytics.articles.word_count IS 'Number of words in body (runs of non-space characters). NULL for an article loaded moments ago, until its run has indexed it (within the same run, right after the source''s load).';
COMMENT ON COLUMN analytics.articles.is_accessible_for_free IS 'What the page declares about free access: false for a paywalled (locked or metered) article, true for one declared free, NULL when the page does not say (JSON-LD isAccessibleForFree, also of a hasPart section; the meta tag article:content_tier). NULL for articles extracted before extractor 2026.12.1.';
COMMENT ON COLUMN analytics.articles.truncated IS 'True when body is cut off by a paywall: the page''s text stopped at a paywall prompt ("Subscribe to continue reading"; the prompt is not in body), or the page declares the article gated and holds much less of it than it declares. Leave such articles out with WHERE NOT truncated. False for articles extracted before extractor 2026.12.1 until they are re-extracted.';
COMMENT ON COLUMN analytics.articles.version IS 'Revision number: 1 when first loaded, +1 each time the title or body changed. Earlier versions are in analytics.article_versions.';
COMMENT ON COLUMN analytics.articles.first_seen_at IS 'When newsflow first loaded this article (UTC).';
COMMENT ON COLUMN analytics.articles.last_seen_at IS 'When newsflow last fetched this article (UTC), changed or not.';
COMMENT ON COLUMN analytics.articles.updated_at IS 'When the title, body or metadata (authors, dates, language, description, section, tags, image) last changed (UTC).';
COMMENT ON COLUMN analytics.articles.syndication_count IS 'Number of other articles (on this or other sources) that are exact or near copies of this one; 0 when none.';
COMMENT ON COLUMN analytics.articles.search_vector IS 'Full-text search index of title (weight A) and body (weight B), stemmed in the article''s language (simple, i.e. unstemmed, when the language is unknown). Match it with websearch_to_tsquery(''english'', ''...'') or analytics.search_config(language). NULL for an article loaded moments ago, until its run has indexed it (within the same run, right after the source''s load).';
