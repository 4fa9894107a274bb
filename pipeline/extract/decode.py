"""Bytes to text: which character encoding an archived page is in."""

from __future__ import annotations

import codecs
import gzip
import re
from collections.abc import Iterator
from dataclasses import dataclass

from trafilatura.utils import detect_encoding

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE
)
_GZIP_MAGIC = b"\x1f\x8b"


def _codec(name: str | None) -> str | None:
    """The Python codec name for a charset label, or None if Python does not know it."""
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None
    # Browsers treat ISO-8859-1/ASCII labels as windows-1252 (WHATWG encoding spec).
    return "cp1252" if codec in {"latin-1", "iso8859-1", "ascii"} else codec


def meta_charset(head: bytes) -> str | None:
    """The charset a ``<meta charset>`` or ``http-equiv`` tag in ``head`` declares."""
    match = _META_CHARSET.search(head)
    return match.group(1).decode("ascii", "ignore") if match else None


def gunzip_if_needed(data: bytes) -> bytes:
    """``data`` decompressed when it is a gzip stream, else unchanged."""
    if data[:2] == _GZIP_MAGIC:
        try:
            return gzip.decompress(data)
        except (OSError, EOFError):
            return data
    return data


def _declared_codecs(data: bytes, http_charset: str | None) -> Iterator[str | None]:
    """The HTTP charset, UTF-8, then the ``<meta>`` charset, each worked out only when
    the ones before it failed (most pages are UTF-8: no ``<meta>`` search for them)."""
    yield _codec(http_charset)
    yield "utf-8"
    yield _codec(meta_charset(data[:4096]))


def decode_html(data: bytes | str, http_charset: str | None = None) -> str:
    """Decode an HTML document.

    Tries, in order: the HTTP ``Content-Type`` charset, strict UTF-8, the document's
    ``<meta>`` charset, then detection (charset_normalizer via trafilatura). A label
    that does not decode the bytes cleanly is skipped. As a last resort the bytes are
    decoded as UTF-8 with replacement characters, so this never raises.
    """
    return decode_document(data, http_charset).text


@dataclass(frozen=True, slots=True)
class Decoded:
    """A document's text, and the bytes it was decoded from when they were UTF-8."""

    text: str
    utf8: bytes | None = None
    """The (decompressed) bytes ``text`` is the strict UTF-8 decoding of, without a BOM;
    None when the text was decoded otherwise or came as text."""


def decode_document(data: bytes | str, http_charset: str | None = None) -> Decoded:
    """:func:`decode_html`'s text, with the UTF-8 bytes it came from (see :class:`Decoded`)."""
    if isinstance(data, str):
        return Decoded(data)
    data = gunzip_if_needed(data)
    if data.startswith(codecs.BOM_UTF8):
        return Decoded(data[len(codecs.BOM_UTF8) :].decode("utf-8", "replace"))
    # Valid UTF-8 beats a <meta> declaration: multi-byte UTF-8 sequences almost never
    # occur by chance in legacy-encoded text, while stale <meta> charsets are common
    # (re-encoded copies, CMS templates). The HTTP header still comes first.
    for codec in _declared_codecs(data, http_charset):
        if codec is None:
            continue
        try:
            text = data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        return Decoded(text, data if codec == "utf-8" else None)
    for guess in detect_encoding(data):
        codec = _codec(guess)
        if codec is None:
            continue
        try:
            text = data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        return Decoded(text, data if codec == "utf-8" else None)
    return Decoded(data.decode("utf-8", "replace"))
