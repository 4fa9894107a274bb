"""Finding the store of any archive location ``crawl_state`` keeps.

A location is either a key relative to the local archive folder (pages archived before
the archive moved to a bucket, or with a local ``NEWSFLOW_ARCHIVE_URL``) or a full
``s3://bucket/prefix/key`` URL, read with the endpoint and credentials of the standard
AWS variables. So one run can read rows of both kinds, and any machine can read a page
back from its row alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.config import Settings
from pipeline.store import ArchiveStore, LocalStore, RemoteStore, is_remote


@dataclass
class StoreLocator:
    """The store of each location: ``local`` for relative keys (the local archive
    folder, or one store given alone), a bucket's store for ``s3://`` URLs (one client
    per bucket, kept)."""

    local: ArchiveStore
    env: Mapping[str, str] = field(default_factory=dict, repr=False)
    _remote: dict[str, ArchiveStore] = field(default_factory=dict, repr=False)

    def store_for(self, location: str) -> ArchiveStore:
        """The store that holds ``location``."""
        if not is_remote(location):
            return self.local
        bucket = urlsplit(location).netloc
        if bucket not in self._remote:
            self._remote[bucket] = RemoteStore(f"s3://{bucket}", self.env)
        return self._remote[bucket]

    @classmethod
    def of(cls, archive: StoreLocator | ArchiveStore | Path | str) -> StoreLocator:
        """A locator for what callers pass as "the archive": a locator, a store, or the
        local archive folder."""
        if isinstance(archive, StoreLocator):
            return archive
        if isinstance(archive, RemoteStore):  # its keys too: relative to its prefix
            locator = cls(archive, archive.env)
            locator._remote[archive.bucket] = archive
            return locator
        if isinstance(archive, ArchiveStore):
            return cls(archive)
        return cls(LocalStore(Path(archive)))

    @classmethod
    def for_settings(cls, settings: Settings) -> StoreLocator:
        """The locator of ``settings``: relative keys in the local archive folder (the
        ``NEWSFLOW_ARCHIVE_URL`` folder, else ``$NEWSFLOW_HOME/archive``), URLs in their
        bucket."""
        store = settings.archive_store()
        if isinstance(store, RemoteStore):
            locator = cls(LocalStore(settings.archive_dir), settings.storage_env)
            locator._remote[store.bucket] = RemoteStore(f"s3://{store.bucket}", store.env)
            return locator
        return cls(store, settings.storage_env)


def read_text(url: str, env: Mapping[str, str]) -> str:
    """The UTF-8 text of the object at ``url`` (``s3://bucket/key``), e.g. a sources
    file; ``SourcesFileError`` saying what is wrong."""
    from pipeline.errors import ArchiveError, ArchiveObjectMissingError, SourcesFileError

    if not is_remote(url) or not urlsplit(url).netloc:
        raise SourcesFileError(
            f"sources file {url}: unsupported location; give a path or an s3://bucket/key URL"
        )
    try:
        data = RemoteStore(f"s3://{urlsplit(url).netloc}", env).read_all(url)
    except ArchiveObjectMissingError:
        raise SourcesFileError(
            f"sources file {url} does not exist; upload it or set NEWSFLOW_SOURCES"
        ) from None
    except ArchiveError as exc:
        detail = str(exc).removeprefix("cannot read ")
        raise SourcesFileError(f"cannot read sources file {detail}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourcesFileError(f"cannot read sources file {url}: {exc}") from None
