# The newsetl image: Airflow 3.3 and the project, installed from the committed lock file.
# docker-compose.yml runs every Airflow component on it and mounts dags/, plugins/, sql/,
# config/ and data/ over the copies baked in here.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    AIRFLOW_HOME=/opt/airflow \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_LINK_MODE=copy \
    PATH=/opt/venv/bin:$PATH

# curl for the health checks; tini reaps the task processes Celery and the supervisor fork.
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl tini \
    && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir uv

WORKDIR /opt/newsetl
# Dependencies first (cached while only the code changes), exactly as locked.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY plugins ./plugins
RUN uv sync --frozen --no-dev
COPY dags ./dags
COPY sql ./sql
COPY config ./config
COPY samples ./samples

RUN useradd --create-home --uid 50000 --gid 0 airflow \
    && mkdir -p /opt/airflow/logs /opt/newsetl/data \
    && chown -R 50000:0 /opt/airflow /opt/newsetl/data
USER 50000
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["airflow", "version"]
