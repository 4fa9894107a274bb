"""The newsflow page in a real Airflow api-server: the plugin is loaded, the page names
the warehouse's sources for a logged-in user and answers 401/403 without a login."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

import psycopg
import pytest

from pipeline import runs
from tests.dags.airflow_cli import (
    Services,
    airflow_env,
    free_port,
    init_airflow,
    outside_environ,
    wait_for_http,
)

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "plugin-test-password"
"""The password of ``admin`` (a ``simple_auth_manager_passwords`` file written before start)."""


@dataclass(frozen=True)
class ApiServer:
    base_url: str


def _plugins_folder(root: Path) -> str:
    """A plugins folder that loads the plugin when the checkout is not installed with
    its ``airflow.plugins`` entry point (an installed one is found without it)."""
    folder = root / "plugins"
    folder.mkdir()
    if not any(ep.name == "newsflow" for ep in entry_points(group="airflow.plugins")):
        (folder / "newsflow_shim.py").write_text(
            "from newsflow_plugin.plugin import NewsflowPlugin  # noqa: F401\n"
        )
    return str(folder)


@pytest.fixture(scope="module")
def api_server(make_migrated_database, tmp_path_factory) -> Iterator[ApiServer]:
    url = make_migrated_database()
    with psycopg.connect(url, autocommit=True) as conn:
        run_id = runs.create_run(conn, sources=["alpha", "beta"], since=None, until=None)
        for source in ("alpha", "beta"):
            runs.start_source(conn, run_id, source)
            runs.finish_source(conn, run_id, source)
        runs.finish_run(conn, run_id)
    root = tmp_path_factory.mktemp("plugin-airflow")
    port = str(free_port())
    home = root / "airflow"
    home.mkdir()
    (home / "passwords.json").write_text(json.dumps({"admin": PASSWORD}))
    env = airflow_env(
        outside_environ()
        | {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW_PORT": port,
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "False",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(home / "passwords.json"),
            "AIRFLOW__CORE__PLUGINS_FOLDER": _plugins_folder(root),
            "AIRFLOW__CORE__LAZY_LOAD_PLUGINS": "False",
            "NEWSFLOW_DATABASE_URL": url,
            "PYTHONPATH": str(REPO),
        }
    )
    init_airflow(env)
    with Services(env, root / "services") as services:
        services.airflow("api-server", "api-server", "--port", port, "--workers", "1")
        base = f"http://localhost:{port}"
        wait_for_http(f"{base}/api/v2/monitor/health", timeout=180, alive=services.check_alive)
        yield ApiServer(base)


def _get(url: str, token: str | None = None) -> tuple[int, str]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _token(base: str) -> str:
    request = urllib.request.Request(
        f"{base}/auth/token",
        data=json.dumps({"username": "admin", "password": PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return str(json.loads(answer.read())["access_token"])


def test_a_logged_in_user_sees_the_report_naming_the_sources(api_server):
    status, body = _get(f"{api_server.base_url}/newsflow/", _token(api_server.base_url))
    assert status == 200
    assert 'id="source-alpha"' in body and 'id="source-beta"' in body


def test_without_a_login_the_page_is_401_or_403_and_gives_no_data(api_server):
    status, body = _get(f"{api_server.base_url}/newsflow/")
    assert status in (401, 403)
    assert "alpha" not in body


def test_the_ui_lists_newsflow_in_its_navigation(api_server):
    status, body = _get(f"{api_server.base_url}/api/v2/plugins", _token(api_server.base_url))
    assert status == 200
    (plugin,) = [p for p in json.loads(body)["plugins"] if p["name"] == "newsflow"]
    assert [(v["name"], v["destination"]) for v in plugin["external_views"]] == [
        ("newsflow", "nav")
    ]
