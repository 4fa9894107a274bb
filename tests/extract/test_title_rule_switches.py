"""The switches bench_extract_cv scores the title rules with really switch them off."""

import pytest

from benchmarks.bench_extract_cv import METADATA_RULES
from pipeline.extract.title import strip_site_suffix

CASES = {
    "title: a section name and a pipe before another source's headline cut": (
        "Vierschanzentournee | Zoff ums Material",
        ["Zoff ums Material"],
        None,
    ),
    "title: a suffix ending in the site name cut whatever separates it (`-정치ㅣ한국일보`)": (
        "민주당 선호투표제 도입 또다시 불발-정치ㅣ한국일보",
        ["민주당 선호투표제 도입 또다시 불발"],
        "한국일보",
    ),
}


@pytest.mark.parametrize("rule", sorted(CASES))
def test_switching_a_title_rule_off_keeps_the_furniture(rule):
    title, others, site = CASES[rule]
    field, switch_off = METADATA_RULES[rule]
    assert field == "title"
    assert strip_site_suffix(title, others, site) == others[0]
    with switch_off():
        assert strip_site_suffix(title, others, site) == title
    kind = "title: furniture around another source's headline cut (the two rules below)"
    with METADATA_RULES[kind][1]():
        assert strip_site_suffix(title, others, site) == title


def test_switching_the_kicker_rule_off_keeps_the_kicker():
    rule = "title: a kicker cut when another source puts another one before the same headline"
    field, switch_off = METADATA_RULES[rule]
    title, others = "Kicker eins: Zoff ums Material", ["Kicker zwei - Zoff ums Material"]
    assert field == "title"
    assert strip_site_suffix(title, others, None) == "Zoff ums Material"
    with switch_off():
        assert strip_site_suffix(title, others, None) == title
