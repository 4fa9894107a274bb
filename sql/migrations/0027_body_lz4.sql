-- Article bodies are compressed with lz4 instead of PostgreSQL's default pglz, where the
-- server has lz4 (PostgreSQL 14+ built --with-lz4, as the Debian/Ubuntu, RHEL and
-- official Docker packages are; the pgserver build of the embedded server is not, and
-- keeps pglz). A profile of the load's backend (perf, 8,000 new ~3 KB articles) spent a
-- third of its CPU in pglz_compress, for bodies PostgreSQL then stored out of line
-- anyway; lz4 cut that to about 3%. On the 241 real bodies of the extraction dev set,
-- lz4 compressed a COPY of them three times faster than pglz (0.3 s against 0.75-1.0 s of
-- server CPU for 27 MB) and decompresses faster for the derive step and the analysts'
-- reads, for 14% more bytes of body stored (0.69 of the text's size, pglz 0.60).
--
-- Only values written from now on are compressed with lz4; stored ones stay pglz until
-- rewritten, and both read the same. A dump of the warehouse holds the bodies as text and
-- the SET COMPRESSION lz4 statements, which fail on a server without lz4 (the data
-- loads all the same); pg_dump --no-toast-compression leaves them out.

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_settings
               WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
        ALTER TABLE warehouse.articles ALTER COLUMN body SET COMPRESSION lz4;
        ALTER TABLE warehouse.article_versions ALTER COLUMN body SET COMPRESSION lz4;
    END IF;
END
$$;
