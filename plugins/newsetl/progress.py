"""Progress for `newsetl run`: rich progress bars on a terminal, plain lines elsewhere.

The pipeline reports through one callback: `"<step>…"` when a step starts, and any other
message (a page fetched, a file read) while one runs.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from newsetl.runs import STEPS


class PlainProgress:
    """One line per message, for logs and pipes."""

    def __init__(self, stream: TextIO, quiet: bool) -> None:
        self.stream = stream
        self.quiet = quiet

    def __call__(self, message: str) -> None:
        if not self.quiet:
            print(f"  {message}", file=self.stream, flush=True)


class BarProgress:
    """A bar over the run's steps and a counter of what the current step has handled."""

    def __init__(self, stream: TextIO) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(file=stream),
            transient=False,
        )
        self.steps = self.progress.add_task("steps", total=len(STEPS))
        self.items = self.progress.add_task("", total=None, visible=False)
        self.current: str | None = None

    def __call__(self, message: str) -> None:
        step = message.rstrip("…").strip()
        if message.endswith("…") and step in STEPS:
            if self.current is not None:
                self.progress.advance(self.steps)
            self.current = step
            self.progress.update(self.steps, description=f"[bold]{step}")
            self.progress.reset(self.items, total=None, visible=True, description=f"  {step}")
            return
        self.progress.update(self.items, advance=1, description=f"  {_shorten(message)}")

    def finish(self) -> None:
        if self.current is not None:
            self.progress.advance(self.steps)
        self.progress.update(self.steps, description="[bold]done")
        self.progress.update(self.items, visible=False)


@contextmanager
def run_progress(
    quiet: bool = False, stream: TextIO | None = None
) -> Iterator[PlainProgress | BarProgress]:
    """Bars when `stream` (stderr) is a terminal and not quiet; plain lines otherwise."""
    stream = stream or sys.stderr
    if quiet or not stream.isatty():
        yield PlainProgress(stream, quiet)
        return
    bars = BarProgress(stream)
    with bars.progress:
        yield bars
        bars.finish()


def _shorten(message: str, width: int = 60) -> str:
    return message if len(message) <= width else message[: width - 1] + "…"
