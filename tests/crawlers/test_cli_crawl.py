"""``newsflow crawl`` as a user runs it."""

import json

from tests.cli_helpers import run_newsflow
from tests.crawlers.site import TestSite, article_html


def test_crawl_prints_each_sources_counts_as_json(crawl_env, tmp_path):
    site = TestSite()
    with site.serve():
        b = site.base_url
        site.add(
            "/robots.txt",
            "User-agent: *\nDisallow: /news/secret\n",
            headers={"Content-Type": "text/plain"},
        )
        site.add(
            "/feed.rss",
            f"""<?xml version="1.0"?><rss version="2.0"><channel>
<item><link>{b}/news/1</link></item><item><link>{b}/news/secret</link></item></channel></rss>""",
            headers={"Content-Type": "application/rss+xml"},
        )
        site.add("/news/1", article_html("one"))
        sources = tmp_path / "sources.yaml"
        sources.write_text(
            f"sources:\n  - name: cli\n    feeds: [{b}/feed.rss]\n    download_delay: 0\n"
        )
        done = run_newsflow(
            "crawl",
            "--sources",
            str(sources),
            "--json",
            env={
                "NEWSFLOW_HOME": str(crawl_env.settings.home),
                "NEWSFLOW_DATABASE_URL": crawl_env.database_url,
            },
        )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    (result,) = report["sources"]
    assert report["status"] == "success"
    assert (result["source"], result["fetched"], result["skipped_by_robots"]) == ("cli", 1, 1)


def test_crawl_of_an_unknown_source_is_a_one_line_error(crawl_env, tmp_path):
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources:\n  - name: known\n    feeds: [http://127.0.0.1:9/feed]\n")
    done = run_newsflow(
        "crawl",
        "--sources",
        str(sources),
        "--source",
        "other",
        env={
            "NEWSFLOW_HOME": str(tmp_path / "home"),
            "NEWSFLOW_DATABASE_URL": crawl_env.database_url,
        },
    )
    assert done.returncode == 2
    assert (
        done.stderr.strip().splitlines()[-1].startswith("newsflow: error: unknown source 'other'")
    )


def test_a_window_that_ends_before_it_starts_is_one_error_line_and_exit_2(crawl_env, tmp_path):
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources:\n  - name: known\n    feeds: [http://127.0.0.1:9/feed]\n")
    env = {"NEWSFLOW_HOME": str(tmp_path / "home"), "NEWSFLOW_DATABASE_URL": crawl_env.database_url}
    for command in ("crawl", "run"):
        done = run_newsflow(
            command,
            "--sources",
            str(sources),
            "--since",
            "2026-03-05",
            "--until",
            "2026-03-01",
            env=env,
        )
        assert done.returncode == 2, command
        assert done.stderr.strip().splitlines() == [
            "newsflow: error: since 2026-03-05 is after until 2026-03-01, so the date window "
            "would end before it starts; swap them (--since/--until on the command line, the "
            "since/until params of a DAG run)"
        ], command
        assert done.stdout == "", command
