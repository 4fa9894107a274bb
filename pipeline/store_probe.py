"""Checking at start that the archive's store can be written, before any page is fetched.

Every entry point that writes the archive (``newsflow run``, ``crawl``, ``import-warc``
and the Airflow ``start_run`` task) calls ``check_archive`` first: for a bucket it puts
a small object into the store and deletes it again. A bad ``NEWSFLOW_ARCHIVE_URL`` (unknown
scheme, missing bucket, no credentials, no permission to write, no store at the
endpoint) is then a ``ConfigError`` naming the store's URL (never credentials) and
what to do, so the CLI exits 2 with one ``newsflow: error:`` line.
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Mapping

from pipeline.config import Settings
from pipeline.errors import ArchiveError, ConfigError
from pipeline.store import ArchiveStore, RemoteStore, mask_secrets

PROBE_PREFIX = ".newsflow-probe-"
"""The probe object's name starts so, under the store's prefix (deleted at once)."""


def check_archive(settings: Settings) -> ArchiveStore:
    """The archive's store (``NEWSFLOW_ARCHIVE_URL``), once a probe wrote to it when it
    is remote; ``ConfigError`` otherwise. A local folder is not probed: the crawl
    creates it and a folder it cannot write fails the source with the reason (as
    before stores existed)."""
    store = settings.archive_store()
    if store.remote:
        probe_store(store, settings.storage_env)
    return store


def probe_store(store: ArchiveStore, env: Mapping[str, str]) -> None:
    """Put and delete one small object in ``store``; ``ConfigError`` saying what is wrong."""
    if isinstance(store, RemoteStore) and not (
        env.get("AWS_ACCESS_KEY_ID") and env.get("AWS_SECRET_ACCESS_KEY")
    ):
        raise ConfigError(
            f"NEWSFLOW_ARCHIVE_URL {store.display_url}: no credentials; set "
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_ENDPOINT_URL for a store "
            "other than AWS S3)"
        )
    key = f"{PROBE_PREFIX}{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        location = store.put_bytes(key, b"newsflow can write here\n")
        store.delete(location)
    except ArchiveError as exc:
        raise ConfigError(_explain(store, env, str(exc))) from None


def _explain(store: ArchiveStore, env: Mapping[str, str], error: str) -> str:
    """The one-line message of a failed probe: the store, the cause, what to do."""
    where = f"NEWSFLOW_ARCHIVE_URL {store.display_url}"
    if not isinstance(store, RemoteStore):
        return f"{where}: the folder cannot be written ({error}); fix its permissions or path"
    text = error.lower()
    if "nosuchbucket" in text or "404 not found" in text:  # a PUT is 404 for no bucket alone
        return (
            f"{where}: the bucket {store.bucket} does not exist; create it or fix "
            "NEWSFLOW_ARCHIVE_URL"
        )
    if any(
        word in text
        for word in ("403", "forbidden", "accessdenied", "invalidaccesskeyid", "signature")
    ):
        return (
            f"{where}: the store refused to write (access denied); check AWS_ACCESS_KEY_ID "
            "and AWS_SECRET_ACCESS_KEY and that they may write to the bucket"
        )
    endpoint = mask_secrets(env.get("AWS_ENDPOINT_URL") or "AWS S3")
    return (
        f"{where}: cannot write to the store at {endpoint} ({error}); check "
        "AWS_ENDPOINT_URL, AWS_REGION and the network"
    )
