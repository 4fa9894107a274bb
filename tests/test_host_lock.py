"""The per-host crawl lock (``pipeline.host_lock``) with real PostgreSQL connections
contending for it: taken, waited for, given up on, released when its connection dies."""

from __future__ import annotations

import threading
import time

import pytest

from pipeline.errors import DatabaseUnavailableError, HostBusyError
from pipeline.host_lock import (
    crawl_in_turn,
    holder_name,
    host_key,
    host_locks,
    source_hosts,
)
from pipeline.sources import Source

SITE = Source(name="site", sitemaps=("https://News.Example.com/sitemap.xml",))
SAME_HOST = Source(name="same", feeds=("https://news.example.com:443/feed.xml",))
OTHER = Source(name="other", start_urls=("http://other.example:8080/",))
TWO_HOSTS = Source(
    name="two", sitemaps=("robots",), start_urls=("https://news.example.com/", "http://b.example/")
)


def test_a_host_is_keyed_on_scheme_host_and_port():
    assert host_key("https://News.Example.com/a?b=c") == "https://news.example.com:443"
    assert host_key("http://news.example.com/") == "http://news.example.com:80"
    assert host_key("http://127.0.0.1:8123/x") == "http://127.0.0.1:8123"
    assert host_key("http://[::1]:9/") == "http://[::1]:9"
    assert host_key("robots") is None
    assert source_hosts(TWO_HOSTS) == ("http://b.example:80", "https://news.example.com:443")
    assert source_hosts(SAME_HOST) == source_hosts(SITE)


def test_a_held_host_is_refused_at_once_without_a_wait_naming_the_holder(clean_database_url):
    holder = holder_name("run", 41)
    with host_locks(clean_database_url, holder=holder, wait_s=0) as first:
        assert first.try_take(SITE)
        with host_locks(clean_database_url, holder="second", wait_s=0) as second:
            assert not second.try_take(SAME_HOST)
            assert second.busy_key == "https://news.example.com:443"
            assert second.try_take(OTHER)  # another host is free
            with pytest.raises(HostBusyError) as busy:
                second.take(SAME_HOST)
    message = str(busy.value)
    assert "host https://news.example.com:443 of source same is being crawled by" in message
    assert holder in message and "PostgreSQL pid" in message
    assert "\n" not in message


def test_a_crawl_waits_for_the_host_until_the_holder_releases_it(clean_database_url):
    heard: list[str] = []
    with host_locks(clean_database_url, holder="holder", wait_s=0) as first:
        assert first.try_take(SITE)
        threading.Timer(1.0, first.release, args=("site",)).start()
        with host_locks(
            clean_database_url, holder="waiter", wait_s=30, waiting=heard.append
        ) as second:
            began = time.monotonic()
            second.take(SAME_HOST)
            waited = time.monotonic() - began
            assert not first.try_take(SITE)  # now the waiter holds it
    assert 0.8 < waited < 10
    assert len(heard) == 1
    assert heard[0].startswith("waiting for host https://news.example.com:443 (same): holder")
    assert "giving up in 30 s" in heard[0]


def test_a_crawl_gives_up_after_its_wait(clean_database_url):
    with host_locks(clean_database_url, holder="holder", wait_s=0) as first:
        assert first.try_take(SITE)
        with host_locks(clean_database_url, holder="waiter", wait_s=1.0) as second:
            began = time.monotonic()
            with pytest.raises(HostBusyError, match="gave up after waiting 1 s"):
                second.take(SITE)
            assert 0.9 < time.monotonic() - began < 5


def test_the_lock_goes_with_a_lost_connection(clean_database_url, db):
    with host_locks(clean_database_url, holder="doomed", wait_s=0) as first:
        assert first.try_take(SITE)
        doomed = db.execute("SELECT pid FROM pg_stat_activity WHERE application_name = 'doomed'")
        (pid,) = doomed.fetchone()
        with host_locks(clean_database_url, holder="waiter", wait_s=10) as second:
            assert not second.try_take(SITE)
            db.execute("SELECT pg_terminate_backend(%s)", (pid,))
            second.take(SITE)  # freed by the server when the holder's session ended
            first.release("site")  # a lost connection: nothing to unlock, no error
        with pytest.raises(DatabaseUnavailableError, match="lost the database connection"):
            first.try_take(OTHER)


def test_two_sources_of_one_crawl_may_share_a_host(clean_database_url):
    with host_locks(clean_database_url, holder="one", wait_s=0) as locks:
        assert locks.try_take(SITE) and locks.try_take(SAME_HOST)
        locks.release("site")
        with host_locks(clean_database_url, holder="two", wait_s=0) as other:
            assert not other.try_take(SITE)  # SAME_HOST still holds it
            locks.release("same")
            assert other.try_take(SITE)


def test_crawl_in_turn_crawls_the_free_hosts_first_and_gives_up_on_a_busy_one(
    clean_database_url,
):
    batches: list[list[str]] = []
    gave_up: list[str] = []
    with (
        host_locks(clean_database_url, holder="nightly", wait_s=0) as nightly,
        host_locks(clean_database_url, holder="manual", wait_s=0.5) as manual,
    ):
        assert nightly.try_take(SITE)
        crawl_in_turn(
            manual,
            [SAME_HOST, OTHER, TWO_HOSTS],
            lambda batch: batches.append([s.name for s in batch]),
            lambda source, error: gave_up.append(source.name),
        )
        # what the manual crawl held is free again: the nightly crawl may take it
        assert nightly.try_take(OTHER)
    assert batches == [["other"]]
    assert gave_up == ["same", "two"]


def test_crawl_in_turn_crawls_a_waiting_source_once_its_host_frees_up(clean_database_url):
    batches: list[list[str]] = []
    with (
        host_locks(clean_database_url, holder="nightly", wait_s=0) as nightly,
        host_locks(clean_database_url, holder="manual", wait_s=30) as manual,
    ):
        assert nightly.try_take(SITE)

        def crawl(batch: list[Source]) -> None:
            batches.append([s.name for s in batch])
            if batch == [OTHER]:
                threading.Timer(0.5, nightly.release, args=("site",)).start()

        crawl_in_turn(manual, [SAME_HOST, OTHER], crawl, lambda s, e: pytest.fail(str(e)))
    assert batches == [["other"], ["same"]]
