"""Extracting many pages in a process pool, streaming, with bounded memory."""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing.context import BaseContext
from typing import Generic, TypeVar

from pipeline.errors import NewsflowError
from pipeline.records import DEFAULT_MIN_ARTICLE_CHARS, ExtractionResult, FetchedPage

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

# Processes, not threads: lxml in many threads has crashed with glibc "double free".
MAX_TASKS_PER_CHILD = 2000
"""Workers are replaced after this many tasks, bounding slow leaks in lxml/trafilatura
and returning the memory a very large page left behind. No growth was measured within
2,000 tasks (the 241 dev set pages four times over: 271 MB after the first round, 271 MB
after the fourth). A new worker is a fork of the forkserver (see :func:`pool_context`),
so a replacement costs milliseconds, not a fresh interpreter's imports."""
PRELOAD = ["pipeline.extract.preload"]
"""Modules the forkserver imports before it forks any worker."""
FINGERPRINT_PRELOAD = ("pipeline.dedup.fingerprint",)
"""What the forkserver imports too when the workers compute fingerprints (numpy among
it: ~0.1 s that a batch without fingerprints, ``newsflow extract``, does not wait for)."""
INFLIGHT_PER_PROCESS = 8
"""Submitted but unfinished tasks per process; bounds memory when inputs are large."""
TASK_TIMEOUT_S = 120.0
"""Seconds one task may take in a worker before the worker is killed (the default of
``Settings.extract_timeout_s``, ``NEWSFLOW_EXTRACT_TIMEOUT``). The slowest page the
tests hold, a 10 MB page on one line, takes about 5 s of CPU."""


def pool_context(worker_module: str | None = None, extra: tuple[str, ...] = ()) -> BaseContext:
    """The start method of the workers: a forkserver that has preloaded the ``extra``
    modules, the extractor (:mod:`pipeline.extract.preload`, which freezes all of it out
    of the garbage collector's reach) and ``worker_module`` (the module of the worker
    function, which each worker would otherwise import) where the platform has one,
    else spawn.

    Not plain fork: ``max_tasks_per_child`` rules it out, and forking a process that
    runs threads (Airflow, Scrapy) is unsafe. Spawn would start every worker, and every
    replacement, as a fresh interpreter importing everything again (the batch measured
    0.46x a bare trafilatura fork pool that way). The preload list takes effect when the
    process starts its forkserver, i.e. at its first pool.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    modules = [*extra, *PRELOAD]
    if worker_module and worker_module != "__main__":
        modules.append(worker_module)
    context.set_forkserver_preload(modules)
    return context


def start_early(fingerprint: bool = True) -> None:
    """Start the workers' forkserver now (in the background: it imports the extractor,
    about a second, and with ``fingerprint`` the fingerprint's modules), so that the pool
    :func:`iter_extract` opens later forks its workers at once. For a caller that
    expects pages but has none yet (extraction waiting for a crawl's first pages). A
    no-op where workers are spawned or cannot be started (:func:`can_start_workers`)."""
    extra = FINGERPRINT_PRELOAD if fingerprint else ()
    if can_start_workers() and pool_context(__name__, extra).get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def _safe_extract_page(
    page: FetchedPage, min_chars: int, fingerprint: bool = False, language_hint: str | None = None
) -> ExtractionResult:
    from pipeline.extract.core import extract_page  # preloaded in the workers (see above)

    try:
        result = extract_page(page, min_chars=min_chars, language_hint=language_hint)
        if fingerprint:
            from pipeline.dedup.fingerprint import with_fingerprint

            result = with_fingerprint(result)
        return result
    except Exception as exc:  # one bad page must never stop a batch
        log.exception("extraction failed for %s", page.url)
        return ExtractionResult("error", url=page.url, message=f"{type(exc).__name__}: {exc}")


def ordered_map(
    fn: Callable[..., R],
    items: Iterable[T],
    *args: object,
    processes: int | None = None,
    on_failure: Callable[[T, str], R] | None = None,
    task_timeout: float | None = TASK_TIMEOUT_S,
    preload: tuple[str, ...] = (),
) -> Iterator[R]:
    """``fn(item, *args)`` for every item, in input order, computed in a process pool
    whose forkserver also preloads the modules ``preload`` (see :func:`pool_context`).

    Consumes ``items`` lazily: at most ``INFLIGHT_PER_PROCESS`` tasks per process are
    pending at any time, so memory stays bounded for long streams. ``processes=1`` is
    one worker process, not this process: a page that crashes lxml or hangs must not
    take the caller down with it, however small the batch. The one exception is a
    process that may not start workers (:func:`can_start_workers`), which maps the items
    itself.

    A worker that dies (a crash in C code, the out-of-memory killer) or a task that runs
    longer than ``task_timeout`` seconds does not stop the stream: the pool is replaced,
    the tasks it left unfinished run again (after a death one at a time, so the item that
    kills its worker is found), and the item that died or overran gives
    ``on_failure(item, why)``. Without ``on_failure`` it raises :class:`WorkerFailedError`.
    """
    processes = processes or os.cpu_count() or 1
    if not can_start_workers():
        log.warning(
            "extracting in this process, without worker processes: it is a daemonic "
            "process (a Celery worker's task), which may not start any; a page that "
            "crashes or hangs here takes the task with it"
        )
        for item in items:
            yield fn(item, *args)
        return
    call = _Call(fn, args, task_timeout, on_failure, pool_context(fn.__module__, preload))
    stream = iter(items)
    while True:
        leftovers = yield from _run_pool(call, stream, processes)
        if leftovers is None:
            return
        yield from _run_alone(call, leftovers)


def can_start_workers() -> bool:
    """Whether this process may start the pool's workers.

    Celery's prefork workers (Airflow's CeleryExecutor) run each task in a daemonic
    process, from which multiprocessing refuses to start children ("daemonic processes
    are not allowed to have children"); clearing the flag is not enough (Celery's own
    authentication key in the process cannot be passed to a forkserver). There the
    items are mapped in this process, without the workers' crash and time-out
    protection, and a warning says so.
    """
    return not multiprocessing.current_process().daemon


class WorkerFailedError(NewsflowError):
    """A pool's worker died or overran its time limit, and no ``on_failure`` was given."""


@dataclass(frozen=True, slots=True)
class _Call(Generic[T, R]):
    fn: Callable[..., R]
    args: tuple[object, ...]
    timeout: float | None
    on_failure: Callable[[T, str], R] | None
    context: BaseContext

    def pool(self, processes: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            processes, mp_context=self.context, max_tasks_per_child=MAX_TASKS_PER_CHILD
        )

    def failed(self, item: T, why: str) -> R:
        if self.on_failure is None:
            raise WorkerFailedError(why)
        return self.on_failure(item, why)

    def died(self, item: T) -> R:
        return self.failed(item, "the extraction worker died on it (a crash or out of memory)")

    def overran(self, item: T) -> R:
        return self.failed(
            item,
            f"extraction took over {self.timeout:g} s and was stopped "
            "(NEWSFLOW_EXTRACT_TIMEOUT sets the limit)",
        )


_END = object()


def _run_pool(
    call: _Call[T, R], stream: Iterator[T], processes: int
) -> Generator[R, None, list[T] | None]:
    """Yield results of ``stream``'s items from one pool, in order; returns None when the
    stream is done, or the unfinished items (in order) when a worker died; an item that
    overran its time has yielded its failure and is not among them."""
    limit = processes * INFLIGHT_PER_PROCESS
    pending: deque[tuple[T, Future[R]]] = deque()
    pool = call.pool(processes)
    try:
        exhausted = False
        while True:
            while not exhausted and len(pending) < limit:
                item = next(stream, _END)
                if item is _END:
                    exhausted = True
                    break
                try:
                    pending.append((item, pool.submit(call.fn, item, *call.args)))  # type: ignore[arg-type]
                except BrokenProcessPool:
                    return [i for i, _f in pending] + [item]  # type: ignore[list-item]
            if not pending:
                return None
            item, future = pending[0]
            try:
                # Every earlier task is done, so this one has been running since at
                # least now: the wait bounds its run time from below.
                result = future.result(timeout=call.timeout)
            except BrokenProcessPool:
                log.warning("an extraction worker died; the unfinished items run one at a time")
                return [i for i, _f in pending]
            except FutureTimeout:
                _kill_workers(pool)
                pending.popleft()
                yield call.overran(item)
                return [i for i, _f in pending]
            pending.popleft()
            yield result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _run_alone(call: _Call[T, R], items: list[T]) -> Iterator[R]:
    """Each of ``items`` in a one-worker pool of its own, a new pool after a death."""
    pool = call.pool(1)
    try:
        for item in items:
            try:
                yield pool.submit(call.fn, item, *call.args).result(timeout=call.timeout)
                continue
            except BrokenProcessPool:
                failure = call.died(item)
            except FutureTimeout:
                _kill_workers(pool)
                failure = call.overran(item)
            pool.shutdown(wait=True, cancel_futures=True)
            pool = call.pool(1)
            yield failure
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's worker processes (a task in C code cannot be interrupted).
    ``ProcessPoolExecutor`` has no public way before Python 3.14 (``kill_workers``)."""
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        process.kill()


def iter_extract(
    pages: Iterable[FetchedPage],
    processes: int | None = None,
    *,
    task_timeout: float | None = TASK_TIMEOUT_S,
    min_chars: int = DEFAULT_MIN_ARTICLE_CHARS,
    fingerprint: bool = False,
    language_hint: str | None = None,
) -> Iterator[ExtractionResult]:
    """Extract ``pages`` in a process pool, yielding results in input order.

    Errors in single pages become ``error`` results, and so does a page that kills its
    worker or runs over ``NEWSFLOW_EXTRACT_TIMEOUT``; the stream never aborts on them.
    With ``fingerprint``, each article also gets its dedup fingerprint
    (``ExtractionResult.fingerprint``), computed in the pool, so that loading does
    not have to. ``language_hint`` is the source's usual language (see ``extract_html``).
    """
    yield from ordered_map(
        _safe_extract_page,
        pages,
        min_chars,
        fingerprint,
        language_hint,
        processes=processes,
        on_failure=page_failed,
        task_timeout=task_timeout,
        preload=FINGERPRINT_PRELOAD if fingerprint else (),
    )


def page_failed(page: FetchedPage, why: str) -> ExtractionResult:
    """The ``error`` result of a page whose worker died or overran its time."""
    log.error("%s: %s", page.url, why)
    return ExtractionResult("error", url=page.url, message=why)
