"""Loading extracted articles into the warehouse: deduplicated, idempotent, atomic.

``load_batch`` (in ``batch``) is the entry point ``pipeline.steps`` calls. The parts:
``prepare`` (pure: rows and their fingerprints), ``upsert`` (the rows written, new ones
by COPY, known ones through staging and an upsert with versions), ``index`` (the
persisted MinHash/LSH index), ``linking`` (duplicate clusters and their originals) and
``derive`` (the search vector and word count, filled after the load).
"""

from pipeline.load.batch import load_batch

__all__ = ["load_batch"]
