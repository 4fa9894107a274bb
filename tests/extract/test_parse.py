"""parse_html makes the tree trafilatura's load_html makes, parsing UTF-8 bytes directly
only when that gives the same tree."""

from __future__ import annotations

import pytest
from lxml import etree
from trafilatura.utils import load_html

from pipeline.extract.decode import decode_document, decode_html
from pipeline.extract.parse import _parses_as_bytes, parse_html

BODY = "<body><p>Ça coûte “cher” — 日本語 😀</p><p>Second paragraph.</p></body>"
PAGE = f'<!DOCTYPE html>\n<html lang="fr"><head><title>Café</title></head>{BODY}</html>'


def _load_html(data: bytes | str) -> etree._Element | None:
    """What parse_html did before: decode, then trafilatura's load_html."""
    text = decode_html(data)
    if not text.strip() or "\x00" in text[:2048]:
        return None
    return load_html(text)


def _same_tree(data: bytes | str) -> None:
    expected, got = _load_html(data), parse_html(data)
    assert (got is None) == (expected is None)
    if expected is not None and got is not None:
        assert etree.tostring(got, encoding="unicode") == etree.tostring(
            expected, encoding="unicode"
        )


def _as_bytes(data: bytes) -> bool:
    decoded = decode_document(data)
    return decoded.utf8 is not None and _parses_as_bytes(decoded.text, decoded.utf8)


def test_a_plain_utf8_page_is_parsed_from_its_bytes_into_the_same_tree():
    data = PAGE.encode("utf-8")
    assert _as_bytes(data)
    _same_tree(data)


@pytest.mark.parametrize(
    "page",
    [
        # load_html deletes characters XML forbids ...
        PAGE.replace("Second", "Sec\x0bond\x1f"),
        PAGE.replace("Second", "Sec\ufffeond\uffff"),
        # ... removes a doctype with a slash from the first line (adding a newline when
        # the page has none) ...
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n<html>' + BODY + "</html>",
        "<!DOCTYPE html><html>" + BODY + "</html>",
        # ... and repairs a self-closing <html/>
        '<html lang="en" />\n' + BODY,
        # lxml's full-document test skips a Unicode space only in a string
        "\u00a0<html>" + BODY + "</html>",
    ],
)
def test_pages_load_html_changes_are_parsed_from_the_text(page):
    data = page.encode("utf-8")
    assert not _as_bytes(data)
    _same_tree(data)


@pytest.mark.parametrize(
    "data",
    [
        PAGE.encode("utf-8"),
        PAGE.replace("日本語 😀", "").encode("cp1252"),  # not UTF-8: decoded, then load_html
        PAGE,  # already text
        ('<?xml version="1.0" encoding="iso-8859-1"?>\n' + PAGE).encode("utf-8"),
        PAGE.replace("<head>", '<head><meta charset="iso-8859-1">').encode("utf-8"),
        b"<p>just one paragraph</p>",
        b"plain text, no markup at all",
        b"   \n ",
    ],
)
def test_parse_html_gives_load_html_s_tree(data):
    _same_tree(data)
