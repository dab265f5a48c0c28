# The newsetl image: Airflow 3.3 and the project, installed from the committed lock file.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    AIRFLOW_HOME=/opt/airflow \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH=/opt/venv/bin:$PATH

RUN pip install --no-cache-dir uv
WORKDIR /opt/newsetl
COPY pyproject.toml uv.lock README.md ./
COPY plugins ./plugins
RUN uv sync --frozen --no-dev
COPY dags ./dags
COPY sql ./sql
COPY config ./config
COPY samples ./samples

RUN useradd --create-home --uid 50000 airflow && mkdir -p /opt/airflow /opt/newsetl/data \
    && chown -R airflow /opt/airflow /opt/newsetl/data
USER airflow
