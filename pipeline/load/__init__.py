"""Loading extracted articles into the warehouse: deduplicated, idempotent, atomic.

``load_batch`` (in ``batch``) is the entry point ``pipeline.steps`` calls. The parts:
``text`` (making strings safe for PostgreSQL), ``prepare`` (pure: rows and their
fingerprints), ``upsert`` (staging COPY and the upsert with versions), ``index`` (the
persisted MinHash/LSH index) and ``linking`` (duplicate clusters and their originals).
"""

from pipeline.load.batch import load_batch

__all__ = ["load_batch"]
