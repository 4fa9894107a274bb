-- newsflow: example queries for analysts.
--
-- Every query reads the views in schema analytics (documented column by column in
-- docs/schema.md; in psql: \d+ analytics.articles). Duplicates are already hidden from
-- analytics.articles and every time is UTC. Change the dates, URLs and search words to
-- your needs. Each query below starts with a "-- name:" line; the test suite runs every
-- one of them against a small loaded database and checks its result.
--
-- Full-text search: analytics.articles.search_vector holds the title (weight A) and the
-- body (weight B), stemmed in the article's own language. Search with the configuration
-- of the language you write your words in ('english', 'german', ... or
-- analytics.search_config('de')) and websearch_to_tsquery, which understands
-- "quoted phrases", OR and -exclusions like a search engine. Stems are language
-- specific (an English query may still match a French word with the same stem, and
-- articles of unknown language are indexed unstemmed, as 'simple'), so filter on
-- language when you count one language's articles. An article loaded moments ago is
-- not searchable (search_vector and word_count NULL) until its run has indexed it,
-- right after its source's load.


-- name: daily_counts_per_source
-- Articles, duplicates and words per source and publication day (UTC) in November 2026.
SELECT source, published_date, articles, duplicates, words
FROM analytics.daily_source_counts
WHERE published_date >= DATE '2026-11-01' AND published_date < DATE '2026-12-01'
ORDER BY source, published_date;


-- name: mentions_per_source_per_day
-- How many articles per source and day mention climate (English articles; stemming
-- also matches "climatic", "climates").
SELECT source, published_date, count(*) AS articles
FROM analytics.articles
WHERE search_vector @@ websearch_to_tsquery('english', 'climate')
  AND language = 'en'
  AND published_at >= TIMESTAMPTZ '2026-11-01 00:00+00'
  AND published_at <  TIMESTAMPTZ '2026-12-01 00:00+00'
GROUP BY source, published_date
ORDER BY source, published_date;


-- name: full_text_search_ranked
-- The 20 best matches for a search in November 2026, best first, with a highlighted
-- snippet. Words in the title count more than words in the body.
SELECT article_id, source, published_at, title,
       round(ts_rank_cd(search_vector, query)::numeric, 3) AS rank,
       ts_headline('english', body, query, 'MaxFragments=1, MinWords=5, MaxWords=20') AS snippet
FROM analytics.articles,
     websearch_to_tsquery('english', 'climate emissions') AS query
WHERE search_vector @@ query
  AND published_at >= TIMESTAMPTZ '2026-11-01 00:00+00'
  AND published_at <  TIMESTAMPTZ '2026-12-01 00:00+00'
ORDER BY rank DESC, published_at DESC
LIMIT 20;


-- name: search_in_german
-- The same kind of search in German articles: build the query with the German
-- configuration so that "Klimawandel" also finds "Klimawandels".
SELECT article_id, source, published_at, title,
       round(ts_rank_cd(search_vector, query)::numeric, 3) AS rank
FROM analytics.articles,
     websearch_to_tsquery(analytics.search_config('de'), 'Klimawandel') AS query
WHERE search_vector @@ query
  AND language = 'de'
ORDER BY rank DESC
LIMIT 20;


-- name: top_authors
-- The 10 most prolific authors in November 2026 and on how many sources they appear.
SELECT author, count(*) AS articles, count(DISTINCT source) AS sources
FROM analytics.articles, unnest(authors) AS author
WHERE published_at >= TIMESTAMPTZ '2026-11-01 00:00+00'
  AND published_at <  TIMESTAMPTZ '2026-12-01 00:00+00'
GROUP BY author
ORDER BY articles DESC, author
LIMIT 10;


-- name: most_syndicated_stories
-- The stories copied most often (wire copy, syndication), with how many copies and on
-- how many other sources.
SELECT original_id, original_source, original_title,
       count(*) AS copies,
       count(DISTINCT duplicate_source) FILTER (WHERE duplicate_source <> original_source)
           AS other_sources
FROM analytics.article_duplicates
GROUP BY original_id, original_source, original_title
ORDER BY copies DESC, original_id
LIMIT 10;


-- name: syndication_of_a_story
-- Where one story appeared besides its original, and how much later: every copy of
-- the article at this URL, exact or near.
SELECT duplicate_source, duplicate_url, match, round(similarity::numeric, 2) AS similarity,
       duplicate_published_at - original_published_at AS published_later_by
FROM analytics.article_duplicates
WHERE original_url = 'https://global-wire.example/2026/11/02/climate-summit-deal'
ORDER BY duplicate_published_at, duplicate_url;


-- name: revisions_of_an_article
-- How an article changed: every version of it, oldest first.
SELECT version, is_current, valid_from, valid_to, title, word_count
FROM analytics.article_versions
WHERE url = 'https://daily-planet.example/local/council-budget'
ORDER BY version;


-- name: recently_revised_articles
-- Articles whose title or text changed after they were first loaded, most recent
-- change first.
SELECT article_id, source, url, title, version, first_seen_at, updated_at
FROM analytics.articles
WHERE version > 1
ORDER BY updated_at DESC
LIMIT 50;


-- name: extraction_quality_drops
-- Sources whose extraction got worse: in their latest run, the share of fetched pages
-- that gave an article fell below 80% of their average over the 7 runs before, or the
-- share of articles with a title or a date fell by more than 10 points. Usually a site
-- redesign; quality_breaches says what the automatic checks found.
WITH ranked AS (
    SELECT s.*, row_number() OVER (PARTITION BY s.source ORDER BY s.run_id DESC) AS age
    FROM analytics.crawl_run_sources s
    WHERE s.status <> 'running'
),
history AS (
    SELECT source, avg(article_share) AS article_share, avg(title_share) AS title_share,
           avg(date_share) AS date_share
    FROM ranked
    WHERE age BETWEEN 2 AND 8
    GROUP BY source
)
SELECT latest.source, latest.run_id, latest.status,
       round(latest.article_share::numeric, 2) AS article_share,
       round(history.article_share::numeric, 2) AS usual_article_share,
       round(latest.title_share::numeric, 2) AS title_share,
       round(history.title_share::numeric, 2) AS usual_title_share,
       round(latest.date_share::numeric, 2) AS date_share,
       round(history.date_share::numeric, 2) AS usual_date_share,
       latest.quality_breaches
FROM ranked AS latest
JOIN history ON history.source = latest.source
WHERE latest.age = 1
  AND (latest.article_share < 0.8 * history.article_share
       OR latest.title_share < history.title_share - 0.1
       OR latest.date_share < history.date_share - 0.1)
ORDER BY latest.article_share / nullif(history.article_share, 0), latest.source;


-- name: published_in_a_window
-- Everything published between 06:00 and 12:00 Berlin time on 2 November 2026, in
-- publication order, shown in Berlin time. Write the window with its time zone; the
-- index on published_at makes this fast on any amount of data.
SELECT published_at AT TIME ZONE 'Europe/Berlin' AS published_berlin, source, title, url
FROM analytics.articles
WHERE published_at >= TIMESTAMPTZ '2026-11-02 06:00 Europe/Berlin'
  AND published_at <  TIMESTAMPTZ '2026-11-02 12:00 Europe/Berlin'
ORDER BY published_at, url;


-- name: language_mix
-- The languages each source publishes in, with their share of its articles
-- (November 2026; 'unknown' when the language could not be determined).
SELECT source, coalesce(language, 'unknown') AS language, count(*) AS articles,
       round(100.0 * count(*) / sum(count(*)) OVER (PARTITION BY source), 1) AS percent
FROM analytics.articles
WHERE published_at >= TIMESTAMPTZ '2026-11-01 00:00+00'
  AND published_at <  TIMESTAMPTZ '2026-12-01 00:00+00'
GROUP BY source, coalesce(language, 'unknown')
ORDER BY source, articles DESC, language;


-- name: whole_articles_only
-- November's articles whose whole text newsflow holds: WHERE NOT truncated leaves out
-- the articles a paywall cut off (the page stopped at "Subscribe to continue reading",
-- or declared a paywall and held much less than the article). Add it to any query.
SELECT article_id, source, published_at, title, word_count
FROM analytics.articles
WHERE NOT truncated
  AND published_at >= TIMESTAMPTZ '2026-11-01 00:00+00'
  AND published_at <  TIMESTAMPTZ '2026-12-01 00:00+00'
ORDER BY published_at, article_id;


-- name: paywalls_per_source
-- Per source: original articles, how many the page declares paywalled
-- (is_accessible_for_free false; NULL: the page does not say) and how many newsflow holds
-- only cut off at the paywall, with their share.
SELECT source, count(*) AS articles,
       count(*) FILTER (WHERE is_accessible_for_free = false) AS paywalled,
       count(*) FILTER (WHERE truncated) AS truncated,
       round(100.0 * count(*) FILTER (WHERE truncated) / count(*), 1) AS truncated_percent
FROM analytics.articles
GROUP BY source
ORDER BY source;


-- name: article_by_url
-- One article by its URL (an index lookup).
SELECT article_id, source, title, authors, published_at, language, word_count, version,
       syndication_count
FROM analytics.articles
WHERE url = 'https://global-wire.example/2026/11/02/climate-summit-deal';


-- name: recent_runs
-- The last 10 pipeline runs, newest first: how they ended and what they loaded
-- (failed: article pages; discovery_failed: sitemaps, feeds and section pages).
SELECT run_id, trigger, status, started_at, duration, articles_new, articles_updated,
       duplicates, failed, discovery_failed, error
FROM analytics.crawl_runs
LIMIT 10;


-- name: articles_per_section
-- How many articles each source published per section in November 2026 ('none' when
-- the page names no section). Sections are as each site writes them.
SELECT source, coalesce(section, 'none') AS section, count(*) AS articles
FROM analytics.articles
WHERE published_at >= TIMESTAMPTZ '2026-11-01 00:00+00'
  AND published_at <  TIMESTAMPTZ '2026-12-01 00:00+00'
GROUP BY source, coalesce(section, 'none')
ORDER BY source, articles DESC, section;


-- name: articles_with_tag
-- The articles tagged Climate, newest first. tags @> ARRAY[...] uses the tags index;
-- it matches the exact spelling (see top_tags for spellings that differ in case).
SELECT article_id, source, published_at, title, tags
FROM analytics.articles
WHERE tags @> ARRAY['Climate']
ORDER BY published_at DESC NULLS LAST, article_id;


-- name: top_tags
-- The 20 most used tags in November 2026, spellings that differ only in case counted
-- together, with the number of sources using each.
SELECT lower(tag) AS tag, count(*) AS articles, count(DISTINCT source) AS sources
FROM analytics.articles, unnest(tags) AS tag
WHERE published_at >= TIMESTAMPTZ '2026-11-01 00:00+00'
  AND published_at <  TIMESTAMPTZ '2026-12-01 00:00+00'
GROUP BY lower(tag)
ORDER BY articles DESC, tag
LIMIT 20;


-- name: latest_with_image
-- The 10 latest articles that have a top image, e.g. for a dashboard of headlines.
SELECT article_id, source, published_at, title, top_image_url
FROM analytics.articles
WHERE top_image_url IS NOT NULL
ORDER BY published_at DESC NULLS LAST, article_id
LIMIT 10;


-- name: changed_after_publication
-- Articles whose page says they were changed more than an hour after publication
-- (modified_at, as the site declares it), longest after first.
SELECT article_id, source, title, published_at, modified_at,
       modified_at - published_at AS changed_after
FROM analytics.articles
WHERE modified_at > published_at + interval '1 hour'
ORDER BY changed_after DESC, article_id;
