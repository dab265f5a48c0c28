"""docker-compose.yml against the Compose specification, and the topology it describes.

No Docker engine runs where the suite runs, so the file is checked against the Compose
specification's JSON schema (compose-spec.json beside this file, from the
compose-spec/compose-spec repository, Apache-2.0; see COMPOSE-SPEC.md), and
test_deployment.py starts the same components as local processes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from deployment.cluster import COMPONENTS
from newsetl.settings import PROJECT_ROOT

SCHEMA = Path(__file__).with_name("compose-spec.json")
AIRFLOW_SERVICES = {
    "airflow-apiserver": "api-server",
    "airflow-scheduler": "scheduler",
    "airflow-dag-processor": "dag-processor",
    "airflow-triggerer": "triggerer",
    "airflow-worker": "celery worker",
}
MOUNTED = {"dags", "plugins", "sql", "config", "data"}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return dict(yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text(encoding="utf-8")))


def test_compose_file_follows_the_compose_specification(compose: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(compose), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_schema_rejects_what_compose_rejects() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    bad = {"services": {"web": {"image": "x", "depends_on": {"db": {"condition": "ready"}}}}}
    assert list(jsonschema.Draft7Validator(schema).iter_errors(bad))
    assert list(jsonschema.Draft7Validator(schema).iter_errors({"servces": {}}))


def test_compose_has_the_airflow_3_celery_topology(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "airflow-init", "superset", *AIRFLOW_SERVICES}
    for name, command in AIRFLOW_SERVICES.items():
        service = services[name]
        assert service["command"] == f"airflow {command}", name
        assert service["environment"]["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
        assert service["build"]["context"] == "."
        mounted = {volume.split(":")[0].removeprefix("./") for volume in service["volumes"]}
        assert MOUNTED <= mounted, name
        assert "healthcheck" in service, name
        assert (
            service["depends_on"]["airflow-init"]["condition"] == "service_completed_successfully"
        )
    assert services["airflow-worker"]["depends_on"]["airflow-apiserver"]["condition"] == (
        "service_healthy"
    )
    for name in ("postgres", "redis", "superset"):
        assert "healthcheck" in services[name], name
    # The native deployment test starts exactly these components.
    assert {
        " ".join(args[:2]) if args[0] == "celery" else args[0] for args in COMPONENTS.values()
    } == set(AIRFLOW_SERVICES.values())
    init = " ".join(services["airflow-init"]["command"])
    assert "airflow db migrate" in init and "pools set newsetl_warehouse 1" in init


def test_bi_service_reads_the_published_warehouse_read_only(compose: dict[str, Any]) -> None:
    superset = compose["services"]["superset"]
    data = [v for v in superset["volumes"] if isinstance(v, dict) and v["source"] == "./data"]
    assert data and data[0]["read_only"] is True
    command = " ".join(superset["command"])
    assert "duckdb:////data/warehouse.duckdb?access_mode=read_only" in command
    assert "duckdb-engine" in superset["build"]["dockerfile_inline"]


def test_image_installs_the_project_from_the_lock_file() -> None:
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "COPY pyproject.toml uv.lock" in dockerfile
    assert "uv sync --frozen --no-dev" in dockerfile
