"""A source's own request options: ``headers:``, ``cookies:`` and ``proxy:``.

The rules for the sources file (pure functions over plain values; ``pipeline.sources``
turns a ``RequestOptionError`` into its ``file:line: source 'x': field ...`` error) and
the masking that keeps their values out of logs and messages.

- Header names are RFC 9110 (RFC 7230) tokens, values one line of printable ASCII
  (no CR, LF or NUL). Headers newsflow sets itself, or that would make it look like something else
  (``User-Agent``, ``Referer``, ``X-Forwarded-For``...), are refused: newsflow never hides
  what it is.
- Cookie names are tokens and values RFC 6265 cookie-octets (optionally in double quotes).
- The proxy is an ``http://`` or ``https://`` URL with a host; SOCKS is not supported.

No error message ever quotes a header value, a cookie value or proxy credentials.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
"""RFC 9110 section 5.6.2 token: a header name, a cookie name."""
_FIELD_VALUE = re.compile(r"^[\t\x20-\x7e]*$")
"""RFC 9110 field-value characters, ASCII only: visible, space, tab (no CR/LF/NUL)."""
_COOKIE_OCTETS = r"[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*"
_COOKIE_VALUE = re.compile(rf'^(?:{_COOKIE_OCTETS}|"{_COOKIE_OCTETS}")$')
"""RFC 6265 section 4.1.1 cookie-value: no space, comma, semicolon, backslash or quote."""

_OWNED = (
    "is set by newsflow itself",
    (
        "host",
        "content-length",
        "content-type",
        "transfer-encoding",
        "te",
        "connection",
        "keep-alive",
        "upgrade",
        "accept-encoding",
        "if-none-match",
        "if-modified-since",
        "if-match",
        "if-unmodified-since",
        "if-range",
        "range",
        "expect",
    ),
)
_DISGUISE = (
    "would disguise newsflow's requests, and newsflow never hides what it is",
    (
        "user-agent",
        "from",
        "referer",
        "forwarded",
        "via",
        "x-forwarded-for",
        "x-forwarded-host",
        "x-real-ip",
        "client-ip",
        "true-client-ip",
        "x-requested-with",
    ),
)
_DISGUISE_PREFIXES = ("sec-ch-", "sec-fetch-")
"""Client hints and fetch metadata: what a browser says about itself."""
_ELSEWHERE = {
    "cookie": "is made from the source's 'cookies:' map; put the cookies there",
    "proxy-authorization": "is made from the credentials of the 'proxy:' URL; put them there",
}
SOCKS_SCHEMES = ("socks", "socks4", "socks4a", "socks5", "socks5h")


class RequestOptionError(ValueError):
    """One ``headers:``/``cookies:``/``proxy:`` entry breaks a rule; the message never
    quotes a value. ``index``: which of the pairs given (None for the proxy)."""

    def __init__(self, message: str, index: int | None = None) -> None:
        super().__init__(message)
        self.index = index


def refused_header(name: str) -> str | None:
    """Why the sources file may not set the header ``name`` (None: it may)."""
    lower = name.lower()
    if lower in _ELSEWHERE:
        return _ELSEWHERE[lower]
    for reason, names in (_OWNED, _DISGUISE):
        if lower in names:
            return reason
    if lower.startswith(_DISGUISE_PREFIXES):
        return _DISGUISE[0]
    return None


def check_headers(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """The headers as given, once each name (case-insensitive) is checked."""
    seen: set[str] = set()
    checked = []
    for index, (name, value) in enumerate(pairs):
        if not TOKEN.match(name):
            raise RequestOptionError(
                f"has the header name {name!r}, which is not an HTTP token "
                "(letters, digits and !#$%&'*+.^_`|~- only)",
                index,
            )
        reason = refused_header(name)
        if reason is not None:
            raise RequestOptionError(f"may not set {name!r}: it {reason}", index)
        if name.lower() in seen:
            raise RequestOptionError(f"sets {name!r} twice (header names ignore case)", index)
        seen.add(name.lower())
        if not value.strip():
            raise RequestOptionError(f"gives the header {name!r} no value", index)
        if not _FIELD_VALUE.match(value):
            raise RequestOptionError(
                f"gives the header {name!r} a value (not shown) that is not one line of "
                "printable ASCII: line breaks, NUL, other control characters and non-ASCII "
                "letters are refused",
                index,
            )
        checked.append((name, value.strip()))
    return tuple(checked)


def check_cookies(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """The cookies as given, once each name and value is checked (RFC 6265)."""
    seen: set[str] = set()
    checked = []
    for index, (name, value) in enumerate(pairs):
        if not TOKEN.match(name):
            raise RequestOptionError(
                f"has the cookie name {name!r}, which is not an HTTP token "
                "(letters, digits and !#$%&'*+.^_`|~- only)",
                index,
            )
        if name in seen:
            raise RequestOptionError(f"sets the cookie {name!r} twice", index)
        seen.add(name)
        if not _COOKIE_VALUE.match(value):
            raise RequestOptionError(
                f"gives the cookie {name!r} a value (not shown) that RFC 6265 does not "
                "allow: no spaces, commas, semicolons, backslashes, quotes or control "
                "characters (percent-encode them as the site does)",
                index,
            )
        checked.append((name, value))
    return tuple(checked)


def check_proxy(url: str, page_urls: Iterable[str] = ()) -> str:
    """The proxy URL, once checked: http(s) scheme, a host, nothing after the port.

    ``page_urls`` are the source's own URLs: Scrapy cannot send https pages through an
    https proxy, so an ``https://`` proxy is refused for a source with https URLs.
    """
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError:
        raise RequestOptionError(f"is not a URL: {mask_proxy(url)}") from None
    scheme = parts.scheme.lower()
    if scheme in SOCKS_SCHEMES:
        raise RequestOptionError(
            f"is a SOCKS proxy ({mask_proxy(url)}), which newsflow does not support "
            "(Scrapy speaks HTTP to proxies); give an http:// proxy"
        )
    if scheme not in ("http", "https"):
        raise RequestOptionError(f"must be an http:// or https:// proxy URL, got {mask_proxy(url)}")
    if not parts.hostname:
        raise RequestOptionError(f"has no host: {mask_proxy(url)}")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise RequestOptionError(
            f"must be only scheme, host and port (no path or query), got {mask_proxy(url)}"
        )
    if scheme == "https" and any(urlsplit(u).scheme == "https" for u in page_urls):
        raise RequestOptionError(
            f"is an https:// proxy ({mask_proxy(url)}), which Scrapy cannot send this "
            "source's https pages through; give an http:// proxy (https pages are "
            "tunnelled through it with CONNECT, so they stay encrypted)"
        )
    return url


def mask_proxy(url: str) -> str:
    """The proxy URL with its user name and password replaced by ``***`` (safe to log);
    a proxy's user name is often a key too, so it is masked as well."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "<unparseable proxy URL>"
    if "@" not in parts.netloc:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"***@{host}" + (f":{port}" if port else "")
    return urlunsplit(parts._replace(netloc=netloc))
