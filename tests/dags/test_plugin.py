"""The newsflow page of the Airflow UI (``newsflow_plugin``): the report for users Airflow
authenticated, 401/403 and no data for anyone else. The app runs under FastAPI's test
client with Airflow's own auth manager and a real metadata database."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pipeline import runs

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def token() -> str:
    """A JWT of a logged-in admin, signed by the auth manager the api-server would use."""
    from airflow.api_fastapi.app import init_auth_manager
    from airflow.api_fastapi.auth.managers.simple.user import SimpleAuthManagerUser
    from airflow.utils.db import initdb

    initdb()  # the auth manager checks tokens against revoked_token
    manager = init_auth_manager()
    return manager.generate_jwt(SimpleAuthManagerUser(username="admin", role="admin"))


@pytest.fixture
def client(clean_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The plugin's app over a warehouse holding one run of sources alpha and beta."""
    import psycopg

    from newsflow_plugin.app import create_app

    with psycopg.connect(clean_database_url, autocommit=True) as conn:
        run_id = runs.create_run(conn, sources=["alpha", "beta"], since=None, until=None)
        for source in ("alpha", "beta"):
            runs.start_source(conn, run_id, source)
            runs.finish_source(conn, run_id, source)
        runs.finish_run(conn, run_id)
    monkeypatch.setenv("NEWSFLOW_DATABASE_URL", clean_database_url)
    with TestClient(create_app()) as test_client:
        yield test_client


def _names_the_sources(response) -> bool:
    return (
        response.status_code == 200
        and response.headers["content-type"].startswith("text/html")
        and 'id="source-alpha"' in response.text
        and 'id="source-beta"' in response.text
    )


def test_a_user_with_a_bearer_token_gets_the_report_naming_the_sources(client, token):
    assert _names_the_sources(client.get("/", headers={"Authorization": f"Bearer {token}"}))


def test_a_user_logged_in_to_the_ui_gets_the_report_through_its_cookie(client, token):
    client.cookies.set("_token", token)  # the cookie the Airflow UI sets at login
    assert _names_the_sources(client.get("/"))


def test_without_a_login_the_answer_is_401_and_no_data(client):
    response = client.get("/")
    assert response.status_code == 401
    assert "alpha" not in response.text


def test_an_invalid_token_is_403_and_no_data(client, token):
    response = client.get("/", headers={"Authorization": "Bearer not-a-jwt"})
    assert response.status_code == 403
    assert "alpha" not in response.text


def test_an_unreachable_database_is_a_one_line_503(token, monkeypatch):
    from newsflow_plugin.app import create_app

    monkeypatch.setenv("NEWSFLOW_DATABASE_URL", "postgresql://nobody@127.0.0.1:9/none")
    response = TestClient(create_app()).get("/", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 503
    assert response.text.startswith("newsflow: error: cannot connect to PostgreSQL")


def test_the_plugin_is_registered_through_the_airflow_plugins_entry_point():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    target = pyproject["project"]["entry-points"]["airflow.plugins"]["newsflow"]
    module, name = target.split(":")
    plugin = getattr(import_module(module), name)
    assert plugin.name == "newsflow"
    (mounted,) = plugin.fastapi_apps
    assert mounted["url_prefix"] == "/newsflow"
    (view,) = plugin.external_views
    assert (view["name"], view["destination"], view["href"]) == ("newsflow", "nav", "newsflow/")


def test_the_page_reads_the_database_of_the_dags_newsflow_db_connection(
    client, token, clean_database_url, monkeypatch
):
    monkeypatch.setenv("NEWSFLOW_DATABASE_URL", "postgresql://nobody@127.0.0.1:9/none")
    from psycopg.conninfo import conninfo_to_dict

    params = conninfo_to_dict(clean_database_url)
    airflow_style = (  # how Airflow writes a postgres connection
        f"postgres://{params['user']}@{params['host']}:{params['port']}/{params['dbname']}"
    )
    monkeypatch.setenv("AIRFLOW_CONN_NEWSFLOW_DB", airflow_style)
    assert _names_the_sources(client.get("/", headers={"Authorization": f"Bearer {token}"}))
