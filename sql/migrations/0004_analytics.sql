-- The analyst layer: schema analytics with stable, documented views over the
-- warehouse, full-text search, indexes for the common filters, and COMMENT ON every
-- schema, table, view and column (docs/schema.md is generated from these comments by
-- `newsflow db docs`). Analysts get SELECT on analytics only (`newsflow db
-- grant-reader NAME`); the views run with their owner's rights (security_invoker is
-- deliberately NOT set), so readers need no privilege on warehouse.
-- Needs PostgreSQL 15 or later (regexp_count, SQL-standard function bodies).

CREATE SCHEMA IF NOT EXISTS analytics;

-- ISO 639-1 language code -> text search configuration. IMMUTABLE so the generated
-- search column can use it; the SQL-standard body is parsed once, so the configuration
-- names are bound at creation and do not depend on the caller's search_path.
CREATE FUNCTION analytics.search_config(language text) RETURNS regconfig
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE lower(split_part(replace(coalesce(language, ''), '_', '-'), '-', 1))
    WHEN 'ar' THEN 'pg_catalog.arabic'::regconfig
    WHEN 'hy' THEN 'pg_catalog.armenian'::regconfig
    WHEN 'eu' THEN 'pg_catalog.basque'::regconfig
    WHEN 'ca' THEN 'pg_catalog.catalan'::regconfig
    WHEN 'da' THEN 'pg_catalog.danish'::regconfig
    WHEN 'nl' THEN 'pg_catalog.dutch'::regconfig
    WHEN 'en' THEN 'pg_catalog.english'::regconfig
    WHEN 'fi' THEN 'pg_catalog.finnish'::regconfig
    WHEN 'fr' THEN 'pg_catalog.french'::regconfig
    WHEN 'de' THEN 'pg_catalog.german'::regconfig
    WHEN 'el' THEN 'pg_catalog.greek'::regconfig
    WHEN 'hi' THEN 'pg_catalog.hindi'::regconfig
    WHEN 'hu' THEN 'pg_catalog.hungarian'::regconfig
    WHEN 'id' THEN 'pg_catalog.indonesian'::regconfig
    WHEN 'ga' THEN 'pg_catalog.irish'::regconfig
    WHEN 'it' THEN 'pg_catalog.italian'::regconfig
    WHEN 'lt' THEN 'pg_catalog.lithuanian'::regconfig
    WHEN 'ne' THEN 'pg_catalog.nepali'::regconfig
    WHEN 'no' THEN 'pg_catalog.norwegian'::regconfig
    WHEN 'nb' THEN 'pg_catalog.norwegian'::regconfig
    WHEN 'nn' THEN 'pg_catalog.norwegian'::regconfig
    WHEN 'pt' THEN 'pg_catalog.portuguese'::regconfig
    WHEN 'ro' THEN 'pg_catalog.romanian'::regconfig
    WHEN 'ru' THEN 'pg_catalog.russian'::regconfig
    WHEN 'sr' THEN 'pg_catalog.serbian'::regconfig
    WHEN 'es' THEN 'pg_catalog.spanish'::regconfig
    WHEN 'sv' THEN 'pg_catalog.swedish'::regconfig
    WHEN 'ta' THEN 'pg_catalog.tamil'::regconfig
    WHEN 'tr' THEN 'pg_catalog.turkish'::regconfig
    WHEN 'yi' THEN 'pg_catalog.yiddish'::regconfig
    ELSE 'pg_catalog.simple'::regconfig
END;

-- Derived columns the views and indexes need, stored so that counting words over a
-- year or filtering by day never re-reads the bodies. The search vector covers the
-- title (weight A) and the first 300,000 characters of the body (weight B): a
-- tsvector is limited to 1 MB, and no real article is that long.
ALTER TABLE warehouse.articles
    ADD COLUMN published_date date
        GENERATED ALWAYS AS ((published_at AT TIME ZONE 'UTC')::date) STORED,
    ADD COLUMN word_count integer
        GENERATED ALWAYS AS (regexp_count(body, '\S+')) STORED,
    ADD COLUMN search_vector tsvector
        GENERATED ALWAYS AS (
            setweight(to_tsvector(analytics.search_config(language), title), 'A')
            || setweight(to_tsvector(analytics.search_config(language), left(body, 300000)), 'B')
        ) STORED;

CREATE INDEX articles_search_idx ON warehouse.articles USING gin (search_vector);
-- Per-source daily counts read only this index (index-only scan after a vacuum).
CREATE INDEX articles_source_day_idx ON warehouse.articles (source, published_date)
    INCLUDE (duplicate_of, word_count);
CREATE INDEX articles_language_idx ON warehouse.articles (language);
CREATE INDEX article_versions_run_idx ON warehouse.article_versions (run_id);
CREATE INDEX crawl_run_sources_source_idx ON warehouse.crawl_run_sources (source, run_id);

-- ---------------------------------------------------------------------------------
-- Views
-- ---------------------------------------------------------------------------------

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
       a.body,
       a.word_count,
       a.version,
       a.first_seen_at,
       a.last_seen_at,
       a.updated_at,
       (SELECT count(*) FROM warehouse.articles d
        WHERE d.duplicate_of = a.article_id)::integer AS syndication_count,
       a.search_vector
FROM warehouse.articles a
WHERE a.duplicate_of IS NULL;

CREATE VIEW analytics.article_duplicates AS
SELECT d.article_id    AS duplicate_id,
       d.url           AS duplicate_url,
       d.source        AS duplicate_source,
       d.title         AS duplicate_title,
       d.published_at  AS duplicate_published_at,
       d.first_seen_at AS duplicate_first_seen_at,
       o.article_id    AS original_id,
       o.url           AS original_url,
       o.source        AS original_source,
       o.title         AS original_title,
       o.published_at  AS original_published_at,
       d.similarity,
       CASE WHEN d.content_hash = o.content_hash THEN 'exact' ELSE 'near' END AS match
FROM warehouse.articles d
JOIN warehouse.articles o ON o.article_id = d.duplicate_of;

CREATE VIEW analytics.daily_source_counts AS
SELECT a.source,
       a.published_date,
       count(*) FILTER (WHERE a.duplicate_of IS NULL) AS articles,
       count(*) FILTER (WHERE a.duplicate_of IS NOT NULL) AS duplicates,
       coalesce(sum(a.word_count) FILTER (WHERE a.duplicate_of IS NULL), 0) AS words
FROM warehouse.articles a
WHERE a.published_date IS NOT NULL
GROUP BY a.source, a.published_date;

CREATE VIEW analytics.article_versions AS
SELECT v.article_id,
       a.url,
       a.source,
       v.version,
       v.title,
       v.body,
       regexp_count(v.body, '\S+') AS word_count,
       v.valid_from,
       v.valid_to,
       false AS is_current
FROM warehouse.article_versions v
JOIN warehouse.articles a ON a.article_id = v.article_id
WHERE a.duplicate_of IS NULL
UNION ALL
SELECT a.article_id,
       a.url,
       a.source,
       a.version,
       a.title,
       a.body,
       a.word_count,
       coalesce((SELECT max(p.valid_to) FROM warehouse.article_versions p
                 WHERE p.article_id = a.article_id), a.first_seen_at),
       NULL::timestamptz,
       true
FROM warehouse.articles a
WHERE a.duplicate_of IS NULL;

CREATE VIEW analytics.crawl_runs AS
SELECT r.run_id,
       r.trigger,
       r.sources,
       r.window_since,
       r.window_until,
       r.started_at,
       r.finished_at,
       r.finished_at - r.started_at AS duration,
       r.status,
       r.pages_discovered,
       r.pages_fetched,
       r.articles_new,
       r.articles_updated,
       r.articles_unchanged,
       r.duplicates,
       r.not_article,
       r.failed,
       r.error
FROM warehouse.crawl_runs r
ORDER BY r.started_at DESC, r.run_id DESC;

CREATE VIEW analytics.crawl_run_sources AS
SELECT s.run_id,
       s.source,
       r.trigger,
       s.started_at,
       s.finished_at,
       s.status,
       s.pages_discovered,
       s.pages_fetched,
       s.articles_new,
       s.articles_updated,
       s.articles_unchanged,
       s.duplicates,
       s.not_article,
       s.failed,
       (s.articles_new + s.articles_updated + s.articles_unchanged + s.duplicates)::double precision
           / nullif(s.pages_fetched, 0) AS article_share,
       (s.quality -> 'metrics' ->> 'title_share')::double precision AS title_share,
       (s.quality -> 'metrics' ->> 'date_share')::double precision AS date_share,
       (s.quality -> 'metrics' ->> 'author_share')::double precision AS author_share,
       (s.quality -> 'metrics' ->> 'empty_body_share')::double precision AS empty_body_share,
       (s.quality ->> 'checked')::boolean AS quality_checked,
       ARRAY(SELECT jsonb_array_elements_text(
                 CASE WHEN jsonb_typeof(s.quality -> 'breaches') = 'array'
                      THEN s.quality -> 'breaches' ELSE '[]'::jsonb END)) AS quality_breaches,
       s.error
FROM warehouse.crawl_run_sources s
JOIN warehouse.crawl_runs r ON r.run_id = s.run_id
ORDER BY s.started_at DESC, s.source;

-- ---------------------------------------------------------------------------------
-- Comments: schemas and the function
-- ---------------------------------------------------------------------------------

COMMENT ON SCHEMA analytics IS
'What analysts query. Stable views over the warehouse: duplicates are hidden, every load is complete (loads are single transactions), and times are UTC. Columns may be added to these views, but existing ones keep their name and meaning.';
COMMENT ON SCHEMA warehouse IS
'The tables newsflow writes. Analysts read the views in schema analytics instead; these tables may change between newsflow versions.';
COMMENT ON FUNCTION analytics.search_config(text) IS
'The full-text search configuration for an ISO 639-1 language code (''en'' -> english, ''de'' -> german, ...; unknown or NULL -> simple, which does no stemming). Use it to build a query in the same language as the articles you search: websearch_to_tsquery(analytics.search_config(''de''), ''Klimawandel'').';

-- ---------------------------------------------------------------------------------
-- Comments: analytics views
-- ---------------------------------------------------------------------------------

COMMENT ON VIEW analytics.articles IS
'One row per original article: duplicates (syndicated or copied articles) are left out and counted in syndication_count. Start here. Full-text search: WHERE search_vector @@ websearch_to_tsquery(''english'', ''climate policy'') ORDER BY ts_rank_cd(search_vector, websearch_to_tsquery(''english'', ''climate policy'')) DESC (see docs/analyst-queries.sql).';
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
COMMENT ON COLUMN analytics.articles.body IS 'Article text without navigation, ads or comments; paragraphs separated by a blank line (latest version).';
COMMENT ON COLUMN analytics.articles.word_count IS 'Number of words in body (runs of non-space characters).';
COMMENT ON COLUMN analytics.articles.version IS 'Revision number: 1 when first loaded, +1 each time the title or body changed. Earlier versions are in analytics.article_versions.';
COMMENT ON COLUMN analytics.articles.first_seen_at IS 'When newsflow first loaded this article (UTC).';
COMMENT ON COLUMN analytics.articles.last_seen_at IS 'When newsflow last fetched this article (UTC), changed or not.';
COMMENT ON COLUMN analytics.articles.updated_at IS 'When the title, body or metadata (authors, dates, language, description) last changed (UTC).';
COMMENT ON COLUMN analytics.articles.syndication_count IS 'Number of other articles (on this or other sources) that are exact or near copies of this one; 0 when none.';
COMMENT ON COLUMN analytics.articles.search_vector IS 'Full-text search index of title (weight A) and body (weight B), stemmed in the article''s language (simple, i.e. unstemmed, when the language is unknown). Match it with websearch_to_tsquery(''english'', ''...'') or analytics.search_config(language).';

COMMENT ON VIEW analytics.article_duplicates IS
'One row per duplicate: an article whose text is the same as, or nearly the same as, an earlier original (syndication, copies, the same story under two URLs). Duplicates are hidden from analytics.articles.';
COMMENT ON COLUMN analytics.article_duplicates.duplicate_id IS 'article_id of the duplicate.';
COMMENT ON COLUMN analytics.article_duplicates.duplicate_url IS 'URL of the duplicate.';
COMMENT ON COLUMN analytics.article_duplicates.duplicate_source IS 'Source of the duplicate.';
COMMENT ON COLUMN analytics.article_duplicates.duplicate_title IS 'Headline of the duplicate (may differ from the original''s).';
COMMENT ON COLUMN analytics.article_duplicates.duplicate_published_at IS 'Publication time of the duplicate in UTC; NULL when unknown.';
COMMENT ON COLUMN analytics.article_duplicates.duplicate_first_seen_at IS 'When newsflow first loaded the duplicate (UTC).';
COMMENT ON COLUMN analytics.article_duplicates.original_id IS 'article_id of the original (a row of analytics.articles).';
COMMENT ON COLUMN analytics.article_duplicates.original_url IS 'URL of the original.';
COMMENT ON COLUMN analytics.article_duplicates.original_source IS 'Source of the original.';
COMMENT ON COLUMN analytics.article_duplicates.original_title IS 'Headline of the original.';
COMMENT ON COLUMN analytics.article_duplicates.original_published_at IS 'Publication time of the original in UTC; NULL when unknown.';
COMMENT ON COLUMN analytics.article_duplicates.similarity IS 'Estimated share of word sequences the two bodies have in common (Jaccard similarity of 4-word shingles, 0-1); 1 for exact copies.';
COMMENT ON COLUMN analytics.article_duplicates.match IS '''exact'' when the normalised bodies are identical, ''near'' when they are only similar (similarity at or above the configured threshold, 0.8 by default).';

COMMENT ON VIEW analytics.daily_source_counts IS
'Per source and publication day (UTC): how many original articles and duplicates were published, and the words in the originals. Articles without a publication date are not counted here. Days without articles have no row.';
COMMENT ON COLUMN analytics.daily_source_counts.source IS 'Name of the news source.';
COMMENT ON COLUMN analytics.daily_source_counts.published_date IS 'Publication day in UTC.';
COMMENT ON COLUMN analytics.daily_source_counts.articles IS 'Original articles (duplicates excluded) published that day.';
COMMENT ON COLUMN analytics.daily_source_counts.duplicates IS 'Articles of this source published that day that are copies of another article.';
COMMENT ON COLUMN analytics.daily_source_counts.words IS 'Total words in the bodies of the original articles (duplicates excluded).';

COMMENT ON VIEW analytics.article_versions IS
'Every version of every original article: earlier versions (is_current false) and the current one (is_current true, the same text as analytics.articles). An article that was never revised has a single row, version 1.';
COMMENT ON COLUMN analytics.article_versions.article_id IS 'The article (analytics.articles.article_id).';
COMMENT ON COLUMN analytics.article_versions.url IS 'Canonical URL of the article.';
COMMENT ON COLUMN analytics.article_versions.source IS 'Name of the news source.';
COMMENT ON COLUMN analytics.article_versions.version IS 'Revision number, 1 for the first version loaded.';
COMMENT ON COLUMN analytics.article_versions.title IS 'Headline of this version.';
COMMENT ON COLUMN analytics.article_versions.body IS 'Article text of this version.';
COMMENT ON COLUMN analytics.article_versions.word_count IS 'Number of words in the body of this version.';
COMMENT ON COLUMN analytics.article_versions.valid_from IS 'When newsflow first stored this version (UTC): when the previous version was replaced, or when the article was first loaded.';
COMMENT ON COLUMN analytics.article_versions.valid_to IS 'When newsflow found a newer version (UTC); NULL for the current version.';
COMMENT ON COLUMN analytics.article_versions.is_current IS 'True for the version shown in analytics.articles.';

COMMENT ON VIEW analytics.crawl_runs IS
'History of pipeline runs, newest first: when each ran, for which sources and publication days, how it ended and what it loaded. Counts are summed over the run''s sources.';
COMMENT ON COLUMN analytics.crawl_runs.run_id IS 'Identifier of the run.';
COMMENT ON COLUMN analytics.crawl_runs.trigger IS 'What started the run: ''cli'' (newsflow run), ''airflow'' (scheduled or backfill DAG run), ''reprocess'' (re-extraction of stored pages) or ''test''.';
COMMENT ON COLUMN analytics.crawl_runs.sources IS 'Names of the sources the run covered.';
COMMENT ON COLUMN analytics.crawl_runs.window_since IS 'First publication day the run asked for (inclusive); NULL when unbounded.';
COMMENT ON COLUMN analytics.crawl_runs.window_until IS 'Last publication day the run asked for (inclusive); NULL when unbounded.';
COMMENT ON COLUMN analytics.crawl_runs.started_at IS 'When the run started (UTC).';
COMMENT ON COLUMN analytics.crawl_runs.finished_at IS 'When the run finished (UTC); NULL while it is running or when it was killed.';
COMMENT ON COLUMN analytics.crawl_runs.duration IS 'finished_at - started_at; NULL while running.';
COMMENT ON COLUMN analytics.crawl_runs.status IS '''running'', ''success'' (every source loaded and passed its checks), ''partial'' (some sources failed, see error) or ''failed''.';
COMMENT ON COLUMN analytics.crawl_runs.pages_discovered IS 'Article URLs found in sitemaps, feeds and links.';
COMMENT ON COLUMN analytics.crawl_runs.pages_fetched IS 'Pages downloaded (or found unchanged on the server).';
COMMENT ON COLUMN analytics.crawl_runs.articles_new IS 'Articles loaded for the first time.';
COMMENT ON COLUMN analytics.crawl_runs.articles_updated IS 'Known articles whose text or metadata changed.';
COMMENT ON COLUMN analytics.crawl_runs.articles_unchanged IS 'Known articles fetched again without change.';
COMMENT ON COLUMN analytics.crawl_runs.duplicates IS 'Articles found to be copies of another article.';
COMMENT ON COLUMN analytics.crawl_runs.not_article IS 'Fetched pages that were not articles (index pages, too short, no text).';
COMMENT ON COLUMN analytics.crawl_runs.failed IS 'Pages that could not be fetched or extracted.';
COMMENT ON COLUMN analytics.crawl_runs.error IS 'Why the run was partial or failed; NULL on success.';

COMMENT ON VIEW analytics.crawl_run_sources IS
'One row per source in each run, newest first, with its counts and the extraction-quality figures of the checks that run after each load. Use it to spot a source whose extraction got worse (a site redesign).';
COMMENT ON COLUMN analytics.crawl_run_sources.run_id IS 'The run (analytics.crawl_runs.run_id).';
COMMENT ON COLUMN analytics.crawl_run_sources.source IS 'Name of the news source.';
COMMENT ON COLUMN analytics.crawl_run_sources.trigger IS 'What started the run (see analytics.crawl_runs.trigger).';
COMMENT ON COLUMN analytics.crawl_run_sources.started_at IS 'When this source''s part of the run started (UTC).';
COMMENT ON COLUMN analytics.crawl_run_sources.finished_at IS 'When this source''s part of the run finished (UTC); NULL while running.';
COMMENT ON COLUMN analytics.crawl_run_sources.status IS '''running'', ''success'' or ''failed'' (see error).';
COMMENT ON COLUMN analytics.crawl_run_sources.pages_discovered IS 'Article URLs found for this source.';
COMMENT ON COLUMN analytics.crawl_run_sources.pages_fetched IS 'Pages of this source downloaded (or found unchanged).';
COMMENT ON COLUMN analytics.crawl_run_sources.articles_new IS 'Articles loaded for the first time.';
COMMENT ON COLUMN analytics.crawl_run_sources.articles_updated IS 'Known articles whose text or metadata changed.';
COMMENT ON COLUMN analytics.crawl_run_sources.articles_unchanged IS 'Known articles fetched again without change.';
COMMENT ON COLUMN analytics.crawl_run_sources.duplicates IS 'Articles found to be copies of another article.';
COMMENT ON COLUMN analytics.crawl_run_sources.not_article IS 'Fetched pages that were not articles.';
COMMENT ON COLUMN analytics.crawl_run_sources.failed IS 'Pages that could not be fetched or extracted.';
COMMENT ON COLUMN analytics.crawl_run_sources.article_share IS 'Share (0-1) of fetched pages that yielded an article (new, updated, unchanged or duplicate); NULL when nothing was fetched. A sudden drop usually means the site changed its layout.';
COMMENT ON COLUMN analytics.crawl_run_sources.title_share IS 'Share (0-1) of the articles loaded in this run that have a title; NULL when the run was too small to check.';
COMMENT ON COLUMN analytics.crawl_run_sources.date_share IS 'Share (0-1) of the articles loaded in this run that have a publication date; NULL when not checked.';
COMMENT ON COLUMN analytics.crawl_run_sources.author_share IS 'Share (0-1) of the articles loaded in this run that name an author; NULL when not checked.';
COMMENT ON COLUMN analytics.crawl_run_sources.empty_body_share IS 'Share (0-1) of the articles loaded in this run whose body is empty; NULL when not checked.';
COMMENT ON COLUMN analytics.crawl_run_sources.quality_checked IS 'True when the quality checks ran; false when the run fetched too few pages to judge; NULL before the checks ran.';
COMMENT ON COLUMN analytics.crawl_run_sources.quality_breaches IS 'The quality checks that failed, in words; empty when all passed or none ran.';
COMMENT ON COLUMN analytics.crawl_run_sources.error IS 'Why this source failed; NULL on success.';

-- ---------------------------------------------------------------------------------
-- Comments: warehouse tables (written by newsflow; analysts use the views above)
-- ---------------------------------------------------------------------------------

COMMENT ON TABLE warehouse.schema_migrations IS 'Which migrations (sql/migrations/NNNN_name.sql) have been applied to this database; written by newsflow db upgrade.';
COMMENT ON COLUMN warehouse.schema_migrations.version IS 'Migration number (NNNN of the file name).';
COMMENT ON COLUMN warehouse.schema_migrations.name IS 'Migration name (the rest of the file name).';
COMMENT ON COLUMN warehouse.schema_migrations.checksum IS 'SHA-256 of the file as applied; newsflow refuses to run when an applied file has changed.';
COMMENT ON COLUMN warehouse.schema_migrations.applied_at IS 'When the migration was applied (UTC).';

COMMENT ON TABLE warehouse.crawl_runs IS 'One row per pipeline run (newsflow run, an Airflow DAG run, a reprocessing), with its window, status and counts summed over its sources.';
COMMENT ON COLUMN warehouse.crawl_runs.run_id IS 'Identifier of the run; stored on every article the run changed.';
COMMENT ON COLUMN warehouse.crawl_runs.trigger IS 'What started the run: cli, airflow, reprocess or test.';
COMMENT ON COLUMN warehouse.crawl_runs.external_id IS 'Identifier of the run in the scheduler (Airflow dag_id/run_id); a retried DAG run reuses its row. NULL for CLI runs.';
COMMENT ON COLUMN warehouse.crawl_runs.sources IS 'Names of the sources the run covered.';
COMMENT ON COLUMN warehouse.crawl_runs.window_since IS 'First publication day asked for (inclusive); NULL when unbounded.';
COMMENT ON COLUMN warehouse.crawl_runs.window_until IS 'Last publication day asked for (inclusive); NULL when unbounded.';
COMMENT ON COLUMN warehouse.crawl_runs.started_at IS 'When the run started (UTC).';
COMMENT ON COLUMN warehouse.crawl_runs.finished_at IS 'When the run finished (UTC); NULL while running.';
COMMENT ON COLUMN warehouse.crawl_runs.status IS 'running, success, partial (some sources failed) or failed.';
COMMENT ON COLUMN warehouse.crawl_runs.pages_discovered IS 'Article URLs found, summed over sources.';
COMMENT ON COLUMN warehouse.crawl_runs.pages_fetched IS 'Pages downloaded or found unchanged, summed over sources.';
COMMENT ON COLUMN warehouse.crawl_runs.articles_new IS 'Articles loaded for the first time.';
COMMENT ON COLUMN warehouse.crawl_runs.articles_updated IS 'Known articles whose text or metadata changed.';
COMMENT ON COLUMN warehouse.crawl_runs.articles_unchanged IS 'Known articles fetched again without change.';
COMMENT ON COLUMN warehouse.crawl_runs.duplicates IS 'Articles found to be copies of another article.';
COMMENT ON COLUMN warehouse.crawl_runs.not_article IS 'Fetched pages that were not articles.';
COMMENT ON COLUMN warehouse.crawl_runs.failed IS 'Pages that could not be fetched or extracted.';
COMMENT ON COLUMN warehouse.crawl_runs.error IS 'Why the run was partial or failed; NULL on success.';

COMMENT ON TABLE warehouse.crawl_run_sources IS 'One row per source in each run: its status, counts, crawler statistics and quality-check results.';
COMMENT ON COLUMN warehouse.crawl_run_sources.run_id IS 'The run (warehouse.crawl_runs).';
COMMENT ON COLUMN warehouse.crawl_run_sources.source IS 'Name of the news source.';
COMMENT ON COLUMN warehouse.crawl_run_sources.started_at IS 'When this source''s part of the run started (UTC).';
COMMENT ON COLUMN warehouse.crawl_run_sources.finished_at IS 'When it finished (UTC); NULL while running.';
COMMENT ON COLUMN warehouse.crawl_run_sources.status IS 'running, success or failed.';
COMMENT ON COLUMN warehouse.crawl_run_sources.pages_discovered IS 'Article URLs found for this source.';
COMMENT ON COLUMN warehouse.crawl_run_sources.pages_fetched IS 'Pages downloaded or found unchanged.';
COMMENT ON COLUMN warehouse.crawl_run_sources.articles_new IS 'Articles loaded for the first time.';
COMMENT ON COLUMN warehouse.crawl_run_sources.articles_updated IS 'Known articles whose text or metadata changed.';
COMMENT ON COLUMN warehouse.crawl_run_sources.articles_unchanged IS 'Known articles fetched again without change.';
COMMENT ON COLUMN warehouse.crawl_run_sources.duplicates IS 'Articles found to be copies of another article.';
COMMENT ON COLUMN warehouse.crawl_run_sources.not_article IS 'Fetched pages that were not articles.';
COMMENT ON COLUMN warehouse.crawl_run_sources.failed IS 'Pages that could not be fetched or extracted.';
COMMENT ON COLUMN warehouse.crawl_run_sources.crawl_stats IS 'The crawler''s own statistics for this source (JSON: requests, responses by status, robots.txt refusals, ...).';
COMMENT ON COLUMN warehouse.crawl_run_sources.quality IS 'Result of the quality checks (JSON: checked, metrics with shares 0-1, breaches as sentences); empty object before the checks ran.';
COMMENT ON COLUMN warehouse.crawl_run_sources.error IS 'Why this source failed; NULL on success.';

COMMENT ON TABLE warehouse.articles IS 'One row per canonical URL: the latest version of every article loaded, originals and duplicates alike (duplicate_of tells them apart). Analysts use analytics.articles.';
COMMENT ON COLUMN warehouse.articles.article_id IS 'Stable identifier of the article; never reused.';
COMMENT ON COLUMN warehouse.articles.url IS 'Canonical URL (the page''s declared canonical link, else the fetched URL, normalised); unique.';
COMMENT ON COLUMN warehouse.articles.fetched_url IS 'The URL the page was actually downloaded from (after redirects); NULL when unknown.';
COMMENT ON COLUMN warehouse.articles.source IS 'Name of the news source in the sources file.';
COMMENT ON COLUMN warehouse.articles.title IS 'Headline (latest version).';
COMMENT ON COLUMN warehouse.articles.authors IS 'Author names in byline order; empty array when none is named.';
COMMENT ON COLUMN warehouse.articles.published_at IS 'Publication time in UTC; NULL when the page gives no date; midnight UTC when only the day is known.';
COMMENT ON COLUMN warehouse.articles.published_date_only IS 'True when only the publication day is known, not the time.';
COMMENT ON COLUMN warehouse.articles.language IS 'ISO 639-1 language code; NULL when unknown.';
COMMENT ON COLUMN warehouse.articles.description IS 'Summary or meta description given by the page; NULL when none.';
COMMENT ON COLUMN warehouse.articles.body IS 'Article text, paragraphs separated by a blank line (latest version).';
COMMENT ON COLUMN warehouse.articles.content_hash IS 'Hash of the normalised body; equal hashes mean exact duplicates.';
COMMENT ON COLUMN warehouse.articles.duplicate_of IS 'article_id of the original this article copies (exact or near duplicate); NULL for originals.';
COMMENT ON COLUMN warehouse.articles.similarity IS 'Jaccard similarity (0-1) of this duplicate''s body to its original''s; 1 for exact copies; NULL for originals.';
COMMENT ON COLUMN warehouse.articles.version IS 'Revision number: 1 when first loaded, +1 each time title or body changed (earlier versions in warehouse.article_versions).';
COMMENT ON COLUMN warehouse.articles.extractor_version IS 'Version of the newsflow extractor that produced title, body and metadata; articles from older extractors can be re-extracted from the archive.';
COMMENT ON COLUMN warehouse.articles.first_seen_at IS 'When the article was first loaded (UTC).';
COMMENT ON COLUMN warehouse.articles.last_seen_at IS 'When the article was last fetched, changed or not (UTC).';
COMMENT ON COLUMN warehouse.articles.updated_at IS 'When anything but last_seen_at last changed (UTC).';
COMMENT ON COLUMN warehouse.articles.run_id IS 'The run that last changed this row.';
COMMENT ON COLUMN warehouse.articles.published_date IS 'Publication day in UTC (computed from published_at).';
COMMENT ON COLUMN warehouse.articles.word_count IS 'Number of words in body (computed).';
COMMENT ON COLUMN warehouse.articles.search_vector IS 'Full-text search index of title (weight A) and the first 300,000 characters of body (weight B), in the article''s language (computed).';

COMMENT ON TABLE warehouse.article_versions IS 'Earlier versions of revised articles: the title and body an article had before each change. The current version is in warehouse.articles.';
COMMENT ON COLUMN warehouse.article_versions.article_id IS 'The article (warehouse.articles).';
COMMENT ON COLUMN warehouse.article_versions.version IS 'Revision number of this earlier version.';
COMMENT ON COLUMN warehouse.article_versions.title IS 'Headline of this version.';
COMMENT ON COLUMN warehouse.article_versions.body IS 'Article text of this version.';
COMMENT ON COLUMN warehouse.article_versions.content_hash IS 'Hash of the normalised body of this version.';
COMMENT ON COLUMN warehouse.article_versions.valid_from IS 'When this version was first stored (UTC).';
COMMENT ON COLUMN warehouse.article_versions.valid_to IS 'When it was replaced by a newer version (UTC).';
COMMENT ON COLUMN warehouse.article_versions.run_id IS 'The run that last changed the article while this version was current.';

COMMENT ON TABLE warehouse.crawl_state IS 'Per-URL crawl bookkeeping for incremental crawls: when each URL was discovered and fetched, the HTTP validators for conditional requests, and where the raw response is archived.';
COMMENT ON COLUMN warehouse.crawl_state.url IS 'Article URL as discovered.';
COMMENT ON COLUMN warehouse.crawl_state.source IS 'Name of the news source.';
COMMENT ON COLUMN warehouse.crawl_state.discovered_lastmod IS 'Last-modified time the sitemap or feed gave for the URL (UTC); NULL when none.';
COMMENT ON COLUMN warehouse.crawl_state.first_discovered_at IS 'When the URL was first discovered (UTC).';
COMMENT ON COLUMN warehouse.crawl_state.last_discovered_at IS 'When the URL was last seen in discovery (UTC).';
COMMENT ON COLUMN warehouse.crawl_state.last_fetched_at IS 'When the URL was last fetched (UTC); NULL when never.';
COMMENT ON COLUMN warehouse.crawl_state.http_status IS 'HTTP status of the last fetch; NULL when never fetched.';
COMMENT ON COLUMN warehouse.crawl_state.outcome IS 'What the last fetch led to, as recorded by the crawler; NULL when never fetched.';
COMMENT ON COLUMN warehouse.crawl_state.failure_reason IS 'Why the last fetch or extraction failed; NULL otherwise.';
COMMENT ON COLUMN warehouse.crawl_state.etag IS 'ETag header of the last response, sent back as If-None-Match.';
COMMENT ON COLUMN warehouse.crawl_state.last_modified IS 'Last-Modified header of the last response, sent back as If-Modified-Since.';
COMMENT ON COLUMN warehouse.crawl_state.fetched_url IS 'URL finally fetched after redirects.';
COMMENT ON COLUMN warehouse.crawl_state.content_type IS 'Content-Type header of the last response.';
COMMENT ON COLUMN warehouse.crawl_state.warc_path IS 'WARC archive file holding the last raw response; NULL when nothing is archived.';
COMMENT ON COLUMN warehouse.crawl_state.warc_offset IS 'Byte offset of the response record in the WARC file.';
COMMENT ON COLUMN warehouse.crawl_state.warc_length IS 'Length in bytes of the response record in the WARC file.';
COMMENT ON COLUMN warehouse.crawl_state.pending_extract IS 'True while the fetched page still waits for extraction and loading.';
COMMENT ON COLUMN warehouse.crawl_state.run_id IS 'The run that last fetched the URL.';

COMMENT ON TABLE warehouse.article_signatures IS 'Near-duplicate index: the MinHash signature of every article body (except pure unchanged re-loads), used to find copies of new articles across runs and sources.';
COMMENT ON COLUMN warehouse.article_signatures.article_id IS 'The article (warehouse.articles).';
COMMENT ON COLUMN warehouse.article_signatures.minhash IS 'MinHash signature of the body''s word shingles: num_perm little-endian unsigned 32-bit values (datasketch affine32 scheme; parameters in warehouse.dedup_index).';

COMMENT ON TABLE warehouse.article_lsh_bands IS 'Near-duplicate index: one row per LSH band of each signature. Articles sharing a (band, bucket) are candidate duplicates, checked against their bodies before they are linked.';
COMMENT ON COLUMN warehouse.article_lsh_bands.band IS 'Band number, 0 to bands - 1 (see warehouse.dedup_index).';
COMMENT ON COLUMN warehouse.article_lsh_bands.bucket IS 'Hash of the signature values in this band.';
COMMENT ON COLUMN warehouse.article_lsh_bands.article_id IS 'The article (warehouse.articles).';

COMMENT ON TABLE warehouse.dedup_index IS 'How the near-duplicate index was built (a single row). When the configured threshold or the signature parameters change, the loader rebuilds the bands (and, if needed, the signatures) before using the index.';
COMMENT ON COLUMN warehouse.dedup_index.singleton IS 'Always true: keeps this table to one row.';
COMMENT ON COLUMN warehouse.dedup_index.num_perm IS 'Number of MinHash permutations (values per signature).';
COMMENT ON COLUMN warehouse.dedup_index.bands IS 'Number of LSH bands per signature.';
COMMENT ON COLUMN warehouse.dedup_index.rows_per_band IS 'Signature values per band (bands x rows_per_band <= num_perm).';
COMMENT ON COLUMN warehouse.dedup_index.shingle_words IS 'Words per shingle used for the signatures.';
COMMENT ON COLUMN warehouse.dedup_index.built_at IS 'When the index parameters were last set (UTC).';
