"""The worker functions of ``newsflow extract``: every input gives a result."""

from pathlib import Path

from pipeline.extract.files import extract_file, extract_record

FIXTURES = Path(__file__).parent.parent / "fixtures" / "extract"
ARTICLE = FIXTURES / "article_furniture.html"


def test_a_readable_article_file_gives_an_article():
    result = extract_file((str(ARTICLE), "https://example.com/a"), 200)
    assert result.status == "ok" and result.path == str(ARTICLE)
    assert result.article is not None and result.article.body


def test_a_missing_file_gives_an_error_record(tmp_path):
    missing = tmp_path / "gone.html"
    result = extract_file((str(missing), None), 200)
    assert result.status == "error" and result.path == str(missing)
    assert result.message and result.message.startswith("cannot read file")


def test_binary_input_gives_an_error_record():
    result = extract_file((str(FIXTURES / "binary.bin"), None), 200)
    assert result.status == "error"


def test_a_warc_record_is_extracted_with_its_charset():
    body = ARTICLE.read_bytes()
    result = extract_record((body, "https://example.com/a", "utf-8", "x.warc#0"), 200)
    assert result.status == "ok" and result.path == "x.warc#0"


def test_a_record_that_makes_the_extractor_fail_gives_an_error_record(monkeypatch):
    import pipeline.extract.core as core

    def boom(*_args: object, **_kwargs: object) -> object:
        raise RuntimeError("bad page")

    monkeypatch.setattr(core, "extract_html", boom)
    result = extract_record((b"<html></html>", "https://example.com/b", None, "x.warc#9"), 200)
    assert (result.status, result.message) == ("error", "RuntimeError: bad page")


def test_the_package_loads_the_extractor_on_first_use():
    import subprocess
    import sys

    code = (
        "import sys, pipeline.extract as e; before = 'trafilatura' in sys.modules;"
        "f = e.extract_html; print(before, 'trafilatura' in sys.modules, f.__module__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True", "pipeline.extract.core"]


def test_an_unknown_name_of_the_package_is_an_attribute_error():
    import pytest

    import pipeline.extract

    with pytest.raises(AttributeError, match="no_such_name"):
        pipeline.extract.no_such_name  # noqa: B018
