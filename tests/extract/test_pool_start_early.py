"""Starting the extraction workers' forkserver before any page waits for extraction."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from pipeline.extract.pool import iter_extract, start_early
from pipeline.records import FetchedPage

pytestmark = pytest.mark.skipif(
    "forkserver" not in multiprocessing.get_all_start_methods(), reason="no forkserver here"
)


def _forkservers() -> list[int]:
    """This process's children that run multiprocessing's forkserver."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            line = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        if ppid == os.getpid() and b"multiprocessing.forkserver" in line:
            found.append(int(entry.name))
    return found


def test_start_early_starts_the_forkserver_the_pool_then_forks_from() -> None:
    start_early()
    servers = _forkservers()
    assert len(servers) == 1
    page = FetchedPage(
        url="http://a.test/1",
        source="a",
        body=b"<html><body><article><p>" + b"A sentence of the article. " * 40 + b"</p>",
    )
    (result,) = iter_extract([page], processes=2)
    assert result.status in {"ok", "not_article"}
    assert _forkservers() == servers  # the same server: no second start
