"""Keeping only a source's languages (``pipeline.extract.language_filter``)."""

from __future__ import annotations

from pipeline.extract.language_filter import keep_languages
from pipeline.records import Article, ExtractionResult


def result(language: str | None, status: str = "ok") -> ExtractionResult:
    article = Article(url="http://a.test/1", title="T", body="B", language=language)
    return ExtractionResult(status, url="http://a.test/1", article=article)  # type: ignore[arg-type]


def test_an_article_in_a_kept_language_is_unchanged():
    kept = result("de")
    assert keep_languages(kept, ("en", "de")) is kept


def test_an_article_in_another_language_becomes_other_language_without_its_article():
    dropped = keep_languages(result("fr"), ("en", "de"))
    assert dropped.status == "other_language"
    assert dropped.article is None and dropped.url == "http://a.test/1"
    assert dropped.message == "language fr, not one of de, en"


def test_an_unknown_language_is_kept():
    unknown = result(None)
    assert keep_languages(unknown, ("en",)) is unknown


def test_no_languages_keeps_everything_and_other_statuses_pass_through():
    french = result("fr")
    assert keep_languages(french, ()) is french
    not_article = ExtractionResult("not_article", url="http://a.test/2", message="menu")
    assert keep_languages(not_article, ("en",)) is not_article
