"""Exact, near and non-duplicates, across batches, runs and sources."""

from __future__ import annotations

import psycopg

from tests.load.conftest import day, load_and_link, new_run, ok, prose, rows

ORIGINAL = prose(24)
EXACT_COPY = ORIGINAL.upper().replace("  ", " ").replace("\n\n", "\n")
WITH_ADDED_SENTENCE = ORIGINAL + "\n\nThis story first appeared in the Daily Example."
WITH_NEW_BYLINE = "By Staff Reporter, Wire Service\n\n" + ORIGINAL
SAME_TOPIC_OTHER_STORY = prose(24, seed="a different ")


def _link(conn: psycopg.Connection, url: str) -> tuple[str | None, float | None]:
    stored = rows(conn)
    row = stored[url]
    original = next((u for u, r in stored.items() if r["article_id"] == row["duplicate_of"]), None)
    return original, row["similarity"]


def test_an_exact_copy_under_another_url_points_to_the_original(conn, run_id):
    counts = load_and_link(
        conn,
        [
            ok("http://a.test/1", ORIGINAL, published=day(1)),
            ok("http://b.test/1", EXACT_COPY, published=day(2)),
        ],
        run_id=run_id,
        source="alpha",
    )
    assert _link(conn, "http://b.test/1") == ("http://a.test/1", 1.0)
    assert _link(conn, "http://a.test/1") == (None, None)
    assert (counts.articles_new, counts.duplicates) == (1, 1)


def test_an_exact_copy_of_a_body_shorter_than_a_shingle_is_found_in_a_later_batch(conn, run_id):
    # Exact duplicates are found through the LSH index like near ones: an equal content
    # hash means equal shingles, even for a body of fewer words than a shingle.
    load_and_link(
        conn,
        [ok("http://a.test/1", "Markets \u201cclosed\u201d early.", published=day(1))],
        run_id=run_id,
        source="alpha",
    )
    counts = load_and_link(
        conn,
        [ok("http://b.test/1", 'MARKETS  "closed" EARLY.', published=day(2))],
        run_id=run_id,
        source="beta",
    )
    assert _link(conn, "http://b.test/1") == ("http://a.test/1", 1.0)
    assert counts.duplicates == 1


def test_a_copy_with_an_added_sentence_is_a_near_duplicate_with_its_similarity(conn, run_id):
    load_and_link(
        conn,
        [
            ok("http://a.test/1", ORIGINAL, published=day(1)),
            ok("http://b.test/1", WITH_ADDED_SENTENCE, published=day(2)),
        ],
        run_id=run_id,
        source="alpha",
    )
    original, similarity = _link(conn, "http://b.test/1")
    assert original == "http://a.test/1"
    assert 0.8 <= similarity < 1.0


def test_a_copy_with_a_changed_byline_line_is_a_near_duplicate(conn, run_id):
    load_and_link(
        conn,
        [
            ok("http://a.test/1", ORIGINAL, published=day(1)),
            ok("http://b.test/1", WITH_NEW_BYLINE, published=day(2)),
        ],
        run_id=run_id,
        source="alpha",
    )
    assert _link(conn, "http://b.test/1")[0] == "http://a.test/1"


def test_a_different_story_on_the_same_topic_is_not_a_duplicate(conn, run_id):
    counts = load_and_link(
        conn,
        [
            ok("http://a.test/1", ORIGINAL, published=day(1)),
            ok("http://b.test/1", SAME_TOPIC_OTHER_STORY, published=day(2)),
        ],
        run_id=run_id,
        source="alpha",
    )
    assert _link(conn, "http://b.test/1") == (None, None)
    assert counts.articles_new == 2


def test_a_stricter_threshold_keeps_lightly_edited_copies_apart(conn, run_id):
    load_and_link(
        conn,
        [
            ok("http://a.test/1", ORIGINAL, published=day(1)),
            ok("http://b.test/1", WITH_ADDED_SENTENCE, published=day(2)),
        ],
        run_id=run_id,
        source="alpha",
        near_duplicate_threshold=0.99,
    )
    assert _link(conn, "http://b.test/1") == (None, None)


def test_near_duplicates_are_found_across_runs_and_sources(conn, run_id):
    load_and_link(
        conn, [ok("http://a.test/1", ORIGINAL, published=day(1))], run_id=run_id, source="alpha"
    )
    later = new_run(conn)
    counts = load_and_link(
        conn,
        [ok("http://b.test/1", WITH_ADDED_SENTENCE, published=day(2))],
        run_id=later,
        source="beta",
    )
    assert _link(conn, "http://b.test/1")[0] == "http://a.test/1"
    assert counts.duplicates == 1


def test_the_earliest_published_article_becomes_the_original(conn, run_id):
    load_and_link(
        conn,
        [ok("http://copy.test/1", WITH_ADDED_SENTENCE, published=day(5))],
        run_id=run_id,
        source="beta",
    )
    load_and_link(
        conn,
        [ok("http://a.test/1", ORIGINAL, published=day(1))],
        run_id=new_run(conn),
        source="alpha",
    )
    assert _link(conn, "http://copy.test/1")[0] == "http://a.test/1"
    assert _link(conn, "http://a.test/1") == (None, None)


def test_a_cluster_has_one_original_and_no_chains(conn, run_id):
    load_and_link(
        conn,
        [
            ok("http://b.test/1", WITH_ADDED_SENTENCE, published=day(3)),
            ok("http://c.test/1", WITH_NEW_BYLINE, published=day(4)),
        ],
        run_id=run_id,
        source="beta",
    )
    load_and_link(
        conn,
        [ok("http://a.test/1", ORIGINAL, published=day(1))],
        run_id=new_run(conn),
        source="alpha",
    )
    assert _link(conn, "http://b.test/1")[0] == "http://a.test/1"
    assert _link(conn, "http://c.test/1")[0] == "http://a.test/1"


def test_ties_in_publication_go_to_the_article_seen_first(conn, run_id):
    load_and_link(
        conn, [ok("http://z.test/1", ORIGINAL, published=day(1))], run_id=run_id, source="alpha"
    )
    load_and_link(
        conn,
        [ok("http://a.test/1", EXACT_COPY, published=day(1))],
        run_id=new_run(conn),
        source="beta",
    )
    assert _link(conn, "http://a.test/1")[0] == "http://z.test/1"


def test_a_known_date_is_earlier_than_an_unknown_one(conn, run_id):
    load_and_link(conn, [ok("http://a.test/1", ORIGINAL)], run_id=run_id, source="alpha")
    load_and_link(
        conn,
        [ok("http://b.test/1", EXACT_COPY, published=day(9))],
        run_id=new_run(conn),
        source="beta",
    )
    assert _link(conn, "http://a.test/1")[0] == "http://b.test/1"


def test_a_revised_duplicate_that_no_longer_matches_becomes_an_original(conn, run_id):
    load_and_link(
        conn,
        [
            ok("http://a.test/1", ORIGINAL, published=day(1)),
            ok("http://b.test/1", EXACT_COPY, published=day(2)),
        ],
        run_id=run_id,
        source="alpha",
    )
    counts = load_and_link(
        conn,
        [ok("http://b.test/1", SAME_TOPIC_OTHER_STORY, published=day(2))],
        run_id=new_run(conn),
        source="alpha",
    )
    assert _link(conn, "http://b.test/1") == (None, None)
    assert counts.articles_updated == 1


def test_a_revised_original_frees_copies_that_no_longer_match_it(conn, run_id):
    load_and_link(
        conn,
        [
            ok("http://a.test/1", ORIGINAL, published=day(1)),
            ok("http://b.test/1", WITH_ADDED_SENTENCE, published=day(2)),
            ok("http://c.test/1", WITH_NEW_BYLINE, published=day(3)),
        ],
        run_id=run_id,
        source="alpha",
    )
    load_and_link(
        conn,
        [ok("http://a.test/1", SAME_TOPIC_OTHER_STORY, published=day(1))],
        run_id=new_run(conn),
        source="alpha",
    )
    assert _link(conn, "http://a.test/1") == (None, None)
    assert _link(conn, "http://b.test/1") == (None, None)
    assert _link(conn, "http://c.test/1")[0] == "http://b.test/1"


def test_a_corrected_publication_date_moves_the_original(conn, run_id):
    load_and_link(
        conn,
        [
            ok("http://a.test/1", ORIGINAL, published=day(1)),
            ok("http://b.test/1", EXACT_COPY, published=day(2)),
        ],
        run_id=run_id,
        source="alpha",
    )
    load_and_link(
        conn,
        [ok("http://a.test/1", ORIGINAL, published=day(3))],
        run_id=new_run(conn),
        source="alpha",
    )
    assert _link(conn, "http://a.test/1")[0] == "http://b.test/1"
    assert _link(conn, "http://b.test/1") == (None, None)


def test_empty_bodies_are_never_linked(conn, run_id):
    load_and_link(
        conn, [ok("http://a.test/1", ""), ok("http://b.test/1", "")], run_id=run_id, source="alpha"
    )
    assert _link(conn, "http://b.test/1") == (None, None)


def test_a_changed_threshold_rebuilds_the_index_and_still_finds_duplicates(conn, run_id):
    load_and_link(
        conn,
        [ok("http://a.test/1", ORIGINAL, published=day(1))],
        run_id=run_id,
        source="alpha",
        near_duplicate_threshold=0.8,
    )
    load_and_link(
        conn,
        [ok("http://b.test/1", WITH_ADDED_SENTENCE, published=day(2))],
        run_id=new_run(conn),
        source="alpha",
        near_duplicate_threshold=0.6,
    )
    assert _link(conn, "http://b.test/1")[0] == "http://a.test/1"
    stored = conn.execute("SELECT bands, rows_per_band FROM warehouse.dedup_index").fetchone()
    bands_per_article = conn.execute(
        "SELECT count(*) FROM warehouse.article_lsh_bands WHERE article_id = 1"
    ).fetchone()[0]
    assert bands_per_article == stored[0]


def test_bands_marked_for_rebuilding_are_rebuilt_from_the_signatures(conn, run_id):
    # What migration 0012 leaves: an empty band table and 0 recorded bands.
    load_and_link(
        conn, [ok("http://a.test/1", ORIGINAL, published=day(1))], run_id=run_id, source="alpha"
    )
    before = conn.execute("SELECT * FROM warehouse.article_lsh_bands ORDER BY 1").fetchall()
    conn.execute("TRUNCATE warehouse.article_lsh_bands")
    conn.execute("UPDATE warehouse.dedup_index SET bands = 0")
    conn.commit()
    load_and_link(
        conn,
        [ok("http://b.test/1", WITH_ADDED_SENTENCE, published=day(2))],
        run_id=run_id,
        source="alpha",
    )
    assert _link(conn, "http://b.test/1")[0] == "http://a.test/1"
    rebuilt = conn.execute(
        "SELECT * FROM warehouse.article_lsh_bands WHERE article_id = 1 ORDER BY 1"
    ).fetchall()
    assert rebuilt == before
    assert conn.execute("SELECT bands FROM warehouse.dedup_index").fetchone()[0] == 16


def _index_of(conn: psycopg.Connection, article_ids: list[int]) -> tuple[list, list]:
    return (
        conn.execute(
            "SELECT article_id, minhash FROM warehouse.article_signatures "
            "WHERE article_id = ANY(%s) ORDER BY 1, 2",
            (article_ids,),
        ).fetchall(),
        conn.execute(
            "SELECT article_id, bucket FROM warehouse.article_lsh_bands "
            "WHERE article_id = ANY(%s) ORDER BY 1, 2",
            (article_ids,),
        ).fetchall(),
    )


def test_an_index_never_built_is_built_from_the_bodies_as_a_load_builds_it(conn, run_id):
    # Articles stored without an index (loaded by hand, or before the index existed):
    # the next load computes every signature from the stored bodies.
    load_and_link(
        conn,
        [ok("http://a.test/1", ORIGINAL, published=day(1)), ok("http://a.test/2", "")],
        run_id=run_id,
        source="alpha",
    )
    before = _index_of(conn, [1, 2])
    assert len(before[0]) == 1  # the empty body has no signature
    conn.execute(
        "TRUNCATE warehouse.article_signatures, warehouse.article_lsh_bands, warehouse.dedup_index"
    )
    conn.commit()
    load_and_link(
        conn,
        [ok("http://b.test/1", WITH_ADDED_SENTENCE, published=day(2))],
        run_id=run_id,
        source="alpha",
    )
    assert _link(conn, "http://b.test/1")[0] == "http://a.test/1"
    assert _index_of(conn, [1, 2]) == before


def test_an_article_deleted_by_hand_is_no_candidate_any_more(conn, run_id):
    # Band rows have no foreign key (migration 0012): those of a deleted article stay
    # until the next rebuild, and the candidate query must not return them.
    load_and_link(
        conn, [ok("http://a.test/1", ORIGINAL, published=day(1))], run_id=run_id, source="alpha"
    )
    conn.execute("DELETE FROM warehouse.articles WHERE url = 'http://a.test/1'")
    conn.commit()
    assert conn.execute("SELECT count(*) FROM warehouse.article_lsh_bands").fetchone()[0] > 0
    counts = load_and_link(
        conn,
        [ok("http://b.test/1", WITH_ADDED_SENTENCE, published=day(2))],
        run_id=run_id,
        source="alpha",
    )
    assert (counts.articles_new, counts.duplicates) == (1, 0)
    assert _link(conn, "http://b.test/1") == (None, None)
