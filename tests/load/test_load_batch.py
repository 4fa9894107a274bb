"""load_batch against real PostgreSQL: idempotence, revisions, bookkeeping."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import psycopg
import pytest

from pipeline import runs
from pipeline.errors import UnknownRunError
from pipeline.load import load_batch
from pipeline.records import ExtractionResult
from pipeline.window import Window
from tests.load.conftest import day, new_run, ok, rows, snapshot, story


def _batch():
    return [
        ok(f"http://alpha.test/news/{i}", story(i), published=day(1 + i % 5)) for i in range(20)
    ]


def test_new_articles_are_inserted_and_counted(conn, run_id):
    counts = load_batch(conn, _batch(), run_id=run_id, source="alpha")
    assert counts.articles_new == 20
    stored = rows(conn)
    assert len(stored) == 20
    row = stored["http://alpha.test/news/3"]
    assert (row["version"], row["run_id"], row["source"]) == (1, run_id, "alpha")
    assert row["duplicate_of"] is None


def test_loading_the_same_batch_twice_leaves_the_tables_identical(conn, run_id, clean_database_url):
    load_batch(conn, _batch(), run_id=run_id, source="alpha")
    before = snapshot(clean_database_url)
    again = new_run(conn)
    counts = load_batch(conn, _batch(), run_id=again, source="alpha")
    after = snapshot(clean_database_url)
    assert counts.articles_unchanged == 20 and counts.articles_new == 0
    assert before["articles"] == after["articles"]
    assert before["versions"] == after["versions"] == []
    assert before["signatures"] == after["signatures"]
    assert before["bands"] == after["bands"]


def test_reloading_an_unchanged_article_moves_only_last_seen_at(conn, run_id):
    load_batch(conn, _batch()[:1], run_id=run_id, source="alpha")
    first = rows(conn)["http://alpha.test/news/0"]
    load_batch(conn, _batch()[:1], run_id=new_run(conn), source="alpha")
    second = rows(conn)["http://alpha.test/news/0"]
    assert second["last_seen_at"] > first["last_seen_at"]
    assert {k: v for k, v in first.items() if k != "last_seen_at"} == {
        k: v for k, v in second.items() if k != "last_seen_at"
    }


def test_a_changed_body_makes_a_new_version_and_archives_the_old_one(conn, run_id):
    url = "http://alpha.test/news/1"
    load_batch(conn, [ok(url, story(1), title="First title")], run_id=run_id, source="alpha")
    before = rows(conn)[url]
    second_run = new_run(conn)
    counts = load_batch(
        conn,
        [ok(url, story(1) + " Correction appended.", title="New title")],
        run_id=second_run,
        source="alpha",
    )
    after = rows(conn)[url]
    assert counts.articles_updated == 1
    assert (after["version"], after["title"], after["run_id"]) == (2, "New title", second_run)
    assert after["article_id"] == before["article_id"]
    assert after["updated_at"] > before["updated_at"]
    version = conn.execute(
        "SELECT version, title, body, content_hash, valid_from, valid_to, run_id "
        "FROM warehouse.article_versions"
    ).fetchall()
    assert version == [
        (
            1,
            "First title",
            story(1),
            before["content_hash"],
            before["first_seen_at"],
            after["updated_at"],
            run_id,
        )
    ]


def test_two_revisions_chain_their_validity_ranges(conn, run_id):
    url = "http://alpha.test/news/1"
    for n in range(3):
        load_batch(conn, [ok(url, story(1) + f" update {n}")], run_id=new_run(conn), source="alpha")
    (v1_from, v1_to), (v2_from, v2_to) = conn.execute(
        "SELECT valid_from, valid_to FROM warehouse.article_versions ORDER BY version"
    ).fetchall()
    assert v1_from < v1_to == v2_from < v2_to
    assert rows(conn)[url]["version"] == 3


def test_a_new_extractor_version_is_recorded_without_a_new_version(conn, run_id):
    url = "http://alpha.test/news/1"
    load_batch(conn, [ok(url, story(1), extractor_version="2025.1")], run_id=run_id, source="alpha")
    reprocess = new_run(conn)
    counts = load_batch(
        conn, [ok(url, story(1), extractor_version="2025.2")], run_id=reprocess, source="alpha"
    )
    row = rows(conn)[url]
    assert (row["version"], row["extractor_version"], row["run_id"]) == (1, "2025.2", reprocess)
    assert counts.articles_unchanged == 1
    assert conn.execute("SELECT count(*) FROM warehouse.article_versions").fetchone() == (0,)


def test_paywall_flags_are_stored_and_a_re_extraction_updates_them_in_place(conn, run_id):
    url = "http://alpha.test/news/paywalled"
    before = ok(url, story(1), extractor_version="2026.11.2")
    load_batch(conn, [before], run_id=run_id, source="alpha")
    flagged = replace(
        before.article, extractor_version="2026.12.1", is_accessible_for_free=False, truncated=True
    )
    load_batch(conn, [replace(before, article=flagged)], run_id=new_run(conn), source="alpha")
    row = conn.execute(
        "SELECT version, is_accessible_for_free, truncated FROM warehouse.articles WHERE url = %s",
        (url,),
    ).fetchone()
    assert row == (1, False, True)


def test_the_first_source_keeps_the_row(conn, run_id):
    url = "http://shared.test/a"
    load_batch(conn, [ok(url, story(1))], run_id=run_id, source="alpha")
    load_batch(conn, [ok(url, story(1))], run_id=run_id, source="beta")
    assert rows(conn)[url]["source"] == "alpha"


def test_articles_outside_the_window_are_not_loaded_and_count_as_held_by_date(conn, run_id):
    batch = [
        ok("http://alpha.test/old", story(1), published=day(1)),
        ok("http://alpha.test/new", story(2), published=day(4)),
    ]
    counts = load_batch(
        conn,
        batch,
        run_id=run_id,
        source="alpha",
        window=Window(date(2025, 3, 3), date(2025, 3, 5)),
    )
    assert list(rows(conn)) == ["http://alpha.test/new"]
    assert (counts.articles_new, counts.held_by_date, counts.not_article) == (1, 1, 0)


def test_every_page_of_the_batch_leaves_the_extraction_queue(conn, run_id):
    pages = [
        "http://alpha.test/page1",
        "http://alpha.test/index",
        "http://alpha.test/broken",
        "http://alpha.test/other",
    ]
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO warehouse.crawl_state (url, source, pending_extract) "
            "VALUES (%s, 'alpha', true)",
            [(p,) for p in pages],
        )
    conn.commit()
    batch = [
        ok("http://alpha.test/canonical", story(1), page_url=pages[0]),
        ExtractionResult("not_article", url=pages[1]),
        ExtractionResult("error", url=pages[2], message="boom"),
    ]
    load_batch(conn, batch, run_id=run_id, source="alpha")
    pending = conn.execute("SELECT url FROM warehouse.crawl_state WHERE pending_extract").fetchall()
    assert pending == [(pages[3],)]


def test_a_page_outside_the_window_stays_pending_with_its_date_for_a_later_run(conn, run_id):
    pages = ["http://alpha.test/old", "http://alpha.test/new"]
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO warehouse.crawl_state (url, source, pending_extract) "
            "VALUES (%s, 'alpha', true)",
            [(p,) for p in pages],
        )
    conn.commit()
    batch = [ok(pages[0], story(1), published=day(1)), ok(pages[1], story(2), published=day(4))]
    load_batch(
        conn,
        batch,
        run_id=run_id,
        source="alpha",
        window=Window(date(2025, 3, 3), date(2025, 3, 5)),
    )
    held = conn.execute(
        "SELECT url, held_published_at FROM warehouse.crawl_state WHERE pending_extract"
    ).fetchall()
    assert held == [(pages[0], day(1))]
    # the backfill whose window holds the date loads it and releases the page
    load_batch(
        conn,
        batch[:1],
        run_id=run_id,
        source="alpha",
        window=Window(date(2025, 3, 1), date(2025, 3, 1)),
    )
    assert sorted(rows(conn)) == sorted(pages)
    assert (
        conn.execute("SELECT count(*) FROM warehouse.crawl_state WHERE pending_extract").fetchone()[
            0
        ]
        == 0
    )


def test_the_source_counters_of_the_run_add_up_over_batches(conn, run_id):
    runs.start_source(conn, run_id, "alpha")
    load_batch(conn, _batch()[:10], run_id=run_id, source="alpha")
    load_batch(
        conn,
        _batch()[5:] + [ExtractionResult("error", url="http://alpha.test/x")],
        run_id=run_id,
        source="alpha",
    )
    counts = runs.run_counts(conn, run_id, "alpha")
    assert (counts.articles_new, counts.articles_unchanged, counts.failed) == (20, 5, 1)


def test_a_source_without_a_run_row_gets_one(conn, run_id):
    load_batch(conn, _batch()[:2], run_id=run_id, source="alpha")
    assert runs.run_counts(conn, run_id, "alpha").articles_new == 2


def test_nul_bytes_surrogates_and_huge_bodies_load_intact(conn, run_id):
    huge = story(9, words=400_000)
    batch = [
        ok("http://alpha.test/nul\x00", "body\x00 with nul " + story(1), title="  T\x00itle \n"),
        ok("http://alpha.test/surrogate", "broken \udc80 text " + story(2), authors=("Ann\ud800",)),
        ok("http://alpha.test/huge", huge),
    ]
    counts = load_batch(conn, batch, run_id=run_id, source="alpha")
    assert counts.articles_new == 3
    stored = rows(conn)
    assert stored["http://alpha.test/nul"]["title"] == "Title"
    assert stored["http://alpha.test/nul"]["body"].startswith("body with nul")
    assert "\ufffd" in stored["http://alpha.test/surrogate"]["body"]
    assert stored["http://alpha.test/surrogate"]["authors"] == ["Ann\ufffd"]
    assert stored["http://alpha.test/huge"]["body"] == huge


def test_an_empty_batch_still_commits_its_bookkeeping(conn, run_id):
    counts = load_batch(
        conn,
        [ExtractionResult("not_article", url="http://alpha.test/i")],
        run_id=run_id,
        source="alpha",
    )
    assert counts.not_article == 1
    assert runs.run_counts(conn, run_id, "alpha").not_article == 1


def test_the_callers_open_transaction_is_committed_first(conn, run_id, clean_database_url):
    conn.execute(
        "INSERT INTO warehouse.crawl_run_sources (run_id, source) VALUES (%s, 'gamma')", (run_id,)
    )
    load_batch(conn, _batch()[:1], run_id=run_id, source="alpha")
    with psycopg.connect(clean_database_url) as other:
        assert other.execute(
            "SELECT count(*) FROM warehouse.crawl_run_sources WHERE source = 'gamma'"
        ).fetchone() == (1,)
        assert other.execute("SELECT count(*) FROM warehouse.articles").fetchone() == (1,)


def test_new_rows_take_ascending_ids_from_the_identity_and_their_link_rows_match(conn, run_id):
    # The ids are drawn from the identity's sequence before the COPY: in URL order, and
    # the sequence moves past them, so a row inserted the ordinary way gets a later id.
    load_batch(conn, _batch()[:5], run_id=run_id, source="alpha")
    load_batch(conn, _batch()[5:], run_id=run_id, source="alpha")
    stored = rows(conn)
    by_url = sorted(stored.values(), key=lambda r: r["url"])
    first = [r["article_id"] for r in by_url if r["url"] in {b.url for b in _batch()[:5]}]
    assert first == sorted(first)
    assert len({r["article_id"] for r in by_url}) == 20
    (next_id,) = conn.execute(
        "INSERT INTO warehouse.articles (url, source, title, body, content_hash, "
        "extractor_version) VALUES ('http://alpha.test/by-hand', 'alpha', 't', 'b', 'h', 'x') "
        "RETURNING article_id"
    ).fetchone()
    assert next_id > max(r["article_id"] for r in by_url)
    waiting = dict(
        conn.execute("SELECT article_id, counted_as FROM warehouse.articles_unlinked").fetchall()
    )
    assert waiting == {r["article_id"]: "articles_new" for r in by_url}
    conn.rollback()


def test_bodies_are_compressed_with_lz4_where_the_server_has_it(conn, run_id):
    (has_lz4,) = conn.execute(
        "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
    ).fetchone()
    url = "http://alpha.test/compressible"
    body = "The council met again today and said the same thing. " * 200
    load_batch(conn, [ok(url, body)], run_id=run_id, source="alpha")
    load_batch(conn, [ok(url, body + " Updated.")], run_id=new_run(conn), source="alpha")
    articles, versions = conn.execute(
        "SELECT (SELECT pg_column_compression(body) FROM warehouse.articles), "
        "(SELECT pg_column_compression(body) FROM warehouse.article_versions)"
    ).fetchone()
    expected = "lz4" if has_lz4 else "pglz"
    assert (articles, versions) == (expected, expected)
    assert rows(conn)[url]["body"] == body + " Updated."


def test_a_batch_of_a_run_that_does_not_exist_stores_nothing(conn, run_id):
    # articles.run_id is checked once per batch, not by a foreign key (migration 0028)
    with pytest.raises(UnknownRunError, match="run 987654 does not exist"):
        load_batch(conn, _batch(), run_id=987654, source="alpha")
    assert rows(conn) == {}


def test_a_run_with_articles_cannot_be_deleted_nor_renumbered(conn, run_id):
    load_batch(conn, _batch()[:1], run_id=run_id, source="alpha")
    empty = new_run(conn)
    for statement in (
        "DELETE FROM warehouse.crawl_runs WHERE run_id = %s",
        "UPDATE warehouse.crawl_runs SET run_id = DEFAULT WHERE run_id = %s",
    ):
        with pytest.raises(psycopg.errors.ForeignKeyViolation, match="still has articles"):
            conn.execute(statement, (run_id,))
        conn.rollback()
    conn.execute("UPDATE warehouse.crawl_runs SET status = status WHERE run_id = %s", (run_id,))
    conn.execute("DELETE FROM warehouse.crawl_runs WHERE run_id = %s", (empty,))
    conn.commit()
    assert conn.execute("SELECT count(*) FROM warehouse.crawl_runs").fetchone() == (1,)
