"""Redirects never leave the source's hosts (crawlers.middlewares.offsite)."""

from __future__ import annotations

from crawlers.middlewares.offsite import leaves_hosts


def test_a_redirect_to_another_host_leaves_the_source():
    assert leaves_hosts("http://10.0.0.1/admin", frozenset({"news.example"}))


def test_a_redirect_on_the_same_host_stays_whatever_the_port_or_case():
    assert not leaves_hosts("http://News.Example:8080/a", frozenset({"news.example"}))


def test_a_source_without_hosts_restricts_nothing():
    assert not leaves_hosts("http://anywhere.test/", frozenset())
