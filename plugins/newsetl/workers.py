"""Spreading a step's row work over the machine's cores.

Parse and enrich are CPU-bound Python; one process uses one core. `map_shares` splits a
list into consecutive slices, runs a module-level function on each in worker processes and
puts the results back in the input's order, so a step's output does not depend on how many
workers ran it.

Workers are forked when that is safe (the parent has imported what they need, and copying
it is free) and spawned otherwise: a fork of a process whose Kiwi worker threads have run can
deadlock. Where no child process may be started (a daemonic process such as a Celery pool
worker), or the share is small, the work runs in this process.

A SideProcess, forked beside the workers as a run starts, loads Great Expectations on the
core the run's first step leaves idle and then runs the validate step.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

log = logging.getLogger("newsetl")

T = TypeVar("T")
R = TypeVar("R")

# Below this many items a second process costs more than it saves: a forked worker starts in
# ~50 ms, a spawned one re-imports its modules and models for a second or more.
MIN_ITEMS_PER_WORKER = 24
MIN_ITEMS_PER_SPAWNED_WORKER = 500
SMALLEST_SLICE = 8
SIDE_NICENESS = 5
PR_SET_PDEATHSIG = 1  # linux/prctl.h


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


_kept: tuple[ProcessPoolExecutor, int] | None = None  # the pool a `kept_workers` block holds


def has_kept_workers() -> bool:
    """Whether a `kept_workers` block holds worker processes now (map_shares uses them)."""
    return _kept is not None


def _ready(_: int) -> int:
    return os.getpid()


def _die_with_parent(parent: int) -> None:
    """A worker ends when the process that started it does, even by kill -9: otherwise it
    lingers, holding the parent's stdout and stderr open."""
    if sys.platform == "linux":
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before the call above took effect
            os._exit(1)


@contextmanager
def kept_workers(workers: int | None = None) -> Iterator[None]:
    """Keep worker processes for the block, so every map_shares inside it (each part of a
    large run, parse and enrich alike) reuses them and each loads its models once. They start
    here, while this process is still small: a forked worker's memory includes what its
    parent held when it was forked."""
    global _kept
    count = workers or worker_count()
    if _kept is not None or count <= 1 or not _may_have_children():
        yield
        return
    context = multiprocessing.get_context("fork" if can_fork() else "spawn")
    executor = ProcessPoolExecutor(
        max_workers=count,
        mp_context=context,
        initializer=_die_with_parent,
        initargs=(os.getpid(),),
    )
    try:
        list(executor.map(_ready, range(count)))
        _kept = (executor, count)
        yield
    finally:
        _kept = None
        executor.shutdown(cancel_futures=True)


class SideProcess:
    """One forked process beside the run, for a step whose library is slow to import (Great
    Expectations takes seconds): started at the run's start while this process is small and
    the other core idle, it loads the library while this process extracts, then serves one
    call at a time. `close` ends it at once, loaded or not, so a run with nothing to validate
    never waits for it.

    A bare Process and Pipe rather than a pool: a pool starts threads in this process, after
    which the run's workers could no longer be forked (see can_fork), and a pool's worker
    cannot be ended while it is still starting.
    """

    def __init__(self, initializer: Callable[[], None] | None = None) -> None:
        context = multiprocessing.get_context("fork")
        self._connection, child = context.Pipe()
        self._process = context.Process(
            target=_serve,
            args=(child, os.getpid(), initializer),
            name="newsetl-side",
            daemon=True,
        )
        self._process.start()
        child.close()
        self._waiting: str | None = None  # the call submitted and not yet waited for

    def call(self, func: Callable[..., R], *args: Any) -> R:
        """func(*args) in the side process; its exception is raised here."""
        return self.submit(func, *args)()

    def submit(self, func: Callable[..., R], *args: Any) -> Callable[[], R]:
        """Start func(*args) in the side process and return at once, so this process can go
        on with other work; the function returned waits for the result (raising func's
        exception). Nothing else may be submitted until it has been waited for."""
        named = getattr(func, "func", func)  # a functools.partial is named by its function
        name = getattr(named, "__name__", type(named).__name__)
        if self._waiting is not None:
            raise RuntimeError(f"the side process is still running {self._waiting}")
        try:
            self._connection.send((func, args))
        except BrokenPipeError:  # it died (killed, out of memory) before this call
            raise RuntimeError(f"the side process ended during {name}") from None
        self._waiting = name

        def result() -> R:
            try:
                status, value = self._connection.recv()
            except (EOFError, BrokenPipeError):  # it died before answering
                raise RuntimeError(f"the side process ended during {name}") from None
            finally:
                self._waiting = None
            if status == "error":
                raise value
            return value  # type: ignore[no-any-return]

        return result

    def close(self) -> None:
        """End the process, loaded or not; closing again does nothing."""
        if self._connection.closed:
            return
        self._process.terminate()
        self._process.join()
        self._connection.close()


def _serve(connection: Any, parent: int, initializer: Callable[[], None] | None) -> None:
    _die_with_parent(parent)
    os.nice(SIDE_NICENESS)  # the parse and enrich workers come first
    if initializer is not None:
        initializer()
    while True:
        try:
            func, args = connection.recv()
        except EOFError:
            return
        try:
            connection.send(("ok", func(*args)))
        except Exception as exc:  # noqa: BLE001 - raised again in the run's process
            try:
                connection.send(("error", exc))
            except Exception:  # noqa: BLE001 - an exception that does not pickle
                connection.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))


@contextmanager
def side_process(initializer: Callable[[], None] | None = None) -> Iterator[SideProcess | None]:
    """A SideProcess for the block, or None where one cannot be forked (see can_fork)."""
    if not can_fork() or not _may_have_children():
        yield None
        return
    side = SideProcess(initializer)
    try:
        yield side
    finally:
        side.close()


def map_shares(
    func: Callable[[list[T]], list[R]],
    items: Sequence[T],
    *,
    workers: int | None = None,
    min_items: int | None = None,
    min_items_spawned: int | None = None,
) -> list[R]:
    """func(share) for shares of items, merged back into the items' order.

    func must be a module-level function returning one result per item of its share. Each
    worker gets at least `min_items` (forked) or `min_items_spawned` (spawned) items
    (default: MIN_ITEMS_PER_WORKER, MIN_ITEMS_PER_SPAWNED_WORKER).
    """
    items = list(items)
    if _kept is not None:  # started already: a share of MIN_ITEMS_PER_WORKER is worth it
        executor, size = _kept
        count = min(workers or size, size, len(items) // max(min_items or MIN_ITEMS_PER_WORKER, 1))
        if count > 1:
            return _run_shares(executor, func, items, count)
        return func(items)
    method = "fork" if can_fork() else "spawn"
    if method == "fork":
        least = min_items or MIN_ITEMS_PER_WORKER
    else:
        least = min_items_spawned or MIN_ITEMS_PER_SPAWNED_WORKER
    count = min(workers or worker_count(), len(items) // max(least, 1))
    if count <= 1 or not _may_have_children():
        return func(items)
    context = multiprocessing.get_context(method)
    log.debug("%s: %d items over %d %sed workers", func.__name__, len(items), count, method)
    with ProcessPoolExecutor(
        max_workers=count,
        mp_context=context,
        initializer=_die_with_parent,
        initargs=(os.getpid(),),
    ) as pool:
        return _run_shares(pool, func, items, count)


def _run_shares(
    pool: ProcessPoolExecutor, func: Callable[[list[T]], list[R]], items: list[T], count: int
) -> list[R]:
    """func over consecutive slices that shrink as the work runs out; a worker that finishes
    early takes the next slice (a batch's Korean and English articles differ several-fold in
    cost)."""
    slices: list[list[T]] = []
    start = 0
    for size in slice_sizes(len(items), count):
        slices.append(items[start : start + size])
        start += size
    merged: list[R] = []
    for share, results in zip(slices, pool.map(func, slices), strict=True):
        if len(results) != len(share):
            raise RuntimeError(f"{func.__name__} returned {len(results)} results for {len(share)}")
        merged.extend(results)
    return merged


def slice_sizes(total: int, count: int) -> list[int]:
    """Guided scheduling: each slice is 1/(2·count) of the items still left, and at least
    SMALLEST_SLICE. The first slices are large (few round trips), the last small, so the
    workers finish together instead of one waiting on another's last large slice."""
    sizes: list[int] = []
    left = total
    while left > 0:
        size = min(left, max(SMALLEST_SLICE, -(-left // (2 * count))))
        sizes.append(size)
        left -= size
    return sizes
