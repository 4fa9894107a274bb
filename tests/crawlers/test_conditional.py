"""Conditional discovery's pure decisions (crawlers.conditional)."""

from __future__ import annotations

from datetime import UTC, datetime

from crawlers.conditional import (
    Child,
    DocumentState,
    body_sha256,
    body_unchanged,
    request_headers,
    skip_child,
)

ETAG = '"abc"'
LAST_MODIFIED = "Tue, 01 Dec 2026 10:00:00 GMT"
LASTMOD = datetime(2026, 12, 1, 10, tzinfo=UTC)
BODY = b"<urlset/>"


def read_before(**changes: object) -> DocumentState:
    fields: dict = {
        "etag": ETAG,
        "last_modified": LAST_MODIFIED,
        "body_sha256": body_sha256(BODY),
        "index_lastmod": LASTMOD,
        "children": (Child("https://a.example/s.xml", LASTMOD),),
    }
    fields.update(changes)
    return DocumentState(**fields)


# --- what headers to send -------------------------------------------------------------


def test_a_new_document_is_asked_without_conditions():
    assert request_headers(None) == {}


def test_a_document_read_before_is_asked_with_both_validators():
    assert request_headers(read_before()) == {
        "If-None-Match": ETAG,
        "If-Modified-Since": LAST_MODIFIED,
    }


def test_only_the_validators_the_server_gave_are_sent_back():
    assert request_headers(read_before(last_modified=None)) == {"If-None-Match": ETAG}
    assert request_headers(read_before(etag=None)) == {"If-Modified-Since": LAST_MODIFIED}


def test_a_server_without_validators_gets_an_unconditional_request():
    assert request_headers(read_before(etag=None, last_modified=None)) == {}


def test_a_document_whose_last_read_failed_is_asked_without_conditions():
    assert request_headers(read_before(failed_attempts=1)) == {}


# --- whether a child sitemap is asked at all ------------------------------------------


def test_a_child_with_the_same_lastmod_in_the_index_is_not_asked():
    assert skip_child(LASTMOD, read_before())


def test_a_child_with_a_new_lastmod_is_asked():
    assert not skip_child(datetime(2026, 12, 2, tzinfo=UTC), read_before())


def test_a_child_without_lastmod_in_the_index_is_asked():
    assert not skip_child(None, read_before())


def test_a_child_never_read_is_asked():
    assert not skip_child(LASTMOD, None)


def test_a_child_whose_last_read_failed_is_asked_although_its_lastmod_is_unchanged():
    assert not skip_child(LASTMOD, read_before(failed_attempts=2))


def test_a_child_read_when_the_index_gave_no_lastmod_is_asked():
    assert not skip_child(LASTMOD, read_before(index_lastmod=None))


# --- whether a downloaded body is parsed ----------------------------------------------


def test_the_same_body_is_unchanged():
    assert body_unchanged(body_sha256(BODY), read_before(etag=None, last_modified=None))


def test_a_different_body_is_changed():
    assert not body_unchanged(body_sha256(BODY + b" "), read_before())


def test_a_body_after_a_failed_read_is_parsed():
    assert not body_unchanged(body_sha256(BODY), read_before(failed_attempts=1))


def test_a_body_never_seen_is_parsed():
    assert not body_unchanged(body_sha256(BODY), None)


def test_the_hash_is_sha256_hex():
    assert body_sha256(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
