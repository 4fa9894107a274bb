"""Batch extraction in a process pool."""

import gc
import os
import signal
import sys
import time
from pathlib import Path

import pytest

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


def _fragile(item: int) -> int:
    """Dies on 13 the way a crash in C code does, hangs on 7, doubles the rest."""
    if item == 13:
        os.kill(os.getpid(), signal.SIGSEGV)
    if item == 7:
        time.sleep(3600)
    return item * 2


def _failure(item: int, why: str) -> str:
    return f"{item}: {why}"


def test_a_dying_worker_and_a_hanging_task_do_not_stop_the_stream():
    results = list(
        ordered_map(_fragile, range(40), processes=2, on_failure=_failure, task_timeout=3)
    )
    assert len(results) == 40
    assert (
        results[7]
        == "7: extraction took over 3 s and was stopped (NEWSFLOW_EXTRACT_TIMEOUT sets the limit)"
    )
    assert results[13] == "13: the extraction worker died on it (a crash or out of memory)"
    assert [r for i, r in enumerate(results) if i not in (7, 13)] == [
        i * 2 for i in range(40) if i not in (7, 13)
    ]


def test_one_process_is_one_protected_worker_not_the_caller():
    # A small batch or NEWSFLOW_EXTRACT_PROCESSES=1: a crash or a hang must still not
    # take the caller down (it used to run in the caller's process).
    assert os.getpid() not in {pid for pid, _loaded in ordered_map(_worker_state, [1], processes=1)}
    results = list(
        ordered_map(_fragile, [1, 13, 7, 2], processes=1, on_failure=_failure, task_timeout=3)
    )
    assert results == [
        2,
        "13: the extraction worker died on it (a crash or out of memory)",
        "7: extraction took over 3 s and was stopped (NEWSFLOW_EXTRACT_TIMEOUT sets the limit)",
        4,
    ]


def test_without_on_failure_a_dead_worker_is_an_error():
    with pytest.raises(pool.WorkerFailedError, match="died"):
        list(ordered_map(_fragile, [1, 13, 2], processes=2, task_timeout=30))


def test_a_page_that_kills_its_worker_becomes_an_error_record():
    # Stands in for a page that crashes lxml in C code: the item's worker dies.
    pages = [
        FetchedPage(
            url=f"https://example.com/{i}",
            source="test",
            body=(FIXTURES / "index_page.html").read_bytes(),
        )
        for i in range(6)
    ]
    results = list(ordered_map(_crash_on_third, pages, processes=2, on_failure=pool.page_failed))
    assert [r.url for r in results] == [p.url for p in pages]
    assert results[2].status == "error"
    assert "worker died" in (results[2].message or "")
    assert all(r.status == "not_article" for i, r in enumerate(results) if i != 2)


def _crash_on_third(page: FetchedPage) -> object:
    if page.url.endswith("/2"):
        os.kill(os.getpid(), signal.SIGSEGV)
    return pool._safe_extract_page(page, 100)


def _double(item: int) -> int:
    return item * 2


def _map_in_a_daemon(queue) -> None:  # type: ignore[no-untyped-def]
    queue.put(list(ordered_map(_double, range(5), processes=2)))


def test_a_daemonic_process_maps_in_itself():
    # Celery's prefork workers (Airflow's CeleryExecutor) run tasks in daemonic processes.
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    daemon = context.Process(target=_map_in_a_daemon, args=(queue,), daemon=True)
    daemon.start()
    try:
        assert queue.get(timeout=60) == [0, 2, 4, 6, 8]
    finally:
        daemon.join(timeout=30)
    assert daemon.exitcode == 0


def test_the_fingerprint_modules_are_preloaded_only_for_workers_that_compute_fingerprints():
    from multiprocessing import forkserver

    server = forkserver._forkserver  # what set_forkserver_preload sets
    before = list(server._preload_modules)
    try:
        pool.pool_context("pipeline.extract.files")
        assert server._preload_modules == [*pool.PRELOAD, "pipeline.extract.files"]
        pool.pool_context(pool.__name__, pool.FINGERPRINT_PRELOAD)
        assert server._preload_modules == [*pool.FINGERPRINT_PRELOAD, *pool.PRELOAD, pool.__name__]
    finally:
        server._preload_modules = before
