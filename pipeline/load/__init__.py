"""Loading extracted articles into the warehouse: deduplicated, idempotent, atomic.

``load_batch`` (in ``batch``) is the entry point ``pipeline.steps`` calls for each
batch. The parts: ``prepare`` (pure: rows and their fingerprints), ``upsert`` (the rows
written, new ones by COPY, known ones through staging and an upsert with versions, and
what the link step must do for them). After a source's batches, two steps of their own:
``link`` (the link step: the persisted MinHash/LSH index, ``index``, and the duplicate
clusters with their originals, ``linking``; until it ran, new and revised articles are
left out of the analyst views) and ``derive`` (the search vector and word count).

``load_batch`` is imported on first use: the derive step, which every load step runs
even when nothing was loaded, needs neither numpy nor the deduplication code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.load.batch import load_batch

__all__ = ["load_batch"]


def __getattr__(name: str) -> Any:
    if name == "load_batch":
        from pipeline.load.batch import load_batch

        return load_batch
    raise AttributeError(f"module 'pipeline.load' has no attribute {name!r}")
