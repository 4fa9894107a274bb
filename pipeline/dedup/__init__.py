"""Duplicate detection: what makes two bodies the same story.

``normalize`` (exact duplicates: equal normalised bodies, equal ``content_hash``),
``shingles`` (word shingles and their exact Jaccard similarity) and ``minhash``
(MinHash signatures and LSH band keys that find near-duplicate candidates). All pure;
the persisted index and the linking of rows live in ``pipeline.load``.
"""
