"""Extracting many pages in a process pool, streaming, with bounded memory."""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing.context import BaseContext
from typing import TypeVar

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
INFLIGHT_PER_PROCESS = 8
"""Submitted but unfinished tasks per process; bounds memory when inputs are large."""


def pool_context(worker_module: str | None = None) -> BaseContext:
    """The start method of the workers: a forkserver that has preloaded the extractor
    (:mod:`pipeline.extract.preload`) and ``worker_module`` (the module of the worker
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
    context.set_forkserver_preload(
        [*PRELOAD, worker_module] if worker_module and worker_module != "__main__" else PRELOAD
    )
    return context


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
    fn: Callable[..., R], items: Iterable[T], *args: object, processes: int | None = None
) -> Iterator[R]:
    """``fn(item, *args)`` for every item, in input order, computed in a process pool.

    Consumes ``items`` lazily: at most ``INFLIGHT_PER_PROCESS`` tasks per process are
    pending at any time, so memory stays bounded for long streams. With ``processes=1``
    runs in this process (useful for debugging).
    """
    processes = processes or os.cpu_count() or 1
    if processes == 1:
        for item in items:
            yield fn(item, *args)
        return
    limit = processes * INFLIGHT_PER_PROCESS
    pending: deque[Future[R]] = deque()
    with ProcessPoolExecutor(
        processes, mp_context=pool_context(fn.__module__), max_tasks_per_child=MAX_TASKS_PER_CHILD
    ) as pool:
        for item in items:
            pending.append(pool.submit(fn, item, *args))
            if len(pending) >= limit:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def iter_extract(
    pages: Iterable[FetchedPage],
    processes: int | None = None,
    *,
    min_chars: int = DEFAULT_MIN_ARTICLE_CHARS,
    fingerprint: bool = False,
    language_hint: str | None = None,
) -> Iterator[ExtractionResult]:
    """Extract ``pages`` in a process pool, yielding results in input order.

    Errors in single pages become ``error`` results; the stream never aborts on them.
    With ``fingerprint``, each article also gets its dedup fingerprint
    (``ExtractionResult.fingerprint``), computed in the pool, so that loading does
    not have to. ``language_hint`` is the source's usual language (see ``extract_html``).
    """
    yield from ordered_map(
        _safe_extract_page, pages, min_chars, fingerprint, language_hint, processes=processes
    )
