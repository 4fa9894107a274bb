"""The Airflow crawl task and the host lock: a host another crawl holds reschedules the
task (no retry used, no waiting in its pool slot) before anything is crawled."""

from __future__ import annotations

from datetime import datetime, timedelta

import psycopg
import pytest
from airflow.sdk.exceptions import AirflowRescheduleException

from dags import newsflow_common as nf
from pipeline import steps
from pipeline.errors import HostBusyError
from pipeline.host_lock import host_locks
from pipeline.sources import Source

SOURCES = """\
sources:
  - name: busy
    start_urls: ["http://127.0.0.1:9/"]
"""


def test_a_busy_host_reschedules_the_crawl_task_without_crawling(settings, tmp_path):
    settings.sources_path.write_text(SOURCES, "utf-8")
    plan = steps.start_run(settings, sources_file=None, trigger="airflow")
    held = Source(name="manual", sitemaps=("http://127.0.0.1:9/sitemap.xml",))
    # a NEWSFLOW_HOST_LOCK_WAIT the task must not use: it never waits
    patient = settings.with_overrides(host_lock_wait_s=600.0, host_busy_retry_s=45.0)
    assert settings.database_url is not None
    with host_locks(settings.database_url, holder="newsflow crawl run 7", wait_s=0) as other:
        assert other.try_take(held)
        began = datetime.now().astimezone()
        with pytest.raises(AirflowRescheduleException) as rescheduled:
            nf.crawl_or_reschedule(patient, plan, "busy")
    assert isinstance(rescheduled.value.__cause__, HostBusyError)
    assert "being crawled by newsflow crawl run 7" in str(rescheduled.value.__cause__)
    delay = rescheduled.value.reschedule_date - began
    assert timedelta(seconds=45) <= delay < timedelta(seconds=50)
    with psycopg.connect(settings.database_url) as conn:
        started = conn.execute(
            "SELECT count(*) FROM warehouse.crawl_run_sources WHERE run_id = %s", (plan.run_id,)
        ).fetchone()
    assert started == (0,), "the source's crawl never began"
