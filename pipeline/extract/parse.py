"""Bytes to tree: the tree trafilatura's ``load_html`` makes, for less work.

``load_html`` (what ``trafilatura.extract`` parses with) deletes the characters XML
forbids with a regular expression over the whole text (~1 ms on a 200 KB page), repairs
two faulty starts (a doctype with a slash, a self-closing ``<html/>``) and gives lxml a
Python string, which libxml2 converts back to UTF-8. For a page that arrived as valid
UTF-8, none of that is needed when the bytes hold none of those characters and the page
starts normally: lxml then parses the bytes themselves, with the same parser, into the
same tree (``tests/extract/test_parse.py``) for ~1.3 ms less on a 200 KB page. Every
other page goes through ``load_html``.
"""

from __future__ import annotations

import logging

from lxml.html import HtmlElement, fromstring
from trafilatura.utils import DOCTYPE_TAG, HTML_PARSER, load_html

from pipeline.extract.decode import decode_document

log = logging.getLogger(__name__)

_FORBIDDEN_BYTES = tuple(bytes([c]) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)))
"""The control characters ``load_html`` deletes (its ``INVALID_XML_CHARS``), as UTF-8 ..."""
_FORBIDDEN_CHARS = ("\ufffe", "\uffff")
"""... and the two others (looked for in the text: as bytes they start like common ones)."""
_ASCII_SPACE = " \t\n\r\f\v"


def _parses_as_bytes(text: str, utf8: bytes) -> bool:
    """Whether ``load_html(text)`` would hand lxml ``text`` unchanged and lxml reads the
    UTF-8 bytes ``utf8`` of it the same way: no forbidden character, no repair of the
    first lines, and no Unicode space before the first tag (lxml's full-document test
    skips those only in a string)."""
    if any(char in utf8 for char in _FORBIDDEN_BYTES) or any(c in text for c in _FORBIDDEN_CHARS):
        return False
    head = text[:4096]
    if "doctype" in head[:50].lower():
        newline = text.find("\n")
        if newline < 0 or DOCTYPE_TAG.match(text[:newline]):
            return False
    if any("<html" in line and line.endswith("/>") for line in head.splitlines()[:4]):
        return False
    start = head.lstrip(_ASCII_SPACE)[:1]
    return bool(start) and not start.isspace()


def parse_html(html: bytes | str, http_charset: str | None = None) -> HtmlElement | None:
    """Decode and parse a document as trafilatura's ``load_html`` would; None when it is
    not HTML at all."""
    decoded = decode_document(html, http_charset)
    text = decoded.text
    if not text or text.isspace() or "\x00" in text[:2048]:
        return None
    if decoded.utf8 is None or not _parses_as_bytes(text, decoded.utf8):
        return load_html(text)
    try:
        tree = fromstring(decoded.utf8, parser=HTML_PARSER)
    except Exception as exc:  # lxml raises a variety of types on garbage
        log.debug("parsing the bytes failed (%s); parsing the text", exc)
        return load_html(text)
    if tree is None or len(tree) < 1:
        return load_html(text)
    if "html" not in text[:50].lower() and len(tree) < 2:
        return None  # load_html's test: not HTML at all
    return tree
