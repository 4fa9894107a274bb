"""The dedup fingerprint of a body: content hash and MinHash signature.

Fingerprinting is the CPU-heavy part of deduplication (normalising, shingling and
hashing every word; ~0.5 ms for a 3 KB body). ``with_fingerprint`` runs in the
extraction workers, so it is spread over every core while pages are extracted;
``fingerprints`` is the loader's batch fallback for results that come without one
(or with one made under other parameters). Both fingerprint the body as it will be
stored (``pipeline.text.clean_text``), so the two always agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pipeline.dedup.minhash import NUM_PERM, signature_bytes, signatures
from pipeline.dedup.normalize import content_hash, normalize_body
from pipeline.dedup.shingles import SHINGLE_WORDS, shingle_hashes
from pipeline.records import ExtractionResult, Fingerprint
from pipeline.text import clean_text


def fingerprints(
    bodies: Sequence[str], *, num_perm: int = NUM_PERM, shingle_words: int = SHINGLE_WORDS
) -> list[Fingerprint]:
    """The fingerprints of ``bodies``, which must already be cleaned (``clean_text``)."""
    forms = [normalize_body(body) for body in bodies]
    shingle_sets = [shingle_hashes(form, shingle_words, normalized=True) for form in forms]
    sigs = signatures(shingle_sets, num_perm)
    return [
        Fingerprint(
            content_hash=content_hash(form, normalized=True),
            minhash=signature_bytes(sig),
            num_perm=num_perm,
            shingle_words=shingle_words,
            has_words=bool(shingles.size),
        )
        for form, shingles, sig in zip(forms, shingle_sets, sigs)
    ]


def with_fingerprint(result: ExtractionResult) -> ExtractionResult:
    """``result`` with its article body's fingerprint (other results unchanged)."""
    if result.status != "ok" or result.article is None:
        return result
    return replace(result, fingerprint=fingerprints([clean_text(result.article.body)])[0])


def usable(fingerprint: Fingerprint | None, *, num_perm: int, shingle_words: int) -> bool:
    """Whether ``fingerprint`` was made with the parameters in use."""
    return (
        fingerprint is not None
        and fingerprint.num_perm == num_perm
        and fingerprint.shingle_words == shingle_words
        and len(fingerprint.minhash) == 4 * num_perm
    )
