"""``forked_map``: a function over items in forked processes, for benchmarks whose
per-item work is measured inside each item (the processes only save wall time)."""

from __future__ import annotations

import importlib
import multiprocessing
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def forked_map(
    fn: Callable[[T], R],
    items: Sequence[T],
    processes: int,
    *,
    preload: Sequence[str] = (),
    chunksize: int = 1,
) -> list[R]:
    """``fn`` of each item, in order, spread over ``processes`` forked processes (in
    this process when ``processes`` <= 1). The modules named in ``preload`` are imported
    before the fork, so no process pays for (or times) their import."""
    if processes <= 1:
        return [fn(item) for item in items]
    for module in preload:
        importlib.import_module(module)
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        return pool.map(fn, items, chunksize=chunksize)
