"""The derive step: search vectors and word counts filled after the load."""

from __future__ import annotations

import threading
from dataclasses import replace

import psycopg
import pytest

from pipeline.load import load_batch
from pipeline.load.derive import (
    MIN_SHARED_CHUNK,
    derive_concurrently,
    derive_pending,
    pending_count,
    shared_chunk,
)
from tests.load.conftest import new_run, ok, prose


def english(url: str, body: str):
    result = ok(url, body)
    return replace(result, article=replace(result.article, language="en"))


_ROW = "SELECT search_vector, word_count FROM warehouse.articles WHERE url = %s"
_MATCHES = """
SELECT url FROM warehouse.articles
WHERE search_vector @@ websearch_to_tsquery('english', %s) ORDER BY url
"""


def test_a_load_leaves_the_derived_columns_to_the_derive_step(conn, run_id):
    load_batch(
        conn,
        [
            english("http://a.test/1", "Councils debated budgets.\n\nThey  voted."),
            ok("http://a.test/2", prose(3)),
        ],
        run_id=run_id,
        source="alpha",
    )
    assert conn.execute(_ROW, ("http://a.test/1",)).fetchone() == (None, None)
    assert pending_count(conn) == 2

    progress: list[int] = []
    assert derive_pending(conn, chunk=1, progress=progress.append) == 2
    assert progress == [1, 2]
    vector, words = conn.execute(_ROW, ("http://a.test/1",)).fetchone()
    assert words == 5
    assert "'council':3B" in vector and "'titl':2A" in vector  # stemmed in English
    assert conn.execute(_MATCHES, ("budgets",)).fetchall() == [
        ("http://a.test/1",),
        ("http://a.test/2",),
    ]
    # No language: unstemmed ('simple'), as the generated column was.
    assert "'budget':" in conn.execute(_ROW, ("http://a.test/2",)).fetchone()[0]
    assert pending_count(conn) == 0
    assert derive_pending(conn) == 0


def test_a_revision_is_derived_again_and_an_unchanged_reload_keeps_its_values(conn, run_id):
    load_batch(
        conn,
        [english("http://a.test/1", "The harbour reopened today.")],
        run_id=run_id,
        source="alpha",
    )
    derive_pending(conn)
    before = conn.execute(_ROW, ("http://a.test/1",)).fetchone()
    load_batch(
        conn,
        [english("http://a.test/1", "The harbour reopened today.")],
        run_id=run_id,
        source="alpha",
    )
    assert conn.execute(_ROW, ("http://a.test/1",)).fetchone() == before

    second = new_run(conn)
    load_batch(
        conn,
        [english("http://a.test/1", "The airport closed for two days after storms.")],
        run_id=second,
        source="alpha",
    )
    assert conn.execute(_ROW, ("http://a.test/1",)).fetchone() == (None, None)
    derive_pending(conn)
    assert conn.execute(_MATCHES, ("airport",)).fetchall() == [("http://a.test/1",)]
    assert conn.execute(_MATCHES, ("harbour",)).fetchall() == []
    assert conn.execute(_ROW, ("http://a.test/1",)).fetchone()[1] == 8


def test_concurrent_derive_steps_share_the_work(conn, run_id, clean_database_url):
    batch = [ok(f"http://a.test/{i}", prose(2, seed=f"s{i} ")) for i in range(60)]
    load_batch(conn, batch, run_id=run_id, source="alpha")
    done: list[int] = []

    def derive() -> None:
        with psycopg.connect(clean_database_url) as own:
            done.append(derive_pending(own, chunk=5))

    threads = [threading.Thread(target=derive) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(done) == 60
    assert pending_count(conn) == 0


def test_the_derive_step_on_several_connections_fills_every_article_once(
    conn, run_id, clean_database_url
):
    batch = [ok(f"http://a.test/{i}", prose(2, seed=f"s{i} ")) for i in range(60)]
    load_batch(conn, batch, run_id=run_id, source="alpha")
    opened: list[psycopg.Connection] = []

    def connect() -> psycopg.Connection:
        opened.append(psycopg.connect(clean_database_url))
        return opened[-1]

    progress: list[int] = []
    assert derive_concurrently(connect, 3, chunk=5, progress=progress.append) == 60
    assert progress == sorted(progress) and progress[-1] == 60
    assert len(opened) == 3 and all(c.closed for c in opened)
    assert pending_count(conn) == 0
    (derived,) = conn.execute(
        "SELECT count(*) FROM warehouse.articles WHERE search_vector IS NOT NULL AND word_count > 0"
    ).fetchone()
    assert derived == 60


def test_a_failed_connection_fails_the_derive_step_and_the_next_one_finishes(
    conn, run_id, clean_database_url
):
    batch = [ok(f"http://a.test/{i}", prose(2, seed=f"s{i} ")) for i in range(60)]
    load_batch(conn, batch, run_id=run_id, source="alpha")
    attempts: list[int] = []

    def connect() -> psycopg.Connection:
        attempts.append(1)
        if len(attempts) == 2:
            raise psycopg.OperationalError("connection refused")
        return psycopg.connect(clean_database_url)

    with pytest.raises(psycopg.OperationalError, match="connection refused"):
        derive_concurrently(connect, 2, chunk=5)
    left = pending_count(conn)
    assert derive_pending(conn) == left  # what the failed step did not fill waits, no more
    assert pending_count(conn) == 0


def test_the_derive_step_refuses_zero_connections(clean_database_url):
    with pytest.raises(ValueError, match="at least one connection"):
        derive_concurrently(lambda: psycopg.connect(clean_database_url), 0)


def test_the_chunk_is_cut_so_that_every_connection_gets_a_share() -> None:
    assert shared_chunk(1200, 2) == 600
    assert shared_chunk(1201, 2) == 601
    assert shared_chunk(50_000, 2) == 2000  # at most the chunk
    assert shared_chunk(60, 3) == MIN_SHARED_CHUNK  # so few: one connection does them
    assert shared_chunk(60, 3, chunk=5) == 5  # a smaller chunk asked for stands


def test_two_connections_share_what_waits_for_the_derive_step(conn, run_id, clean_database_url):
    count = 2 * MIN_SHARED_CHUNK + 40
    batch = [ok(f"http://a.test/{i}", prose(1, seed=f"s{i} ")) for i in range(count)]
    load_batch(conn, batch, run_id=run_id, source="alpha")
    progress: list[int] = []
    filled = derive_concurrently(
        lambda: psycopg.connect(clean_database_url), 2, progress=progress.append
    )
    assert filled == count
    assert progress == [count // 2, count]  # a chunk of half on each connection
    assert pending_count(conn) == 0
