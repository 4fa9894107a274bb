"""Which paragraphs of a body are an index page's teasers (pipeline.extract.teasers), on
literal pages; the decision on whole fixture pages is in test_not_article.py."""

from __future__ import annotations

from pipeline.extract.core import parse_html
from pipeline.extract.teasers import find_teasers, is_teaser_list

NAV = "".join(f'<li><a href="/section-{n}/">Section number {n}</a></li>' for n in range(60))
SUMMARIES = [
    "The city council voted 31 to 12 for the road repair plan on Tuesday evening.",
    "Winds of up to 110 km/h are expected on the coast on Thursday afternoon.",
    "A late goal settled the regional final in front of four thousand fans.",
    "The new wing of the museum shows the maritime history of the city.",
]
HEADLINES = [
    "Council approves road repairs",
    "Storm warning for the coast",
    "Local team wins the final",
    "Museum reopens its new wing",
]


def page(main: str) -> str:
    return f"<html><body><nav><ul>{NAV}</ul></nav><main>{main}</main></body></html>"


def body_of(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs)


def teaser_list(item: str) -> str:
    """``item`` formatted with n, headline and summary, once per story, in a list."""
    return (
        "<ul>"
        + "".join(
            item.format(n=n, headline=h, summary=s)
            for n, (h, s) in enumerate(zip(HEADLINES, SUMMARIES, strict=True))
        )
        + "</ul>"
    )


def test_paragraphs_of_one_story_container_are_no_teasers_however_many_links_surround_them():
    tree = parse_html(
        page("<div class='story'>" + "".join(f"<p>{s}</p>" for s in SUMMARIES) + "</div>")
    )
    teasers = find_teasers(tree, body_of(SUMMARIES))
    assert (teasers.share, teasers.headlines) == (0.0, 0)


def test_summaries_each_beside_a_headline_link_are_teasers():
    html = teaser_list(
        '<li class="teaser"><h2><a href="/story-{n}">{headline}</a></h2><p>{summary}</p></li>'
    )
    teasers = find_teasers(parse_html(page(html)), body_of([f"- {s}" for s in SUMMARIES]))
    assert (teasers.share, teasers.headlines) == (1.0, 4)
    assert is_teaser_list(parse_html(page(html)), body_of(SUMMARIES))


def test_headlines_kept_as_paragraphs_of_their_own_are_teasers_and_so_are_their_summaries():
    html = teaser_list('<li><h2><a href="/story-{n}">{headline}</a></h2><p>{summary}</p></li>')
    paragraphs = [p for pair in zip(HEADLINES, SUMMARIES, strict=True) for p in pair]
    teasers = find_teasers(parse_html(page(html)), body_of(paragraphs))
    assert (teasers.share, teasers.headlines) == (1.0, 4)  # a story, one headline


def test_a_card_that_is_one_big_link_is_a_teaser():
    html = teaser_list(
        '<li><a class="card" href="/story-{n}"><h2>{headline}</h2><p>{summary}</p></a></li>'
    )
    teasers = find_teasers(parse_html(page(html)), body_of(SUMMARIES))
    assert teasers.share == 1.0


def test_links_into_the_page_and_short_links_are_no_headlines():
    # A time that links to the entry's own anchor, a "Read more" shorter than a headline.
    html = teaser_list(
        '<li><a href="#entry-{n}">{headline}</a><p>{summary}</p>'
        '<a href="/story-{n}">Read more</a></li>'
    )
    teasers = find_teasers(parse_html(page(html)), body_of(SUMMARIES))
    assert (teasers.share, teasers.headlines) == (0.0, 0)


def test_one_link_repeated_in_every_entry_is_one_headline():
    html = teaser_list(
        '<li><p>{summary}</p><a href="/share?u=entry-{n}">Share this update</a></li>'
    )
    teasers = find_teasers(parse_html(page(html)), body_of(SUMMARIES))
    assert (teasers.share, teasers.headlines) == (1.0, 1)
    assert not teasers.is_list


def test_a_body_that_opens_with_a_story_longer_than_any_teaser_is_not_a_list():
    story = " ".join(SUMMARIES)  # longer than any one summary
    html = (
        f"<div><p>{story}</p>"
        + teaser_list('<li><h3><a href="/story-{n}">{headline}</a></h3><p>{summary}</p></li>') * 2
        + "</div>"
    )
    teasers = find_teasers(parse_html(page(html)), body_of([story, *SUMMARIES, *SUMMARIES]))
    assert teasers.share >= 0.6
    assert teasers.lead == len(story) > teasers.longest
    assert not teasers.is_list


def test_a_short_introduction_before_the_teasers_does_not_hide_the_list():
    intro = "All our stories about the coast."
    html = f"<p class='intro'>{intro}</p>" + teaser_list(
        '<li><h3><a href="/story-{n}">{headline}</a></h3><p>{summary}</p></li>'
    )
    teasers = find_teasers(parse_html(page(html)), body_of([intro, *SUMMARIES]))
    assert teasers.lead == len(intro)
    assert teasers.is_list


def test_paragraphs_not_found_in_the_page_count_as_no_teasers():
    html = teaser_list('<li><h2><a href="/story-{n}">{headline}</a></h2><p>{summary}</p></li>')
    other = "A paragraph the clean-up rewrote, found nowhere in the page as it stands now."
    teasers = find_teasers(parse_html(page(html)), body_of([*SUMMARIES, other, other, other]))
    assert 0.5 < teasers.share < 0.6
