"""Pages whose text a script inserts are told apart from other pages without text: their
reason says the page looks like a JavaScript shell, so a run can hint at rendering."""

from __future__ import annotations

from lxml import html

from pipeline.extract import extract_html
from pipeline.extract.classify import is_script_shell
from pipeline.records import SCRIPT_SHELL


def test_a_script_shell_is_not_an_article_and_says_why(fixture_bytes):
    result = extract_html(fixture_bytes("script_shell.html"), url="https://example.com/a")
    assert result.status == "not_article"
    assert result.message is not None and result.message.endswith(f"; {SCRIPT_SHELL}")


def test_an_index_page_without_scripts_is_no_script_shell(fixture_bytes):
    result = extract_html(fixture_bytes("index_page.html"), url="https://example.com/")
    assert result.status == "not_article"
    assert SCRIPT_SHELL not in (result.message or "")


def test_json_ld_alone_is_no_script():
    tree = html.fromstring(
        '<html><head><script type="application/ld+json">{}</script></head>'
        "<body><p>short</p></body></html>"
    )
    assert not is_script_shell(tree)


def test_a_page_with_scripts_and_enough_text_is_no_shell():
    text = "A sentence of the story that the server sent. " * 10
    tree = html.fromstring(f"<html><body><script src='/a.js'></script><p>{text}</p></body></html>")
    assert not is_script_shell(tree)
    assert is_script_shell(tree, min_chars=10_000)
