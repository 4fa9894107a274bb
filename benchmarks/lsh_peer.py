"""The two near-duplicate detectors of ``bench_lsh_peer``, each run in a child process.

Both take the same ``count`` synthetic ~1.5 KB documents (``bench_load``'s detection
set: 10% planted edited copies), detect near duplicates at the same Jaccard threshold
with 128 permutations, and report the planted copies found, the other pairs they
reported ("false pairs"), documents per second and memory:

* ``datasketch_lsh``: datasketch's in-memory ``MinHashLSH`` as its documentation uses
  it: a ``MinHash`` per document from its 4-word shingles (``update_batch``), each
  document queried, then inserted; every candidate the LSH returns is a reported pair
  (datasketch verifies nothing). Memory: the process's resident set (``VmRSS``) after
  the documents were made and at each checkpoint, so the growth is the index's.
* ``newsflow_index``: newsflow's persisted index as a run uses it: the fingerprints the
  extraction workers compute, then ``load_batch`` in batches into a fresh database (the
  articles are stored too: the index is not usable without them) and the link step at
  each checkpoint (candidates from the LSH bands in PostgreSQL verified with the exact
  Jaccard). Memory: the loader
  process's resident set, its database backend's private memory (``RssAnon``: the
  pages of the server's shared buffer cache it touched, a cache of fixed size set by
  ``shared_buffers``, are left out), and the size of the persisted index (signatures
  and band rows with their indexes) on disk.

At each checkpoint (the sizes in ``checkpoints``) both record their memory, for the
extrapolation to a million signatures.
"""

from __future__ import annotations

import re
import resource
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import psycopg

from benchmarks.load_fixture import synthetic_bodies, synthetic_results
from pipeline import runs
from pipeline.db import apply_migrations
from pipeline.dedup.fingerprint import with_fingerprint
from pipeline.dedup.minhash import NUM_PERM, lsh_params
from pipeline.dedup.shingles import SHINGLE_WORDS
from pipeline.load import load_batch
from pipeline.load.link import link_pending
from pipeline.steps import LOAD_BATCH_SIZE

THRESHOLD = 0.8
_WORD = re.compile(r"\w+")
MIB = 2**20
_INDEX_BYTES = """
SELECT pg_total_relation_size('warehouse.article_signatures')
     + pg_total_relation_size('warehouse.article_lsh_bands')
"""
_LINKS = """
SELECT a.url, o.url FROM warehouse.articles a
JOIN warehouse.articles o ON o.article_id = a.duplicate_of
"""


def documents(count: int) -> tuple[list[str], dict[int, int]]:
    """The detection set: bodies and {copy: original} of the planted copies."""
    return synthetic_bodies(count, words=220, copy_share=0.10, seed=2)


def status_mib(field: str, pid: int | str = "self") -> float:
    """A memory figure (``VmRSS``, ``RssAnon``) of ``/proc/PID/status``, in MiB (0 when
    unreadable)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in text.splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def score(pairs: set[tuple[int, int]], copies: dict[int, int]) -> tuple[int, int]:
    """(planted copies among ``pairs``, other pairs): pairs are unordered document
    numbers, ``copies`` maps each planted copy to its original."""
    planted = {(min(c, o), max(c, o)) for c, o in copies.items()}
    reported = {(min(a, b), max(a, b)) for a, b in pairs if a != b}
    found = len(reported & planted)
    return found, len(reported) - found


def shingles(body: str, size: int = SHINGLE_WORDS) -> list[bytes]:
    """The ``size``-word shingles of ``body``, lower-cased, as bytes (datasketch's input)."""
    tokens = _WORD.findall(body.lower())
    if len(tokens) <= size:
        return [" ".join(tokens).encode()] if tokens else []
    return [" ".join(tokens[i : i + size]).encode() for i in range(len(tokens) - size + 1)]


def datasketch_lsh(count: int, checkpoints: Sequence[int]) -> dict[str, Any]:
    """Child process: datasketch's MinHashLSH over the detection set (see module)."""
    from datasketch import MinHash, MinHashLSH

    bodies, copies = documents(count)
    before = status_mib("VmRSS")
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    pairs: set[tuple[int, int]] = set()
    memory: dict[int, float] = {}
    started = time.perf_counter()
    for number, body in enumerate(bodies):
        minhash = MinHash(num_perm=NUM_PERM)
        minhash.update_batch(shingles(body))
        pairs.update((number, other) for other in lsh.query(minhash))
        lsh.insert(number, minhash)
        if number + 1 in checkpoints:
            memory[number + 1] = status_mib("VmRSS") - before
    seconds = time.perf_counter() - started
    found, false = score(pairs, copies)
    return {
        "documents": count,
        "seconds": seconds,
        "planted": len(copies),
        "found": found,
        "false": false,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "base_mib": before,
        "index_mib": memory,
        "bands": f"{lsh.b}x{lsh.r}",
    }


def _load_all(url: str, bodies: list[str], checkpoints: Sequence[int]) -> dict[str, Any]:
    results = synthetic_results(bodies)
    params = lsh_params(THRESHOLD)
    memory: dict[int, dict[str, float]] = {}
    with psycopg.connect(url) as conn:
        apply_migrations(conn)
        run_id = runs.create_run(conn, sources=["bench"], since=None, until=None, trigger="test")
        conn.commit()
        backend = conn.info.backend_pid
        before = status_mib("VmRSS")
        started = time.perf_counter()
        for start in range(0, len(results), LOAD_BATCH_SIZE):
            batch = [with_fingerprint(r) for r in results[start : start + LOAD_BATCH_SIZE]]
            load_batch(
                conn, batch, run_id=run_id, source="bench", near_duplicate_threshold=THRESHOLD
            )
            done = start + len(batch)
            if done in checkpoints or done == len(results):
                # the link step (index and links) of what was loaded since the last one
                link_pending(conn, run_id=run_id, near_duplicate_threshold=THRESHOLD)
            if done in checkpoints:
                row = conn.execute(_INDEX_BYTES).fetchone()
                memory[done] = {
                    "client_mib": status_mib("VmRSS") - before,
                    "backend_mib": status_mib("RssAnon", backend),
                    "index_disk_mib": (int(row[0]) if row else 0) / MIB,
                }
        seconds = time.perf_counter() - started
        links = conn.execute(_LINKS).fetchall()
    return {
        "seconds": seconds,
        "links": links,
        "memory": memory,
        "base_mib": before,
        "backend_peak_mib": max((m["backend_mib"] for m in memory.values()), default=0.0),
        "bands": f"{params.bands}x{params.rows}",
    }


def newsflow_index(count: int, checkpoints: Sequence[int], url: str) -> dict[str, Any]:
    """Child process: newsflow's load into the empty database ``url`` (see module)."""
    bodies, copies = documents(count)
    loaded = _load_all(url, bodies, checkpoints)
    number = {r.url: i for i, r in enumerate(synthetic_results(bodies))}
    found, false = score({(number[a], number[b]) for a, b in loaded.pop("links")}, copies)
    return {
        **loaded,
        "documents": count,
        "planted": len(copies),
        "found": found,
        "false": false,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
