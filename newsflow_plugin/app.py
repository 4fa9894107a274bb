"""The FastAPI app the api-server mounts: the report, only for users Airflow authenticated."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from airflow.api_fastapi.core_api.security import requires_authenticated
from airflow.models.connection import Connection
from airflow.sdk.exceptions import AirflowNotFoundException
from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse

from pipeline.config import Settings
from pipeline.db import connect, database_url
from pipeline.db.connection import libpq_url
from pipeline.errors import NewsflowError
from pipeline.report.data import ReportQuery, gather
from pipeline.report.render import render_html

CONNECTION_ID = "newsflow_db"
"""The Airflow connection the DAGs load into, when it is defined (as in ``dags/``)."""


def dags_database_url(settings: Settings) -> str:
    """The database the DAGs use: the Airflow connection ``newsflow_db`` when defined,
    else NEWSFLOW_DATABASE_URL, else the embedded PostgreSQL under NEWSFLOW_HOME."""
    try:
        connection = Connection.get_connection_from_secrets(CONNECTION_ID)
    except AirflowNotFoundException:
        return database_url(settings)
    return libpq_url(connection.get_uri())


def report_page() -> str:
    """The report of the database the DAGs use, read from the analytics views only."""
    settings = Settings.from_env()
    with connect(dags_database_url(settings)) as conn:
        data = gather(conn, ReportQuery(), settings.quality, datetime.now(UTC))
    return render_html(data)


def create_app(page: Callable[[], str] = report_page) -> FastAPI:
    """The app; every route requires a user Airflow authenticated (its JWT cookie or a
    bearer token): without one the answer is 401, or 403 for an invalid token."""
    app = FastAPI(
        title="newsflow",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(requires_authenticated())],
    )

    @app.get("/", response_class=HTMLResponse)
    def report() -> HTMLResponse:  # sync: FastAPI runs it in a worker thread
        return HTMLResponse(page())

    @app.exception_handler(NewsflowError)
    def newsflow_error(request: Request, exc: NewsflowError) -> PlainTextResponse:
        return PlainTextResponse(f"newsflow: error: {exc}", status_code=503)

    return app


app = create_app()
