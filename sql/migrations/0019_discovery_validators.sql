-- Conditional discovery: what the crawler remembers of each discovery document (sitemap,
-- sitemap index, feed, a page read for the feeds it announces, a robots.txt read for its
-- Sitemap: lines, a section page followed for its links), per source, so that a quiet
-- night asks only conditional questions (crawlers/discovery_state.py,
-- crawlers/conditional.py):
-- - the validators the server gave (ETag, Last-Modified) are sent back as
--   If-None-Match / If-Modified-Since; a 304 is not parsed;
-- - a server without validators: the SHA-256 of the body is compared with the last
--   one, and an unchanged document is not parsed again;
-- - a child sitemap whose <lastmod> in its index is the one recorded at its last
--   successful read is not requested at all;
-- - the documents a document led to (an index's children with their lastmod, the feeds
--   a page announces, the sitemaps robots.txt lists, the section pages a section page
--   links to) are kept, so a document that was not read again still leads to them.
-- A row is written only by a crawl that finished with every admitted page handled; a
-- failed read clears the validators, so it never counts as seen.
-- Two new run counters: discovery_not_modified (no body transferred: answered 304, or a
-- child sitemap not requested) and discovery_unchanged (downloaded, same SHA-256, not
-- parsed). The analytics views gain the columns with their next definition (sql/views).

CREATE TABLE warehouse.discovery_state (
    source          text NOT NULL,
    kind            text NOT NULL
        CONSTRAINT discovery_state_kind_check CHECK (kind IN (
            'sitemap', 'feed', 'feed_links', 'robots_sitemaps', 'navigation')),
    url             text NOT NULL,
    etag            text,
    last_modified   text,
    body_sha256     text,
    index_lastmod   timestamptz,
    children        jsonb NOT NULL DEFAULT '[]'::jsonb,
    last_fetched_at timestamptz,
    last_changed_at timestamptz,
    failed_attempts integer NOT NULL DEFAULT 0,
    failure_reason  text,
    run_id          bigint,
    PRIMARY KEY (source, kind, url)
);

COMMENT ON TABLE warehouse.discovery_state IS
    'Per source and discovery document (sitemap, feed, section page...): the validators and body hash of its last successful read, for conditional requests on the next run, and the documents it led to. Section pages'' failures and their wait before the next try are in crawl_state (kind navigation).';
COMMENT ON COLUMN warehouse.discovery_state.source IS
    'The source that reads the document (two sources may read one sitemap differently).';
COMMENT ON COLUMN warehouse.discovery_state.kind IS
    'sitemap (a sitemap or sitemap index), feed, feed_links (a page read for the feeds it announces), robots_sitemaps (a robots.txt read for its Sitemap: lines) or navigation (a section page followed for its links).';
COMMENT ON COLUMN warehouse.discovery_state.url IS
    'The document''s URL as requested (before redirects).';
COMMENT ON COLUMN warehouse.discovery_state.etag IS
    'ETag of the last successful read, sent back as If-None-Match; NULL when the server gave none.';
COMMENT ON COLUMN warehouse.discovery_state.last_modified IS
    'Last-Modified header of the last successful read, verbatim, sent back as If-Modified-Since; NULL when the server gave none.';
COMMENT ON COLUMN warehouse.discovery_state.body_sha256 IS
    'SHA-256 (hex) of the body of the last successful read (as received, before decompression of .gz): a body with the same hash is not parsed again.';
COMMENT ON COLUMN warehouse.discovery_state.index_lastmod IS
    'For a child sitemap: the <lastmod> its sitemap index gave when it was last read successfully. While the index gives the same lastmod, the child is not requested. NULL: none given, or the last read failed.';
COMMENT ON COLUMN warehouse.discovery_state.children IS
    'The documents this one led to at its last read, as [{"url": ..., "lastmod": ...}]: child sitemaps (with the index''s lastmod), announced feeds, sitemaps listed by robots.txt, linked section pages. Followed when the document is not read again.';
COMMENT ON COLUMN warehouse.discovery_state.last_fetched_at IS
    'When the document was last found unchanged or read (UTC).';
COMMENT ON COLUMN warehouse.discovery_state.last_changed_at IS
    'When the document was last downloaded with a body different from the one before (UTC).';
COMMENT ON COLUMN warehouse.discovery_state.failed_attempts IS
    'Consecutive failed reads (0 after a success). Sitemaps and feeds are asked again on every run; section pages wait like failed articles (crawl_state).';
COMMENT ON COLUMN warehouse.discovery_state.failure_reason IS
    'Why the last read failed (http_404, malformed, timeout...); NULL after a success.';
COMMENT ON COLUMN warehouse.discovery_state.run_id IS
    'The run that last wrote the row.';

ALTER TABLE warehouse.crawl_runs
    ADD COLUMN discovery_not_modified integer NOT NULL DEFAULT 0,
    ADD COLUMN discovery_unchanged integer NOT NULL DEFAULT 0;
ALTER TABLE warehouse.crawl_run_sources
    ADD COLUMN discovery_not_modified integer NOT NULL DEFAULT 0,
    ADD COLUMN discovery_unchanged integer NOT NULL DEFAULT 0;

COMMENT ON COLUMN warehouse.crawl_runs.discovery_not_modified IS
    'Discovery documents (sitemaps, feeds, section pages) not downloaded again because they had not changed: answered 304 to a conditional request, or a child sitemap whose lastmod in its index was unchanged (not requested).';
COMMENT ON COLUMN warehouse.crawl_runs.discovery_unchanged IS
    'Discovery documents downloaded in full (the server gave no validators, or ignored them) whose body had the same SHA-256 as last time: not parsed again.';
COMMENT ON COLUMN warehouse.crawl_run_sources.discovery_not_modified IS
    'Discovery documents (sitemaps, feeds, section pages) not downloaded again because they had not changed: answered 304 to a conditional request, or a child sitemap whose lastmod in its index was unchanged (not requested).';
COMMENT ON COLUMN warehouse.crawl_run_sources.discovery_unchanged IS
    'Discovery documents downloaded in full (the server gave no validators, or ignored them) whose body had the same SHA-256 as last time: not parsed again.';
