"""The trap pages behave as their kind says."""

from __future__ import annotations

import time

from devtools.sample_site.site import TRAP_PATHS
from tests.sample_site.conftest import fetch


def _trap(site, kind: str) -> str:
    return next(url for url, k in site.trap_urls().items() if k == kind)


def test_trap_urls_name_every_kind_once(site) -> None:
    assert sorted(site.trap_urls().values()) == sorted(
        ["500", "404", "slow", "oversized", "pdf", "redirect_loop", "429", "latin1"]
    )
    assert all(url.startswith(site.base_url + "/planet/traps/") for url in site.trap_urls())


def test_server_error_and_not_found_traps(site) -> None:
    assert fetch(_trap(site, "500")).status == 500
    assert fetch(_trap(site, "404")).status == 404


def test_slow_trap_waits_slow_seconds(site) -> None:
    started = time.perf_counter()
    response = fetch(_trap(site, "slow"))
    assert response.status == 200
    assert time.perf_counter() - started >= site.config.slow_seconds


def test_oversized_trap_streams_more_than_oversized_mb_without_a_length(site) -> None:
    response = fetch(_trap(site, "oversized"), timeout=30)
    assert response.status == 200
    assert response.header("Content-Length") is None
    assert response.header("Transfer-Encoding") == "chunked"
    assert len(response.body) > site.config.oversized_mb * 1024 * 1024


def test_pdf_trap_is_a_pdf(site) -> None:
    response = fetch(_trap(site, "pdf"))
    assert response.header("Content-Type") == "application/pdf"
    assert response.body.startswith(b"%PDF-")


def test_redirect_loop_sends_a_to_b_and_b_to_a(site) -> None:
    first = fetch(_trap(site, "redirect_loop"))
    assert first.status == 302
    assert first.header("Location") == site.base_url + "/planet/traps/loop-b/"
    second = fetch(first.header("Location"))
    assert second.status == 302 and second.header("Location") == _trap(site, "redirect_loop")


def test_rate_limited_trap_answers_429_with_retry_after_once_then_the_article(fresh_site) -> None:
    url = _trap(fresh_site, "429")
    first = fetch(url)
    assert first.status == 429 and first.header("Retry-After") == "1"
    second = fetch(url)
    assert second.status == 200
    expected = next(a for a in fresh_site.expected_articles() if a.url == url)
    assert expected.title.encode() in second.body


def test_latin1_trap_is_iso_8859_1_without_an_http_charset(site) -> None:
    url = _trap(site, "latin1")
    response = fetch(url)
    assert response.header("Content-Type") == "text/html"
    assert b'<meta charset="iso-8859-1">' in response.body
    assert "café".encode("iso-8859-1") in response.body
    assert "Zürich".encode() not in response.body
    expected = next(a for a in site.expected_articles() if a.url == url)
    assert all(word in expected.body for word in ("café", "Zürich", "señor"))
    assert expected.kind == "original" and expected.source == "daily-planet"


def test_trap_paths_are_all_under_planet_traps() -> None:
    assert all(p.startswith("/planet/traps/") for p in TRAP_PATHS)
