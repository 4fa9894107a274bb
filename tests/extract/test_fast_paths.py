"""Faster forms of extraction passes select exactly what the slower ones did."""

from __future__ import annotations

import pytest
from lxml.html import document_fromstring

from pipeline.extract.dates import time_element_dates
from pipeline.extract.taxonomy import _NAV_BREADCRUMB, _is_trail

FULL_XPATH = (  # the breadcrumb expression before the prefilter
    "//nav[contains(translate(@aria-label, 'BREADCRUMB', 'breadcrumb'), 'breadcrumb')]"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' breadcrumb ')]"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' breadcrumbs ')]"
)
TRAILS = """<html><body>
<nav aria-label="BreadCrumb" id="a1"></nav>
<nav aria-label="Site breadcrumbs" id="a2"></nav>
<nav aria-label="main" class="breadcrumb-nav" id="n1"></nav>
<div aria-label="breadcrumb" id="n2"></div>
<ol class="breadcrumb" id="a3"></ol>
<ul class=" x\tbreadcrumbs\n y " id="a4"></ul>
<ul class="Breadcrumb" id="n3"></ul>
<li class="breadcrumb-item" id="n4"></li>
<div class="nobreadcrumb" id="n5"></div>
<div class="breadcrumb\u00a0wide" id="n6"></div>
<nav aria-label="breadcrumb" class="breadcrumb" id="a5"></nav>
</body></html>"""


def test_breadcrumb_prefilter_selects_what_the_full_expression_did():
    tree = document_fromstring(TRAILS)
    fast = [el.get("id") for el in tree.xpath(_NAV_BREADCRUMB) if _is_trail(el)]
    assert fast == [el.get("id") for el in tree.xpath(FULL_XPATH)]
    assert fast == ["a1", "a2", "a3", "a4", "a5"]


def _page(times: str) -> str:
    return f"<html><body>{times}</body></html>"


@pytest.mark.parametrize(
    ("times", "expected"),
    [
        # a marked date wins over an earlier unmarked one
        (
            '<time datetime="2024-01-02">a</time><time itemprop="datePublished" '
            'datetime="2024-03-04T05:06:00Z">b</time>',
            "2024-03-04 05:06:00+00:00",
        ),
        # an unparseable marked date is skipped, the next marked one counts
        (
            '<time class="published" datetime="soon"></time><time datetime="2024-01-02">'
            '</time><time pubdate datetime="2024-05-06"></time>',
            "2024-05-06 00:00:00+00:00",
        ),
        # no marked date parses: the first unmarked one that parses
        (
            '<time datetime=""></time><time datetime="2023-07-08"></time>',
            "2023-07-08 00:00:00+00:00",
        ),
        ('<time datetime="never"></time>', None),
    ],
)
def test_time_elements_give_the_first_marked_then_the_first_other_date(times, expected):
    found = time_element_dates(document_fromstring(_page(times)))
    assert [str(c.value) for c in found] == ([expected] if expected else [])


FURNITURE_LINES = [
    "Photo: Getty Images",
    "PHOTO: REUTERS/Jane Doe",
    "Der Bürgermeister am Montag. Foto: dpa",
    "We use COOKIES. Please ACCEPT them in the Privacy Settings",
    "Ich bin damit einverstanden, dass mir EXTERNE INHALTE angezeigt werden",
    "Sign up for our NEWSLETTER to get it in your inbox",
    "By submitting your EMAIL you agree",
    "Фото: ТАСС",
    "İstanbul photo: x",  # "İ" lowers to two characters: searched as it is
    "ſign up for the newsletter",  # "ſ" is "s" only to re.IGNORECASE
    "Kelvin \u212a: cookie settings accept",
    "An ordinary sentence of the article that is not furniture at all.",
    # one line for each alternative of the patterns (each needs one of furniture._NEEDS)
    "Please ENABLE cookies to view this content",
    "Third-party CONTENT: consent needed",
    "Deine Datenschutz-Einstellungen verhindern das Laden",
    "Bitte aktivieren Sie die Privatsphäre",
    "Externer Inhalt: klicken zum Laden",
    "© 2024 Example",
    "(c) Example",
    "Copyright Example",
    "Alamy",
    "A tram at the station (Photo by Jane Doe)",
    "A tram at the station | Getty Images",
    "Subscribe to the Morning Newsletter",
    "You can UNSUBSCRIBE at any time.",
    "Read our privacy notice",
    "Terms and Conditions",
]


@pytest.mark.parametrize("line", FURNITURE_LINES)
def test_furniture_patterns_find_on_lowered_lines_what_they_find_on_the_lines(line):
    from pipeline.extract import furniture

    lowered = None if furniture._UNFOLDABLE.search(line) else line.lower()
    for pattern, fast in furniture._LOWERED.items():
        slow = pattern.search(line)
        assert furniture._found(pattern, line, lowered) == (slow is not None)
        if slow and lowered is not None:
            assert fast.search(lowered).span() == slow.span()


@pytest.mark.parametrize(
    "pattern", [r"cookie", r"(?i)Cookie", r"(?i)\bµs\b", r"(?i)σ", r"(?i)straße|ſ"]
)
def test_patterns_that_lowered_text_would_change_are_refused(pattern):
    import re

    from pipeline.extract.furniture import for_lowered

    with pytest.raises(ValueError, match="cannot be searched on lowered text"):
        for_lowered(re.compile(pattern))


def test_the_nodes_after_an_element_are_what_its_scope_yields_after_it():
    from pipeline.extract.standfirst import _following

    tree = document_fromstring(
        "<html><body><div id='s'><header><p>kicker</p><h1 id='h'>Head <b>line</b></h1>"
        "<!-- c --><p class='lead'>Lead <i>text</i></p></header><div><p>one</p></div>"
        "</div><p>outside</p></body></html>"
    )
    h1 = tree.get_element_by_id("h")
    for scope in (h1, h1.getparent(), tree.get_element_by_id("s"), tree):
        everything = list(scope.iter())
        assert list(_following(h1, scope)) == everything[everything.index(h1) + 1 :]
