"""Batch extraction in a process pool."""

import gc
import os
import sys
from pathlib import Path

from pipeline.extract import iter_extract, ordered_map, pool
from pipeline.records import FetchedPage

FIXTURES = Path(__file__).parent.parent / "fixtures" / "extract"


def test_iter_extract_keeps_order_and_survives_bad_pages():
    names = ["article_furniture.html", "binary.bin", "index_page.html", "url_date_only.html"] * 3
    pages = [
        FetchedPage(url=f"https://example.com/{i}", source="test", body=(FIXTURES / n).read_bytes())
        for i, n in enumerate(names)
    ]
    results = list(iter_extract(pages, processes=2))
    assert [r.url for r in results] == [p.url for p in pages]
    assert [r.status for r in results[:4]] == ["ok", "error", "not_article", "ok"]


def _worker_state(_item: int) -> tuple[int, bool]:
    """The worker's pid and whether the language model's package was loaded before any
    extraction ran in it (only the forkserver's preload loads it)."""
    return os.getpid(), "py3langid" in sys.modules


def test_workers_fork_from_a_forkserver_that_preloaded_the_extractor():
    assert pool.pool_context().get_start_method() == "forkserver"
    states = list(ordered_map(_worker_state, range(4), processes=2))
    assert all(loaded for _pid, loaded in states)
    assert os.getpid() not in {pid for pid, _loaded in states}


def _frozen_objects(_item: int) -> int:
    return gc.get_freeze_count()


def test_workers_inherit_the_preload_frozen_out_of_the_garbage_collector():
    # gc.freeze() in the forkserver: a worker's full collections neither walk the
    # preloaded objects nor copy their pages by writing to their GC headers.
    assert all(count > 10_000 for count in ordered_map(_frozen_objects, range(4), processes=2))


def test_workers_are_still_recycled(monkeypatch):
    # Above INFLIGHT_PER_PROCESS: with fewer tasks per child than tasks in flight,
    # Python 3.11's ProcessPoolExecutor can deadlock (whatever the start method).
    monkeypatch.setattr(pool, "MAX_TASKS_PER_CHILD", 20)
    pids = {pid for pid, _loaded in ordered_map(_worker_state, range(60), processes=2)}
    assert len(pids) >= 3
