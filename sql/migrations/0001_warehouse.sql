-- The warehouse: what newsflow loads. Analysts read the views in schema analytics
-- (later migrations); these tables are written only by newsflow.

CREATE SCHEMA IF NOT EXISTS warehouse;

CREATE TABLE warehouse.crawl_runs (
    run_id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    trigger             text NOT NULL DEFAULT 'cli'
                        CHECK (trigger IN ('cli', 'airflow', 'reprocess', 'test')),
    external_id         text,
    sources             text[] NOT NULL DEFAULT '{}',
    window_since        date,
    window_until        date,
    started_at          timestamptz NOT NULL DEFAULT now(),
    finished_at         timestamptz,
    status              text NOT NULL DEFAULT 'running'
                        CHECK (status IN ('running', 'success', 'partial', 'failed')),
    pages_discovered    integer NOT NULL DEFAULT 0,
    pages_fetched       integer NOT NULL DEFAULT 0,
    articles_new        integer NOT NULL DEFAULT 0,
    articles_updated    integer NOT NULL DEFAULT 0,
    articles_unchanged  integer NOT NULL DEFAULT 0,
    duplicates          integer NOT NULL DEFAULT 0,
    not_article         integer NOT NULL DEFAULT 0,
    failed              integer NOT NULL DEFAULT 0,
    error               text
);
CREATE UNIQUE INDEX crawl_runs_external_id_key ON warehouse.crawl_runs (external_id)
    WHERE external_id IS NOT NULL;

CREATE TABLE warehouse.crawl_run_sources (
    run_id              bigint NOT NULL REFERENCES warehouse.crawl_runs (run_id) ON DELETE CASCADE,
    source              text NOT NULL,
    started_at          timestamptz NOT NULL DEFAULT now(),
    finished_at         timestamptz,
    status              text NOT NULL DEFAULT 'running'
                        CHECK (status IN ('running', 'success', 'failed')),
    pages_discovered    integer NOT NULL DEFAULT 0,
    pages_fetched       integer NOT NULL DEFAULT 0,
    articles_new        integer NOT NULL DEFAULT 0,
    articles_updated    integer NOT NULL DEFAULT 0,
    articles_unchanged  integer NOT NULL DEFAULT 0,
    duplicates          integer NOT NULL DEFAULT 0,
    not_article         integer NOT NULL DEFAULT 0,
    failed              integer NOT NULL DEFAULT 0,
    crawl_stats         jsonb NOT NULL DEFAULT '{}',
    quality             jsonb NOT NULL DEFAULT '{}',
    error               text,
    PRIMARY KEY (run_id, source)
);

CREATE TABLE warehouse.articles (
    article_id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    url                 text NOT NULL UNIQUE,
    fetched_url         text,
    source              text NOT NULL,
    title               text NOT NULL,
    authors             text[] NOT NULL DEFAULT '{}',
    published_at        timestamptz,
    published_date_only boolean NOT NULL DEFAULT false,
    language            text,
    description         text,
    body                text NOT NULL,
    content_hash        text NOT NULL,
    duplicate_of        bigint REFERENCES warehouse.articles (article_id),
    similarity          real,
    version             integer NOT NULL DEFAULT 1,
    extractor_version   text NOT NULL,
    first_seen_at       timestamptz NOT NULL DEFAULT now(),
    last_seen_at        timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    run_id              bigint REFERENCES warehouse.crawl_runs (run_id),
    CHECK (duplicate_of IS NULL OR duplicate_of <> article_id)
);
CREATE INDEX articles_content_hash_idx ON warehouse.articles (content_hash);
CREATE INDEX articles_duplicate_of_idx ON warehouse.articles (duplicate_of)
    WHERE duplicate_of IS NOT NULL;
CREATE INDEX articles_source_published_idx ON warehouse.articles (source, published_at);
CREATE INDEX articles_published_idx ON warehouse.articles (published_at);

CREATE TABLE warehouse.article_versions (
    article_id          bigint NOT NULL REFERENCES warehouse.articles (article_id) ON DELETE CASCADE,
    version             integer NOT NULL,
    title               text NOT NULL,
    body                text NOT NULL,
    content_hash        text NOT NULL,
    valid_from          timestamptz NOT NULL,
    valid_to            timestamptz NOT NULL,
    run_id              bigint REFERENCES warehouse.crawl_runs (run_id),
    PRIMARY KEY (article_id, version)
);

CREATE TABLE warehouse.crawl_state (
    url                 text PRIMARY KEY,
    source              text NOT NULL,
    discovered_lastmod  timestamptz,
    first_discovered_at timestamptz NOT NULL DEFAULT now(),
    last_discovered_at  timestamptz NOT NULL DEFAULT now(),
    last_fetched_at     timestamptz,
    http_status         integer,
    outcome             text,
    failure_reason      text,
    etag                text,
    last_modified       text,
    fetched_url         text,
    content_type        text,
    warc_path           text,
    warc_offset         bigint,
    warc_length         bigint,
    pending_extract     boolean NOT NULL DEFAULT false,
    run_id              bigint REFERENCES warehouse.crawl_runs (run_id)
);
CREATE INDEX crawl_state_pending_idx ON warehouse.crawl_state (source) WHERE pending_extract;
