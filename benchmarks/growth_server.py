"""The server bench_growth runs on: its own embedded PostgreSQL, so it can be restarted cold.

A cold cache needs a server restart (PostgreSQL's shared buffers are emptied) and the
data files dropped from the operating system's page cache, which ``restart_cold`` does
with ``posix_fadvise(POSIX_FADV_DONTNEED)`` on the server's own files only (other
users of the machine keep their cache). With ``--server-url`` the benchmark runs on a
server it does not own: nothing is restarted and cold timings are not measured.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

from pipeline.db.embedded import embedded_url, stop_embedded

SETTINGS = {
    "shared_buffers": "512MB",
    "work_mem": "32MB",
    "maintenance_work_mem": "512MB",
    "max_wal_size": "4GB",
    "checkpoint_timeout": "15min",
    "effective_cache_size": "8GB",
}
"""The benchmark server's settings (reported with the results)."""


@dataclass(frozen=True, slots=True)
class GrowthServer:
    url: str
    data_dir: Path | None
    """The embedded server's data folder; None for a server the benchmark does not own."""

    @property
    def can_restart(self) -> bool:
        return self.data_dir is not None

    def restart_cold(self) -> None:
        """Restart the server and drop its data files from the OS page cache."""
        assert self.data_dir is not None
        _pg_ctl(self.data_dir, "restart")
        drop_file_cache(self.data_dir)

    def settings(self) -> dict[str, str]:
        with psycopg.connect(self.url) as conn:
            return {
                name: str(conn.execute(f"SHOW {name}").fetchone()[0])  # type: ignore[index]
                for name in SETTINGS
            }


def _pg_ctl(data_dir: Path, action: str) -> None:
    from pgserver._commands import pg_ctl  # the embedded server's own binaries

    user = "pgserver" if os.geteuid() == 0 else None  # pgserver runs as it under root
    pg_ctl(["-w", action, "-m", "fast"], pgdata=data_dir, user=user, timeout=120)


def drop_file_cache(folder: Path) -> int:
    """Write back and evict every file under ``folder`` from the page cache; files."""
    count = 0
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            os.fdatasync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            count += 1
        except OSError:
            pass
        finally:
            os.close(fd)
    return count


@contextmanager
def growth_server(server_url: str | None, folder: Path | None = None) -> Iterator[GrowthServer]:
    """``server_url`` as it is, else a new embedded server (in ``folder``, else a temporary
    one) with ``SETTINGS``, stopped and removed when the block ends."""
    if server_url:
        yield GrowthServer(server_url, None)
        return
    with tempfile.TemporaryDirectory(prefix="newsflow-growth-pg-", dir=folder) as tmp:
        data_dir = Path(tmp) / "postgres"
        try:
            url = embedded_url(data_dir)
            with psycopg.connect(url, autocommit=True) as conn:
                for name, value in SETTINGS.items():
                    conn.execute(f"ALTER SYSTEM SET {name} = '{value}'")
            _pg_ctl(data_dir, "restart")
            yield GrowthServer(url, data_dir)
        finally:
            stop_embedded(data_dir)
