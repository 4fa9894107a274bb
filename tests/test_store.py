"""The archive store: a folder or an S3 bucket (moto's real S3 API on 127.0.0.1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.errors import ArchiveError, ConfigError
from pipeline.store import LocalStore, RemoteStore, is_remote, open_store


def test_local_store_is_the_default_folder(settings: Settings, tmp_path: Path) -> None:
    store = settings.archive_store()
    assert isinstance(store, LocalStore) and store.root == settings.archive_dir
    source = tmp_path / "part.bin"
    source.write_bytes(b"0123456789")
    location = store.put_file(source, "src/1/a.warc.gz")
    assert location == "src/1/a.warc.gz" and not is_remote(location)
    assert store.read_range(location, 3, 4) == b"3456"
    assert store.exists(location) and not store.exists("src/1/b.warc.gz")
    with pytest.raises(ArchiveError, match="outside"):
        store.read_range("../../etc/passwd", 0, 1)


def test_remote_store_round_trip_and_ranged_read(s3_settings: Settings, tmp_path: Path) -> None:
    store = s3_settings.archive_store()
    assert isinstance(store, RemoteStore)
    source = tmp_path / "part.bin"
    source.write_bytes(bytes(range(256)) * 40)
    location = store.put_file(source, "src/1/a.warc.gz")
    assert is_remote(location) and location.endswith("/archive/src/1/a.warc.gz")
    assert store.read_range(location, 300, 4) == bytes([44, 45, 46, 47])
    assert store.exists(location)
    store.delete(location)
    assert not store.exists(location)
    with pytest.raises(ArchiveError, match=r"cannot read s3://"):
        store.read_range(location, 0, 1)


def test_settings_never_show_credentials(s3_settings: Settings) -> None:
    assert "testing-secret" not in repr(s3_settings)


def test_unknown_scheme_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown scheme 'ftp'"):
        open_store("ftp://host/x", tmp_path, {})
