"""``load_batch``: one batch of extraction results into the warehouse, atomically.

The CPU-heavy part (cleaning, and the fingerprints the extraction workers did not
compute) runs first, outside any transaction (``prepare``). Then, in one transaction:

1. a transaction-level advisory lock serialises loads (and the link step), so
   overlapping batches from concurrent tasks never deadlock or insert the same URL
   twice; the run's row is locked as a foreign key's check would (``articles.run_id``
   is checked here, once per batch: migration 0028);
2. the rows are written (``upsert``: new URLs by COPY, known ones through staging and
   an upsert), and the new and revised ones, with their signatures, recorded for the
   link step in ``warehouse.articles_unlinked``;
3. every page of the batch is marked extracted (``crawl_state.pending_extract``) and
   the source's counters in the run are increased (its row started if missing), these
   statements sent together in one round trip.

Their near-duplicate index entries and links are left to the link step (``link``), and
their search vector and word count to the derive step (``derive``), which the loading
steps run after their batches. Until its link step, a new or revised article is left
out of the analyst views.

A failure anywhere rolls all of it back; a lost connection is raised as
``DatabaseUnavailableError`` (transient: load the batch again).

With ``durable=False`` the commit does not wait for the server to flush its WAL to disk
(``synchronous_commit`` off for this transaction only: waiting for the flush of each
batch's WAL, ~2.8 MB for 500 new ~3 KB articles, took 0.35 s of the 1.6-1.9 s that
loading 8,000 of them took on a busy machine, against 0.2 s for the commits without
it). Nothing changes for a lost connection or a crash of the loading process: the
server has the commit. A crash of the server itself (or of the machine) within a
fraction of a second after such a commit can lose it, and only whole, in commit order:
the warehouse stays consistent, and the lost batch's pages are still pending
(``pending_extract``), its counters not increased, so loading it again, or the next
run, loads it. The next synchronous commit on the server (a durable batch, the link
step, finishing a source or a run) makes every earlier one durable too, so
``steps.load_results`` loads the last batch of a source durably: when the load step
returns, all of it is on disk, as before. Its retry after a lost connection checks
that no batch was lost (``runs.loaded_count``).

Counting, one counter per result: ``articles_new`` / ``articles_updated`` (title or
body changed) / ``articles_unchanged`` (including rows whose other fields were
refreshed), or ``duplicates`` when its URL came twice in the batch (the link step moves
a new or revised article it links to an original from ``articles_new`` or
``articles_updated`` to ``duplicates``); ``not_article``; ``other_language`` (not
in the source's ``languages:``, not loaded); ``held_by_date`` counts articles
published outside the run window, which are not loaded: their pages stay pending, with
the date found (``crawl_state.held_published_at``), for the run whose window holds that
date (a backfill), so holding a page back never loses it; ``failed`` counts extraction
errors.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import psycopg
from psycopg.pq import TransactionStatus

from pipeline.dedup.minhash import lsh_params
from pipeline.errors import DatabaseUnavailableError, UnknownRunError, first_line
from pipeline.load.prepare import PreparedBatch, prepare_batch
from pipeline.load.upsert import Upserted, write_rows
from pipeline.records import ExtractionResult
from pipeline.runs import RunCounts, add_source_counts_starting
from pipeline.window import Window

log = logging.getLogger(__name__)

LOAD_LOCK_KEY = 0x6E66_6C6F_6164  # "nfload" in ASCII; differs from the migration lock
# The lock and, in the same round trip, JIT off for the transaction: short index lookups
# only, and compiling them (JIT, chosen when the statistics of tables growing during a
# run are stale) cost more than running them.
# Also in that round trip: the run's row locked as a foreign key's check locks it (the
# check of articles.run_id, once per batch instead of once per row: migration 0028; a
# delete of the run waits for the load, then sees its articles), and whether it exists.
_LOCK = """
SELECT (SELECT true FROM warehouse.crawl_runs WHERE run_id = %(run_id)s FOR KEY SHARE),
       pg_advisory_xact_lock(%(key)s), set_config('jit', 'off', true){not_durable}
"""
_LOCK_DURABLE = _LOCK.format(not_durable="")
_LOCK_NOT_DURABLE = _LOCK.format(not_durable=", set_config('synchronous_commit', 'off', true)")
_MARK_EXTRACTED = """
UPDATE warehouse.crawl_state SET pending_extract = false
WHERE url = ANY(%s) AND pending_extract
"""
_HOLD = "UPDATE warehouse.crawl_state SET held_published_at = %s WHERE url = %s"


def load_batch(
    conn: psycopg.Connection,
    batch: Sequence[ExtractionResult],
    *,
    run_id: int,
    source: str,
    near_duplicate_threshold: float = 0.8,
    window: Window = Window(),
    durable: bool = True,
) -> RunCounts:
    """Deduplicate and load ``batch`` for ``source`` in run ``run_id``; commit; return
    the batch's counts (see module docstring). ``durable=False``: the commit does not
    wait for the disk (see module docstring).

    ``window`` holds the publication days to load; ``near_duplicate_threshold`` chooses
    the signature parameters (the link step that links the rows must use the same).
    Work the caller left uncommitted on ``conn`` is committed first, so the batch is a
    transaction of its own. Loading the same batch again changes nothing but
    ``last_seen_at``. When the connection fails (``DatabaseUnavailableError``), ``conn``
    is closed: one that broke in the middle of a pipeline cannot be used again.
    """
    params = lsh_params(near_duplicate_threshold)
    prepared = prepare_batch(batch, source=source, params=params, window=window)
    if prepared.skipped_by_date:
        log.info(
            "%s: %d article(s) published outside the window %s..%s not loaded",
            source,
            prepared.skipped_by_date,
            window.since or "",
            window.until or "",
        )
    try:
        if conn.info.transaction_status == TransactionStatus.INTRANS:
            conn.commit()
        with conn.transaction():
            locked = conn.execute(
                _LOCK_DURABLE if durable else _LOCK_NOT_DURABLE,
                {"run_id": run_id, "key": LOAD_LOCK_KEY},
            ).fetchone()
            if locked is None or locked[0] is None:
                raise UnknownRunError(run_id)
            upserted = write_rows(conn, prepared.rows, run_id) if prepared.rows else []
            counts = _count(prepared, upserted)
            # The bookkeeping needs no answers: sent in one round trip (pipeline mode).
            with conn.pipeline():
                conn.execute(_MARK_EXTRACTED, (prepared.page_urls,))
                if prepared.held:
                    with conn.cursor() as cursor:
                        cursor.executemany(
                            _HOLD,
                            [(published, url) for url, published in sorted(prepared.held.items())],
                        )
                add_source_counts_starting(conn, run_id, source, counts)
    except psycopg.OperationalError as exc:
        conn.close()
        raise DatabaseUnavailableError(
            f"the database connection failed while loading {len(batch)} result(s) of {source}: "
            f"{first_line(exc)}; nothing of the batch was stored, load it again when the database "
            "is back"
        ) from exc
    return counts


def _count(prepared: PreparedBatch, upserted: Sequence[Upserted]) -> RunCounts:
    counts = RunCounts(
        not_article=prepared.not_article,
        other_language=prepared.other_language,
        held_by_date=prepared.skipped_by_date,
        failed=prepared.failed,
        duplicates=prepared.repeated,
    )
    for done in upserted:
        if done.action == "new":
            counts.articles_new += 1
        elif done.action == "revised":
            counts.articles_updated += 1
        else:
            counts.articles_unchanged += 1
    return counts
