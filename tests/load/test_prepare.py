"""Sorting a batch into rows to load and results only to count (no database)."""

from dataclasses import replace
from datetime import date

from pipeline.dedup.fingerprint import with_fingerprint
from pipeline.dedup.minhash import lsh_params
from pipeline.load.prepare import in_window, prepare_batch
from pipeline.records import ExtractionResult
from pipeline.window import Window
from tests.load.conftest import day, ok, story

PARAMS = lsh_params(0.8)


def test_not_articles_and_errors_are_counted_not_loaded():
    batch = [
        ok("http://x/1", story(1)),
        ExtractionResult("not_article", url="http://x/i"),
        ExtractionResult("error", url="http://x/e", message="boom"),
    ]
    prepared = prepare_batch(batch, source="alpha", params=PARAMS)
    assert [r.url for r in prepared.rows] == ["http://x/1"]
    assert (prepared.not_article, prepared.failed) == (1, 1)


def test_every_page_url_of_the_batch_is_listed_for_crawl_state():
    batch = [
        ok("http://x/canonical", story(1), page_url="http://x/page?ref=rss"),
        ExtractionResult("not_article", url="http://x/index"),
    ]
    prepared = prepare_batch(batch, source="alpha", params=PARAMS)
    assert prepared.page_urls == ["http://x/index", "http://x/page?ref=rss"]
    assert prepared.rows[0].page_url == "http://x/page?ref=rss"


def test_a_url_repeated_in_a_batch_keeps_the_last_result():
    batch = [ok("http://x/1", story(1)), ok("http://x/1", story(2))]
    prepared = prepare_batch(batch, source="alpha", params=PARAMS)
    assert len(prepared.rows) == 1 and prepared.rows[0].body == story(2)
    assert prepared.repeated == 1


def test_articles_published_outside_the_window_are_skipped():
    batch = [
        ok("http://x/early", story(1), published=day(1)),
        ok("http://x/in", story(2), published=day(2)),
        ok("http://x/undated", story(3)),
    ]
    prepared = prepare_batch(
        batch, source="alpha", params=PARAMS, window=Window(date(2025, 3, 2), date(2025, 3, 2))
    )
    assert [r.url for r in prepared.rows] == ["http://x/in", "http://x/undated"]
    assert prepared.skipped_by_date == 1


def test_window_bounds_are_inclusive_and_open_when_none():
    assert in_window(day(5), Window(date(2025, 3, 5), None))
    assert in_window(day(5), Window(None, date(2025, 3, 5)))
    assert not in_window(day(6), Window(None, date(2025, 3, 5)))


def test_an_empty_body_has_no_shingles_and_is_still_loaded():
    prepared = prepare_batch([ok("http://x/1", "")], source="alpha", params=PARAMS)
    assert not prepared.rows[0].has_words


def _index_fields(prepared):
    return [(r.url, r.body, r.content_hash, r.has_words, r.minhash) for r in prepared.rows]


def test_fingerprints_from_the_extraction_workers_are_used_as_made_here():
    batch = [
        ok("http://x/1", story(1)),
        ok("http://x/2", "Caf\u00e9 \x00news\ud800 here."),
        ok("http://x/3", ""),
    ]
    fingerprinted = [with_fingerprint(r) for r in batch]
    assert all(r.fingerprint is not None for r in fingerprinted)
    made_here = prepare_batch(batch, source="alpha", params=PARAMS)
    given = prepare_batch(fingerprinted, source="alpha", params=PARAMS)
    assert _index_fields(given) == _index_fields(made_here)


def test_a_fingerprint_made_with_other_parameters_is_made_again():
    good = with_fingerprint(ok("http://x/1", story(1)))
    stale = replace(
        good, fingerprint=replace(good.fingerprint, shingle_words=3, minhash=bytes(512))
    )
    prepared = prepare_batch([stale], source="alpha", params=PARAMS)
    assert prepared.rows[0].minhash == good.fingerprint.minhash
