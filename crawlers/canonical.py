"""URL canonicalisation: one spelling per page, so state and articles key on it.

Pure functions. ``canonical_url`` is idempotent: ``canonical_url(canonical_url(u)) ==
canonical_url(u)`` for every URL it accepts (a property test checks it).
"""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin, urlsplit, urlunsplit

TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "rb_clickid",
        "s_cid",
        "cmpid",
        "ncid",
        "ocid",
    }
)
"""Query parameters that only track the visitor; ``utm_*`` are dropped as well."""

_DEFAULT_PORTS = {"http": 80, "https": 443}
_PERCENT_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")


def canonical_url(url: str) -> str:
    """The canonical form of an absolute http(s) URL.

    Lower-cases scheme and host, drops the default port, the fragment and tracking
    parameters (``utm_*``, ``fbclid``, ``gclid``, ...), sorts the remaining query
    parameters (their spelling is kept), writes percent-escapes in upper case and an
    empty path as ``/``. Raises ``ValueError`` for anything but an absolute http(s) URL.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"not an absolute http(s) URL: {url!r}")
    host = parts.hostname.lower().rstrip(".")
    if not host:
        raise ValueError(f"not an absolute http(s) URL: {url!r}")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = parts.port  # raises ValueError for a malformed port
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if parts.username is not None:
        userinfo = parts.username + (f":{parts.password}" if parts.password is not None else "")
        netloc = f"{userinfo}@{netloc}"
    path = _upper_escapes(parts.path) or "/"
    return urlunsplit((scheme, netloc, path, _canonical_query(parts.query), ""))


def _upper_escapes(text: str) -> str:
    return _PERCENT_ESCAPE.sub(lambda m: m.group(0).upper(), text)


def is_tracking_parameter(name: str) -> bool:
    """True for a query parameter name that only tracks the visitor."""
    lowered = name.lower()
    return lowered.startswith("utm_") or lowered in TRACKING_PARAMETERS


def _canonical_query(query: str) -> str:
    kept = []
    for piece in query.split("&"):
        if not piece:
            continue
        name = piece.split("=", 1)[0]
        if is_tracking_parameter(_upper_escapes(name).replace("%5F", "_")):
            continue
        kept.append(_upper_escapes(piece))
    return "&".join(sorted(kept))


def host_of(url: str) -> str:
    """The lower-cased host name of ``url`` ('' when it has none)."""
    try:
        return (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def try_canonical(url: str, base: str | None = None) -> str | None:
    """``canonical_url`` of ``url`` resolved against ``base``; None when it is not http(s)."""
    try:
        return canonical_url(urljoin(base, url) if base else url)
    except ValueError:
        return None


def declared_canonical(page_url: str, href: str | None) -> str | None:
    """The canonical URL a page declares with ``<link rel="canonical" href>``, honoured
    only when it points to the page's own host (a cross-host canonical is ignored:
    anyone can declare one, and following it would attribute the page elsewhere)."""
    if not href:
        return None
    target = try_canonical(href.strip(), page_url)
    if target is None or host_of(target) != host_of(page_url):
        return None
    return target


_LINK_TAG = re.compile(rb"<link\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(rb"""([a-zA-Z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
HEAD_BYTES = 65536


def canonical_link_href(page: bytes) -> str | None:
    """The ``href`` of the first ``<link rel="canonical">`` in the page's head.

    A light scan of the first 64 KiB (up to ``</head>``) instead of an HTML parse: the
    crawler runs it on every page, and the full parse happens later, in extraction.
    """
    head = page[:HEAD_BYTES]
    end = head.lower().find(b"</head")
    if end >= 0:
        head = head[:end]
    for tag in _LINK_TAG.finditer(head):
        attributes = {
            m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or b""
            for m in _ATTRIBUTE.finditer(tag.group(0))
        }
        rel = attributes.get(b"rel", b"").lower().split()
        if b"canonical" in rel and attributes.get(b"href"):
            return html.unescape(attributes[b"href"].decode("utf-8", "replace")).strip()
    return None
