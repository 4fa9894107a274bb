"""The link step: articles are hidden until linked, crashes are caught up, links as before."""

from __future__ import annotations

from collections.abc import Callable

import psycopg
import pytest

from benchmarks.load_fixture import synthetic_bodies, synthetic_results
from pipeline import runs
from pipeline.db import apply_migrations
from pipeline.errors import DatabaseUnavailableError
from pipeline.load import link as link_module
from pipeline.load import load_batch
from pipeline.load.link import link_pending, pending_count
from pipeline.steps import link_articles
from tests.load.conftest import day, load_and_link, new_run, ok, prose

ORIGINAL = prose(24)
EXACT_COPY = ORIGINAL.upper()
NEAR_COPY = ORIGINAL + "\n\nThis story first appeared in the Daily Example."


def _visible(conn: psycopg.Connection) -> dict[str, list]:
    """What analysts see: the URLs in each analyst view."""
    seen = {
        "articles": conn.execute(
            "SELECT url, syndication_count FROM analytics.articles ORDER BY url"
        ).fetchall(),
        "duplicates": conn.execute(
            "SELECT duplicate_url, original_url FROM analytics.article_duplicates ORDER BY 1"
        ).fetchall(),
        "versions": conn.execute(
            "SELECT url, version FROM analytics.article_versions ORDER BY 1, 2"
        ).fetchall(),
        "daily": conn.execute(
            "SELECT source, published_date, articles, duplicates "
            "FROM analytics.daily_source_counts ORDER BY 1, 2"
        ).fetchall(),
    }
    conn.commit()
    return seen


NOTHING: dict[str, list] = {"articles": [], "duplicates": [], "versions": [], "daily": []}


def _load_original_and_copy(conn: psycopg.Connection, run_id: int) -> None:
    """Load (not link) a.test/1 and its exact copy b.test/1, published a day later."""
    load_batch(
        conn,
        [
            ok("http://a.test/1", ORIGINAL, published=day(1)),
            ok("http://b.test/1", EXACT_COPY, published=day(2)),
        ],
        run_id=run_id,
        source="alpha",
    )


def test_loaded_articles_are_invisible_to_analysts_until_linked(conn, run_id):
    _load_original_and_copy(conn, run_id)
    assert _visible(conn) == NOTHING
    assert pending_count(conn) == 2

    assert link_pending(conn, run_id=run_id).duplicates == 1
    assert _visible(conn) == {
        "articles": [("http://a.test/1", 1)],
        "duplicates": [("http://b.test/1", "http://a.test/1")],
        "versions": [("http://a.test/1", 1)],
        "daily": [("alpha", day(1).date(), 1, 0), ("alpha", day(2).date(), 0, 1)],
    }
    assert pending_count(conn) == 0


def test_a_copy_of_a_visible_article_never_shows_as_an_original(conn, run_id):
    load_and_link(
        conn, [ok("http://a.test/1", ORIGINAL, published=day(1))], run_id=run_id, source="alpha"
    )
    before = _visible(conn)
    load_batch(
        conn, [ok("http://b.test/1", NEAR_COPY, published=day(2))], run_id=run_id, source="beta"
    )
    assert _visible(conn) == before  # the copy waits, unseen
    link_pending(conn, run_id=run_id)
    assert _visible(conn)["articles"] == [("http://a.test/1", 1)]


def test_a_revised_article_is_hidden_until_linked_again(conn, run_id):
    load_and_link(
        conn,
        [
            ok("http://a.test/1", ORIGINAL, published=day(1)),
            ok("http://b.test/1", prose(24, seed="other "), published=day(2)),
        ],
        run_id=run_id,
        source="alpha",
    )
    # b is revised into a copy of a: it must not show as an original meanwhile.
    load_batch(
        conn,
        [ok("http://b.test/1", EXACT_COPY, published=day(2))],
        run_id=new_run(conn),
        source="alpha",
    )
    assert _visible(conn)["articles"] == [("http://a.test/1", 0)]
    link_pending(conn)
    assert _visible(conn)["duplicates"] == [("http://b.test/1", "http://a.test/1")]


def test_a_changed_date_alone_keeps_the_article_visible(conn, run_id):
    load_and_link(
        conn, [ok("http://a.test/1", ORIGINAL, published=day(1))], run_id=run_id, source="alpha"
    )
    load_batch(
        conn, [ok("http://a.test/1", ORIGINAL, published=day(3))], run_id=run_id, source="alpha"
    )
    assert [url for url, _ in _visible(conn)["articles"]] == ["http://a.test/1"]
    assert link_pending(conn).rerooted == 1


def test_a_crash_between_load_and_link_is_linked_by_the_next_run(conn, run_id, settings):
    runs.start_source(conn, run_id, "alpha")
    load_batch(
        conn,
        [
            ok("http://a.test/1", ORIGINAL, published=day(1)),
            ok("http://b.test/1", NEAR_COPY, published=day(2)),
        ],
        run_id=run_id,
        source="alpha",
    )
    # The process dies here: the next run to start finds the run abandoned and closes it.
    runs.finish_run(conn, run_id, error="abandoned")
    assert runs.run_counts(conn, run_id).articles_new == 2
    assert _visible(conn) == NOTHING

    later = new_run(conn)
    linked = link_articles(settings.database_url, "beta", settings=settings, run_id=later)
    assert (linked.articles, linked.duplicates) == (2, 1)
    assert [url for url, _ in _visible(conn)["articles"]] == ["http://a.test/1"]
    # The crashed run's counters say what its load turned out to be, totals included.
    for counts in (runs.run_counts(conn, run_id, "alpha"), runs.run_counts(conn, run_id)):
        assert (counts.articles_new, counts.duplicates) == (1, 1)
    assert link_pending(conn).articles == 0  # linked once, never twice


def test_a_link_step_killed_midway_leaves_everything_waiting(
    conn, run_id, clean_database_url, monkeypatch, settings
):
    _load_original_and_copy(conn, run_id)

    def killed(link_conn: psycopg.Connection, *args, **kwargs) -> None:
        with psycopg.connect(clean_database_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (link_conn.info.backend_pid,))

    monkeypatch.setattr(link_module, "write_links", killed)
    with pytest.raises(DatabaseUnavailableError, match="next link step links them"):
        link_articles(clean_database_url, "alpha", settings=settings, run_id=run_id)
    monkeypatch.undo()
    assert pending_count(conn) == 2
    assert conn.execute("SELECT count(*) FROM warehouse.article_lsh_bands").fetchone() == (0,)
    assert _visible(conn) == NOTHING

    assert link_pending(conn, run_id=run_id).duplicates == 1
    assert runs.run_counts(conn, run_id, "alpha").duplicates == 1


def test_a_copy_waiting_for_the_link_step_is_moved_in_the_run_that_counted_it_new(conn, run_id):
    batch = [
        ok("http://a.test/1", ORIGINAL, published=day(1)),
        ok("http://b.test/1", EXACT_COPY, published=day(2)),
    ]
    load_batch(conn, batch, run_id=run_id, source="alpha")
    later = new_run(conn)
    assert load_batch(conn, batch, run_id=later, source="beta").articles_unchanged == 2
    link_pending(conn, run_id=later)
    first, second = runs.run_counts(conn, run_id, "alpha"), runs.run_counts(conn, later, "beta")
    assert (first.articles_new, first.duplicates) == (1, 1)
    assert (second.articles_unchanged, second.duplicates) == (2, 0)


def test_a_re_run_that_counts_afresh_leaves_nothing_to_move(conn):
    # An Airflow DAG run cleared and run again keeps its run id and starts its counters
    # afresh: the copy its first attempt counted new is now counted unchanged.
    first = runs.create_run(conn, sources=["alpha"], since=None, until=None, external_id="x")
    batch = [
        ok("http://a.test/1", ORIGINAL, published=day(1)),
        ok("http://b.test/1", EXACT_COPY, published=day(2)),
    ]
    load_batch(conn, batch, run_id=first, source="alpha")
    again = runs.create_run(conn, sources=["alpha"], since=None, until=None, external_id="x")
    assert again == first
    load_batch(conn, batch, run_id=again, source="alpha")
    link_pending(conn, run_id=again)
    counts = runs.run_counts(conn, again, "alpha")
    assert (counts.articles_new, counts.articles_unchanged, counts.duplicates) == (0, 2, 0)
    assert _visible(conn)["duplicates"] == [("http://b.test/1", "http://a.test/1")]


def _links(url: str) -> dict[str, tuple[str | None, float | None]]:
    with psycopg.connect(url) as c:
        return {
            row[0]: (row[1], row[2])
            for row in c.execute(
                "SELECT d.url, o.url, d.similarity FROM warehouse.articles d "
                "LEFT JOIN warehouse.articles o ON o.article_id = d.duplicate_of"
            )
        }


def test_linking_a_whole_source_gives_the_links_of_linking_batch_by_batch(
    make_database: Callable[[], str],
):
    # Before the link step each batch was linked in its own load transaction; linking
    # a whole source at once must give the same clusters and similarities.
    bodies, planted = synthetic_bodies(1600, words=120, copy_share=0.05, seed=3)
    results = synthetic_results(bodies)
    alone = [i for i in range(len(bodies)) if i not in planted and i not in planted.values()]
    exact = (alone[3], alone[700])
    results += [  # exact copies, in later batches than their originals
        ok(f"http://exact.test/{i}", bodies[i].upper(), published=day(1)) for i in exact
    ]
    links = {}
    for by_batch in (True, False):
        url = make_database()
        with psycopg.connect(url) as c:
            apply_migrations(c)
            run = new_run(c, ("bench",))
            for start in range(0, len(results), 500):
                load_batch(c, results[start : start + 500], run_id=run, source="bench")
                if by_batch:
                    link_pending(c, run_id=run)
            link_pending(c, run_id=run)
            counts = runs.run_counts(c, run, "bench")
        links[by_batch] = _links(url)
        assert (counts.articles_new, counts.duplicates) == (
            len(results) - len(planted) - 2,
            len(planted) + 2,
        )
    assert links[True] == links[False]
    found = {d: o for d, (o, _) in links[False].items() if o is not None}
    expected = {
        results[max(copy, original)].article.url: results[min(copy, original)].article.url
        for copy, original in planted.items()
    }
    expected |= {f"http://exact.test/{i}": results[i].article.url for i in exact}
    assert found == expected


_BAND_INDEXES = """
SELECT indexname, indexdef FROM pg_indexes
WHERE schemaname = 'warehouse' AND tablename = 'article_lsh_bands' ORDER BY 1
"""


def test_a_link_step_larger_than_the_band_table_builds_its_indexes_again(conn, run_id):
    # The first link step of a warehouse drops the band table's indexes and builds them
    # after its COPY: the same indexes must be there afterwards, and be used.
    indexes = conn.execute(_BAND_INDEXES).fetchall()
    assert len(indexes) == 2
    load_and_link(
        conn,
        [ok(f"http://a.test/{n}", prose(12, seed=f"s{n} "), published=day(1)) for n in range(4)],
        run_id=run_id,
        source="alpha",
    )
    assert conn.execute(_BAND_INDEXES).fetchall() == indexes
    load_and_link(
        conn,
        [ok("http://b.test/2", prose(12, seed="s2 ").upper(), published=day(2))],
        run_id=run_id,
        source="beta",
    )
    assert conn.execute(_BAND_INDEXES).fetchall() == indexes
    copy = conn.execute(
        "SELECT o.url FROM warehouse.articles c JOIN warehouse.articles o "
        "ON o.article_id = c.duplicate_of WHERE c.url = 'http://b.test/2'"
    ).fetchone()
    assert copy == ("http://a.test/2",)
    conn.execute("SET enable_seqscan = off")  # a table this small is read whole
    plan = "\n".join(
        row[0]
        for row in conn.execute(
            "EXPLAIN SELECT * FROM warehouse.article_lsh_bands WHERE bucket = 42"
        ).fetchall()
    )
    conn.rollback()
    assert "article_lsh_bands_bucket_idx" in plan


def test_a_failed_link_step_keeps_the_band_indexes(conn, run_id, monkeypatch):
    indexes = conn.execute(_BAND_INDEXES).fetchall()
    _load_original_and_copy(conn, run_id)

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("killed")

    monkeypatch.setattr(link_module, "write_links", fail)
    with pytest.raises(RuntimeError):
        link_pending(conn, run_id=run_id)
    conn.rollback()
    assert conn.execute(_BAND_INDEXES).fetchall() == indexes
    assert conn.execute("SELECT count(*) FROM warehouse.article_lsh_bands").fetchone() == (0,)
    assert pending_count(conn) == 2


def test_an_article_deleted_between_load_and_link_is_left_out(conn, run_id):
    _load_original_and_copy(conn, run_id)
    conn.execute("DELETE FROM warehouse.articles WHERE url = 'http://a.test/1'")
    conn.commit()
    linked = link_pending(conn, run_id=run_id)
    assert (linked.articles, linked.duplicates) == (1, 0)
    assert pending_count(conn) == 0
    assert _visible(conn)["articles"] == [("http://b.test/1", 0)]
    indexed = conn.execute(
        "SELECT (SELECT count(*) FROM warehouse.article_signatures), "
        "(SELECT count(DISTINCT article_id) FROM warehouse.article_lsh_bands)"
    ).fetchone()
    assert indexed == (1, 1)


def test_deleting_or_truncating_articles_drops_their_signatures(conn, run_id):
    # no foreign key (migration 0029): a trigger does what ON DELETE CASCADE did
    _load_original_and_copy(conn, run_id)
    link_pending(conn, run_id=run_id)
    signatures = "SELECT count(*) FROM warehouse.article_signatures"
    assert conn.execute(signatures).fetchone() == (2,)
    conn.execute("UPDATE warehouse.articles SET duplicate_of = NULL")
    conn.execute("DELETE FROM warehouse.articles WHERE url = 'http://a.test/1'")
    assert conn.execute(signatures).fetchone() == (1,)
    conn.execute("TRUNCATE warehouse.articles, warehouse.article_versions")
    assert conn.execute(signatures).fetchone() == (0,)
