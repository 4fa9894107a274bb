-- analytics.article_versions: the current definition, re-applied by every upgrade (see sql/README.md).

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
  AND NOT EXISTS (SELECT 1 FROM warehouse.articles_unlinked u
                  WHERE u.article_id = a.article_id AND u.content_changed)
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
WHERE a.duplicate_of IS NULL
  AND NOT EXISTS (SELECT 1 FROM warehouse.articles_unlinked u
                  WHERE u.article_id = a.article_id AND u.content_changed);

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
