"""Pure parts of the Scrapy components: Retry-After, backoff, robots status rules,
failure reasons and page outcomes."""

import hashlib
from datetime import UTC, datetime

from scrapy.exceptions import IgnoreRequest

from crawlers.discovery import Discovered
from crawlers.extensions.content_type import is_html_type
from crawlers.middlewares.retry import backoff_seconds, retry_after_seconds
from crawlers.middlewares.robots import ForbiddenByRobots, rules_from_response
from crawlers.outcomes import failure_reason, response_record
from crawlers.warc import WarcLocation

NOW = datetime(2024, 5, 1, 10, 0, 0, tzinfo=UTC)


def test_retry_after_in_seconds():
    assert retry_after_seconds("120", NOW) == 120.0


def test_retry_after_as_an_http_date():
    assert retry_after_seconds("Wed, 01 May 2024 10:00:30 GMT", NOW) == 30.0


def test_retry_after_in_the_past_means_now():
    assert retry_after_seconds("Wed, 01 May 2024 09:00:00 GMT", NOW) == 0.0


def test_unreadable_retry_after_is_ignored():
    assert retry_after_seconds("soon", NOW) is None
    assert retry_after_seconds(None, NOW) is None


def test_backoff_doubles_and_is_capped():
    assert [backoff_seconds(n, 2.0, 10.0) for n in (1, 2, 3, 4)] == [2.0, 4.0, 8.0, 10.0]


def test_robots_txt_2xx_is_obeyed():
    rules = rules_from_response(200, b"User-agent: *\nDisallow: /private/\n")
    assert not rules.allowed("http://a.com/private/x", "newsflow")
    assert rules.allowed("http://a.com/news/x", "newsflow")


def test_robots_txt_group_for_our_agent_wins():
    rules = rules_from_response(
        200, b"User-agent: *\nDisallow: /\n\nUser-agent: newsflow\nDisallow: /drafts/\n"
    )
    assert rules.allowed("http://a.com/news/x", "newsflow")
    assert not rules.allowed("http://a.com/drafts/x", "newsflow")


def test_missing_robots_txt_allows_everything():
    assert rules_from_response(404, b"").allowed("http://a.com/x", "newsflow")


def test_robots_txt_server_error_disallows_the_host():
    assert not rules_from_response(503, b"").allowed("http://a.com/x", "newsflow")


def test_only_a_robots_txt_that_is_obeyed_has_a_version_to_remember_refusals_by():
    body = b"User-agent: *\nDisallow: /x\n"
    assert rules_from_response(200, body).sha256 == hashlib.sha256(body).hexdigest()
    assert (
        rules_from_response(200, body + b"Disallow: /y\n").sha256
        != rules_from_response(200, body).sha256
    )
    assert rules_from_response(404, b"").sha256 is None
    assert rules_from_response(503, body).sha256 is None


def test_failure_reasons_are_short_and_stable():
    class Response:
        status = 404

    class HttpError(IgnoreRequest):
        response = Response()

    assert failure_reason(HttpError()) == "http_404"
    assert failure_reason(IgnoreRequest("max redirections reached")) == "redirect_loop"
    assert failure_reason(ForbiddenByRobots("x")) == "robots"
    assert failure_reason(RuntimeError("x")) == "error_RuntimeError"


def test_html_media_types():
    assert is_html_type("text/html; charset=iso-8859-1")
    assert is_html_type("application/xhtml+xml")
    assert is_html_type(None)
    assert not is_html_type("application/pdf")


def _record(**changes):
    args = {
        "status": 200,
        "content_type": "text/html",
        "etag": '"e"',
        "last_modified": None,
        "body_start": b"<html>",
        "fetched_url": "http://a.com/x",
        "fetched_at": NOW,
        "warc": WarcLocation("s/1/f.warc.gz", 10, 99),
        "stopped": False,
    }
    args.update(changes)
    return response_record(Discovered("http://a.com/x", "http://a.com/x"), **args)


def test_archived_html_page_is_fetched_and_pending_extraction():
    record = _record()
    assert (record.outcome, record.pending_extract, record.warc_offset) == ("fetched", True, 10)


def test_304_is_not_modified():
    assert _record(status=304, warc=None).outcome == "not_modified"


def test_pdf_is_not_html():
    record = _record(content_type="application/pdf", stopped=True, warc=None)
    assert (record.outcome, record.pending_extract) == ("not_html", False)


def test_page_without_content_type_is_judged_by_its_body():
    assert _record(content_type=None).outcome == "fetched"
    assert _record(content_type=None, body_start=b"%PDF-1.4").outcome == "not_html"
