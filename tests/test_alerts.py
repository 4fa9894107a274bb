"""Run alerts to a Slack-compatible webhook (``pipeline.alerts``), posted by
``steps.finish_run`` to a real HTTP receiver on 127.0.0.1; a failing receiver never
fails the run."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from pipeline import runs, steps
from pipeline.alerts import Alert, mask_webhook, post_alerts, run_alerts
from pipeline.config import Settings
from pipeline.errors import ConfigError
from pipeline.run_plan import RunPlan

SECRET_PATH = "/services/T000/B000/s3cr3t"


@dataclass
class Receiver:
    """A webhook receiver: ``mode`` is ``ok`` (200), ``error`` (500) or ``hang``."""

    url: str
    mode: str = "ok"
    texts: list[str] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if state.mode == "hang":
                state.release.wait(10)
                return
            state.texts.append(json.loads(body)["text"])
            self.send_response(500 if state.mode == "error" else 200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_port}{SECRET_PATH}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    state.release.set()
    server.shutdown()
    server.server_close()


def _report(status: str, **sources: dict[str, object]) -> dict[str, object]:
    return {"run_id": 7, "status": status, "error": None, "sources": sources}


def test_a_clean_run_has_no_alert():
    assert (
        run_alerts(_report("success", a={"status": "success", "quality": {"breaches": []}})) == []
    )


def test_each_quality_breach_is_one_alert_naming_run_source_and_reason():
    report = _report(
        "partial",
        good={"status": "success", "quality": {"breaches": []}},
        bad={
            "status": "failed",
            "error": "quality checks failed",
            "quality": {"breaches": ["x", "y"]},
        },
    )
    assert run_alerts(report, "http://af/dags/d/runs") == [
        Alert(7, "partial", "bad", "x", "http://af/dags/d/runs"),
        Alert(7, "partial", "bad", "y", "http://af/dags/d/runs"),
    ]
    assert run_alerts(report)[0].text() == "newsflow run #7 partial · bad: x"


def test_a_failed_source_without_breaches_is_one_alert_with_its_first_error_line():
    report = _report(
        "failed", a={"status": "failed", "error": "crawl timed out\ntrace", "quality": {}}
    )
    assert run_alerts(report) == [Alert(7, "failed", "a", "crawl timed out")]


def test_a_run_error_no_source_explains_is_one_alert():
    report = _report("failed") | {"error": "interrupted: KeyboardInterrupt"}
    (alert,) = run_alerts(report, "http://af/dags/d/runs")
    assert alert.text() == (
        "newsflow run #7 failed: interrupted: KeyboardInterrupt · <http://af/dags/d/runs|Airflow>"
    )


def test_the_webhook_url_is_masked():
    assert mask_webhook("https://hooks.slack.com" + SECRET_PATH) == "https://hooks.slack.com/***"


def test_alerts_are_posted_as_slack_text(receiver):
    alerts = [Alert(7, "partial", "a", "x"), Alert(7, "partial", "b", "y")]
    assert post_alerts(receiver.url, alerts, timeout_s=5) == 2
    assert receiver.texts == ["newsflow run #7 partial · a: x", "newsflow run #7 partial · b: y"]


def test_a_receiver_answering_500_is_one_masked_log_line_per_alert(receiver, caplog):
    receiver.mode = "error"
    with caplog.at_level(logging.WARNING, logger="pipeline.alerts"):
        assert post_alerts(receiver.url, [Alert(7, "failed", "a", "x")], timeout_s=5) == 0
    (line,) = caplog.messages
    assert line == f"alert for run 7 not delivered: {mask_webhook(receiver.url)} answered HTTP 500"
    assert "s3cr3t" not in caplog.text


def test_a_hanging_receiver_times_out_once_and_the_rest_is_not_tried(receiver, caplog):
    receiver.mode = "hang"
    alerts = [Alert(7, "failed", "a", "x"), Alert(7, "failed", "b", "y")]
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="pipeline.alerts"):
        assert post_alerts(receiver.url, alerts, timeout_s=0.5) == 0
    assert time.monotonic() - started < 3
    (line,) = caplog.messages
    assert line.startswith(f"alert for run 7 not delivered to {mask_webhook(receiver.url)}: ")
    assert line.endswith("(1 further alert(s) not sent)") and "s3cr3t" not in caplog.text


def test_an_unreachable_receiver_is_logged_not_raised(caplog):
    with caplog.at_level(logging.WARNING, logger="pipeline.alerts"):
        assert (
            post_alerts("http://127.0.0.1:9" + SECRET_PATH, [Alert(1, "failed", None, "x")], 2) == 0
        )
    assert "not delivered to http://127.0.0.1:9/***" in caplog.text and "s3cr3t" not in caplog.text


@pytest.mark.parametrize("value", ["ftp://x/s3cr3t", "hooks.slack.com/s3cr3t", "http:///s3cr3t"])
def test_a_webhook_that_is_no_http_url_is_a_config_error_without_the_secret(value):
    with pytest.raises(ConfigError, match="NEWSFLOW_ALERT_WEBHOOK must be an http") as error:
        Settings.from_env({"NEWSFLOW_ALERT_WEBHOOK": value})
    assert "s3cr3t" not in str(error.value)


# --- posted where runs finish ------------------------------------------------------------


@pytest.fixture
def plan(settings: Settings, tmp_path) -> RunPlan:
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n"
        "  - name: alpha\n    sitemaps: [http://a.test/s.xml]\n"
        "  - name: beta\n    sitemaps: [http://b.test/s.xml]\n"
    )
    return steps.start_run(settings, sources_file=str(sources))


def _finish_sources(db, plan: RunPlan, beta_breaches: list[str]) -> None:
    runs.start_source(db, plan.run_id, "alpha")
    runs.finish_source(db, plan.run_id, "alpha", quality={"checked": True, "breaches": []})
    error = "quality checks failed for beta: " + "; ".join(beta_breaches) if beta_breaches else None
    runs.start_source(db, plan.run_id, "beta")
    runs.finish_source(
        db, plan.run_id, "beta", error=error, quality={"checked": True, "breaches": beta_breaches}
    )


def test_finish_run_posts_one_alert_per_breach_of_a_partial_run(settings, plan, db, receiver):
    _finish_sources(db, plan, ["share of articles with a date 50% is below the minimum 80%"])
    report = steps.finish_run(settings.with_overrides(alert_webhook=receiver.url), plan)
    assert report["status"] == "partial"
    assert receiver.texts == [
        f"newsflow run #{plan.run_id} partial · beta: "
        "share of articles with a date 50% is below the minimum 80%"
    ]


def test_finish_run_posts_nothing_for_a_clean_run(settings, plan, db, receiver):
    _finish_sources(db, plan, [])
    report = steps.finish_run(settings.with_overrides(alert_webhook=receiver.url), plan)
    assert report["status"] == "success" and receiver.texts == []


def test_finish_run_links_airflow_runs_to_their_dag(settings, db, receiver, tmp_path):
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources:\n  - name: alpha\n    sitemaps: [http://a.test/s.xml]\n")
    plan = steps.start_run(
        settings, sources_file=str(sources), trigger="airflow", external_id="nightly:2026-11-02"
    )
    steps.fail_source(settings, plan, "alpha", "crawl of alpha failed: timed out")
    chosen = settings.with_overrides(alert_webhook=receiver.url, airflow_url="http://af:8080/")
    steps.finish_run(chosen, plan)
    assert receiver.texts == [
        f"newsflow run #{plan.run_id} failed · alpha: crawl of alpha failed: timed out"
        " · <http://af:8080/dags/nightly/runs|Airflow>"
    ]


def test_finish_run_under_airflow_links_the_dag_run_itself(settings, db, receiver, tmp_path):
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources:\n  - name: alpha\n    sitemaps: [http://a.test/s.xml]\n")
    plan = steps.start_run(
        settings, sources_file=str(sources), trigger="airflow", external_id="nightly:2026-11-02"
    )
    steps.fail_source(settings, plan, "alpha", "timed out")
    chosen = settings.with_overrides(alert_webhook=receiver.url, airflow_url="http://af:8080")
    steps.finish_run(chosen, plan, airflow_run_id="scheduled__2026-11-02T00:00:00+00:00")
    assert receiver.texts == [
        f"newsflow run #{plan.run_id} failed · alpha: timed out · <http://af:8080/dags/nightly/"
        "runs/scheduled__2026-11-02T00%3A00%3A00%2B00%3A00|Airflow>"
    ]


def test_a_failing_webhook_never_fails_the_run(settings, plan, db, receiver, caplog):
    receiver.mode = "error"
    _finish_sources(db, plan, ["x"])
    with caplog.at_level(logging.WARNING, logger="pipeline.alerts"):
        report = steps.finish_run(settings.with_overrides(alert_webhook=receiver.url), plan)
    assert report["status"] == "partial"
    assert "answered HTTP 500" in caplog.text and "s3cr3t" not in caplog.text
