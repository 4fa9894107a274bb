"""A small served sample site per test module, and a raw HTTP helper (no redirects)."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

import pytest

from devtools.sample_site import SampleSite, SiteConfig

TODAY = date(2026, 11, 25)


def small_config(**overrides: object) -> SiteConfig:
    """Three days, four articles per publication and day, light pages, quick traps."""
    values: dict[str, object] = {
        "seed": 7,
        "today": TODAY,
        "days": 3,
        "articles_per_day": 4,
        "page_kb": 4,
        "slow_seconds": 0.3,
        "oversized_mb": 1,
    }
    values.update(overrides)
    return SiteConfig(**values)  # type: ignore[arg-type]  # the values are SiteConfig's fields


@dataclass(frozen=True)
class Fetched:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


def fetch(
    url: str, *, method: str = "GET", headers: dict[str, str] | None = None, timeout: float = 10.0
) -> Fetched:
    """One request, redirects not followed, body read whole (chunked decoded)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request(method, target, headers=headers or {})
        response = conn.getresponse()
        return Fetched(response.status, response.headers, response.read())
    finally:
        conn.close()


@pytest.fixture(scope="module")
def site() -> Iterator[SampleSite]:
    """A served site shared by a module's tests (do not advance its day)."""
    with SampleSite(small_config()).serve() as served:
        yield served


@pytest.fixture
def fresh_site() -> Iterator[SampleSite]:
    """A served site of its own, for tests that change its state."""
    with SampleSite(small_config()).serve() as served:
        yield served
