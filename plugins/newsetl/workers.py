"""Spreading a step's row work over the machine's cores.

Parse and enrich are CPU-bound Python; one process uses one core. `map_shares` splits a
list into interleaved shares, runs a module-level function on each in worker processes and
puts the results back in the input's order, so a step's output does not depend on how many
workers ran it.

Workers are forked when that is safe (the parent has imported what they need, and copying
it is free) and spawned otherwise: a fork of a process whose Kiwi worker threads have run can
deadlock. Where no child process may be started (a daemonic process such as a Celery pool
worker), or the share is small, the work runs in this process.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

log = logging.getLogger("newsetl")

T = TypeVar("T")
R = TypeVar("R")

# Below this many items a second process costs more than it saves: a forked worker starts in
# ~50 ms, a spawned one re-imports its modules and models for a second or more.
MIN_ITEMS_PER_WORKER = 24
MIN_ITEMS_PER_SPAWNED_WORKER = 500


def worker_count() -> int:
    """NEWSETL_WORKERS, else the cores this process may use."""
    configured = os.environ.get("NEWSETL_WORKERS", "").strip()
    if configured:
        return max(1, int(configured))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Fork only from a single-threaded parent that has not started Kiwi's threads."""
    if sys.platform != "linux" or threading.active_count() > 1:
        return False
    entities = sys.modules.get("newsetl.entities")
    return getattr(entities, "_kiwi", None) is None


def _may_have_children() -> bool:
    return not multiprocessing.current_process().daemon


def map_shares(
    func: Callable[[list[T]], list[R]],
    items: Sequence[T],
    *,
    workers: int | None = None,
    min_items: int | None = None,
    min_items_spawned: int | None = None,
) -> list[R]:
    """func(share) for interleaved shares of items, merged back into the items' order.

    func must be a module-level function returning one result per item of its share. Each
    worker gets at least `min_items` (forked) or `min_items_spawned` (spawned) items
    (default: MIN_ITEMS_PER_WORKER, MIN_ITEMS_PER_SPAWNED_WORKER).
    """
    items = list(items)
    method = "fork" if can_fork() else "spawn"
    if method == "fork":
        least = min_items or MIN_ITEMS_PER_WORKER
    else:
        least = min_items_spawned or MIN_ITEMS_PER_SPAWNED_WORKER
    count = min(workers or worker_count(), len(items) // max(least, 1))
    if count <= 1 or not _may_have_children():
        return func(items)
    shares = [items[k::count] for k in range(count)]
    context = multiprocessing.get_context(method)
    log.debug("%s: %d items over %d %sed workers", func.__name__, len(items), count, method)
    with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
        results = list(pool.map(func, shares))
    merged: list[R] = [None] * len(items)  # type: ignore[list-item]
    for k, share in enumerate(results):
        if len(share) != len(shares[k]):
            raise RuntimeError(
                f"{func.__name__} returned {len(share)} results for {len(shares[k])}"
            )
        merged[k::count] = share
    return merged
