"""``python -m devtools.sample_site``: serves, writes its files, stops cleanly on SIGTERM."""

from __future__ import annotations

import signal
import subprocess
import sys

from pipeline.sources import load_sources
from tests.conftest import REPO_ROOT
from tests.sample_site.conftest import fetch


def test_module_serves_writes_port_and_sources_files_and_exits_0_on_sigterm(tmp_path) -> None:
    port_file, sources_file = tmp_path / "port", tmp_path / "sources.yaml"
    log_file = tmp_path / "requests.jsonl"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "devtools.sample_site",
            "--port",
            "0",
            "--port-file",
            str(port_file),
            "--sources-file",
            str(sources_file),
            "--today",
            "2026-11-25",
            "--days",
            "2",
            "--articles-per-day",
            "3",
            "--log-file",
            str(log_file),
        ],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("serving http://127.0.0.1:")
        base_url = line.split(" ", 1)[1]
        assert port_file.read_text().strip() == base_url.rsplit(":", 1)[1]
        assert len(load_sources(sources_file)) == 3
        assert fetch(base_url + "/robots.txt").status == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    assert '"/robots.txt"' in log_file.read_text()


def test_module_refuses_a_bad_size_with_a_usage_error() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "devtools.sample_site", "--days", "0"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2 and "days must be at least 1" in result.stderr
