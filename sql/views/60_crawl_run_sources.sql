-- analytics.crawl_run_sources: the current definition, re-applied by every upgrade (see sql/README.md).

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
           / nullif(s.pages_fetched - s.held_by_date - s.other_language, 0) AS article_share,
       (s.quality -> 'metrics' ->> 'title_share')::double precision AS title_share,
       (s.quality -> 'metrics' ->> 'date_share')::double precision AS date_share,
       (s.quality -> 'metrics' ->> 'author_share')::double precision AS author_share,
       (s.quality -> 'metrics' ->> 'empty_body_share')::double precision AS empty_body_share,
       (s.quality -> 'metrics' ->> 'image_share')::double precision AS image_share,
       (s.quality -> 'metrics' ->> 'section_share')::double precision AS section_share,
       (s.quality -> 'metrics' ->> 'tags_share')::double precision AS tags_share,
       (s.quality -> 'metrics' ->> 'modified_share')::double precision AS modified_share,
       (s.quality ->> 'checked')::boolean AS quality_checked,
       ARRAY(SELECT jsonb_array_elements_text(
                 CASE WHEN jsonb_typeof(s.quality -> 'breaches') = 'array'
                      THEN s.quality -> 'breaches' ELSE '[]'::jsonb END)) AS quality_breaches,
       s.error,
       s.held_by_date,
       s.discovery_failed,
       s.discovery_recovered,
       ARRAY(SELECT jsonb_array_elements_text(
                 CASE WHEN jsonb_typeof(s.crawl_stats -> 'failed_documents') = 'array'
                      THEN s.crawl_stats -> 'failed_documents' ELSE '[]'::jsonb END)) AS failed_documents,
       s.blocked,
       COALESCE((s.crawl_stats ->> 'skipped_blocked_host')::integer, 0) AS skipped_blocked_host,
       s.other_language,
       (s.quality -> 'metrics' ->> 'truncated_share')::double precision AS truncated_share,
       s.discovery_not_modified,
       s.discovery_unchanged
FROM warehouse.crawl_run_sources s
JOIN warehouse.crawl_runs r ON r.run_id = s.run_id
ORDER BY s.started_at DESC, s.source;

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
COMMENT ON COLUMN analytics.crawl_run_sources.failed IS 'Article pages that could not be fetched or extracted (sitemaps, feeds and section pages: discovery_failed).';
COMMENT ON COLUMN analytics.crawl_run_sources.article_share IS 'Share (0-1) of the pages fetched for this run''s window that yielded an article (new, updated, unchanged or duplicate); pages held for another day and articles in a language the source does not keep are left out. NULL when none were fetched.';
COMMENT ON COLUMN analytics.crawl_run_sources.title_share IS 'Share (0-1) of the articles loaded in this run that have a title; NULL when the run was too small to check.';
COMMENT ON COLUMN analytics.crawl_run_sources.date_share IS 'Share (0-1) of the articles loaded in this run that have a publication date; NULL when not checked.';
COMMENT ON COLUMN analytics.crawl_run_sources.author_share IS 'Share (0-1) of the articles loaded in this run that name an author; NULL when not checked.';
COMMENT ON COLUMN analytics.crawl_run_sources.empty_body_share IS 'Share (0-1) of the articles loaded in this run whose body is empty; NULL when not checked.';
COMMENT ON COLUMN analytics.crawl_run_sources.image_share IS 'Share (0-1) of the articles loaded in this run that have a top image (top_image_url); reported, not checked; NULL when the run was too small to check.';
COMMENT ON COLUMN analytics.crawl_run_sources.section_share IS 'Share (0-1) of the articles loaded in this run that have a section; reported, not checked; NULL when the run was too small to check.';
COMMENT ON COLUMN analytics.crawl_run_sources.tags_share IS 'Share (0-1) of the articles loaded in this run that have at least one tag; reported, not checked; NULL when the run was too small to check.';
COMMENT ON COLUMN analytics.crawl_run_sources.modified_share IS 'Share (0-1) of the articles loaded in this run that give a modification time (modified_at); reported, not checked; NULL when the run was too small to check.';
COMMENT ON COLUMN analytics.crawl_run_sources.quality_checked IS 'True when the quality checks ran; false when the run fetched too few pages to judge; NULL before the checks ran.';
COMMENT ON COLUMN analytics.crawl_run_sources.quality_breaches IS 'The quality checks that failed, in words; empty when all passed or none ran.';
COMMENT ON COLUMN analytics.crawl_run_sources.error IS 'Why this source failed; NULL on success.';
COMMENT ON COLUMN analytics.crawl_run_sources.held_by_date IS 'Fetched articles published outside the run''s window, left for the run that covers their day.';
COMMENT ON COLUMN analytics.crawl_run_sources.discovery_failed IS 'Sitemaps, feeds and section pages that could not be fetched or parsed (the crawl went on with the rest); not counted in failed.';
COMMENT ON COLUMN analytics.crawl_run_sources.discovery_recovered IS 'Sitemaps and feeds that were not well-formed and were read as far as they went (recovery mode); not counted in discovery_failed.';
COMMENT ON COLUMN analytics.crawl_run_sources.failed_documents IS 'The sitemaps, feeds and start pages of this source that could not be read, each with what went wrong (at most a few); empty when all were read. When every one failed, the source failed.';
COMMENT ON COLUMN analytics.crawl_run_sources.blocked IS 'Article pages of this source a bot wall (a challenge or block page of Cloudflare, AWS WAF, Akamai, DataDome, PerimeterX or a captcha) answered instead of the page; not counted in failed. When most pages are blocked, the source fails its checks.';
COMMENT ON COLUMN analytics.crawl_run_sources.skipped_blocked_host IS 'Article pages of this source not asked for because their host had walled several pages in a row in this run; they are asked again in the next run.';
COMMENT ON COLUMN analytics.crawl_run_sources.other_language IS 'Articles of this source in a language it does not keep (languages: in the sources file); not loaded, not counted in not_article.';
COMMENT ON COLUMN analytics.crawl_run_sources.truncated_share IS 'Share (0-1) of the articles loaded in this run whose body a paywall cut off (analytics.articles.truncated); NULL when the run was not checked or ran before newsflow recorded paywalls (extractor 2026.12.1).';
COMMENT ON COLUMN analytics.crawl_run_sources.discovery_not_modified IS 'Discovery documents of this source (sitemaps, feeds, section pages) not downloaded again because they had not changed: answered 304 to a conditional request, or a child sitemap whose lastmod in its index was unchanged (not requested).';
COMMENT ON COLUMN analytics.crawl_run_sources.discovery_unchanged IS 'Discovery documents of this source downloaded in full (its server gave no validators, or ignored them) whose body had the same SHA-256 as last time: not parsed again.';
