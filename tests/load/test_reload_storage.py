"""Re-loading unchanged articles does not store their bodies again (bench_growth's bloat)."""

from __future__ import annotations

import random

from pipeline.load import load_batch
from tests.load.conftest import ok

_TOAST = """
SELECT pg_relation_size(reltoastrelid) FROM pg_class WHERE oid = 'warehouse.articles'::regclass
"""


def _long_body(seed: int) -> str:
    """~40 KB of words pglz cannot squeeze below TOAST's threshold."""
    rng = random.Random(seed)
    return " ".join("".join(rng.choices("abcdefghij", k=8)) for _ in range(4500))


def test_reloading_unchanged_articles_keeps_their_toasted_bodies(conn, run_id):
    batch = [ok(f"https://example.com/long-{i}", _long_body(i)) for i in range(20)]
    load_batch(conn, batch, run_id=run_id, source="alpha")
    (before,) = conn.execute(_TOAST).fetchone()
    for _ in range(3):
        counts = load_batch(conn, batch, run_id=run_id, source="alpha")
        assert counts.articles_unchanged == 20
    (after,) = conn.execute(_TOAST).fetchone()
    assert before > 20 * 8192  # the bodies are in TOAST
    assert after == before  # no body was stored again
    changed = [ok(batch[0].url, _long_body(99))]
    assert load_batch(conn, changed, run_id=run_id, source="alpha").articles_updated == 1
    (revised,) = conn.execute(_TOAST).fetchone()
    assert revised > after  # a revised body is stored
