-- analytics.daily_source_counts: the current definition, re-applied by every upgrade (see sql/README.md).

CREATE VIEW analytics.daily_source_counts AS
SELECT a.source,
       a.published_date,
       count(*) FILTER (WHERE a.duplicate_of IS NULL) AS articles,
       count(*) FILTER (WHERE a.duplicate_of IS NOT NULL) AS duplicates,
       coalesce(sum(a.word_count) FILTER (WHERE a.duplicate_of IS NULL), 0) AS words
FROM warehouse.articles a
WHERE a.published_date IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM warehouse.articles_unlinked u
                  WHERE u.article_id = a.article_id AND u.content_changed)
GROUP BY a.source, a.published_date;

COMMENT ON VIEW analytics.daily_source_counts IS
'Per source and publication day (UTC): how many original articles and duplicates were published, and the words in the originals. Articles without a publication date are not counted here, nor new or revised articles before their run has linked them (right after their source''s load). Days without articles have no row.';
COMMENT ON COLUMN analytics.daily_source_counts.source IS 'Name of the news source.';
COMMENT ON COLUMN analytics.daily_source_counts.published_date IS 'Publication day in UTC.';
COMMENT ON COLUMN analytics.daily_source_counts.articles IS 'Original articles (duplicates excluded) published that day.';
COMMENT ON COLUMN analytics.daily_source_counts.duplicates IS 'Articles of this source published that day that are copies of another article.';
COMMENT ON COLUMN analytics.daily_source_counts.words IS 'Total words in the bodies of the original articles (duplicates excluded).';
