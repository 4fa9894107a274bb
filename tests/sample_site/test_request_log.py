"""The request log: in memory, over /_control/requests and in a JSONL file."""

from __future__ import annotations

import json

import pytest

from devtools.sample_site import SampleSite
from tests.sample_site.conftest import fetch, small_config


def test_every_request_is_logged_with_method_path_status_and_headers(fresh_site) -> None:
    url = fresh_site.base_url + "/herald/rss.xml?x=1"
    fetch(url, headers={"User-Agent": "probe/1", "If-None-Match": '"abc"'})
    fetch(fresh_site.base_url + "/missing", method="HEAD")
    first, second = fresh_site.request_log[-2:]
    assert (first.method, first.path, first.status) == ("GET", "/herald/rss.xml?x=1", 200)
    assert first.headers["user-agent"] == "probe/1"
    assert first.headers["if-none-match"] == '"abc"'
    assert first.timestamp.tzinfo is not None
    assert (second.method, second.path, second.status) == ("HEAD", "/missing", 404)


def test_control_requests_are_served_but_not_logged(fresh_site) -> None:
    fetch(fresh_site.base_url + "/robots.txt")
    response = fetch(fresh_site.base_url + "/_control/requests")
    assert [r["path"] for r in json.loads(response.body)] == ["/robots.txt"]
    assert [r.path for r in fresh_site.request_log] == ["/robots.txt"]


def test_control_traps_lists_the_trap_urls(fresh_site) -> None:
    assert json.loads(fetch(fresh_site.base_url + "/_control/traps").body) == fresh_site.trap_urls()


def test_log_file_gets_one_json_line_per_request(tmp_path) -> None:
    log_file = tmp_path / "requests.jsonl"
    with SampleSite(small_config(log_file=log_file)).serve() as site:
        fetch(site.base_url + "/robots.txt")
        fetch(site.base_url + "/gazette/sitemap.xml")
    entries = [json.loads(line) for line in log_file.read_text().splitlines()]
    assert [(e["method"], e["path"], e["status"]) for e in entries] == [
        ("GET", "/robots.txt", 200),
        ("GET", "/gazette/sitemap.xml", 200),
    ]


def test_request_log_is_a_snapshot(fresh_site) -> None:
    snapshot = fresh_site.request_log
    fetch(fresh_site.base_url + "/robots.txt")
    assert snapshot == [] and len(fresh_site.request_log) == 1


def test_base_url_is_only_available_while_serving() -> None:
    site = SampleSite(small_config())
    with pytest.raises(RuntimeError, match="not serving"):
        _ = site.base_url
    with site.serve() as served:
        assert served.base_url.startswith("http://127.0.0.1:")
    with pytest.raises(RuntimeError):
        _ = site.base_url


def test_control_expected_lists_the_expected_articles_as_json(fresh_site) -> None:
    listed = json.loads(fetch(fresh_site.base_url + "/_control/expected").body)
    assert listed == [a.to_json() for a in fresh_site.expected_articles()]


def test_each_request_records_the_body_bytes_sent(fresh_site) -> None:
    body = fetch(fresh_site.base_url + "/robots.txt").body
    fetch(fresh_site.base_url + "/robots.txt", method="HEAD")
    got, head = fresh_site.request_log[-2:]
    assert got.body_bytes == len(body) > 0
    assert head.body_bytes == 0
