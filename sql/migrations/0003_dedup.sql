-- The persisted near-duplicate index (pipeline/dedup, pipeline/load/linking.py).
-- Every article that is not a pure "unchanged" re-load has its MinHash signature here
-- and one row per LSH band, so candidates for a new article are found by an indexed
-- lookup across runs and sources without reading the whole index into memory.

CREATE TABLE warehouse.article_signatures (
    article_id  bigint PRIMARY KEY REFERENCES warehouse.articles (article_id) ON DELETE CASCADE,
    minhash     bytea NOT NULL  -- num_perm little-endian uint32 values (datasketch affine32)
);

CREATE TABLE warehouse.article_lsh_bands (
    band        smallint NOT NULL,
    bucket      bigint NOT NULL,
    article_id  bigint NOT NULL REFERENCES warehouse.articles (article_id) ON DELETE CASCADE,
    PRIMARY KEY (band, bucket, article_id)
);
CREATE INDEX article_lsh_bands_article_idx ON warehouse.article_lsh_bands (article_id);

-- How the signatures and bands above were built. One row; when the configured
-- threshold changes the bands/rows split, the loader rebuilds the bands from the
-- stored signatures (and the signatures from the bodies if num_perm or the shingle
-- size changed) before it uses the index.
CREATE TABLE warehouse.dedup_index (
    singleton       boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    num_perm        integer NOT NULL,
    bands           integer NOT NULL,
    rows_per_band   integer NOT NULL,
    shingle_words   integer NOT NULL,
    built_at        timestamptz NOT NULL DEFAULT now()
);
