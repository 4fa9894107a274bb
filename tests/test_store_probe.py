"""A bad NEWSFLOW_ARCHIVE_URL is one ``newsflow: error:`` line and exit 2 at start,
before any page is fetched (moto's real S3 API on 127.0.0.1)."""

from __future__ import annotations

from pathlib import Path

import obstore
import pytest

from devtools.s3_server import S3Server
from pipeline.config import Settings
from pipeline.errors import ConfigError
from pipeline.store import RemoteStore, s3_client
from pipeline.store_probe import check_archive
from tests.cli_helpers import run_newsflow
from tests.s3_fault_proxy import fault_proxy


def test_a_writable_bucket_passes_and_keeps_nothing(s3_settings: Settings) -> None:
    store = check_archive(s3_settings)
    assert isinstance(store, RemoteStore)
    listed = obstore.list(s3_client(store.bucket, s3_settings.storage_env)).collect()
    assert listed == []


def test_a_local_folder_is_left_to_the_crawl(settings: Settings) -> None:
    check_archive(settings)  # an unwritable folder fails the source (tests/faults)
    assert not settings.archive_dir.exists()


def test_a_missing_bucket_says_so(settings: Settings, s3_server: S3Server) -> None:
    bad = settings.with_overrides(archive_url="s3://no-such-bucket/x", storage_env=s3_server.env())
    with pytest.raises(ConfigError, match="the bucket no-such-bucket does not exist; create it"):
        check_archive(bad)


def test_no_credentials_says_which_variables(settings: Settings, s3_server: S3Server) -> None:
    env = {"AWS_ENDPOINT_URL": s3_server.endpoint}
    bad = settings.with_overrides(archive_url=f"s3://{s3_server.bucket()}", storage_env=env)
    with pytest.raises(ConfigError, match="no credentials; set AWS_ACCESS_KEY_ID"):
        check_archive(bad)


def test_no_permission_to_write_says_access_denied(
    s3_settings: Settings, s3_server: S3Server
) -> None:
    with fault_proxy(s3_server.endpoint) as proxy:
        proxy.fail = 403
        env = {**s3_settings.storage_env, "AWS_ENDPOINT_URL": proxy.endpoint}
        with pytest.raises(ConfigError) as caught:
            check_archive(s3_settings.with_overrides(storage_env=env))
    message = str(caught.value)
    assert "refused to write (access denied)" in message and "testing-secret" not in message


def test_an_unreachable_store_names_the_endpoint(s3_settings: Settings) -> None:
    env = {**s3_settings.storage_env, "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}
    with pytest.raises(ConfigError, match=r"cannot write to the store at http://127\.0\.0\.1:9"):
        check_archive(s3_settings.with_overrides(storage_env=env))


def _cli_env(settings: Settings, tmp_path: Path, archive_url: str, **extra: str) -> dict[str, str]:
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n  - name: s\n    sitemaps: ['http://127.0.0.1:9/sitemap.xml']\n",
        encoding="utf-8",
    )
    return {
        "NEWSFLOW_HOME": str(settings.home),
        "NEWSFLOW_DATABASE_URL": str(settings.database_url),
        "NEWSFLOW_SOURCES": str(sources),
        "NEWSFLOW_ARCHIVE_URL": archive_url,
        **extra,
    }


@pytest.mark.parametrize("command", [["run"], ["crawl"]])
def test_cli_exits_2_before_fetching(
    settings: Settings, s3_server: S3Server, tmp_path: Path, command: list[str]
) -> None:
    env = _cli_env(settings, tmp_path, "s3://no-such-bucket/archive", **s3_server.env())
    result = run_newsflow(*command, env=env)
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("newsflow: error:")]
    assert lines and "s3://no-such-bucket/archive" in lines[0] and "does not exist" in lines[0]
    assert "testing-secret" not in result.stderr + result.stdout


def test_cli_unknown_scheme_is_exit_2(settings: Settings, tmp_path: Path) -> None:
    result = run_newsflow("run", env=_cli_env(settings, tmp_path, "ftp://host/archive"))
    assert result.returncode == 2
    assert "newsflow: error: NEWSFLOW_ARCHIVE_URL 'ftp://host/archive': unknown scheme" in (
        result.stderr
    )


def test_import_warc_exits_2_before_reading(
    settings: Settings, s3_server: S3Server, tmp_path: Path
) -> None:
    env = _cli_env(settings, tmp_path, "s3://no-such-bucket", **s3_server.env())
    result = run_newsflow("import-warc", str(tmp_path / "x.warc.gz"), "--source", "s", env=env)
    assert result.returncode == 2, result.stderr
    assert "newsflow: error: NEWSFLOW_ARCHIVE_URL s3://no-such-bucket: the bucket" in result.stderr


def test_secrets_in_store_messages_are_masked() -> None:
    from pipeline.store import mask_secrets

    text = "GET http://key:secret@host/b/k?X-Amz-Credential=AKIA%2F1&X-Amz-Signature=abc1 failed"
    masked = mask_secrets(text)
    assert "secret" not in masked and "AKIA" not in masked and "abc1" not in masked
    assert "http://key:***@host/b/k" in masked


def test_start_run_checks_the_store_before_recording_a_run(
    settings: Settings, s3_server: S3Server, tmp_path: Path
) -> None:
    from pipeline import steps

    sources = tmp_path / "s.yaml"
    sources.write_text("sources:\n  - name: s\n    feeds: [http://127.0.0.1:9/f.xml]\n")
    bad = settings.with_overrides(archive_url="s3://no-such-bucket", storage_env=s3_server.env())
    with pytest.raises(ConfigError, match="no-such-bucket does not exist"):
        steps.start_run(bad, sources_file=str(sources))
    good = settings.with_overrides(
        archive_url=f"s3://{s3_server.bucket()}", storage_env=s3_server.env()
    )
    assert steps.start_run(good, sources_file=str(sources)).run_id == 1
