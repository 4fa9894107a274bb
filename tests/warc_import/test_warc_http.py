"""WARC files read over HTTP from a local server: streamed record by record."""

from __future__ import annotations

import functools
import http.server
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawlers.warc_inputs import open_input
from crawlers.warc_read import ReadCounts, iter_responses
from devtools.warc_files import WarcPage, write_warc
from tests.cli_helpers import run_newsflow


@pytest.fixture
def served_dir(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A directory served over HTTP on 127.0.0.1; (directory, base URL)."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _HalfThenWait(http.server.BaseHTTPRequestHandler):
    """Sends the first half of ``data``, waits for ``release``, then the rest."""

    data = b""
    release = threading.Event()

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.data)))
        self.end_headers()
        half = len(self.data) // 2
        self.wfile.write(self.data[:half])
        self.wfile.flush()
        self.release.wait(30)
        self.wfile.write(self.data[half:])

    def log_message(self, *args: object) -> None:
        pass


def test_records_are_read_before_the_download_ends(tmp_path: Path, pages: list[WarcPage]) -> None:
    path = tmp_path / "stream.warc.gz"
    write_warc(path, pages)
    handler = type(
        "Handler", (_HalfThenWait,), {"data": path.read_bytes(), "release": threading.Event()}
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with open_input(f"http://127.0.0.1:{server.server_address[1]}/stream.warc.gz") as stream:
            responses = iter_responses(stream, "stream", ReadCounts())
            started = time.monotonic()
            first = next(responses)  # the server still holds back the second half
            assert time.monotonic() - started < 10
            assert not handler.release.is_set()
            handler.release.set()
            rest = list(responses)
    finally:
        handler.release.set()
        server.shutdown()
        server.server_close()
    assert [first.url, *(r.url for r in rest)] == [p.url for p in pages]


def test_a_missing_url_is_an_error_naming_the_status(served_dir: tuple[Path, str]) -> None:
    _, base = served_dir
    from pipeline.errors import ArchiveError

    with pytest.raises(ArchiveError, match="HTTP 404"), open_input(f"{base}/none.warc.gz"):
        pass


def test_import_warc_reads_an_http_url(
    served_dir: tuple[Path, str], pages: list[WarcPage], clean_database_url: str
) -> None:
    directory, base = served_dir
    write_warc(directory / "CC-NEWS-1.warc.gz", pages)
    env = {
        "NEWSFLOW_DATABASE_URL": clean_database_url,
        "NEWSFLOW_HOME": str(directory / "home"),
        "NEWSFLOW_SOURCES": str(directory / "none.yaml"),
        "NEWSFLOW_EXTRACT_PROCESSES": "2",
    }
    done = run_newsflow(
        "import-warc",
        f"{base}/CC-NEWS-1.warc.gz",
        "--source",
        "history",
        "--host",
        "gazette",
        "--json",
        env=env,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["records"]["kept"] == 6 and report["articles_new"] + report["duplicates"] == 6
