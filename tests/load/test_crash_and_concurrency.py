"""Atomicity under a killed connection, and concurrent loads of overlapping batches."""

from __future__ import annotations

import threading

import psycopg
import pytest

from pipeline import runs
from pipeline.errors import DatabaseUnavailableError
from pipeline.load import batch as batch_module
from pipeline.load import load_batch
from pipeline.load.link import link_pending
from tests.load.conftest import new_run, ok, prose, snapshot, story


def _kill_after(real, database_url: str):
    """``real`` (a step of the load), then terminate the loading backend from outside."""

    def step(conn: psycopg.Connection, *args, **kwargs):
        result = real(conn, *args, **kwargs)
        with psycopg.connect(database_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (conn.info.backend_pid,))
        return result

    return step


def test_a_connection_killed_between_copy_and_commit_leaves_the_tables_unchanged(
    conn, run_id, clean_database_url, monkeypatch
):
    load_batch(conn, [ok("http://a.test/0", story(0))], run_id=run_id, source="alpha")
    before = snapshot(clean_database_url)
    second = new_run(conn)
    batch = [
        ok("http://a.test/0", story(0) + " revised"),
        *(ok(f"http://a.test/{i}", story(i)) for i in range(1, 30)),
    ]
    # Both paths of the write ran (the revision staged and upserted, the new rows
    # COPied) when the connection dies.
    monkeypatch.setattr(
        batch_module, "write_rows", _kill_after(batch_module.write_rows, clean_database_url)
    )
    with pytest.raises(DatabaseUnavailableError, match="load it again"):
        load_batch(conn, batch, run_id=second, source="alpha")
    assert snapshot(clean_database_url) == before
    monkeypatch.undo()

    with psycopg.connect(clean_database_url) as fresh:
        counts = load_batch(fresh, batch, run_id=second, source="alpha")
        assert (counts.articles_new, counts.articles_updated) == (29, 1)
        assert runs.run_counts(fresh, second, "alpha").articles_new == 29


def test_a_killed_connection_is_a_transient_error(conn, run_id, clean_database_url, monkeypatch):
    monkeypatch.setattr(
        batch_module,
        "add_source_counts_starting",
        _kill_after(batch_module.add_source_counts_starting, clean_database_url),
    )
    with pytest.raises(DatabaseUnavailableError) as caught:
        load_batch(conn, [ok("http://a.test/1", story(1))], run_id=run_id, source="alpha")
    assert caught.value.transient
    # closed: a connection that broke inside a pipeline cannot even commit nothing
    assert conn.closed


def _load_concurrently(database_url: str, batches: list[list], run_id: int) -> list:
    barrier = threading.Barrier(len(batches))
    outcomes: list = [None] * len(batches)

    def worker(index: int) -> None:
        try:
            with psycopg.connect(database_url) as c:
                barrier.wait()
                load_batch(c, batches[index], run_id=run_id, source=f"s{index}")
                outcomes[index] = link_pending(c, run_id=run_id)  # overlapping loads, links
        except BaseException as exc:  # reported by the test
            outcomes[index] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(batches))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


def test_concurrent_overlapping_loads_neither_deadlock_nor_duplicate(
    conn, run_id, clean_database_url
):
    urls = [f"http://shared.test/{i}" for i in range(120)]
    texts = {u: prose(9, seed=f"{i} ") for i, u in enumerate(urls)}
    batches = [
        [ok(u, texts[u]) for u in urls[0:80]],
        [ok(u, texts[u]) for u in reversed(urls[40:120])],
        [ok(u, texts[u]) for u in urls[20:100:2]]
        + [ok(f"http://copy.test/{i}", texts[urls[i]].upper()) for i in range(0, 120, 10)],
    ]
    outcomes = _load_concurrently(clean_database_url, batches, run_id)
    assert not [o for o in outcomes if isinstance(o, BaseException)], outcomes
    outcomes = [runs.run_counts(conn, run_id, f"s{i}") for i in range(len(batches))]
    # Which of a story and its copy counts as new depends on which load commits first
    # (the first seen is the original when neither has a date); every row counts once.
    assert sum(o.articles_new + o.duplicates for o in outcomes) == 132
    assert sum(o.duplicates for o in outcomes) == 12
    stored = conn.execute(
        "SELECT count(*), count(DISTINCT url), "
        "count(*) FILTER (WHERE duplicate_of IS NOT NULL) "
        "FROM warehouse.articles"
    ).fetchone()
    assert stored == (132, 132, 12)
    assert conn.execute("SELECT count(*) FROM warehouse.article_signatures").fetchone() == (132,)
