#!/usr/bin/env bash
# Scale-out test on its own (it also runs in `make test`): starts Airflow's api-server,
# dag-processor, scheduler and two Celery workers with separate NEWSFLOW_HOMEs (Redis
# broker, PostgreSQL metadata at 127.0.0.1:5432, the archive in a local S3 server) and
# runs newsflow_nightly through them against local test news sites.
# See docs/airflow.md. Extra arguments go to pytest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
exec .venv/bin/python -m pytest tests/dags/test_celery_e2e.py -v -p no:cacheprovider "$@"
