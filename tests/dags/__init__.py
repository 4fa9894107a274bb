"""Tests of the Airflow DAGs: structure, helpers and runs through a real Airflow."""
