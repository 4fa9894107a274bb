"""MinHash signatures and LSH band keys of shingle sets.

Signatures are datasketch MinHashes (scheme ``affine32``, ``NUM_PERM`` permutations,
fixed ``SEED``) of the 64-bit shingle hashes from ``shingles.shingle_hashes`` folded to
32 bits; ``signatures`` computes many at once with the same arithmetic as
``datasketch.MinHash.update_batch`` (a test holds the two equal), because one numpy
pass over a whole batch is several times faster than one MinHash object per document.

Locality-sensitive hashing splits a signature into ``bands`` bands of ``rows`` values;
two documents become candidates when any band is equal. ``lsh_params`` derives
``bands``/``rows`` from the Jaccard threshold, weighting missed near duplicates far
above false candidates, since every candidate is verified with the exact Jaccard
before it is linked. ``band_keys`` turns each band, with its number, into a signed
64-bit bucket number, which is what ``warehouse.article_lsh_bands`` stores.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from datasketch import MinHash

NUM_PERM = 128
SEED = 20251
SCHEME = "affine32"
FALSE_POSITIVE_WEIGHT = 0.05
FALSE_NEGATIVE_WEIGHT = 0.95
_CHUNK_ELEMENTS = 4_000_000
"""Upper bound of shingles x permutations computed in one numpy pass (memory ~16 MB)."""


@dataclass(frozen=True, slots=True)
class LshParams:
    """How signatures are built and banded; stored with the index in PostgreSQL."""

    num_perm: int
    bands: int
    rows: int
    shingle_words: int


@lru_cache(maxsize=4)
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    # datasketch's affine32 permutations (MinHash._init_permutations), drawn the same
    # way without importing datasketch, whose package import takes half a second in
    # every extraction worker; a test holds the two equal.
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _fmix32(values: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    # MurmurHash3's 32-bit finaliser, as datasketch applies it before the permutations.
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


def fold32(shingles: np.ndarray) -> np.ndarray:
    """The 32-bit values fed to MinHash for 64-bit shingle hashes (xor of the halves)."""
    return ((shingles >> np.uint64(32)) ^ (shingles & np.uint64(0xFFFFFFFF))).astype(np.uint32)


def datasketch_minhash(shingles: np.ndarray, num_perm: int = NUM_PERM) -> MinHash:
    """The reference datasketch MinHash of one shingle set (slow; used by tests)."""
    from datasketch import MinHash

    minhash = MinHash(num_perm=num_perm, seed=SEED, scheme=SCHEME, hashfunc=int)
    minhash.update_batch(fold32(shingles).tolist())
    return minhash


def signatures(shingle_sets: Sequence[np.ndarray], num_perm: int = NUM_PERM) -> np.ndarray:
    """A ``len(shingle_sets) x num_perm`` uint32 matrix of MinHash signatures.

    Row ``i`` equals ``datasketch_minhash(shingle_sets[i]).hashvalues``; an empty set
    has the all-ones signature (datasketch's empty MinHash).
    """
    a, b = _permutations(num_perm, SEED)
    out = np.full((len(shingle_sets), num_perm), np.uint32(0xFFFFFFFF), dtype=np.uint32)
    start = 0
    while start < len(shingle_sets):
        # Take documents until the chunk's shingles x permutations would exceed the
        # bound (always at least one document, however long).
        stop, total = start + 1, shingle_sets[start].size
        while (
            stop < len(shingle_sets)
            and (total + shingle_sets[stop].size) * num_perm <= _CHUNK_ELEMENTS
        ):
            total += shingle_sets[stop].size
            stop += 1
        chunk = shingle_sets[start:stop]
        sizes = np.array([s.size for s in chunk])
        if total:
            values = _fmix32(fold32(np.concatenate(chunk)))
            permuted = values[:, None] * a[None, :] + b[None, :]
            nonempty = np.flatnonzero(sizes)
            offsets = np.concatenate(([0], np.cumsum(sizes)))[nonempty]
            out[start + nonempty] = np.minimum.reduceat(permuted, offsets, axis=0)
        start = stop
    return out


def _candidate_probability(similarity: np.ndarray, bands: int, rows: int) -> np.ndarray:
    return 1.0 - (1.0 - similarity**rows) ** bands


@lru_cache(maxsize=32)
def lsh_params(threshold: float, num_perm: int = NUM_PERM) -> LshParams:
    """Bands and rows for ``threshold``: the least weighted sum of the chances of
    false candidates (below the threshold) and of missed pairs (above it)."""
    from pipeline.dedup.shingles import SHINGLE_WORDS

    if not 0.0 < threshold < 1.0:
        raise ValueError(f"the near-duplicate threshold must be between 0 and 1, got {threshold}")
    below = np.linspace(0.0, threshold, 200)
    above = np.linspace(threshold, 1.0, 200)
    best: tuple[float, int, int] | None = None
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            false_pos = np.trapezoid(_candidate_probability(below, bands, rows), below)
            false_neg = np.trapezoid(1 - _candidate_probability(above, bands, rows), above)
            error = FALSE_POSITIVE_WEIGHT * false_pos + FALSE_NEGATIVE_WEIGHT * false_neg
            if best is None or error < best[0]:
                best = (error, bands, rows)
    assert best is not None
    return LshParams(num_perm=num_perm, bands=best[1], rows=best[2], shingle_words=SHINGLE_WORDS)


def band_keys(signature_matrix: np.ndarray, params: LshParams) -> np.ndarray:
    """An ``n x bands`` int64 matrix: the bucket of each band of each signature. The band
    number is hashed in, so equal values in two different bands make different buckets."""
    keys = np.tile(np.arange(1, params.bands + 1, dtype=np.uint64), (signature_matrix.shape[0], 1))
    wide = signature_matrix.astype(np.uint64)
    for row in range(params.rows):
        columns = wide[:, row : params.bands * params.rows : params.rows]
        keys = keys * np.uint64(0x9E3779B97F4A7C15) + columns + np.uint64(1)
    keys = keys ^ (keys >> np.uint64(31))
    keys = keys * np.uint64(0xBF58476D1CE4E5B9)
    return (keys ^ (keys >> np.uint64(29))).view(np.int64)


def signature_bytes(signature: np.ndarray) -> bytes:
    """A signature as stored in ``warehouse.article_signatures.minhash``."""
    return signature.astype("<u4").tobytes()


def signature_from_bytes(data: bytes) -> np.ndarray:
    """The inverse of ``signature_bytes``."""
    return np.frombuffer(data, dtype="<u4").astype(np.uint32)
