"""The link step: near-duplicate index entries and links of what the loads wrote.

A load writes its rows and, for each new or revised article (and each stored one whose
publication date changed), a row in ``warehouse.articles_unlinked`` with the
article's new MinHash signature. Indexing and linking them batch by batch inside the
load transaction was about two thirds of a load's time, so ``link_pending`` does it
after a source's load, for everything waiting at once, in one transaction per
``CHUNK`` articles under the load lock (loads wait meanwhile; nothing else writes
links):

1. the near-duplicate index is checked against the parameters in use (``index``);
2. the old index entries of revised articles are dropped; the new signatures are
   copied from ``articles_unlinked`` (one ``INSERT ... SELECT``) and their LSH band
   keys computed (numpy, ``bands``). The candidate pairs among the chunk come from
   sorting its keys; those with articles indexed before, from one join of the keys
   (COPied into a temporary table) with the band table, skipped when it is empty.
   The band rows are then added in one binary COPY (``index.add_bands``: into a
   table holding fewer rows, its indexes are built again after it);
3. the articles are linked (``linking.Linker``: revised ones unlinked first, then all
   in publication order, clusters whose dates changed re-rooted; the rows of new
   articles without candidates, most of them, are not even read) and the changed
   links written in one UPDATE;
4. an article linked as a duplicate is moved, in the counters of the run and source
   whose load counted it, from ``articles_new`` or ``articles_updated`` to
   ``duplicates``, so a run's report reads as when linking was part of the load;
5. the rows of ``articles_unlinked`` are deleted.

The analyst views leave out an article whose new text waits here, so a copy never shows
as an original. A link step that never ran (a crash between load and link) is caught up
by the next one, whichever source it follows: nothing is ever lost, and linking twice
is impossible (the rows are deleted in the transaction that links them).
"""

from __future__ import annotations

import functools
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import psycopg

from pipeline.dedup.minhash import LshParams, band_keys, lsh_params
from pipeline.load.bands import band_rows, copy_payload, shared_bucket_pairs
from pipeline.load.batch import LOAD_LOCK_KEY
from pipeline.load.index import add_bands, ensure_index
from pipeline.load.linking import Linker, write_links

log = logging.getLogger(__name__)

CHUNK = 50_000
"""Articles linked per transaction (memory: their signatures and nodes, ~1 KB each)."""

_lsh_params = functools.cache(lsh_params)
"""``lsh_params`` computed once per threshold (it integrates false and missed candidate
chances: tens of milliseconds a link step)."""

_LOCK = "SELECT pg_advisory_xact_lock(%s)"
_WAITING = """
SELECT article_id, run_id, source, counted_as, content_changed, is_new, date_changed, minhash
FROM warehouse.articles_unlinked ORDER BY article_id LIMIT %s
"""
_PENDING = "SELECT count(*) FROM warehouse.articles_unlinked WHERE content_changed"
_DROP_SIGNATURES = "DELETE FROM warehouse.article_signatures WHERE article_id = ANY(%s)"
_DROP_BANDS = "DELETE FROM warehouse.article_lsh_bands WHERE article_id = ANY(%s)"
# The join leaves out articles deleted by hand since their load (and stands for the
# foreign key the signatures no longer have: migration 0029).
_WRITE_SIGNATURES = """
INSERT INTO warehouse.article_signatures (article_id, minhash)
SELECT u.article_id, u.minhash
FROM warehouse.articles_unlinked u JOIN warehouse.articles a USING (article_id)
WHERE u.article_id <= %s AND u.content_changed AND u.minhash IS NOT NULL
RETURNING article_id
"""
_ANY_BANDS = "SELECT EXISTS (SELECT 1 FROM warehouse.article_lsh_bands)"
_CREATE_BANDS = """
CREATE TEMP TABLE link_bands (bucket bigint NOT NULL, article_id bigint NOT NULL)
ON COMMIT DROP
"""
_COPY_BANDS = "COPY link_bands (bucket, article_id) FROM STDIN (FORMAT BINARY)"
# Before the chunk's own band rows are added: its pairs with articles indexed before.
_STORED_CANDIDATES = """
SELECT DISTINCT n.article_id, o.article_id
FROM link_bands n JOIN warehouse.article_lsh_bands o ON o.bucket = n.bucket
WHERE o.article_id <> n.article_id
"""
# Candidates of articles already indexed (the members a revised original set free), by
# index lookups only: LATERAL ... OFFSET 0 keeps the planner from scanning or joining
# whole tables when the statistics of tables grown during the run are stale.
_CANDIDATES_OF = """
SELECT DISTINCT m.id, other.article_id
FROM unnest(%(ids)s::bigint[]) AS m (id)
CROSS JOIN LATERAL (
    SELECT b.bucket FROM warehouse.article_lsh_bands b WHERE b.article_id = m.id OFFSET 0
) mine
CROSS JOIN LATERAL (
    SELECT o.article_id FROM warehouse.article_lsh_bands o
    WHERE o.bucket = mine.bucket AND o.article_id <> m.id
    OFFSET 0
) other
"""
_MOVE_COUNTS = """
UPDATE warehouse.crawl_run_sources
SET duplicates = duplicates + %(new)s + %(updated)s,
    articles_new = articles_new - %(new)s, articles_updated = articles_updated - %(updated)s
WHERE run_id = %(run_id)s AND source = %(source)s
"""
# A run already finished (a crash left its articles to a later link step) has totals.
_MOVE_TOTALS = """
UPDATE warehouse.crawl_runs
SET duplicates = duplicates + %(new)s + %(updated)s,
    articles_new = articles_new - %(new)s, articles_updated = articles_updated - %(updated)s
WHERE run_id = %(run_id)s AND finished_at IS NOT NULL
"""
_DONE = "DELETE FROM warehouse.articles_unlinked WHERE article_id <= %s"


@dataclass(frozen=True, slots=True)
class Waiting:
    """One row of ``warehouse.articles_unlinked`` (see migration 0026)."""

    article_id: int
    run_id: int
    source: str
    counted_as: str
    content_changed: bool
    is_new: bool
    date_changed: bool
    minhash: bytes | None


@dataclass(frozen=True, slots=True)
class Linked:
    """What a link step did."""

    articles: int = 0
    """New and revised articles indexed and linked (now visible in the analyst views)."""
    duplicates: int = 0
    """Of those, linked to an original (moved to ``duplicates`` in their run's counters)."""
    rerooted: int = 0
    """Stored articles whose changed date made their cluster's original be chosen again."""

    def __add__(self, other: Linked) -> Linked:
        return Linked(
            self.articles + other.articles,
            self.duplicates + other.duplicates,
            self.rerooted + other.rerooted,
        )


def pending_count(conn: psycopg.Connection) -> int:
    """How many new or revised articles wait for the link step."""
    row = conn.execute(_PENDING).fetchone()
    return int(row[0]) if row else 0


def link_pending(
    conn: psycopg.Connection,
    *,
    run_id: int | None = None,
    near_duplicate_threshold: float = 0.8,
    chunk: int = CHUNK,
    progress: Callable[[Linked], None] | None = None,
) -> Linked:
    """Index and link every article waiting for the link step (see module); commit after
    each ``chunk`` of them (work ``conn`` had left uncommitted is committed first).

    Rows whose links change get ``run_id`` (else that of the run whose load wrote them);
    ``progress`` gets the running total. Articles loaded while it runs are left to the
    next link step once a chunk comes back short.
    """
    conn.commit()
    done = Linked()
    while True:
        with conn.transaction():
            conn.execute(_LOCK, (LOAD_LOCK_KEY,))
            conn.execute("SET LOCAL jit = off")
            # Binary results: the signatures come as bytes, not hex text to decode.
            with conn.cursor(binary=True) as cur:
                waiting = [Waiting(*row) for row in cur.execute(_WAITING, (chunk,))]
            if waiting:
                done = done + _link_chunk(conn, waiting, run_id, near_duplicate_threshold)
        if waiting and progress is not None:
            progress(done)
        if len(waiting) < chunk:
            break
    if done.articles or done.rerooted:
        log.info(
            "linked %d article(s), %d of them duplicates; %d cluster(s) re-rooted",
            done.articles,
            done.duplicates,
            done.rerooted,
        )
    return done


def _link_chunk(
    conn: psycopg.Connection, waiting: list[Waiting], run_id: int | None, threshold: float
) -> Linked:
    params = _lsh_params(threshold)
    ensure_index(conn, params)
    last = waiting[-1].article_id
    writer_run = run_id if run_id is not None else max(w.run_id for w in waiting)
    linker = Linker(
        conn, threshold, {}, new=[w.article_id for w in waiting if w.content_changed and w.is_new]
    )
    # The nodes of new articles with a signature are read only when they have
    # candidates (most have none); the INSERT of their signatures tells which exist.
    linker.load(w.article_id for w in waiting if not _plain_new(w))
    revised = [w.article_id for w in waiting if w.content_changed and not w.is_new]
    if revised:
        conn.execute(_DROP_SIGNATURES, (revised,))
        conn.execute(_DROP_BANDS, (revised,))
    indexed = {row[0] for row in conn.execute(_WRITE_SIGNATURES, (last,))}
    # An article deleted by hand since its load has no node (nor signature): nothing to
    # link.
    waiting = [w for w in waiting if w.article_id in indexed or w.article_id in linker.nodes]
    changed = [w for w in waiting if w.content_changed]
    revised = [w.article_id for w in changed if not w.is_new]
    candidates = _index(conn, [w for w in changed if w.article_id in indexed], params)
    to_link = [w.article_id for w in changed]
    freed = [member for article_id in revised for member in linker.unlink(article_id)]
    if freed:
        candidates += conn.execute(_CANDIDATES_OF, {"ids": freed}).fetchall()
    linker.link(list(dict.fromkeys(to_link + freed)), candidates)
    rerooted = [w.article_id for w in waiting if w.date_changed]
    for article_id in rerooted:
        linker.reroot(article_id)
    write_links(conn, linker.changes(), writer_run)
    duplicates = [w for w in changed if w.article_id in linker.nodes]
    duplicates = [w for w in duplicates if linker.nodes[w.article_id].duplicate_of is not None]
    _move_counts(conn, duplicates)
    conn.execute(_DONE, (last,))
    return Linked(len(changed), len(duplicates), len(rerooted))


def _plain_new(waiting: Waiting) -> bool:
    """A first load of an article with words and an unchanged date: linked only if it
    has candidates."""
    return waiting.content_changed and waiting.is_new and waiting.minhash is not None


def _index(
    conn: psycopg.Connection, indexed: list[Waiting], params: LshParams
) -> list[tuple[int, int]]:
    """Add the band rows of ``indexed`` (from their signatures) and return the candidate
    pairs: (one of them, an article sharing a bucket with it)."""
    if not indexed:
        return []
    signatures = np.frombuffer(
        b"".join(bytes(w.minhash or b"") for w in indexed), dtype="<u4"
    ).reshape(len(indexed), -1)
    buckets, owners = band_rows([w.article_id for w in indexed], band_keys(signatures, params))
    payload = copy_payload(buckets, owners)
    pairs: list[tuple[int, int]] = [
        (int(mine), int(other)) for mine, other in shared_bucket_pairs(buckets, owners).tolist()
    ]
    row = conn.execute(_ANY_BANDS).fetchone()
    if row and row[0]:
        conn.execute(_CREATE_BANDS)
        with conn.cursor().copy(_COPY_BANDS) as copy:
            copy.write(payload)
        conn.execute("ANALYZE link_bands")
        pairs += [(int(mine), int(other)) for mine, other in conn.execute(_STORED_CANDIDATES)]
        conn.execute("DROP TABLE link_bands")
    add_bands(conn, payload, len(buckets))
    return pairs


def _move_counts(conn: psycopg.Connection, duplicates: list[Waiting]) -> None:
    """Move the duplicates from the counter their load increased to ``duplicates``."""
    moved = Counter((w.run_id, w.source, w.counted_as) for w in duplicates)
    by_run_source: dict[tuple[int, str], dict[str, int]] = {}
    for (run, source, counted_as), n in moved.items():
        if counted_as in ("articles_new", "articles_updated"):
            entry = by_run_source.setdefault((run, source), {"new": 0, "updated": 0})
            entry["new" if counted_as == "articles_new" else "updated"] += n
    with conn.cursor() as cur:
        for (run, source), moves in sorted(by_run_source.items()):
            cur.execute(_MOVE_COUNTS, {"run_id": run, "source": source, **moves})
            cur.execute(_MOVE_TOTALS, {"run_id": run, **moves})
