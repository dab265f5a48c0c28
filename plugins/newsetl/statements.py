"""DuckDB statements that bind nothing from Python.

DuckDB's Python client imports pandas (a quarter to a third of a second of CPU) the first
time a statement binds a parameter or scans a Python object such as an Arrow table or a
polars frame. A run's statements inline their few values (`quoted`) and read the frames they
load from Parquet files (`staged`), so a run's own process never imports pandas: a re-run
that finds nothing new spends about a second, of which that would be a quarter.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    import duckdb


def quoted(text: str) -> str:
    """`text` as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


@contextlib.contextmanager
def staged(
    con: duckdb.DuckDBPyConnection, frames: dict[str, pl.DataFrame], folder: Path | None = None
) -> Iterator[None]:
    """Each frame readable as a temporary view of its name in the block, from a Parquet
    file DuckDB reads itself, in a temporary folder under `folder` (default: the system's)."""
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".staged-", dir=folder) as tmp:
        views: list[str] = []
        try:
            for name, frame in frames.items():
                path = Path(tmp) / f"{name}.parquet"
                frame.write_parquet(path, compression="uncompressed", statistics=False)
                con.execute(
                    f"create or replace temp view {name} as "  # noqa: S608 - own names
                    f"select * from read_parquet({quoted(str(path))})"
                )
                views.append(name)
            yield
        finally:
            for name in views:
                con.execute(f"drop view if exists {name}")
