"""A sources file in a bucket: start_run reads it once and the run plan carries it
(moto's real S3 API on 127.0.0.1)."""

from __future__ import annotations

import obstore
import pytest

from devtools.s3_server import S3Server
from pipeline import steps
from pipeline.config import Settings
from pipeline.errors import SourcesFileError
from pipeline.run_plan import RunPlan
from pipeline.sources import load_sources
from pipeline.store import s3_client

SOURCES = """sources:
  - name: alpha
    sitemaps: [http://127.0.0.1:9/sitemap.xml]
  - name: beta
    feeds: [http://127.0.0.1:9/feed.xml]
    language: de
"""


@pytest.fixture
def sources_url(s3_server: S3Server) -> str:
    bucket = s3_server.bucket()
    obstore.put(s3_client(bucket, s3_server.env()), "config/sources.yaml", SOURCES.encode())
    return f"s3://{bucket}/config/sources.yaml"


def test_newsflow_sources_may_be_an_s3_url(s3_server: S3Server, sources_url: str) -> None:
    settings = Settings.from_env({"NEWSFLOW_SOURCES": sources_url, **s3_server.env()})
    assert settings.sources_path == sources_url
    names = [s.name for s in load_sources(settings.sources_path, settings.storage_env)]
    assert names == ["alpha", "beta"]


def test_a_missing_sources_object_says_so(s3_server: S3Server, sources_url: str) -> None:
    missing = sources_url.replace("sources.yaml", "nothing.yaml")
    with pytest.raises(SourcesFileError, match=r"sources file s3://.*/nothing.yaml does not exist"):
        load_sources(missing, s3_server.env())


def test_the_plan_carries_the_sources_to_workers(
    settings: Settings, s3_server: S3Server, sources_url: str
) -> None:
    settings = settings.with_overrides(storage_env=s3_server.env())
    plan = steps.start_run(settings, sources_file=sources_url, source_names=["beta"])
    assert plan.sources == ("beta",) and plan.sources_file == sources_url
    # a worker elsewhere: no credentials, no copy of the file; the object is gone too
    bucket = sources_url.split("/")[2]
    obstore.delete(s3_client(bucket, s3_server.env()), "config/sources.yaml")
    again = RunPlan.from_xcom(plan.to_xcom())
    (beta,) = again.load_sources()
    assert beta.name == "beta" and beta.language == "de"
    assert again.sources_file == sources_url


def test_a_plan_without_text_reads_its_local_file(settings: Settings, tmp_path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(SOURCES, encoding="utf-8")
    plan = RunPlan(1, ("alpha",), path)
    assert [s.name for s in plan.load_sources()] == ["alpha"]
    assert RunPlan.from_xcom(plan.to_xcom()).sources_file == path
