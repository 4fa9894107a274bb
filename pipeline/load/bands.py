"""LSH band rows as arrays: their binary COPY payload and the pairs that share a bucket.

The link step indexes tens of thousands of articles at once (16 band rows each); doing
it row by row in Python was a large part of its time. ``band_rows`` lays out the rows
of a band-key matrix (``minhash.band_keys``) as two flat arrays, ``copy_payload``
encodes them for one ``COPY ... (FORMAT BINARY)`` with numpy (no per-row Python), and
``shared_bucket_pairs`` finds the candidate pairs among them (the articles of one
batch that share a bucket) by sorting instead of joining them in the database.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

_HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
_TRAILER = (-1).to_bytes(2, "big", signed=True)
_ROW = np.dtype(
    [
        ("fields", ">i2"),
        ("bucket_size", ">i4"),
        ("bucket", ">i8"),
        ("id_size", ">i4"),
        ("article_id", ">i8"),
    ]
)
"""One binary COPY row of two ``bigint`` columns: field count, then (length, value) each."""


def band_rows(
    ids: npt.ArrayLike, keys: np.ndarray
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(buckets, article ids) of the band rows of ``keys`` (``n x bands``; row ``i``
    belongs to ``ids[i]``), one entry per band row."""
    owners = np.asarray(ids, dtype=np.int64)
    if keys.shape[0] != owners.size:
        raise ValueError(f"{keys.shape[0]} rows of band keys for {owners.size} article ids")
    return keys.astype(np.int64, copy=False).ravel(), np.repeat(owners, keys.shape[1])


def copy_payload(buckets: npt.NDArray[np.int64], owners: npt.NDArray[np.int64]) -> bytes:
    """The whole input of ``COPY t (bucket, article_id) FROM STDIN (FORMAT BINARY)``
    for the rows (``buckets[i]``, ``owners[i]``): header, rows, trailer."""
    rows = np.empty(buckets.size, dtype=_ROW)
    rows["fields"] = 2
    rows["bucket_size"] = 8
    rows["bucket"] = buckets
    rows["id_size"] = 8
    rows["article_id"] = owners
    return _HEADER + rows.tobytes() + _TRAILER


def shared_bucket_pairs(
    buckets: npt.NDArray[np.int64], owners: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Every ordered pair (a, b) of different articles with a band row in a common
    bucket, once, as an ``m x 2`` array sorted by (a, b)."""
    order = np.argsort(buckets, kind="stable")
    sorted_buckets, sorted_owners = buckets[order], owners[order]
    starts = np.flatnonzero(np.r_[True, sorted_buckets[1:] != sorted_buckets[:-1]])
    sizes = np.diff(np.r_[starts, sorted_buckets.size])
    pairs: list[npt.NDArray[np.int64]] = [np.empty((0, 2), dtype=np.int64)]
    two = starts[sizes == 2]
    if two.size:
        first, second = sorted_owners[two], sorted_owners[two + 1]
        pairs += [np.column_stack([first, second]), np.column_stack([second, first])]
    for start, size in zip(starts[sizes > 2].tolist(), sizes[sizes > 2].tolist()):
        group = np.unique(sorted_owners[start : start + size])
        a, b = np.meshgrid(group, group, indexing="ij")
        pairs.append(np.column_stack([a.ravel(), b.ravel()]))
    found: npt.NDArray[np.int64] = np.concatenate(pairs)
    found = found[found[:, 0] != found[:, 1]]
    if not found.size:
        return found
    found = found[np.lexsort((found[:, 1], found[:, 0]))]
    unique = np.ones(len(found), dtype=bool)
    unique[1:] = (found[1:] != found[:-1]).any(axis=1)
    return found[unique]
