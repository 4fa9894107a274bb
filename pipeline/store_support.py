"""Helpers of ``pipeline.store``: one-line store errors with secrets masked, and a
binary stream over a remote object."""

from __future__ import annotations

import re
from typing import Any

from pipeline.errors import ArchiveError, ArchiveObjectMissingError, StoreAccessError

_SECRETS = re.compile(
    r"(?i)(://[^/\s:@]+:)[^@\s/]+@|((?:signature|credential|security-token)=)[^&\s]+"
)


_CODE = re.compile(r"<Code>([A-Za-z]+)</Code>")
"""The error code of an S3 error response (``NoSuchBucket``, ``AccessDenied``, ...)."""


def mask_secrets(text: str) -> str:
    """``text`` with URL passwords and signed-request secrets replaced by ``***``."""
    return _SECRETS.sub(lambda m: f"{m.group(1)}***@" if m.group(1) else f"{m.group(2)}***", text)


def store_error(action: str, location: str, exc: BaseException) -> ArchiveError:
    """One line naming the object and what went wrong (never credentials): a missing
    object is an ``ArchiveObjectMissingError``, anything else (unreachable, refused,
    failing after the retries, a bucket that does not exist) a ``StoreAccessError``."""
    text = str(exc).strip()
    reason = text.splitlines()[0].split("<?xml")[0].rstrip(": ") if text else ""
    code = _CODE.search(text)
    if code:
        reason = f"{reason} ({code.group(1)})"
    message = f"cannot {action} {location}: {mask_secrets(reason or type(exc).__name__)[:300]}"
    if isinstance(exc, FileNotFoundError) and action == "read" and "NoSuchBucket" not in text:
        return ArchiveObjectMissingError(message)
    return StoreAccessError(message)


class StoreReader:
    """An obstore ``ReadableFile`` whose errors are one-line ``ArchiveError``s naming
    the object (a binary stream for ``warcio`` and ``gzip``)."""

    def __init__(self, reader: Any, location: str) -> None:
        self._reader = reader
        self._location = location

    def read(self, size: int = -1) -> bytes:
        try:
            return bytes(self._reader.read(size if size >= 0 else None))
        except Exception as exc:  # obstore raises its own hierarchy of errors
            raise store_error("read", self._location, exc) from None

    def readable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        return int(self._reader.seek(offset, whence))

    def tell(self) -> int:
        return int(self._reader.tell())

    def close(self) -> None:
        self._reader.close()

    def __enter__(self) -> StoreReader:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
