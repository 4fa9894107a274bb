-- analytics.article_duplicates: the current definition, re-applied by every upgrade (see sql/README.md).

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
JOIN warehouse.articles o ON o.article_id = d.duplicate_of
-- neither waiting for the link step (links made for an older text, or none yet)
WHERE NOT EXISTS (SELECT 1 FROM warehouse.articles_unlinked u
                  WHERE u.article_id = d.article_id AND u.content_changed)
  AND NOT EXISTS (SELECT 1 FROM warehouse.articles_unlinked u
                  WHERE u.article_id = o.article_id AND u.content_changed);

COMMENT ON VIEW analytics.article_duplicates IS
'One row per duplicate: an article whose text is the same as, or nearly the same as, an earlier original (syndication, copies, the same story under two URLs). Duplicates are hidden from analytics.articles. New or revised articles show once their run has linked them (the link step, right after their source''s load).';
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
