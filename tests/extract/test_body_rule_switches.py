"""The switches bench_extract and bench_extract_cv score body rules with work: they run
on a line and really switch the rule off."""

import pytest

import pipeline.extract.furniture as furniture
import pipeline.extract.links as links
from benchmarks.bench_extract import ABLATIONS
from benchmarks.bench_extract_cv import BODY_RULES
from pipeline.extract.furniture import is_furniture
from pipeline.extract.links import is_link_block
from tests.extract.test_links import xml

FURNITURE_CASES = {
    "captions and read-also pointers kept": "A tram at the station. Photo: Jane Doe",
    "newsletter sign-up lines inside the body (`Privacy Policy`, `in your inbox`)": (
        "Sign up to get the best of the week's news in your inbox"
    ),
    "consent placeholders of blocked embeds (`externer Inhalt`, `enable cookies`)": (
        "This embedded content is not available: please enable cookies to view this content."
    ),
}


@pytest.fixture
def restore_furniture(monkeypatch):
    monkeypatch.setattr(furniture, "_LOWERED", dict(furniture._LOWERED))
    for name in ("_CAPTION", "_READ_ALSO", "_SIGNUP", "_EMBED_CONSENT"):
        monkeypatch.setattr(furniture, name, getattr(furniture, name))


@pytest.mark.parametrize("rule", sorted(FURNITURE_CASES))
def test_switching_a_furniture_pattern_off_keeps_its_line(rule, restore_furniture):
    line = FURNITURE_CASES[rule]
    assert is_furniture(line)
    (ABLATIONS.get(rule) or BODY_RULES[rule])()
    assert not is_furniture(line)
    assert not is_furniture("An ordinary sentence of article text, lowered and searched.")


def test_switching_quote_introductions_off_prunes_them_again(monkeypatch):
    monkeypatch.setattr(links, "introduces_quote", links.introduces_quote)
    block = xml("<p><ref target='/g'>The Example Gazette</ref> reports:</p>")
    assert not is_link_block(block)
    rule = "short linked lines ending in a colon of their own kept (`<a>Gazette</a> reports:`)"
    BODY_RULES[rule]()
    assert is_link_block(block)
