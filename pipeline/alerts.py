"""Alerts to a Slack-compatible webhook when a run ends partial or failed; never fails the run."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg

from pipeline.errors import first_line

log = logging.getLogger(__name__)

RUN_EXTERNAL_ID = "SELECT external_id FROM warehouse.crawl_runs WHERE run_id = %s"
ALERT_STATUSES = ("partial", "failed")


@dataclass(frozen=True, slots=True)
class Alert:
    """One message: a run, the source concerned (None: the run as a whole) and why."""

    run_id: int
    status: str
    """The run's status (``partial`` or ``failed``)."""
    source: str | None
    reason: str
    link: str | None = None
    """The run's DAG in the Airflow UI, when the run came from Airflow and its URL is set."""

    def text(self) -> str:
        where = f" · {self.source}" if self.source else ""
        link = f" · <{self.link}|Airflow>" if self.link else ""
        return f"newsflow run #{self.run_id} {self.status}{where}: {self.reason}{link}"


def run_alerts(report: Mapping[str, Any], link: str | None = None) -> list[Alert]:
    """The alerts for a finished run's report (``steps.run_report``): one per quality-check
    breach, one per other failed source, one for a run-level error no source explains;
    none for a run that succeeded (pure)."""
    status = str(report.get("status"))
    if status not in ALERT_STATUSES:
        return []
    run_id = int(report["run_id"])
    alerts = []
    for source, outcome in sorted(report.get("sources", {}).items()):
        breaches = (outcome.get("quality") or {}).get("breaches") or []
        reasons = list(breaches) if breaches else []
        if not reasons and outcome.get("status") == "failed":
            reasons = [first_line(outcome.get("error") or "failed (no reason recorded)")]
        alerts += [Alert(run_id, status, source, reason, link) for reason in reasons]
    if not alerts:
        reason = first_line(report.get("error") or f"the run ended {status}")
        alerts.append(Alert(run_id, status, None, reason, link))
    return alerts


def airflow_link(
    conn: psycopg.Connection,
    run_id: int,
    airflow_url: str | None,
    airflow_run_id: str | None = None,
) -> str | None:
    """The Airflow UI page of the DAG run that made run ``run_id``: its ``external_id``
    is ``dag_id:logical date``, which names the DAG; with ``airflow_run_id`` (the DAG
    run's id, known to the task that finishes the run) the page of that very run, else
    the page that lists the DAG's runs. None for runs not made by Airflow and when
    ``airflow_url`` is not set."""
    if not airflow_url:
        return None
    row = conn.execute(RUN_EXTERNAL_ID, (run_id,)).fetchone()
    external_id = row[0] if row else None
    if not external_id or ":" not in external_id:
        return None
    dag_id = external_id.split(":", 1)[0]
    runs = f"{airflow_url.rstrip('/')}/dags/{quote(dag_id, safe='')}/runs"
    return f"{runs}/{quote(airflow_run_id, safe='')}" if airflow_run_id else runs


def mask_webhook(url: str) -> str:
    """The webhook URL with its path and query (where the secret is) replaced by ``***``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable URL>"
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit((parts.scheme, f"{host}{port}", "/***", "", ""))


def post_alerts(webhook: str, alerts: Sequence[Alert], timeout_s: float) -> int:
    """POST each alert as ``{"text": ...}``; return how many were delivered. A failure
    (timeout, refused, 4xx, 5xx) is logged in one line with the URL masked, never raised;
    after a timeout or a refused connection the remaining alerts are not tried."""
    delivered = 0
    for index, alert in enumerate(alerts):
        body = json.dumps({"text": alert.text()}).encode("utf-8")
        request = urllib.request.Request(
            webhook, data=body, method="POST", headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout_s) as response:
                response.read()
            delivered += 1
        except urllib.error.HTTPError as exc:
            log.warning(
                "alert for run %s not delivered: %s answered HTTP %s",
                alert.run_id,
                mask_webhook(webhook),
                exc.code,
            )
        except (OSError, ValueError) as exc:  # URLError, timeouts, refused; ValueError: bad URL
            reason = getattr(exc, "reason", None) or exc
            rest = len(alerts) - index - 1
            log.warning(
                "alert for run %s not delivered to %s: %s%s",
                alert.run_id,
                mask_webhook(webhook),
                first_line(str(reason).replace(webhook, mask_webhook(webhook))) or "timed out",
                f" ({rest} further alert(s) not sent)" if rest else "",
            )
            break  # an unreachable or hanging receiver would cost the timeout for every alert
    return delivered


def alert_run_end(
    report: Mapping[str, Any], *, webhook: str | None, timeout_s: float, link: str | None = None
) -> int:
    """Post the alerts of a finished run's report to ``webhook`` (nothing when it is None
    or the run succeeded); return how many were delivered."""
    alerts = run_alerts(report, link) if webhook else []
    if not webhook or not alerts:
        return 0
    delivered = post_alerts(webhook, alerts, timeout_s)
    log.info("run %s: %d of %d alert(s) delivered", report["run_id"], delivered, len(alerts))
    return delivered
