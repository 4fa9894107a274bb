"""``NewsflowPlugin``: registered through the ``airflow.plugins`` entry point."""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin

from newsflow_plugin.app import app

URL_PREFIX = "/newsflow"


class NewsflowPlugin(AirflowPlugin):
    """Mounts the report app at ``/newsflow`` and adds "newsflow" to the UI's navigation."""

    name = "newsflow"
    # AirflowPlugin declares both as plain class attributes, so no ClassVar here
    fastapi_apps = [{"app": app, "url_prefix": URL_PREFIX, "name": "newsflow report"}]  # noqa: RUF012  # see above
    external_views = [  # noqa: RUF012  # see above
        {
            "name": "newsflow",
            "href": "newsflow/",  # relative: keeps working behind a proxy's base path
            "destination": "nav",
            "url_route": "newsflow",
        }
    ]
