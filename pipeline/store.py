"""Where the archive and the run hand-off files live: a local folder or an S3 bucket.

``NEWSFLOW_ARCHIVE_URL`` names the store: unset or a path means a folder (by default
``$NEWSFLOW_HOME/archive``, the behaviour before stores existed); ``s3://bucket/prefix``
means any S3-compatible object store, reached with obstore. The endpoint and credentials
come only from the standard variables (``AWS_ENDPOINT_URL``, ``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY``, ``AWS_REGION``) and are never printed.

Objects are addressed by *key* (``source/run/file.warc.gz``). What ``crawl_state``
keeps is the object's *location*: the key itself in a local store (as always), the full
``s3://bucket/prefix/key`` URL in a remote one, so any machine can read a page back from
its row alone (``read_range``). Writes are whole objects put once they are complete
(``put_file``): when ``put_file`` returns, the bytes are durably in the store.
"""

from __future__ import annotations

import os
import shutil
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, cast
from urllib.parse import urlsplit

from pipeline.errors import ArchiveError, ArchiveObjectMissingError, ConfigError
from pipeline.store_support import StoreReader
from pipeline.store_support import mask_secrets as mask_secrets  # re-exported
from pipeline.store_support import store_error as store_error  # re-exported

if TYPE_CHECKING:
    from obstore.store import S3Store

REMOTE_SCHEMES = frozenset({"s3"})
PUT_CHUNK_BYTES = 32 * 1024 * 1024
"""A file up to this size is put in one request (a crawl's WARC part, 16 MB by default);
a larger one in multipart chunks of this size, several at once (bench-store: one
request per part is 1.4x faster than 5 MiB chunks)."""
STORAGE_VARIABLES = (
    "AWS_ENDPOINT_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
)
"""The environment variables a remote store is configured from (and only these)."""
_RETRY = {
    "max_retries": 5,
    "retry_timeout": timedelta(seconds=60),
    "backoff": {
        "init_backoff": timedelta(milliseconds=200),
        "max_backoff": timedelta(seconds=10),
        "base": 2,
    },
}


def is_remote(location: str) -> bool:
    """Whether ``location`` (a crawl_state ``warc_path``) names an object in a remote store."""
    return urlsplit(location).scheme in REMOTE_SCHEMES


class ArchiveStore(ABC):
    """A place for whole objects: put once complete, read back whole or by byte range."""

    remote: bool = False

    @property
    @abstractmethod
    def display_url(self) -> str:
        """The store's URL for messages (never with credentials)."""

    @abstractmethod
    def location(self, key: str) -> str:
        """What crawl_state keeps for the object ``key``."""

    @abstractmethod
    def put_file(self, local: Path, key: str) -> str:
        """Store the complete file ``local`` as ``key``; durable when this returns.
        Returns the object's location."""

    @abstractmethod
    def put_bytes(self, key: str, data: bytes) -> str:
        """Store ``data`` as ``key``; durable when this returns. Returns the location."""

    @abstractmethod
    def read_range(self, location: str, offset: int, length: int) -> bytes:
        """``length`` bytes from ``offset`` of the object at ``location``."""

    @abstractmethod
    def read_all(self, location: str) -> bytes:
        """The whole object at ``location``."""

    @abstractmethod
    def exists(self, location: str) -> bool:
        """Whether the object at ``location`` is in the store."""

    @abstractmethod
    def delete(self, location: str) -> None:
        """Remove the object at ``location``; no error when it is already gone."""

    def read_ranges(self, location: str, ranges: Sequence[tuple[int, int]]) -> list[bytes]:
        """The bytes of each (offset, length) of the object at ``location``, in order
        (a remote store fetches neighbouring ranges in one request)."""
        return [self.read_range(location, offset, length) for offset, length in ranges]

    @abstractmethod
    def size(self, location: str) -> int | None:
        """The size in bytes of the object at ``location``; None when it is missing."""

    @abstractmethod
    def open_reader(self, location: str) -> BinaryIO:
        """A seekable binary stream of the object at ``location`` (read as it is used)."""


@dataclass(frozen=True)
class LocalStore(ArchiveStore):
    """A folder; locations are keys relative to it."""

    root: Path

    @property
    def display_url(self) -> str:
        return str(self.root)

    def location(self, key: str) -> str:
        return key

    def path(self, location: str) -> Path:
        """The file of ``location``, refused when it points outside the folder."""
        base = self.root.resolve()
        path = (base / location).resolve()
        if base not in path.parents:
            raise ArchiveError(f"archive path {location!r} points outside {base}")
        return path

    def put_file(self, local: Path, key: str) -> str:
        target = self.path(key)
        if Path(local).resolve() == target:
            return key
        self._write(target, lambda tmp: shutil.copyfile(local, tmp))
        return key

    def put_bytes(self, key: str, data: bytes) -> str:
        self._write(self.path(key), lambda tmp: tmp.write_bytes(data))
        return key

    def _write(self, target: Path, fill: Any) -> None:
        tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fill(tmp)
            with tmp.open("rb") as handle:
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise ArchiveError(
                f"cannot write {target}: {exc.strerror or exc}; is the disk full?"
            ) from None

    def read_range(self, location: str, offset: int, length: int) -> bytes:
        try:
            with self.path(location).open("rb") as handle:
                handle.seek(offset)
                return handle.read(length)
        except FileNotFoundError:
            raise _missing(str(self.path(location))) from None

    def read_all(self, location: str) -> bytes:
        try:
            return self.path(location).read_bytes()
        except FileNotFoundError:
            raise _missing(str(self.path(location))) from None

    def read_ranges(self, location: str, ranges: Sequence[tuple[int, int]]) -> list[bytes]:
        try:
            with self.path(location).open("rb") as handle:
                chunks = []
                for offset, length in ranges:
                    handle.seek(offset)
                    chunks.append(handle.read(length))
                return chunks
        except FileNotFoundError:
            raise _missing(str(self.path(location))) from None

    def exists(self, location: str) -> bool:
        return self.path(location).is_file()

    def delete(self, location: str) -> None:
        self.path(location).unlink(missing_ok=True)

    def size(self, location: str) -> int | None:
        path = self.path(location)
        return path.stat().st_size if path.is_file() else None

    def open_reader(self, location: str) -> BinaryIO:
        try:
            return self.path(location).open("rb")
        except FileNotFoundError:
            raise _missing(str(self.path(location))) from None


def _missing(where: str) -> ArchiveError:
    return ArchiveObjectMissingError(
        f"archive object {where} is missing; was the archive moved? the page must be crawled again"
    )


class RemoteStore(ArchiveStore):
    """An S3-compatible bucket (and prefix), through obstore with retries and backoff."""

    remote = True

    def __init__(self, url: str, env: Mapping[str, str]) -> None:
        parts = urlsplit(url)
        if parts.scheme not in REMOTE_SCHEMES or not parts.netloc:
            raise ConfigError(f"NEWSFLOW_ARCHIVE_URL {url!r}: expected s3://bucket/prefix")
        self.bucket = parts.netloc
        self.prefix = parts.path.strip("/")
        self._env = env
        self._store: S3Store | None = None

    @property
    def display_url(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}".rstrip("/")

    @property
    def env(self) -> Mapping[str, str]:
        """The AWS variables this store is configured from (secrets: never print)."""
        return self._env

    def location(self, key: str) -> str:
        return f"s3://{self.bucket}/{self._key(key)}"

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def _path(self, location: str) -> str:
        """The object path of ``location`` within this bucket."""
        parts = urlsplit(location)
        if parts.scheme not in REMOTE_SCHEMES:
            return self._key(location)
        if parts.netloc != self.bucket:
            raise ArchiveError(f"{location} is not in the archive bucket {self.bucket}")
        return parts.path.lstrip("/")

    @property
    def client(self) -> S3Store:
        if self._store is None:
            self._store = s3_client(self.bucket, self._env)
        return self._store

    def put_file(self, local: Path, key: str) -> str:
        import obstore

        location = self.location(key)
        try:
            with Path(local).open("rb") as handle:
                obstore.put(self.client, self._key(key), handle, chunk_size=PUT_CHUNK_BYTES)
        except Exception as exc:  # obstore raises its own hierarchy of errors
            raise store_error("write", location, exc) from None
        return location

    def put_bytes(self, key: str, data: bytes) -> str:
        import obstore

        location = self.location(key)
        try:
            obstore.put(self.client, self._key(key), data)
        except Exception as exc:  # obstore raises its own hierarchy of errors
            raise store_error("write", location, exc) from None
        return location

    def read_range(self, location: str, offset: int, length: int) -> bytes:
        import obstore

        try:
            return bytes(
                obstore.get_range(self.client, self._path(location), start=offset, length=length)
            )
        except Exception as exc:  # obstore raises its own hierarchy of errors
            raise store_error("read", location, exc) from None

    def read_all(self, location: str) -> bytes:
        import obstore

        try:
            return bytes(obstore.get(self.client, self._path(location)).bytes())
        except Exception as exc:  # obstore raises its own hierarchy of errors
            raise store_error("read", location, exc) from None

    def exists(self, location: str) -> bool:
        import obstore
        from obstore.exceptions import NotFoundError

        try:
            obstore.head(self.client, self._path(location))
        except (NotFoundError, FileNotFoundError):
            return False
        except Exception as exc:  # obstore raises its own hierarchy of errors
            raise store_error("read", location, exc) from None
        return True

    def delete(self, location: str) -> None:
        import obstore

        try:
            obstore.delete(self.client, self._path(location))
        except Exception as exc:  # obstore raises its own hierarchy of errors
            raise store_error("delete", location, exc) from None

    def read_ranges(self, location: str, ranges: Sequence[tuple[int, int]]) -> list[bytes]:
        import obstore

        if not ranges:
            return []
        try:
            chunks = obstore.get_ranges(
                self.client,
                self._path(location),
                starts=[offset for offset, _ in ranges],
                lengths=[length for _, length in ranges],
            )
        except Exception as exc:  # obstore raises its own hierarchy of errors
            raise store_error("read", location, exc) from None
        return [bytes(chunk) for chunk in chunks]

    def size(self, location: str) -> int | None:
        import obstore

        try:
            return int(obstore.head(self.client, self._path(location))["size"])
        except FileNotFoundError:
            return None
        except Exception as exc:  # obstore raises its own hierarchy of errors
            raise store_error("read", location, exc) from None

    def open_reader(self, location: str) -> BinaryIO:
        import obstore

        try:
            reader = obstore.open_reader(self.client, self._path(location))
        except Exception as exc:  # obstore raises its own hierarchy of errors
            raise store_error("read", location, exc) from None
        return cast(BinaryIO, StoreReader(reader, location))


def s3_client(bucket: str, env: Mapping[str, str]) -> S3Store:
    """An obstore client for ``bucket`` configured from the standard AWS variables."""
    from obstore.store import S3Store

    config: dict[str, Any] = {}
    for name, key in (
        ("AWS_ENDPOINT_URL", "endpoint"),
        ("AWS_ACCESS_KEY_ID", "access_key_id"),
        ("AWS_SECRET_ACCESS_KEY", "secret_access_key"),
        ("AWS_SESSION_TOKEN", "session_token"),
        ("AWS_REGION", "region"),
    ):
        if env.get(name):
            config[key] = env[name]
    config.setdefault("region", env.get("AWS_DEFAULT_REGION") or "us-east-1")
    client: dict[str, Any] = {"timeout": timedelta(seconds=120)}
    if str(config.get("endpoint", "")).startswith("http://"):
        client["allow_http"] = True
    if "endpoint" in config:
        config["virtual_hosted_style_request"] = False
    return S3Store(bucket, config=config, client_options=client, retry_config=_RETRY)  # type: ignore[arg-type]  # TypedDicts built from the environment


def open_store(archive_url: str | None, default_dir: Path, env: Mapping[str, str]) -> ArchiveStore:
    """The store ``NEWSFLOW_ARCHIVE_URL`` names (``None``: the folder ``default_dir``)."""
    if not archive_url:
        return LocalStore(Path(default_dir))
    scheme = urlsplit(archive_url).scheme
    if scheme in REMOTE_SCHEMES:
        return RemoteStore(archive_url, env)
    if scheme == "file":
        return LocalStore(Path(urlsplit(archive_url).path))
    if scheme and len(scheme) > 1:  # a Windows drive letter is not a scheme
        raise ConfigError(
            f"NEWSFLOW_ARCHIVE_URL {archive_url!r}: unknown scheme {scheme!r}; "
            "use a local path or s3://bucket/prefix"
        )
    return LocalStore(Path(archive_url).expanduser())
