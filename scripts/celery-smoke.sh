#!/usr/bin/env bash
# Scale-out smoke test: starts Airflow's api-server, dag-processor, scheduler and a Celery
# worker (Redis broker at 127.0.0.1:6379, PostgreSQL metadata at 127.0.0.1:5432) on this
# machine and runs newsflow_nightly through them against a local test news site.
# See docs/airflow.md. Extra arguments go to pytest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export NEWSFLOW_CELERY_SMOKE=1  # opts in to the celery-marked test
exec .venv/bin/python -m pytest tests/dags/test_celery_e2e.py -v -p no:cacheprovider "$@"
