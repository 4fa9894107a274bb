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


def test_a_section_and_a_pipe_before_the_h1_headline_are_cut():
    # lu_Tageblatt: og:title "Section | Headline", <title> "Site | Section | Headline",
    # the h1 and the JSON-LD headline "Headline"
    assert (
        _title(
            '<meta property="og:title"'
            ' content="Vierschanzentournee | Beleidigen und beschuldigen: Zoff ums Material">',
            "<h1>Beleidigen und beschuldigen: Zoff ums Material</h1>",
        )
        == "Beleidigen und beschuldigen: Zoff ums Material"
    )
    assert (
        strip_site_suffix(
            "Tageblatt.lu | Vierschanzentournee | Zoff ums Material",
            ["Zoff ums Material"],
            "Tageblatt.lu",
        )
        == "Zoff ums Material"
    )


def test_a_kicker_before_the_h1_headline_stays():
    # at_ORF, de_JungeWelt: "Kicker: Headline" with an h1 "Headline" is the headline as
    # the publisher writes it; only a pipe marks a section name
    assert (
        strip_site_suffix(
            "Nach Gaetz-Rückzug: Trump-Anwältin soll Ministerin werden",
            ["Trump-Anwältin soll Ministerin werden"],
            None,
        )
        == "Nach Gaetz-Rückzug: Trump-Anwältin soll Ministerin werden"
    )


def test_a_kicker_the_h1_words_otherwise_is_cut():
    # ch_SRF: the h1 is an overline element, a hidden " - " and the headline element;
    # og:title puts another kicker and a colon before the same headline
    assert (
        _title(
            '<meta property="og:title" content="Iranischer Angriff auf Israel:'
            ' «Die Zurückhaltung hat viel mit den USA zu tun»">',
            '<h1><span class="article-title__overline">Eskalation im Nahen Osten</span>'
            '<span class="h-offscreen" aria-hidden="true"> - </span>'
            '<span class="article-title__text">«Die Zurückhaltung hat viel mit den USA zu tun»'
            "</span></h1>",
        )
        == "«Die Zurückhaltung hat viel mit den USA zu tun»"
    )


def test_a_kicker_set_off_otherwise_by_the_alternative_headline_is_cut():
    # de_TOnline: og:title "Kicker: Headline", JSON-LD alternativeHeadline "Kicker -
    # Headline" (one kicker field, joined by two templates), headline and h1 another
    # wording of the story
    assert (
        _title(
            '<meta property="og:title"'
            ' content="Nach erneuter Kritik an Papst Leo: Trump postet schon wieder KI-Foto">'
            '<script type="application/ld+json">{"@type": "NewsArticle",'
            ' "headline": "Trump postet nach Kritik an Papst Leo nächstes KI-Foto",'
            ' "alternativeHeadline":'
            ' "Nach erneuter Kritik an Papst Leo - Trump postet schon wieder KI-Foto"}</script>',
            "<h1>Trump postet nach Kritik an Papst Leo nächstes KI-Foto</h1>",
        )
        == "Trump postet schon wieder KI-Foto"
    )


def test_a_kicker_is_kept_when_the_other_source_words_it_alike_or_has_none():
    # ind_Bhaskar: the h1 differs from og:title only by the space after the colon;
    # de_Kicker: the h1 lengthens the kicker's first word without a separator;
    # at_ORF: the h1 has no kicker at all
    bhaskar = "समस्तीपुर पुलिस ने 2 बदमाशों को पकड़ा: दो दिनों के अंदर चोरी कांड का खुलासा"
    assert strip_site_suffix(bhaskar, [bhaskar.replace(": ", ":")], None) == bhaskar
    kicker = 'Interimstrainer Schubert: "Nicht mehr viel zu verlieren"'
    assert strip_site_suffix(kicker, ["MSV-" + kicker], None) == kicker
    orf = "Nach Gaetz-Rückzug: Trump-Anwältin soll Ministerin werden"
    assert strip_site_suffix(orf, ["Trump-Anwältin soll Ministerin werden"], None) == orf


def test_a_prefix_is_kept_when_no_other_source_confirms_the_rest():
    # za_TimesLive: og:title, h1 and JSON-LD all say "BUDGET 3.0 | Headline"
    assert (
        _title(
            '<meta property="og:title" content="BUDGET 3.0 | Sars gets R4bn to hire collectors">',
            "<h1>BUDGET 3.0 | Sars gets R4bn to hire collectors</h1>",
        )
        == "BUDGET 3.0 | Sars gets R4bn to hire collectors"
    )


def test_a_suffix_ending_in_the_site_name_is_cut_whatever_separates_it():
    # kr_HankookIlbo: "Headline-Section|Site" (the pipe is the Hangul letter ㅣ);
    # jp_AsahiShimbun's <title>: "Headline [Prefecture]：Site"
    assert (
        _title(
            '<meta property="og:title" content="민주당 선호투표제 도입 또다시 불발-정치ㅣ한국일보">'
            '<meta property="og:site_name" content="한국일보">'
            '<script type="application/ld+json">{"@type": "NewsArticle",'
            ' "headline": "민주당 선호투표제 도입 또다시 불발"}</script>'
        )
        == "민주당 선호투표제 도입 또다시 불발"
    )
    assert (
        strip_site_suffix(
            "宮崎県で震度5弱、津波注意報 気象庁 [宮崎県]：朝日新聞デジタル",
            ["宮崎県で震度5弱、津波注意報 気象庁"],
            "朝日新聞デジタル",
        )
        == "宮崎県で震度5弱、津波注意報 気象庁"
    )


def test_a_hyphen_is_no_separator_unless_a_short_rest_ends_with_the_site_name():
    assert (
        strip_site_suffix("Covid cases-19 rise again", ["Covid cases"], "Example News")
        == "Covid cases-19 rise again"
    )
    long_rest = "Council backs tram plan-and what the long road to the vote meant, Example News"
    assert strip_site_suffix(long_rest, ["Council backs tram plan"], "Example News") == long_rest


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
