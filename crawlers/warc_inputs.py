"""The inputs of a WARC import: local paths and globs, and http(s) URLs streamed.

An http(s) URL is read as its response arrives (record by record, never downloaded
whole first); so is an ``s3://bucket/key`` URL, read through the store's client with the
standard AWS variables (``pipeline.store``). Each input's problem is an ``ArchiveError``
naming it, so an import reports it in one line and goes on with the other inputs.
"""

from __future__ import annotations

import glob
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, cast
from urllib.parse import urlsplit

from pipeline.errors import ArchiveError

HTTP_TIMEOUT_S = 60.0
"""Seconds without a byte from a WARC URL before the import of that URL gives up."""
_GLOB_CHARS = frozenset("*?[")


def is_url(name: str) -> bool:
    """True for an input given as a URL (``http``, ``https``, ``s3``, ...)."""
    return "://" in name


def expand_inputs(names: Sequence[str]) -> list[str]:
    """Every input in order: globs expanded (sorted), URLs and plain paths as given. A
    glob that matches nothing is kept as is, so reading it reports that it is missing."""
    expanded: list[str] = []
    for name in names:
        if not is_url(name) and _GLOB_CHARS & set(name):
            expanded.extend(sorted(glob.glob(name)) or [name])
        else:
            expanded.append(name)
    return list(dict.fromkeys(expanded))


@contextmanager
def open_input(
    name: str, *, user_agent: str = "newsflow", env: Mapping[str, str] | None = None
) -> Iterator[BinaryIO]:
    """A binary stream of the input ``name``; ``ArchiveError`` saying what is wrong.
    ``env`` holds the AWS variables an ``s3://`` input is read with."""
    scheme = urlsplit(name).scheme.lower() if is_url(name) else ""
    if scheme == "s3":
        from pipeline.store import RemoteStore

        bucket = urlsplit(name).netloc
        with RemoteStore(f"s3://{bucket}", env or {}).open_reader(name) as stream:
            yield stream
        return
    if scheme in ("http", "https"):
        with _open_url(name, user_agent) as stream:
            yield stream
        return
    if scheme:
        raise ArchiveError(f"{name}: unsupported URL scheme {scheme!r}; give a path or http(s) URL")
    path = Path(name)
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise ArchiveError(f"{name}: no such file") from None
    except OSError as exc:
        raise ArchiveError(f"{name}: cannot be read: {exc.strerror or exc}") from None
    with handle:
        yield handle


@contextmanager
def _open_url(url: str, user_agent: str) -> Iterator[BinaryIO]:
    request = urllib.request.Request(url, headers={"User-Agent": user_agent})
    try:
        response = urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_S)
    except urllib.error.HTTPError as exc:
        raise ArchiveError(f"{url}: the server answered HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ArchiveError(f"{url}: cannot be fetched: {reason}") from None
    with response:
        yield cast(BinaryIO, response)
