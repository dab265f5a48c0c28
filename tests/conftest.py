"""Shared fixtures: settings pointed at a temporary warehouse, and local HTTP servers."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from routeserver import RouteServer

from newsetl.samplesite import serve
from newsetl.settings import Settings, load_settings

# Airflow reads its home at import; keep tests from writing into the user's ~/airflow.
os.environ.setdefault("AIRFLOW_HOME", str(Path(tempfile.gettempdir()) / "newsetl-tests-airflow"))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings for a warehouse under tmp_path that may fetch from 127.0.0.1."""
    monkeypatch.setenv("NEWSETL_ALLOWED_HOSTS", "127.0.0.1")
    monkeypatch.setenv("NEWSETL_DB", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.setenv("NEWSETL_TIMEOUT", "5")
    # Politeness between requests to one host is for other people's servers, not the tests'.
    monkeypatch.setenv("NEWSETL_HOST_DELAY", "0")
    monkeypatch.delenv("NEWSETL_WORK_DIR", raising=False)
    return load_settings()


@pytest.fixture
def sample_site() -> Iterator[str]:
    """The bundled sample site on a free loopback port."""
    with serve() as base_url:
        yield base_url


@pytest.fixture
def route_server() -> Iterator[RouteServer]:
    with RouteServer() as server:
        yield server
