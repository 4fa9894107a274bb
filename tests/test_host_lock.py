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


class Crawls:
    """What ``crawl_in_turn`` did: the batches it crawled, the sources it gave up on."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.gave_up: dict[str, HostBusyError] = {}
        self.crawled_at: float | None = None

    def crawl(self, batch: list[Source]) -> None:
        self.batches.append([s.name for s in batch])
        self.crawled_at = time.monotonic()

    def busy(self, source: Source, error: HostBusyError) -> None:
        self.gave_up[source.name] = error


def test_a_held_host_is_refused_at_once_without_a_wait_naming_the_holder(clean_database_url):
    holder = holder_name("run", 41)
    crawls = Crawls()
    heard: list[str] = []
    with host_locks(clean_database_url, holder=holder, wait_s=0) as first:
        assert first.try_take(SITE)
        with host_locks(
            clean_database_url, holder="second", wait_s=0, waiting=heard.append
        ) as second:
            assert not second.try_take(SAME_HOST)
            assert second.try_take(OTHER)  # another host is free
            second.release("other")
            crawl_in_turn(second, [SAME_HOST, OTHER], crawls.crawl, crawls.busy)
    assert crawls.batches == [["other"]]
    assert heard == []  # no wait, nothing to say
    message = str(crawls.gave_up["same"])
    assert message.startswith(
        f"host https://news.example.com:443 of source same is being crawled by {holder} "
        "(PostgreSQL pid "
    )
    assert message.endswith(": try again when that crawl has ended")
    assert "\n" not in message


def test_a_crawl_waits_for_the_host_until_the_holder_releases_it(clean_database_url):
    heard: list[str] = []
    crawls = Crawls()
    with host_locks(clean_database_url, holder="holder", wait_s=0) as first:
        assert first.try_take(SITE)
        threading.Timer(1.0, first.release, args=("site",)).start()
        with host_locks(
            clean_database_url, holder="waiter", wait_s=30, waiting=heard.append
        ) as second:
            began = time.monotonic()

            def crawl(batch: list[Source]) -> None:
                crawls.crawl(batch)
                assert not first.try_take(SITE)  # the waiter holds it while it crawls

            crawl_in_turn(second, [SAME_HOST], crawl, crawls.busy)
        assert first.try_take(SITE)  # and released it after
    assert crawls.batches == [["same"]] and not crawls.gave_up
    assert crawls.crawled_at is not None and 0.8 < crawls.crawled_at - began < 10
    assert len(heard) == 1
    assert heard[0].startswith("waiting for host https://news.example.com:443 (same): holder")
    assert heard[0].endswith("is crawling it; giving up in 30 s (NEWSFLOW_HOST_LOCK_WAIT)")


def test_a_crawl_gives_up_after_its_wait(clean_database_url):
    crawls = Crawls()
    with host_locks(clean_database_url, holder="holder", wait_s=0) as first:
        assert first.try_take(SITE)
        with host_locks(clean_database_url, holder="waiter", wait_s=1.0) as second:
            began = time.monotonic()
            crawl_in_turn(second, [SITE], crawls.crawl, crawls.busy)
            assert 0.9 < time.monotonic() - began < 5
    assert crawls.batches == []
    assert str(crawls.gave_up["site"]).endswith(
        "; gave up after waiting 1 s: try again when that crawl has ended "
        "or raise NEWSFLOW_HOST_LOCK_WAIT"
    )


def test_the_lock_goes_with_a_lost_connection(clean_database_url, db):
    crawls = Crawls()
    with host_locks(clean_database_url, holder="doomed", wait_s=0) as first:
        assert first.try_take(SITE)
        doomed = db.execute("SELECT pid FROM pg_stat_activity WHERE application_name = 'doomed'")
        (pid,) = doomed.fetchone()
        with host_locks(clean_database_url, holder="waiter", wait_s=10) as second:
            assert not second.try_take(SITE)
            threading.Timer(
                0.5, db.execute, args=("SELECT pg_terminate_backend(%s)", (pid,))
            ).start()
            crawl_in_turn(second, [SITE], crawls.crawl, crawls.busy)
            first.release("site")  # a lost connection: nothing to unlock, no error
        with pytest.raises(DatabaseUnavailableError, match="lost the database connection"):
            first.try_take(OTHER)
    assert crawls.batches == [["site"]]  # freed by the server when the holder's session ended


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
    crawls = Crawls()
    with (
        host_locks(clean_database_url, holder="nightly", wait_s=0) as nightly,
        host_locks(clean_database_url, holder="manual", wait_s=0.5) as manual,
    ):
        assert nightly.try_take(SITE)
        crawl_in_turn(manual, [SAME_HOST, OTHER, TWO_HOSTS], crawls.crawl, crawls.busy)
        # what the manual crawl held is free again: the nightly crawl may take it
        assert nightly.try_take(OTHER) and nightly.try_take(TWO_HOSTS)
    assert crawls.batches == [["other"]]
    assert sorted(crawls.gave_up) == ["same", "two"]


def test_a_waiting_source_is_crawled_when_its_host_frees_while_another_still_waits(
    clean_database_url,
):
    crawls = Crawls()
    with (
        host_locks(clean_database_url, holder="nightly", wait_s=0) as nightly,
        host_locks(clean_database_url, holder="other", wait_s=0) as other,
        host_locks(clean_database_url, holder="manual", wait_s=3) as manual,
    ):
        assert nightly.try_take(SITE) and other.try_take(OTHER)
        threading.Timer(0.5, other.release, args=("other",)).start()
        crawl_in_turn(manual, [SAME_HOST, OTHER], crawls.crawl, crawls.busy)
    assert crawls.batches == [["other"]]  # did not wait behind the first source
    assert list(crawls.gave_up) == ["same"]
