-- Near-duplicate linking leaves the load transaction for a link step of its own
-- (pipeline/load/link.py), as the search vectors left it for the derive step (0011).
-- Writing the near-duplicate index (a signature and 16 LSH band rows per article) and
-- linking each batch of 500 to its originals took about two thirds of a load. A load now
-- writes the rows and, for every article whose links must be made (again), one row here:
-- its new signature and what the load counted it as. The link step that runs after each
-- source's load (and at the start of the next run's, for what a crash left) writes the
-- signatures and bands of all of them at once, finds their candidates in one query,
-- links them and deletes their rows here, in one transaction under the load lock.
--
-- Until then the article is left out of the analyst views (they read this table), so a
-- copy never shows as an original, nor a revised article under links made for its old
-- text. Articles loaded before this migration were linked by their load: none waits.

CREATE TABLE warehouse.articles_unlinked (
    article_id      bigint PRIMARY KEY,
    run_id          bigint NOT NULL,
    source          text NOT NULL,
    counted_as      text NOT NULL
        CHECK (counted_as IN ('articles_new', 'articles_updated', 'articles_unchanged')),
    content_changed boolean NOT NULL,
    is_new          boolean NOT NULL,
    date_changed    boolean NOT NULL,
    minhash         bytea
);
-- No foreign key to warehouse.articles: checking it would cost every loaded row a lookup;
-- the link step ignores (and deletes) the rows of an article deleted by hand.

COMMENT ON TABLE warehouse.articles_unlinked IS 'Articles a load wrote whose near-duplicate links the link step has still to make (pipeline/load/link.py): new and revised articles (content_changed; left out of the analyst views until linked) and stored articles whose publication date changed (their cluster''s original is chosen again). Normally empty between runs; rows left by a crash are linked by the next link step.';
COMMENT ON COLUMN warehouse.articles_unlinked.article_id IS 'The article (warehouse.articles.article_id; not a foreign key).';
COMMENT ON COLUMN warehouse.articles_unlinked.run_id IS 'The run whose load last wrote the article; the link step moves the article from counted_as to duplicates in this run''s counters when it turns out a duplicate.';
COMMENT ON COLUMN warehouse.articles_unlinked.source IS 'The source whose load last wrote the article (the run''s counters are per source).';
COMMENT ON COLUMN warehouse.articles_unlinked.counted_as IS 'The counter that load increased for the article: articles_new, articles_updated or articles_unchanged (a re-load of an article still waiting; never moved to duplicates).';
COMMENT ON COLUMN warehouse.articles_unlinked.content_changed IS 'True for a new article or a changed title or body: its index entries and links are made anew, and it is hidden from the analyst views until then.';
COMMENT ON COLUMN warehouse.articles_unlinked.is_new IS 'True when the article had never been linked (first loaded and not linked since): no other article can point at it.';
COMMENT ON COLUMN warehouse.articles_unlinked.date_changed IS 'True when the load changed the publication date of a stored article: the original of its cluster is chosen again.';
COMMENT ON COLUMN warehouse.articles_unlinked.minhash IS 'MinHash signature of the new body (as warehouse.article_signatures.minhash); NULL for a body without words (never linked) or when the content did not change.';
