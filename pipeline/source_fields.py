"""The checks of a source's fields, each returning the field's value or raising the
``SourcesFileError`` that names the file, line, source and field (``SourceEntry.fail``)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from pipeline.errors import SourcesFileError
from pipeline.source_entry import SourceEntry, line_of, string_list, string_map
from pipeline.source_requests import (
    RequestOptionError,
    check_cookies,
    check_headers,
    check_proxy,
)

ROBOTS = "robots"
AUTO = "auto"
"""``feeds: [auto]``: the feeds the start pages (else the home pages) announce."""
DEFAULT_MAX_PAGES = 5000
RENDER_MODES = ("http", "browser")
"""``render:``: article pages fetched as they are (``http``) or rendered in headless
Chromium (``browser``, for sites whose pages insert their text with JavaScript)."""


def check_urls(entry: SourceEntry, lists: dict[str, tuple[str, ...]]) -> None:
    """Discovery URLs are http(s) URLs (or ``robots`` / ``auto``); ``auto`` has pages to
    read the announced feeds from."""
    for field in ("sitemaps", "feeds", "start_urls"):
        for url in lists[field]:
            if (field, url) in (("sitemaps", ROBOTS), ("feeds", AUTO)):
                continue
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise entry.fail(field, f"has {url!r}, which is not an http(s) URL")
    if (
        AUTO in lists["feeds"]
        and not lists["start_urls"]
        and not any(url != ROBOTS for url in lists["sitemaps"])
    ):
        raise entry.fail(
            "feeds",
            "has 'auto', which reads the feeds announced by the start URLs "
            "(else the home pages of the sitemaps' hosts): add a start URL",
        )


def check_patterns(entry: SourceEntry, lists: dict[str, tuple[str, ...]]) -> None:
    """``allow`` and ``deny`` hold valid regular expressions."""
    for field in ("allow", "deny"):
        for pattern in lists[field]:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise entry.fail(field, f"has an invalid regex {pattern!r}: {exc}") from None


def max_pages(entry: SourceEntry) -> int:
    """``max_pages``: a positive integer, ``DEFAULT_MAX_PAGES`` when absent."""
    value = entry.value("max_pages", DEFAULT_MAX_PAGES)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise entry.fail("max_pages", f"must be a positive integer, got {value!r}")
    return value


LANGUAGE_CODE = re.compile(r"[a-z]{2}")


def language(entry: SourceEntry) -> str | None:
    """``language``: the hint, a two-letter ISO 639-1 code, or None."""
    value = entry.value("language")
    if value is not None and (not isinstance(value, str) or not LANGUAGE_CODE.fullmatch(value)):
        raise entry.fail("language", f"must be a two-letter ISO 639-1 code, got {value!r}")
    return value


def languages(entry: SourceEntry, hint: str | None) -> tuple[str, ...]:
    """``languages``: ISO 639-1 codes in order without repeats, holding ``hint`` if both
    are given; ``()`` (every language) when absent."""
    codes = string_list(entry, "languages")
    for code in codes:
        if not LANGUAGE_CODE.fullmatch(code):
            raise entry.fail(
                "languages", f"must hold two-letter ISO 639-1 codes such as en, got {code!r}"
            )
    if hint is not None and codes and hint not in codes:
        raise entry.fail(
            "languages",
            f"does not hold the source's language hint {hint!r}: add it, or change 'language'",
        )
    return tuple(dict.fromkeys(codes))


def download_delay(entry: SourceEntry) -> float | None:
    """``download_delay``: seconds >= 0, or None for the global default."""
    delay = entry.value("download_delay")
    if delay is not None and (
        isinstance(delay, bool) or not isinstance(delay, (int, float)) or delay < 0
    ):
        raise entry.fail("download_delay", f"must be a number of seconds >= 0, got {delay!r}")
    return float(delay) if delay is not None else None


def render(entry: SourceEntry) -> str:
    """``render``: one of ``RENDER_MODES`` (``http`` when absent); never ``browser`` for a
    ``warc`` source."""
    value = entry.value("render", "http")
    if value not in RENDER_MODES:
        raise entry.fail("render", f"must be one of {', '.join(RENDER_MODES)}, got {value!r}")
    if value == "browser" and entry.value("warc"):
        raise entry.fail("render", "is browser, but a warc source's pages are read from files")
    return str(value)


def request_options(
    entry: SourceEntry, lists: dict[str, tuple[str, ...]]
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...], str | None]:
    """``headers``, ``cookies`` and ``proxy``, checked (``pipeline.source_requests``)."""
    checked = []
    for name, check in (("headers", check_headers), ("cookies", check_cookies)):
        pairs = string_map(entry, name)
        try:
            checked.append(check((key, value) for key, value, _ in pairs))
        except RequestOptionError as exc:
            line = pairs[exc.index][2] if exc.index is not None else line_of(entry.node)
            raise SourcesFileError(
                f"{entry.origin}:{line}: source '{entry.name}': field '{name}' {exc}"
            ) from None
    proxy = entry.value("proxy")
    if proxy is not None:
        if not isinstance(proxy, str):
            raise entry.fail("proxy", "must be a proxy URL such as http://proxy.example:3128")
        try:
            check_proxy(proxy, (*lists["sitemaps"], *lists["feeds"], *lists["start_urls"]))
        except RequestOptionError as exc:
            raise entry.fail("proxy", str(exc)) from None
    return checked[0], checked[1], proxy
