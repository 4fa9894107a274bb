"""Band rows as arrays: their binary COPY payload and the pairs sharing a bucket."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.load.bands import band_rows, copy_payload, shared_bucket_pairs


def _arrays(*values: list[int]) -> list[np.ndarray]:
    return [np.array(v, dtype=np.int64) for v in values]


def test_band_rows_give_one_row_per_band_of_each_article():
    keys = np.array([[10, 11, 12], [20, 21, 22]], dtype=np.int64)
    buckets, owners = band_rows([7, 9], keys)
    assert buckets.tolist() == [10, 11, 12, 20, 21, 22]
    assert owners.tolist() == [7, 7, 7, 9, 9, 9]


def test_band_rows_refuse_keys_for_other_articles():
    with pytest.raises(ValueError, match="2 rows of band keys for 3 article ids"):
        band_rows([1, 2, 3], np.zeros((2, 16), dtype=np.int64))


def test_shared_bucket_pairs_are_every_ordered_pair_of_different_articles_once():
    buckets, owners = _arrays([5, 5, 7, 7, 7, 9, 5, 8, 8], [1, 2, 3, 4, 5, 6, 1, 1, 2])
    pairs = shared_bucket_pairs(buckets, owners).tolist()
    assert pairs == [[1, 2], [2, 1], [3, 4], [3, 5], [4, 3], [4, 5], [5, 3], [5, 4]]


def test_no_shared_bucket_no_pair():
    assert shared_bucket_pairs(*_arrays([1, 2, 3], [1, 2, 3])).shape == (0, 2)
    assert shared_bucket_pairs(*_arrays([], [])).shape == (0, 2)
    # One article's two rows in one bucket pair it with no one.
    assert shared_bucket_pairs(*_arrays([4, 4], [1, 1])).shape == (0, 2)


def test_the_copy_payload_is_what_postgresql_reads_back(conn):
    extremes = [np.iinfo(np.int64).min, -1, 0, 1, np.iinfo(np.int64).max]
    buckets, owners = _arrays(extremes, [3, 1, 4, 1, 5])
    conn.execute("CREATE TEMP TABLE rows_back (bucket bigint NOT NULL, article_id bigint)")
    with conn.cursor().copy("COPY rows_back FROM STDIN (FORMAT BINARY)") as copy:
        copy.write(copy_payload(buckets, owners))
    back = conn.execute("SELECT bucket, article_id FROM rows_back").fetchall()
    assert back == list(zip(extremes, [3, 1, 4, 1, 5]))
    with conn.cursor().copy("COPY rows_back FROM STDIN (FORMAT BINARY)") as copy:
        copy.write(copy_payload(*_arrays([], [])))
    assert conn.execute("SELECT count(*) FROM rows_back").fetchone()[0] == len(extremes)
