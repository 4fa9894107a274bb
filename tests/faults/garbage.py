"""Hostile and broken inputs for discovery and extraction, built in memory."""

from __future__ import annotations

import gzip
import zlib

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"

BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE urlset [\n<!ENTITY lol "lol">\n'
    + b"".join(
        b'<!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b']>\n<urlset xmlns="'
    + SITEMAP_NS.encode()
    + b'"><url><loc>http://a.test/&lol9;</loc></url></urlset>\n'
)
"""The classic XML bomb: &lol9; expands to 10^9 "lol"s (3 GB) if entities are resolved."""

QUADRATIC_BLOWUP = (
    b'<?xml version="1.0"?>\n<!DOCTYPE urlset [<!ENTITY a "' + b"x" * 50_000 + b'">]>\n'
    b'<urlset xmlns="'
    + SITEMAP_NS.encode()
    + b'"><url><loc>http://a.test/'
    + b"&a;" * 50_000
    + b"</loc></url></urlset>\n"
)
"""One 50 kB entity referenced 50,000 times: 2.5 GB if expanded."""


def gzip_bomb(expanded_mb: int = 200) -> bytes:
    """A gzip stream of ``expanded_mb`` MB of zeros (about 1/1000 of that compressed)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b"\0" * (1024 * 1024)
    return b"".join(compressor.compress(chunk) for _ in range(expanded_mb)) + compressor.flush()


def sitemap(urls: list[str]) -> bytes:
    entries = "".join(f"<url><loc>{u}</loc><lastmod>2024-05-01</lastmod></url>" for u in urls)
    return f'<?xml version="1.0"?><urlset xmlns="{SITEMAP_NS}">{entries}</urlset>'.encode()


def truncated_gzip(data: bytes) -> bytes:
    whole = gzip.compress(data)
    return whole[: len(whole) // 2]


def deeply_nested_html(depth: int = 100_000) -> bytes:
    return (
        b"<html><head><title>Deep</title></head><body>"
        + b"<div><span>" * depth
        + b"<p>"
        + b"A sentence that is buried very deep in the page. " * 20
        + b"</p>"
        + b"</span></div>" * depth
        + b"</body></html>"
    )


def single_line_page(megabytes: int = 10) -> bytes:
    """An HTML page of ``megabytes`` MB without a single line break."""
    head = b"<!doctype html><html><head><title>One line</title></head><body><p>"
    tail = b"</p></body></html>"
    repeat = (megabytes * 1_000_000 - len(head) - len(tail)) // 27
    words = b"lorem ipsum dolor sit amet " * repeat
    return head + words + tail


RANDOM_BYTES = bytes((i * 7919 + 13) % 256 for i in range(200_000))
"""Deterministic noise: every byte value, no structure."""
