"""Airflow for the DAG tests: a throw-away AIRFLOW_HOME, the DAGs folder, no examples.

Airflow reads its configuration when first imported, so the environment is set here,
before any test module imports it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DAGS_DIR = REPO_ROOT / "dags"

os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="newsflow-airflow-test-"))
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(DAGS_DIR)
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"


CELERY_SMOKE_VARIABLE = "NEWSFLOW_CELERY_SMOKE"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip ``celery`` tests (they need Redis and minutes) unless NEWSFLOW_CELERY_SMOKE=1,
    which ``scripts/celery-smoke.sh`` sets."""
    if os.environ.get(CELERY_SMOKE_VARIABLE) == "1":
        return
    skip = pytest.mark.skip(
        reason=f"Celery smoke test: run scripts/celery-smoke.sh (or set {CELERY_SMOKE_VARIABLE}=1)"
    )
    for item in items:
        if item.get_closest_marker("celery") is not None:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def dag_bag():
    """Every DAG file of dags/, parsed the way the dag-processor parses a bundle."""
    from airflow.dag_processing.dagbag import BundleDagBag

    return BundleDagBag(dag_folder=str(DAGS_DIR), bundle_path=DAGS_DIR)
