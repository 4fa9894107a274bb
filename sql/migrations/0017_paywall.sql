-- Paywalls: what a page declares about free access, and whether the stored body is cut off.
-- is_accessible_for_free is nullable: NULL means the page does not say. truncated is NOT
-- NULL DEFAULT false, so that analysts leave cut-off articles out with one filter
-- (WHERE NOT truncated) without losing the rows loaded before this column existed; those
-- (extractor_version below 2026.12.1) were never checked and read false until the
-- newsflow_reprocess DAG (or pipeline.reprocess) re-extracts them from the archive.
-- The analytics views gain the columns with their next definition (sql/views), not here.

ALTER TABLE warehouse.articles ADD COLUMN is_accessible_for_free boolean;
ALTER TABLE warehouse.articles ADD COLUMN truncated boolean NOT NULL DEFAULT false;

COMMENT ON COLUMN warehouse.articles.is_accessible_for_free IS
    'What the page declares: JSON-LD isAccessibleForFree of the article (false also when a hasPart section is declared not free), else the meta tag isAccessibleForFree (microdata) or article:content_tier (free: true; locked, metered: false). NULL when the page does not say, and for articles extracted before extractor 2026.12.1.';
COMMENT ON COLUMN warehouse.articles.truncated IS
    'True when body is cut off by a paywall: the text stops at a paywall prompt (removed from body), or the page declares the article gated and holds much less of it than declared (under 60% of its JSON-LD wordCount, or its gated hasPart section is empty). False for articles extracted before extractor 2026.12.1 until they are re-extracted.';
