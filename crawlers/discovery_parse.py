"""Bytes of a sitemap or feed to XML elements: safely, leniently, within the protocol's limits.

Three layers, each a pure function:

* ``document_bytes``: gunzip (by content, not by name) up to ``MAX_DOCUMENT_BYTES``,
  drop a byte-order mark and whatever blank space precedes the XML declaration, and
  re-encode UTF-16 as UTF-8;
* ``iter_children``: the children of the root element, streamed (``XMLPullParser``,
  each child cleared once read) for a well-formed document; a malformed one is repaired
  (bare ``&``, HTML entities, a stray ``<``) and read in libxml2's recovery mode, and
  the reading says so (``Reading.recovered``);
* ``text_sitemap_urls``: the lines of a text sitemap.

Security is the same in both modes: entities are never loaded from outside the
document, no DTD is fetched, and libxml2's entity-amplification limit ends a bomb; a
document that trips that limit is refused outright, never "recovered".
"""

from __future__ import annotations

import html.entities
import logging
import re
import zlib
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree

log = logging.getLogger(__name__)

MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
"""The sitemap protocol's size limit (uncompressed); a larger document is read up to it."""
MAX_SITEMAP_URLS = 50_000
"""The sitemap protocol's limit of URLs per sitemap; later ones are not read."""
_CHUNK = 64 * 1024
_UTF8_BOM = b"\xef\xbb\xbf"
_ENCODING_DECL = re.compile(rb"\A(<\?xml[^>]*?)\s+encoding\s*=\s*[\"'][^\"']*[\"']")
_SAFE = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}
"""Parser options for documents from strangers: no external entities, no network."""
_REFUSED = ("amplification", "entity reference loop", "ERR_RESOURCE_LIMIT", "ERR_ENTITY_LOOP")
"""Parse errors that mean an attack, not a sloppy publisher: never recovered."""


class MalformedDocument(ValueError):
    """A sitemap or feed that cannot be read as a document of the expected kind."""


@dataclass(slots=True)
class Reading:
    """What happened while one document was read (filled in as it is read)."""

    recovered: bool = False
    """The document was not well-formed; what could be read was taken."""
    cut: str | None = None
    """Why reading stopped before the end (a protocol limit), or None."""


# --- bytes ----------------------------------------------------------------------------


def gunzip_bounded(body: bytes, reading: Reading) -> bytes:
    """``body`` decompressed if it is gzip, at most ``MAX_DOCUMENT_BYTES`` of it; a
    truncated stream gives what it holds."""
    if body[:2] != b"\x1f\x8b":
        return body
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = decompressor.decompress(body, MAX_DOCUMENT_BYTES + 1)
    except zlib.error as exc:
        raise MalformedDocument(f"broken gzip data: {exc}") from None
    if not decompressor.eof and not decompressor.unconsumed_tail and data:
        reading.recovered = True  # the gzip stream ends early: a truncated download
    return data


def document_bytes(body: bytes, reading: Reading) -> bytes:
    """The document as UTF-8-or-declared bytes starting at its first markup or text."""
    data = gunzip_bounded(body, reading)
    if len(data) > MAX_DOCUMENT_BYTES:
        data = data[:MAX_DOCUMENT_BYTES]
        reading.cut = f"larger than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB uncompressed"
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff") or _utf16_without_bom(data[:2]):
        data = _utf16_to_utf8(data)
    data = data.lstrip()
    # The declaration now starts the document; an encoding it names that the bytes no
    # longer have (UTF-16) was dropped above.
    return data


_LEADING = (b"<", b" ", b"\t", b"\r", b"\n")


def _utf16_without_bom(head: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" when a document starts with ``<`` or blank space in
    UTF-16 without a byte-order mark, else None."""
    if head[1:2] == b"\x00" and head[:1] in _LEADING:
        return "utf-16-le"
    if head[:1] == b"\x00" and head[1:2] in _LEADING:
        return "utf-16-be"
    return None


def _utf16_to_utf8(data: bytes) -> bytes:
    codec = _utf16_without_bom(data[:2]) or "utf-16"
    text = data.decode(codec, "replace").lstrip("\ufeff \t\r\n")
    return _ENCODING_DECL.sub(rb"\1", text.encode("utf-8"), count=1)


def is_html_document(data: bytes) -> bool:
    """True when the document (after ``document_bytes``) is an HTML page."""
    head = data[:256].lower()
    return head.startswith((b"<!doctype html", b"<html"))


# --- text sitemaps ----------------------------------------------------------------------


def is_text_document(data: bytes) -> bool:
    """True when the document (after ``document_bytes``) is not markup: a text sitemap."""
    return bool(data) and not data.startswith(b"<")


def text_sitemap_urls(data: bytes, reading: Reading) -> list[str]:
    """The URLs of a text sitemap (one per line, UTF-8, blank lines ignored); lines that
    are not http(s) URLs are skipped and make the reading ``recovered``."""
    urls: list[str] = []
    for line in data.decode("utf-8", "replace").splitlines():
        line = line.strip()
        if not line:
            continue
        if not re.match(r"https?://\S+$", line, re.IGNORECASE):
            reading.recovered = True
            continue
        if len(urls) >= MAX_SITEMAP_URLS:
            reading.cut = f"more than {MAX_SITEMAP_URLS} URLs"
            break
        urls.append(line)
    if not urls:
        raise MalformedDocument("neither XML nor a text sitemap: no line is an http(s) URL")
    return urls


# --- XML --------------------------------------------------------------------------------


def local_name(tag: object) -> str:
    """The lower-case local name of a tag (``{namespace}name``); "" for comments."""
    return tag.rpartition("}")[2].lower() if isinstance(tag, str) else ""


def parse_tree(data: bytes, reading: Reading) -> etree._Element:
    """The whole document as a tree (feeds: small), recovered if need be."""
    try:
        root = etree.fromstring(data, etree.XMLParser(**_SAFE))
    except etree.XMLSyntaxError as exc:
        root = _recover(data, exc, reading)
    if root is None:
        raise MalformedDocument("empty document")
    return root


def iter_children(data: bytes, reading: Reading) -> Generator[etree._Element, None, None]:
    """The root element first (childless), then each of its children, complete.

    A well-formed document is streamed and each child is freed after the caller took
    it; a malformed one is repaired and read whole (at most ``MAX_DOCUMENT_BYTES``) in
    recovery mode. Children already handed out are not handed out again.
    """
    handed = 0
    try:
        for element in _stream_children(data):
            yield element
            handed += 1
    except etree.XMLSyntaxError as exc:
        root = _recover(data, exc, reading)
        if root is None:
            raise MalformedDocument(f"not well-formed XML: {exc}") from None
        if handed == 0:
            yield root
        # The stream handed out the root and ``handed - 1`` children before it broke.
        yield from list(root)[max(handed - 1, 0) :]


def _stream_children(data: bytes) -> Iterator[etree._Element]:
    parser = etree.XMLPullParser(events=("start", "end"), **_SAFE)
    depth = 0
    root = None
    for offset in range(0, len(data), _CHUNK):
        parser.feed(data[offset : offset + _CHUNK])
        for event, element in parser.read_events():
            if event == "start":
                depth += 1
                if depth == 1:
                    root = element
                    yield element
                continue
            depth -= 1
            if depth == 1 and root is not None and isinstance(element.tag, str):
                yield element
                element.clear()
                while element.getprevious() is not None:
                    del root[0]
    parser.close()
    if root is None:
        raise MalformedDocument("empty document")


def _recover(data: bytes, error: etree.XMLSyntaxError, reading: Reading) -> etree._Element | None:
    """The document read in recovery mode after a repair; refuses attacks."""
    _refuse_attacks(str(error), ())  # not error.error_log: it can hold earlier documents
    parser = etree.XMLParser(recover=True, **_SAFE)
    try:
        root = etree.fromstring(complete_entries(repair(data)), parser)
    except etree.LxmlError as exc:
        raise MalformedDocument(f"not well-formed XML: {error}; not recoverable: {exc}") from None
    _refuse_attacks("", parser.error_log)
    if root is not None:
        reading.recovered = True
        log.debug("document not well-formed (%s): read in recovery mode", error)
    return root


def _refuse_attacks(message: str, error_log: Iterable[Any]) -> None:
    text = message + " " + " ".join(f"{e.type_name} {e.message}" for e in error_log)
    if any(marker in text for marker in _REFUSED):
        raise MalformedDocument(
            f"entity expansion beyond the parser's limit (an entity bomb?): {message or text}"
        )


_CDATA = re.compile(rb"(<!\[CDATA\[.*?\]\]>)", re.DOTALL)
_BARE_AMP = re.compile(rb"&(?!#[0-9]+;|#x[0-9a-fA-F]+;|[A-Za-z_][\w.-]*;)")
_NAMED_REF = re.compile(rb"&([A-Za-z][A-Za-z0-9]*);")
_STRAY_LT = re.compile(rb"<(?![A-Za-z_:/!?])")
_XML_ENTITIES = {b"amp", b"lt", b"gt", b"quot", b"apos"}


def repair(data: bytes) -> bytes:
    """Escape what publishers get wrong most, outside CDATA: a bare ``&``, an HTML
    entity XML does not know (``&nbsp;`` -> ``&#160;``), a ``<`` starting no tag.
    A document that declares its own entities keeps its named references."""
    declares = b"<!ENTITY" in data
    parts = _CDATA.split(data)
    for index in range(0, len(parts), 2):
        part = _BARE_AMP.sub(b"&amp;", parts[index])
        if not declares:
            part = _NAMED_REF.sub(_numeric_reference, part)
        parts[index] = _STRAY_LT.sub(b"&lt;", part)
    return b"".join(parts)


_ENTRY_END = re.compile(rb"</(?:[\w.-]+:)?(?:url|sitemap|item|entry)\s*>", re.IGNORECASE)
_LINK_END = re.compile(rb"</(?:[\w.-]+:)?(?:loc|link|guid)\s*>", re.IGNORECASE)


def complete_entries(data: bytes) -> bytes:
    """``data`` up to the end of its last complete entry (``</url>``, ``</item>``, ...),
    else of its last complete link: a truncated download must not yield the half URL
    of its last entry. Recovery mode closes the elements left open."""
    for pattern in (_ENTRY_END, _LINK_END):
        last = deque(pattern.finditer(data), maxlen=1)  # the last match, in constant memory
        if last:
            return data[: last[0].end()]
    return data


def _numeric_reference(match: re.Match[bytes]) -> bytes:
    name = match.group(1)
    if name in _XML_ENTITIES:
        return match.group(0)
    codepoint = html.entities.name2codepoint.get(name.decode("ascii"))
    return b"&#%d;" % codepoint if codepoint else b"&amp;" + name + b";"
