"""The standfirst shown in the article header goes first in the body."""

from lxml.html import fromstring

from pipeline.extract import extract_html
from pipeline.extract.standfirst import find_standfirst, marked_standfirst

STANDFIRST = (
    "The vote ends a decade of argument over the route, but the money for the last two "
    "stops has still to be found."
)
BODY = [
    "The city council voted on Tuesday to extend the tram line to the airport.",
    "The extension adds six stops and about nine kilometres of track.",
]


def _page(header: str) -> str:
    article = "".join(f"<p>{p}</p>" for p in BODY)
    header = f"<header><h1>Tram line</h1>{header}</header>"
    return f"<html><body>{header}<article>{article}</article></body></html>"


def test_standfirst_shown_in_the_header_goes_first_in_the_body(fixture_bytes):
    result = extract_html(fixture_bytes("standfirst.html"), url="https://example.com/tram")
    assert result.article is not None
    paragraphs = result.article.body.split("\n\n")
    assert paragraphs[0] == STANDFIRST
    assert result.article.body.count("a decade of argument") == 1
    assert paragraphs[1].startswith("The city council voted on Tuesday")


def test_description_shown_in_its_own_element_is_the_standfirst():
    tree = fromstring(_page(f'<p class="dek">{STANDFIRST}</p>'))
    assert find_standfirst(tree, [STANDFIRST], BODY) == STANDFIRST


def test_the_text_as_shown_is_kept_with_a_dateline_before_it():
    tree = fromstring(_page(f"<p><b>Berlin.</b> {STANDFIRST}</p>"))
    assert find_standfirst(tree, [STANDFIRST], BODY) == f"Berlin. {STANDFIRST}"


def test_description_not_shown_on_the_page_is_not_added():
    tree = fromstring(_page(""))
    assert find_standfirst(tree, [STANDFIRST], BODY) is None


def test_description_shown_only_as_a_link_or_caption_is_not_added():
    for shown in (
        f'<a href="/x">{STANDFIRST}</a>',
        f"<figure><figcaption>{STANDFIRST}</figcaption></figure>",
        f"<ul><li>{STANDFIRST}</li></ul>",
    ):
        assert find_standfirst(fromstring(_page(shown)), [STANDFIRST], BODY) is None


def test_description_inside_a_larger_block_is_not_a_standfirst():
    teaser = "More words of a teaser box about another story. " * 4
    block = f"<div>{STANDFIRST} {teaser}</div>"
    assert find_standfirst(fromstring(_page(block)), [STANDFIRST], BODY) is None


def test_description_already_in_the_body_is_not_added_again():
    tree = fromstring(_page(f"<p>{BODY[0]}</p>"))
    assert find_standfirst(tree, [BODY[0] + " More to come."], BODY) is None


def test_description_repeating_the_headline_is_not_a_standfirst():
    headline = "Council extends the tram line to the airport after a long debate"
    tree = fromstring(_page(f"<h2>{headline}</h2>"))
    assert find_standfirst(tree, [headline], BODY, (headline,)) is None


def test_short_descriptions_are_ignored():
    tree = fromstring(_page("<p>Tram line extended.</p>"))
    assert find_standfirst(tree, ["Tram line extended."], BODY) is None


def test_element_marked_as_standfirst_after_the_h1_is_added():
    # Standfirsts the page does not declare as its description: class "sub-headline",
    # "article-lead", "excerpt", "epigraph" ... just below the headline (dev sets: 10
    # publishers).
    tree = fromstring(_page(f'<h2 class="sub-headline">{STANDFIRST}</h2>'))
    assert marked_standfirst(tree, BODY) == STANDFIRST


def test_marked_element_already_in_the_body_is_not_added():
    tree = fromstring(_page(f'<p class="article-lead">{BODY[0]} More to come here.</p>'))
    assert marked_standfirst(tree, BODY) is None


def test_lead_image_caption_is_not_a_standfirst():
    caption = f"{STANDFIRST} (AP Photo/Jane Doe)"
    for shown in (
        f'<div class="lead-art"><img src="a.jpg"><span>{caption}</span></div>',
        f'<div class="lead"><img src="a.jpg">{STANDFIRST}</div>',
        f'<div class="lead-caption">{STANDFIRST}</div>',
    ):
        assert marked_standfirst(fromstring(_page(shown)), BODY) is None


def test_marked_element_before_the_h1_or_unmarked_is_not_a_standfirst():
    article = "".join(f"<p>{p}</p>" for p in BODY)
    before = f'<html><body><p class="lead">{STANDFIRST}</p><h1>Tram</h1>{article}</body></html>'
    assert marked_standfirst(fromstring(before), BODY) is None
    assert marked_standfirst(fromstring(_page(f'<p class="x">{STANDFIRST}</p>')), BODY) is None


def test_truncated_teaser_is_not_a_standfirst():
    tree = fromstring(_page('<p class="teaser summary">The year brought a record number of...</p>'))
    assert marked_standfirst(tree, BODY) is None
