-- analytics.crawl_runs: the current definition, re-applied by every upgrade (see sql/README.md).

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
       r.error,
       r.held_by_date,
       r.discovery_failed,
       r.discovery_recovered,
       r.blocked,
       r.other_language,
       r.discovery_not_modified,
       r.discovery_unchanged
FROM warehouse.crawl_runs r
ORDER BY r.started_at DESC, r.run_id DESC;

COMMENT ON VIEW analytics.crawl_runs IS
'History of pipeline runs, newest first: when each ran, for which sources and publication days, how it ended and what it loaded. Counts are summed over the run''s sources.';
COMMENT ON COLUMN analytics.crawl_runs.run_id IS 'Identifier of the run.';
COMMENT ON COLUMN analytics.crawl_runs.trigger IS 'What started the run: ''cli'' (newsflow run), ''airflow'' (scheduled or backfill DAG run), ''reprocess'' (re-extraction of stored pages), ''import'' (newsflow import-warc: history from WARC files) or ''test''.';
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
COMMENT ON COLUMN analytics.crawl_runs.failed IS 'Article pages that could not be fetched or extracted (sitemaps, feeds and section pages: discovery_failed).';
COMMENT ON COLUMN analytics.crawl_runs.error IS 'Why the run was partial or failed; NULL on success.';
COMMENT ON COLUMN analytics.crawl_runs.held_by_date IS 'Fetched articles published outside the run''s window, left for the run that covers their day.';
COMMENT ON COLUMN analytics.crawl_runs.discovery_failed IS 'Sitemaps, feeds and section pages that could not be fetched or parsed (the crawl went on with the rest); not counted in failed.';
COMMENT ON COLUMN analytics.crawl_runs.discovery_recovered IS 'Sitemaps and feeds that were not well-formed and were read as far as they went (recovery mode); not counted in discovery_failed.';
COMMENT ON COLUMN analytics.crawl_runs.other_language IS 'Articles in a language their source does not keep (languages: in the sources file); not loaded.';
COMMENT ON COLUMN analytics.crawl_runs.blocked IS 'Article pages a bot wall (a challenge or block page of Cloudflare, AWS WAF, Akamai, DataDome, PerimeterX or a captcha) answered instead of the page; not counted in failed. newsflow never solves or gets around a wall.';
COMMENT ON COLUMN analytics.crawl_runs.discovery_not_modified IS 'Discovery documents (sitemaps, feeds, section pages) not downloaded again because they had not changed: answered 304 to a conditional request, or a child sitemap whose lastmod in its index was unchanged (not requested). High on a quiet night.';
COMMENT ON COLUMN analytics.crawl_runs.discovery_unchanged IS 'Discovery documents downloaded in full (the server gave no validators, or ignored them) whose body had the same SHA-256 as last time: not parsed again.';
