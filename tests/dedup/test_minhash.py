"""MinHash signatures (equal to datasketch's) and LSH banding."""

import numpy as np
import pytest

from pipeline.dedup.minhash import (
    band_keys,
    datasketch_minhash,
    lsh_params,
    signature_bytes,
    signature_from_bytes,
    signatures,
)
from pipeline.dedup.shingles import shingle_hashes

TEXTS = [
    "the quick brown fox jumps over the lazy dog and runs into the forest",
    "",
    "short",
    " ".join(f"word{i}" for i in range(3000)),
    "the quick brown fox jumps over the lazy dog and runs into the forest again",
]


def test_batch_signatures_equal_datasketch_minhash():
    sets = [shingle_hashes(t) for t in TEXTS]
    matrix = signatures(sets)
    for row, shingles in zip(matrix, sets):
        assert np.array_equal(row, datasketch_minhash(shingles).hashvalues.astype(np.uint32))


def test_signatures_do_not_depend_on_how_the_batch_is_chunked(monkeypatch):
    sets = [shingle_hashes(t) for t in TEXTS]
    whole = signatures(sets)
    monkeypatch.setattr("pipeline.dedup.minhash._CHUNK_ELEMENTS", 1)
    assert np.array_equal(signatures(sets), whole)


def test_signature_bytes_round_trip():
    sig = signatures([shingle_hashes(TEXTS[0])])[0]
    assert np.array_equal(signature_from_bytes(signature_bytes(sig)), sig)


def test_default_threshold_finds_near_duplicates_almost_always():
    params = lsh_params(0.8)
    assert params.bands * params.rows <= params.num_perm
    chance_at_085 = 1 - (1 - 0.85**params.rows) ** params.bands
    chance_at_03 = 1 - (1 - 0.3**params.rows) ** params.bands
    assert chance_at_085 > 0.98
    assert chance_at_03 < 0.01


def test_threshold_outside_zero_one_is_rejected():
    with pytest.raises(ValueError, match="between 0 and 1"):
        lsh_params(1.5)


def test_equal_signatures_share_every_band_and_different_texts_share_none():
    params = lsh_params(0.8)
    sets = [shingle_hashes(TEXTS[0]), shingle_hashes(TEXTS[0]), shingle_hashes(TEXTS[3])]
    keys = band_keys(signatures(sets), params)
    assert keys.shape == (3, params.bands)
    assert keys.dtype == np.int64
    assert np.array_equal(keys[0], keys[1])
    assert not np.intersect1d(keys[0], keys[2]).size
