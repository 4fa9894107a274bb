"""A crawl's Scrapy settings: the components that run, and only those imported."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.settings import Settings as ScrapySettings
from scrapy.settings import default_settings as defaults
from scrapy.utils.conf import build_component_list

from crawlers.job import CrawlJob
from crawlers.scrapy_settings import (
    DOWNLOADER_MIDDLEWARES,
    EXTENSIONS,
    RENDER_MIDDLEWARES,
    scrapy_settings,
)
from pipeline.sources import Source
from tests.fresh_python import python_output


def _job(render: str = "http") -> CrawlJob:
    source = Source("s", sitemaps=("https://example.com/s.xml",), render=render)
    return CrawlJob(source, run_id=1, database_url="", archive_dir=Path("/a"), user_agent="ua")


def _running(settings: dict, name: str) -> list[str]:
    """The components of kind ``name`` Scrapy runs with ``settings``, in order."""
    return build_component_list(
        ScrapySettings(settings).get_component_priority_dict_with_base(name)
    )


def _as_written(name: str, components: dict) -> list[str]:
    """What Scrapy runs with ``components`` given as they are, None values included."""
    return _running({name: components}, name)


@pytest.mark.parametrize(
    ("render", "name", "components"),
    [
        ("http", "DOWNLOADER_MIDDLEWARES", DOWNLOADER_MIDDLEWARES),
        ("browser", "DOWNLOADER_MIDDLEWARES", RENDER_MIDDLEWARES),
        ("http", "EXTENSIONS", EXTENSIONS),
    ],
)
def test_the_components_that_run_are_the_ones_switched_on(render, name, components) -> None:
    settings = scrapy_settings(_job(render))
    assert _running(settings, name) == _as_written(name, components)


def test_no_component_is_named_only_to_be_switched_off() -> None:
    # Scrapy imports every component a setting names, those set to None too.
    settings = scrapy_settings(_job())
    for name in ("DOWNLOADER_MIDDLEWARES", "EXTENSIONS"):
        assert None not in settings[name].values()
        base = getattr(defaults, f"{name}_BASE")
        assert set(settings[f"{name}_BASE"]) < set(base)


@pytest.mark.slow
def test_the_spare_crawler_does_not_import_what_is_switched_off() -> None:
    code = (
        "import sys\n"
        "from crawlers.worker import preload\n"
        "preload()\n"
        "print(sorted({'aiohttp', 'tldextract', 'twisted.conch'} & set(sys.modules)))\n"
    )
    assert python_output(code, timeout=120) == "[]"
