"""Choosing the headline and cutting off what pages append to it."""

from lxml.html import fromstring

from pipeline.extract.structured import read_metadata
from pipeline.extract.title import choose_title, strip_site_suffix


def _title(head: str, body: str = "") -> str:
    tree = fromstring(f"<html><head>{head}</head><body>{body}<p>Text.</p></body></html>")
    return choose_title(read_metadata(tree), tree)


def test_site_name_after_a_fullwidth_colon_is_cut_when_the_h1_confirms():
    # jp_TokyoShimbun, jp_ChunichiShimbun: "Headline：Site" with the headline in <h1>
    assert (
        _title(
            '<meta property="og:title" content="南海トラフ、一時調査　巨大地震：中日新聞Web">',
            "<h1>南海トラフ、一時調査　巨大地震</h1>",
        )
        == "南海トラフ、一時調査 巨大地震"
    )


def test_several_appended_segments_are_cut_when_the_headline_confirms():
    # us_TheGatewayPundit: "Headline | Site | by Author"; de_DW: "Headline – DW – date";
    # the h1 spells the quotes typographically, the og:title plainly
    assert (
        strip_site_suffix(
            "Surviving Roommate Agrees to Interview | The Gateway Pundit | by Cristina Laila",
            ["Surviving Roommate Agrees to Interview"],
            None,
        )
        == "Surviving Roommate Agrees to Interview"
    )
    assert (
        strip_site_suffix(
            "Kohberger's Defense Lawyers * The Gateway Pundit * by Paul Serran",
            ["Kohberger’s Defense Lawyers"],
            None,
        )
        == "Kohberger's Defense Lawyers"
    )
    assert (
        strip_site_suffix("Was wissen wir? – DW – 13.06.2023", ["Was wissen wir?"], None)
        == "Was wissen wir?"
    )


def test_a_longer_headline_is_not_cut_at_a_word_that_starts_like_the_h1():
    # a hyphen inside a word is not a separator ("COVID-19"), nor is a colon without
    # a space before it
    assert strip_site_suffix("Covid cases-19 rise", ["Covid cases"], None) == "Covid cases-19 rise"
    assert (
        strip_site_suffix("Election night: what we know", ["Election night"], None)
        == "Election night: what we know"
    )


def test_site_name_suffix_is_cut_without_another_source():
    assert strip_site_suffix("Council expands tram network | Example News", [], "Example News") == (
        "Council expands tram network"
    )


def test_og_title_wins_over_a_different_jsonld_headline():
    assert (
        _title(
            '<meta property="og:title" content="Short share headline">'
            '<script type="application/ld+json">{"@type": "NewsArticle",'
            ' "headline": "Long SEO headline"}</script>'
        )
        == "Short share headline"
    )


def test_body_line_repeating_the_h1_is_dropped_when_og_title_differs():
    # jp_Nikkei, ca_CBCNews: og:title is a share variant, the body starts with the h1
    from pipeline.extract.body import clean_paragraphs

    text = "The council approved the tram extension on Monday after a long debate."
    body = clean_paragraphs(
        ["What next for the trams?", text],
        "Share headline about trams",
        (),
        ("What next for the trams?",),
    )
    assert body == [text]
