"""Wiring shared by the newsflow DAGs: settings, error mapping, retries, callbacks.

Nothing here runs when a DAG file is parsed except building constants: the database,
the sources file and ``pipeline`` steps are only touched inside running tasks, so the
dag-processor stays fast and never needs the database or the network.

How a step's error becomes a task outcome:

* ``NewsflowError`` with ``transient = True`` (database restarting, host busy) is
  re-raised, so Airflow retries the task with exponential backoff;
* any other ``NewsflowError`` (bad sources file, breached quality check) becomes
  ``AirflowFailException`` with the same one-line message: retrying would fail the
  same way, so the task fails at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from airflow.sdk import Param

from pipeline.config import DEFAULT_SCHEDULE
from pipeline.errors import HostBusyError, NewsflowError, QualityCheckError, first_line

if TYPE_CHECKING:
    from pipeline.config import Settings
    from pipeline.run_plan import RunPlan
    from pipeline.window import Window

log = logging.getLogger("newsflow.dags")

P = ParamSpec("P")
T = TypeVar("T")

CONNECTION_ID = "newsflow_db"
"""Airflow connection that, when defined, names the newsflow database."""

CRAWL_POOL = "newsflow_crawl"
"""Airflow pool every crawl task runs in: bounds concurrent crawls across all runs.

Airflow cannot give each index of a mapped task its own pool (apache/airflow#33657), so
per-host exclusivity is a PostgreSQL advisory lock per source host
(``pipeline.host_lock``, taken in ``crawl_or_reschedule``).
Its size lives in Airflow's metadata database, not here: ``scripts/airflow-local.sh``
creates it with NEWSFLOW_CRAWL_POOL_SLOTS slots (default 4), production with
``airflow pools set`` (docs/airflow.md).
"""

START_DATE = datetime(2026, 1, 1)
TAGS = ["newsflow"]
OWNER = "newsflow"
"""The owner every newsflow task shows in the UI (``default_args``)."""

# Timeouts: generous bounds that still catch a hung task.
TIMEOUT_START = timedelta(minutes=10)
TIMEOUT_CRAWL = timedelta(hours=3)
TIMEOUT_EXTRACT = timedelta(hours=2)
TIMEOUT_LOAD = timedelta(hours=1)
TIMEOUT_LINK = timedelta(hours=1)
TIMEOUT_CHECK = timedelta(minutes=10)
TIMEOUT_REPORT = timedelta(minutes=10)
TIMEOUT_REPROCESS = timedelta(hours=6)


DB_RETRIES: dict[str, Any] = {
    "retries": 3,
    "retry_delay": timedelta(seconds=30),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(minutes=15),
}
"""Retries of tasks that touch the network or the database: 30 s, 1 min, 2 min."""

NO_RETRIES: dict[str, Any] = {"retries": 0}


def schedule_from_config() -> str:
    """The nightly cron expression: NEWSFLOW_SCHEDULE, default ``0 2 * * *`` (UTC)."""
    from pipeline.config import Settings

    try:
        return Settings.from_env().schedule
    except Exception:  # a broken environment must not break DAG parsing
        log.exception("cannot read the newsflow settings; using the default schedule")
        return DEFAULT_SCHEDULE


def task_queues() -> tuple[dict[str, Any], dict[str, Any]]:
    """``queue=`` arguments of the crawl tasks and of the processing tasks (extract, load,
    link, check, reprocess): NEWSFLOW_CRAWL_QUEUE and NEWSFLOW_PROCESS_QUEUE, read when the DAG
    file is parsed; empty (Airflow's default queue) when unset."""
    from pipeline.config import Settings

    try:
        current = Settings.from_env()
    except Exception:  # a broken environment must not break DAG parsing
        log.exception("cannot read the newsflow settings; every task on the default queue")
        return {}, {}
    crawl: dict[str, Any] = {"queue": current.crawl_queue} if current.crawl_queue else {}
    process: dict[str, Any] = {"queue": current.process_queue} if current.process_queue else {}
    return crawl, process


CRAWL_QUEUE, PROCESS_QUEUE = task_queues()


# --- params --------------------------------------------------------------------------


def date_param(description: str) -> Param:
    """An optional ISO date shown as a date picker in the trigger form."""
    return Param(None, type=["null", "string"], format="date", description=description)


def sources_param() -> Param:
    return Param(
        [],
        type="array",
        items={"type": "string", "pattern": "^[a-z0-9_-]+$"},
        title="Sources",
        description="Names of sources to process; empty means every source in the sources file.",
    )


def parse_date(value: str | None, name: str) -> date | None:
    """``value`` (an ISO date or empty) as a date; AirflowFailException when malformed."""
    from airflow.sdk.exceptions import AirflowFailException

    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise AirflowFailException(
            f"param {name} must be a date like 2026-03-01, got {value!r}"
        ) from None


# --- settings and database -------------------------------------------------------------


def settings() -> Settings:
    """newsflow settings of this worker, using the ``newsflow_db`` connection if defined.

    Order: the Airflow connection ``newsflow_db`` (e.g. AIRFLOW_CONN_NEWSFLOW_DB), then
    NEWSFLOW_DATABASE_URL, then the embedded PostgreSQL under NEWSFLOW_HOME.
    """
    from pipeline.config import Settings
    from pipeline.steps import settings_with_database

    return settings_with_database(Settings.from_env(), connection_url(CONNECTION_ID))


def connection_url(conn_id: str) -> str | None:
    """The PostgreSQL URL of Airflow connection ``conn_id``; None when it is not defined."""
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        conn: Connection = Connection.get(conn_id)
    except AirflowNotFoundException:
        return None
    from pipeline.db.connection import libpq_url

    return libpq_url(conn.get_uri())


# --- the run ---------------------------------------------------------------------------

MAP_INDEX_KEY = "newsflow_source"
MAP_INDEX_TEMPLATE = "{{ newsflow_source }}"
"""Shows each mapped task instance under its source name instead of a number."""


def external_id(context: Mapping[str, Any]) -> str:
    """The crawl run's key for this DAG run: re-running it reuses the same run row.

    Keyed on the logical date when there is one (a DAG has at most one run per logical
    date, and ``airflow dags test`` gives each retry of a date a new run id), else on
    the run id (manual runs triggered without a logical date).
    """
    logical_date = context.get("logical_date")
    key = logical_date.isoformat() if logical_date else context["run_id"]
    return f"{context['dag'].dag_id}:{key}"


def run_window(context: Mapping[str, Any]) -> Window:
    """The run's [since, until] days: the params when given, else its data interval
    (``Window.for_interval``: a scheduled nightly run covers the day before it runs, a
    backfill run its own day). One param given alone is completed from the interval."""
    from pipeline.window import Window

    params = context["params"]
    since = parse_date(params.get("since"), "since")
    until = parse_date(params.get("until"), "until")
    if since is None or until is None:
        interval = Window.for_interval(
            _plain(context.get("data_interval_start")),
            _plain(context.get("data_interval_end")),
            _plain(context.get("logical_date")),
        )
        assert interval.since is not None and interval.until is not None
        since = since or interval.since
        until = until or max(interval.until, since)
    return call_step(Window, since, until)  # since after until: fails without retry


def _plain(moment: datetime | None) -> datetime | None:
    """A standard-library datetime (Airflow hands out pendulum ones, whose arithmetic
    returns types the pipeline's pure functions do not expect)."""
    if moment is None:
        return None
    return datetime.fromisoformat(moment.isoformat())


def start_run(context: Mapping[str, Any]) -> dict[str, Any]:
    """``pipeline.steps.start_run`` for this DAG run, from its params and window; the
    plan in its XCom form (``RunPlan.to_xcom``)."""
    from pipeline import steps

    params = context["params"]
    window = run_window(context)
    plan = call_step(
        steps.start_run,
        settings(),
        sources_file=params.get("sources_file") or None,
        source_names=list(params.get("source") or ()),
        window=window,
        max_pages=params.get("max_pages"),
        trigger="airflow",
        external_id=external_id(context),
    )
    log.info(
        "run %s covers %s..%s for %d source(s): %s",
        plan.run_id,
        window.since,
        window.until,
        len(plan.sources),
        ", ".join(plan.sources),
    )
    return plan.to_xcom()


def run_plan(plan: Mapping[str, Any]) -> RunPlan:
    """The ``RunPlan`` of ``start_run``'s XCom; AirflowFailException when malformed."""
    from pipeline.run_plan import RunPlan

    return call_step(RunPlan.from_xcom, plan)


def finish_run(plan: Mapping[str, Any] | None, context: Mapping[str, Any]) -> dict[str, Any]:
    """Close the run; log one line per source; return the report. Alerts link to this
    DAG run's page."""
    from airflow.sdk.exceptions import AirflowFailException

    from pipeline import steps

    if not plan:
        raise AirflowFailException("start_run did not produce a run plan; see its log")
    report = call_step(steps.finish_run, settings(), run_plan(plan), context.get("run_id"))
    log.info("run %s %s: %s", report["run_id"], report["status"], report.get("counts"))
    for name, outcome in sorted(report.get("sources", {}).items()):
        error = f" ({outcome['error']})" if outcome.get("error") else ""
        log.info("  %s: %s%s", name, outcome.get("status"), error)
    return report


def verdict(report: Mapping[str, Any]) -> str:
    """The run's status when it succeeded; AirflowFailException naming failed sources."""
    from airflow.sdk.exceptions import AirflowFailException

    failed = {
        name: outcome.get("error") or outcome.get("status")
        for name, outcome in sorted(report.get("sources", {}).items())
        if outcome.get("status") != "success"
    }
    if report.get("status") == "success" and not failed:
        return "success"
    total = len(report.get("sources", {}))
    detail = "; ".join(f"{name}: {why}" for name, why in failed.items()) or report.get("error")
    raise AirflowFailException(
        f"run {report.get('run_id')} is {report.get('status')}: {len(failed)} of {total} "
        f"source(s) failed: {detail}"
    )


def reprocess(context: Mapping[str, Any]) -> dict[str, Any]:
    """``pipeline.reprocess.reprocess`` from the reprocess DAG's params; the run report."""
    from pipeline.reprocess import reprocess as reprocess_step
    from pipeline.window import Window

    params = context["params"]
    window = call_step(
        Window, parse_date(params.get("since"), "since"), parse_date(params.get("until"), "until")
    )
    report = call_step(
        reprocess_step,
        settings(),
        extractor_version_below=params.get("extractor_version_below") or None,
        window=window,
        source_names=list(params.get("source") or ()),
        external_id=external_id(context),
    )
    log.info("reprocess run %s %s: %s", report["run_id"], report["status"], report.get("counts"))
    return report


# --- running steps ---------------------------------------------------------------------


def call_step(step: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a ``pipeline`` function, mapping its errors to task outcomes (see top)."""
    from airflow.sdk.exceptions import AirflowFailException

    try:
        return step(*args, **kwargs)
    except NewsflowError as exc:
        if exc.transient:
            raise
        raise AirflowFailException(first_line(exc)) from exc


def run_source_step(step_name: str, plan: Mapping[str, Any], source: str) -> dict[str, Any]:
    """Run one per-source step; on failure record it in the run, then fail the task.

    The failure is recorded before re-raising so ``finish_run`` names the source and
    why even when Airflow then marks the source's later tasks ``upstream_failed``.
    A retry that succeeds overwrites the record.
    """
    from airflow.sdk import get_current_context
    from airflow.sdk.exceptions import AirflowRescheduleException

    from pipeline import steps

    # Names the map index in the UI (MAP_INDEX_TEMPLATE reads the key from the context).
    get_current_context()[MAP_INDEX_KEY] = source  # type: ignore[literal-required]  # a key of ours
    current = settings()
    the_plan = run_plan(plan)
    try:
        if step_name == "crawl_source":
            return crawl_or_reschedule(current, the_plan, source)
        return call_step(getattr(steps, step_name), current, the_plan, source)
    except AirflowRescheduleException:  # host busy: not a failure
        raise
    except BaseException as exc:
        cause = exc.__cause__ if exc.__cause__ is not None else exc
        if not isinstance(cause, QualityCheckError):  # check_source recorded it already
            why = f"{step_name.removesuffix('_source')}: {first_line(cause)}"
            try:
                steps.fail_source(current, the_plan, source, why)
            except Exception:
                log.exception("could not record the failure of source %s", source)
        raise


# --- one crawl per host across runs --------------------------------------------------------


def crawl_or_reschedule(current: Settings, plan: RunPlan, source: str) -> dict[str, Any]:
    """``pipeline.steps.crawl_source`` with the source's hosts locked
    (``pipeline.host_lock``, as ``newsflow run`` and ``newsflow crawl`` lock them).

    When another crawl (a backfill next to the nightly run, a ``newsflow run`` on some
    machine) holds one of them, the task does not wait in its pool slot: it is
    rescheduled NEWSFLOW_HOST_BUSY_RETRY seconds later (default 120;
    ``up_for_reschedule``, no retry used).
    """
    from airflow.sdk.exceptions import AirflowRescheduleException

    from pipeline import steps

    try:
        return call_step(
            steps.crawl_source, current.with_overrides(host_lock_wait_s=0.0), plan, source
        )
    except HostBusyError as exc:
        later = timedelta(seconds=current.host_busy_retry_s)
        log.info("%s; trying again in %s", first_line(exc), later)
        retry_at = datetime.now().astimezone() + later
        raise AirflowRescheduleException(retry_at) from exc  # type: ignore[no-untyped-call]  # untyped in Airflow


# --- callbacks -----------------------------------------------------------------------------


def failure_summary(context: Mapping[str, Any]) -> str:
    """One line describing a failed task: DAG, run, task (with map index), try, error."""
    ti = context.get("ti") or context.get("task_instance")
    dag_id = getattr(ti, "dag_id", "?")
    task_id = getattr(ti, "task_id", "?")
    map_index = getattr(ti, "map_index", -1)
    run_id = getattr(ti, "run_id", None) or getattr(context.get("dag_run"), "run_id", "?")
    attempt = getattr(ti, "try_number", "?")
    where = f"{task_id}[{map_index}]" if map_index is not None and map_index >= 0 else task_id
    error = context.get("exception")
    reason = first_line(error) if error is not None else "no error recorded"
    return f"newsflow task failed: dag={dag_id} run={run_id} task={where} try={attempt}: {reason}"


def on_task_failure(context: Mapping[str, Any]) -> None:
    """Failure callback of every newsflow task: one summary line in the task log.

    This is the hook point for alerting (Slack, e-mail, a pager): replace or extend it;
    the line never contains the database URL or other secrets.
    """
    log.error(failure_summary(context))
