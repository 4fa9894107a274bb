-- No foreign key from warehouse.article_signatures to warehouse.articles: its check ran
-- for every signature the link step writes (EXPLAIN ANALYZE of 8,000: 152 ms of trigger
-- time in a 211 ms INSERT, on a busy machine), for articles the INSERT has just read
-- from warehouse.articles (pipeline/load/link.py joins them), under the load lock.
-- What the foreign key did, now done otherwise:
-- - a signature's article exists when it is written: the link step's INSERT joins
--   warehouse.articles; the index rebuild (pipeline/load/index.py) writes signatures
--   of stored articles and reads only those of stored articles; nothing else writes
--   the table;
-- - deleting articles deletes their signatures (ON DELETE CASCADE before): the statement
--   trigger below, one DELETE per statement; truncating warehouse.articles (which its
--   other foreign keys still make list article_versions, or CASCADE) empties the
--   signatures too, as CASCADE did.
-- An article deleted by hand while a link step writes its signature can leave that
-- signature behind; like band rows of deleted articles (migration 0012), nothing uses
-- it: a rebuild of the bands reads only the signatures of stored articles.

ALTER TABLE warehouse.article_signatures
    DROP CONSTRAINT article_signatures_article_id_fkey;

CREATE FUNCTION warehouse.articles_drop_signatures() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        -- not TRUNCATE: the statement that fired this may be truncating it already
        DELETE FROM warehouse.article_signatures;
    ELSE
        DELETE FROM warehouse.article_signatures s
        USING deleted_articles d WHERE s.article_id = d.article_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER articles_drop_signatures
    AFTER DELETE ON warehouse.articles
    REFERENCING OLD TABLE AS deleted_articles
    FOR EACH STATEMENT EXECUTE FUNCTION warehouse.articles_drop_signatures();

CREATE TRIGGER articles_truncate_signatures
    AFTER TRUNCATE ON warehouse.articles
    FOR EACH STATEMENT EXECUTE FUNCTION warehouse.articles_drop_signatures();

COMMENT ON FUNCTION warehouse.articles_drop_signatures() IS 'Trigger of warehouse.articles: deleting articles deletes their signatures (warehouse.article_signatures), truncating the table deletes them all (the ON DELETE CASCADE foreign key this replaces; migration 0029).';
COMMENT ON COLUMN warehouse.article_signatures.article_id IS 'The article (warehouse.articles.article_id; not a foreign key, migration 0029: deleting the article deletes its signature).';
