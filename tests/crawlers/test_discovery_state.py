"""``warehouse.discovery_state``: what a crawl remembers of its discovery documents."""

from datetime import UTC, datetime

import pytest

from crawlers.conditional import Child, DocumentState
from crawlers.discovery_state import DiscoveryStateStore
from pipeline import runs

URL = "http://a.com/index.xml"
LASTMOD = datetime(2026, 11, 30, 10, tzinfo=UTC)
READ = DocumentState(
    etag='"1"',
    last_modified="Mon, 30 Nov 2026 10:00:00 GMT",
    body_sha256="ab" * 32,
    index_lastmod=LASTMOD,
    children=(Child("http://a.com/s1.xml", LASTMOD), Child("http://a.com/s2.xml")),
)


@pytest.fixture
def run_id(db):
    return runs.create_run(db, sources=["s"], since=None, until=None, trigger="test")


def store(db, run_id, source="s"):
    return DiscoveryStateStore(db, source=source, run_id=run_id)


def test_a_read_is_remembered_with_its_validators_and_children(db, run_id):
    first = store(db, run_id)
    first.read("sitemap", URL, READ, changed=True)
    first.flush(save=True)
    assert store(db, run_id).get("sitemap", URL) == READ


def test_a_crawl_that_did_not_finish_keeps_nothing_it_read(db, run_id):
    first = store(db, run_id)
    first.read("sitemap", URL, READ, changed=True)
    first.flush(save=False)
    assert store(db, run_id).get("sitemap", URL) is None


def test_a_failed_read_forgets_the_validators_and_is_not_usable(db, run_id):
    first = store(db, run_id)
    first.read("sitemap", URL, READ, changed=True)
    first.flush(save=True)
    second = store(db, run_id)
    second.failed("sitemap", URL, "http_500")
    second.flush(save=False)  # failures are written even by a crawl cut short
    state = store(db, run_id).get("sitemap", URL)
    assert state is not None and not state.usable
    assert (state.etag, state.body_sha256, state.index_lastmod) == (None, None, None)
    assert state.failed_attempts == 1


def test_a_read_after_a_failure_resets_the_failures(db, run_id):
    first = store(db, run_id)
    first.failed("feed", URL, "timeout")
    first.flush(save=True)
    second = store(db, run_id)
    second.read("feed", URL, READ, changed=True)
    second.flush(save=True)
    assert store(db, run_id).get("feed", URL).failed_attempts == 0


def test_each_source_has_its_own_state_of_a_shared_document(db, run_id):
    first = store(db, run_id, "s")
    first.read("sitemap", URL, READ, changed=True)
    first.flush(save=True)
    assert store(db, run_id, "other").get("sitemap", URL) is None


def test_an_unchanged_document_keeps_its_last_change_time(db, run_id):
    first = store(db, run_id)
    first.read("sitemap", URL, READ, changed=True)
    first.flush(save=True)
    changed_at = db.execute("SELECT last_changed_at FROM warehouse.discovery_state").fetchone()
    second = store(db, run_id)
    second.read("sitemap", URL, READ, changed=False)
    second.flush(save=True)
    assert db.execute("SELECT last_changed_at FROM warehouse.discovery_state").fetchone() == (
        changed_at
    )
