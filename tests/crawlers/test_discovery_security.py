"""Sitemaps and feeds come from strangers: no external entity, no DTD from the network, no
entity bomb, in strict and in recovery mode alike."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from crawlers.discovery import MalformedDocument, parse_feed, parse_sitemap
from tests.crawlers.site import TestSite

DATA = Path(__file__).parent / "data" / "discovery"
MALFORMED = "<url><loc>https://news.example.com/fish&chips</loc></url>"
"""A bare ``&``: appended to a fixture, it sends the parser into recovery mode."""
MODES = {"strict": "", "recovery": MALFORMED}


def fixture(name: str, **values: str) -> bytes:
    return (DATA / name).read_text("utf-8").format(**values).encode("utf-8")


def as_feed(sitemap: bytes) -> bytes:
    return sitemap.replace(
        b"<urlset", b"<rss><channel><item><link>https://a.test/x</link></item></channel><urlset"
    ).replace(b"</urlset>", b"</urlset></rss>")


@pytest.fixture
def dtd_server():
    """A local server offering the DTDs an attacker would point at; it records requests."""
    site = TestSite()
    evil = '<!ENTITY % file SYSTEM "file:///etc/hostname"><!ENTITY exfil "stolen">'
    site.add("/evil.dtd", evil, headers={"Content-Type": "application/xml-dtd"})
    site.add(
        "/doctype.dtd", '<!ENTITY exfil "stolen">', headers={"Content-Type": "application/xml-dtd"}
    )
    with site.serve():
        yield site


@pytest.mark.parametrize("mode", MODES)
def test_external_entity_is_never_resolved(mode):
    body = (
        (DATA / "xxe.xml").read_bytes().replace(b"</urlset>", MODES[mode].encode() + b"</urlset>")
    )
    sitemap = parse_sitemap(body)
    assert sitemap.pages and sitemap.recovered == (mode == "recovery")
    assert all("root:" not in p.url and "secret" not in p.url for p in sitemap.pages)


@pytest.mark.parametrize("mode", MODES)
def test_parameter_entity_to_an_external_dtd_never_reaches_the_network(mode, dtd_server):
    body = fixture("external_dtd_parameter_entity.xml", base=dtd_server.base_url, extra=MODES[mode])
    for parse in (parse_sitemap, lambda b: parse_feed(as_feed(b))):
        try:
            found = parse(body)
        except MalformedDocument:
            found = ()
        assert all("stolen" not in getattr(p, "url", "") for p in getattr(found, "pages", found))
    time.sleep(0.1)
    assert dtd_server.requests == []


@pytest.mark.parametrize("mode", MODES)
def test_entity_bomb_is_refused_quickly_and_never_recovered(mode):
    body = fixture("entity_bomb.xml", extra=MODES[mode])
    started = time.monotonic()
    with pytest.raises(MalformedDocument, match="entity"):
        parse_sitemap(body)
    with pytest.raises(MalformedDocument, match="entity"):
        parse_feed(as_feed(body))
    assert time.monotonic() - started < 5
