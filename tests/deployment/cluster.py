"""A real Airflow 3 deployment as local processes: the topology of docker-compose.yml.

PostgreSQL holds a fresh metadata database made for the deployment, Redis (on a database
number nobody else uses) is the Celery broker, and the api-server, scheduler,
dag-processor, triggerer and a Celery worker run as processes on free loopback ports.
Everything started is stopped, and the database dropped, by `stop()`.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx

from newsetl.settings import PROJECT_ROOT

PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
COMPONENTS = {
    "api-server": ["api-server"],
    "scheduler": ["scheduler"],
    "dag-processor": ["dag-processor"],
    "triggerer": ["triggerer"],
    "worker": ["celery", "worker", "--concurrency", "4", "--without-gossip", "--without-mingle"],
}
T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def pg_connect(dbname: str = "postgres") -> Any:
    import psycopg2

    con = psycopg2.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=dbname)
    con.autocommit = True
    return con


def unused_redis_db() -> int:
    """The highest Redis database number that holds no keys."""
    import redis

    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT)
    try:
        databases = int(client.config_get("databases").get("databases", 16))
        for number in range(databases - 1, 0, -1):
            if redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=number).dbsize() == 0:
                return number
    finally:
        client.close()
    raise RuntimeError("every Redis database holds keys; none is free for the deployment")


def wait_for(what: str, check: Callable[[], T | None], timeout: float, every: float = 1.0) -> T:
    """Poll `check` until it returns something; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result is not None:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what}")
        time.sleep(every)


@dataclass
class Deployment:
    """One Airflow deployment under `home`, with the newsetl warehouse under `data`."""

    home: Path
    data: Path
    extra_env: Mapping[str, str] = field(default_factory=dict)
    database: str = field(default_factory=lambda: f"newsetl_deploy_{secrets.token_hex(4)}")
    redis_db: int = -1
    api_port: int = 0
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    _token: str | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def configure(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        self.data.mkdir(parents=True, exist_ok=True)
        self.redis_db = unused_redis_db()
        self.api_port = free_port()
        pg = f"postgresql+psycopg2://{PG_USER}@{PG_HOST}:{PG_PORT}/{self.database}"
        bin_dir = Path(sys.executable).parent
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")},
            "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
            "AIRFLOW_HOME": str(self.home),
            "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
            "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(PROJECT_ROOT / "plugins"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{self.api_url}/execution/",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": pg,
            "AIRFLOW__CELERY__BROKER_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/{self.redis_db}",
            "AIRFLOW__CELERY__RESULT_BACKEND": f"db+postgresql+psycopg2://{PG_USER}@{PG_HOST}:{PG_PORT}/"
            f"{self.database}",
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(self.api_port),
            "AIRFLOW__API__SECRET_KEY": secrets.token_hex(16),
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_hex(32),
            "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT": str(free_port()),
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
            "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "10",
            "NEWSETL_DB": str(self.data / "warehouse.duckdb"),
            "NEWSETL_ALLOWED_HOSTS": "127.0.0.1",
            "NEWSETL_TIMEOUT": "10",
            **self.extra_env,
        }

    def airflow(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        """Run an `airflow` CLI command in the deployment; raise with its output if it fails."""
        done = subprocess.run(
            [str(Path(sys.executable).with_name("airflow")), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise RuntimeError(f"airflow {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done

    def start(self) -> None:
        """Create the metadata database, migrate it, add the pool and start every component."""
        self.configure()
        with closing(pg_connect()) as con, con.cursor() as cur:
            cur.execute(f'create database "{self.database}"')
        self.airflow("db", "migrate")
        self.airflow("pools", "set", "newsetl_warehouse", "1", "the single warehouse writer")
        logs = self.home / "component-logs"
        logs.mkdir(exist_ok=True)
        for name, args in COMPONENTS.items():
            with open(logs / f"{name}.log", "wb") as log:
                self.processes[name] = subprocess.Popen(
                    [str(Path(sys.executable).with_name("airflow")), *args],
                    env=self.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,
                    preexec_fn=_die_with_parent,
                )

    def stop(self) -> None:
        """Stop every component (their whole process groups), drop the database, clear Redis."""
        for process in self.processes.values():
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            _signal_group(process, signal.SIGKILL)
            process.wait()
        if self.env:
            with closing(pg_connect()) as con, con.cursor() as cur:
                cur.execute(f'drop database if exists "{self.database}" with (force)')
        if self.redis_db > 0:
            import redis

            redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=self.redis_db).flushdb()

    def exited(self) -> dict[str, int]:
        """Components that have stopped on their own, with their exit codes."""
        return {name: code for name, p in self.processes.items() if (code := p.poll()) is not None}

    def component_logs(self, tail: int = 3000) -> str:
        """The components' logs, and the task logs that hold an error, for a failing test."""
        parts = []
        for path in sorted((self.home / "logs").rglob("attempt=*.log")):
            text = path.read_text(encoding="utf-8", errors="replace")
            if '"level":"error"' in text.replace(" ", "") or "Traceback" in text:
                parts.append(f"--- {path.relative_to(self.home)} ---\n{text[-tail:]}")
        for path in sorted((self.home / "component-logs").glob("*.log")):
            text = path.read_text(encoding="utf-8", errors="replace")
            parts.append(f"--- {path.name} ---\n{text[-tail:]}")
        return "\n".join(parts)

    # The public REST API (api-server), as an operator's script would use it.

    def api(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        if self._token is None:
            response = httpx.get(f"{self.api_url}/auth/token", timeout=10)
            response.raise_for_status()
            self._token = response.json()["access_token"]
        headers = {"Authorization": f"Bearer {self._token}", **kwargs.pop("headers", {})}
        return httpx.request(method, f"{self.api_url}{path}", headers=headers, timeout=30, **kwargs)

    def api_ready(self) -> bool | None:
        try:
            return httpx.get(f"{self.api_url}/api/v2/version", timeout=5).is_success or None
        except httpx.HTTPError:
            return None

    def dag_registered(self, dag_id: str) -> dict[str, Any] | None:
        response = self.api("GET", f"/api/v2/dags/{dag_id}")
        return response.json() if response.status_code == 200 else None

    def dag_runs(self, dag_id: str) -> list[dict[str, Any]]:
        response = self.api("GET", f"/api/v2/dags/{dag_id}/dagRuns", params={"limit": 100})
        response.raise_for_status()
        return list(response.json()["dag_runs"])

    def task_instances(self, dag_id: str, run_id: str) -> list[dict[str, Any]]:
        response = self.api(
            "GET",
            f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances",
            params={"limit": 100},
        )
        response.raise_for_status()
        return list(response.json()["task_instances"])


def _die_with_parent() -> None:
    """In the child: get SIGTERM if the test process dies (killed runs leave no components)."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _signal_group(process: subprocess.Popen[bytes], sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass
