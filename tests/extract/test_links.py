"""Link-dense blocks in trafilatura's XML output."""

from lxml import etree

from pipeline.extract.links import is_link_block, link_share, prune_link_blocks, unwrap_links


def xml(text: str) -> etree._Element:
    return etree.fromstring(text)


def test_link_share_counts_words_inside_refs():
    block = xml("<p>Read <ref target='/a'>the full report</ref> here now</p>")
    assert link_share(block) == 3 / 6


def test_paragraph_that_is_all_link_is_a_link_block():
    assert is_link_block(xml("<p><ref target='/a'>Council approves budget for 2025</ref></p>"))


def test_long_paragraph_with_many_inline_links_is_kept():
    words = " ".join(f"word{i}" for i in range(6))
    linked = " ".join(f"<ref target='/{i}'>link{i} text{i}</ref>" for i in range(8))
    block = xml(f"<p>{words} {linked}</p>")
    assert 0.7 <= link_share(block) < 0.9
    assert not is_link_block(block)


def test_short_mostly_linked_line_is_a_link_block():
    assert is_link_block(xml("<p>More: <ref target='/x'>Tram line to open in May</ref></p>"))


def test_prose_with_one_link_is_kept():
    block = xml(
        "<p>The council said in <ref target='/r'>a statement</ref> that the tram "
        "line will open next spring after two years of works.</p>"
    )
    assert not is_link_block(block)


def test_prune_removes_linked_list_items_and_empty_lists():
    body = xml(
        "<body><p>Article text stays here.</p>"
        "<list><item><ref target='/1'>Other story one</ref></item>"
        "<item><ref target='/2'>Other story two</ref></item></list></body>"
    )
    assert prune_link_blocks(body) == 2
    assert [el.tag for el in body] == ["p"]


def test_prune_keeps_loose_text_in_the_tail_of_a_removed_block():
    body = xml(
        "<body><head><ref target='/s'>Section</ref></head>Loose article text.<p>More.</p></body>"
    )
    prune_link_blocks(body)
    assert "Loose article text." in "".join(body.itertext())


def test_unwrap_links_keeps_their_text():
    body = xml("<body><p>See <ref target='/a'>the report</ref> today.</p></body>")
    unwrap_links(body)
    assert etree.tostring(body, encoding="unicode") == "<body><p>See the report today.</p></body>"


def test_block_without_links_is_never_a_link_block():
    assert not is_link_block(xml("<p>Short line</p>"))
    assert not is_link_block(xml("<item>One</item>"))


def test_a_block_that_is_itself_a_ref_counts_as_linked():
    assert is_link_block(xml("<ref target='/a'>Council approves budget</ref>"))


def test_short_linked_line_ending_in_a_colon_of_its_own_introduces_a_quote():
    block = xml("<p><ref target='/g'>The Example Gazette</ref> reports:</p>")
    assert link_share(block) == 3 / 4
    assert not is_link_block(block)


def test_colon_inside_the_link_does_not_make_an_introduction():
    assert is_link_block(xml("<p><ref target='/r'>Read more about the tram:</ref></p>"))
    assert is_link_block(xml("<p>More: <ref target='/x'>Tram line to open in May</ref></p>"))


def test_introduction_is_kept_whatever_its_link_share():
    block = xml("<p><ref target='/g'>The transport committee of the city council</ref> said:</p>")
    assert link_share(block) >= 0.8
    assert not is_link_block(block)


def test_the_introduction_of_a_quoted_report_stays_in_the_body(fixture_bytes):
    """A blog quoting another outlet names it in a link and a colon before the quotation;
    the line is 3 of 4 words linked, which made it a short link block."""
    from pipeline.extract import extract_html

    result = extract_html(fixture_bytes("quote_intro.html"), url="https://blog.example.com/tram")
    assert result.article is not None
    paragraphs = result.article.body.split("\n\n")
    assert "The Example Gazette reports:" in paragraphs
    intro = paragraphs.index("The Example Gazette reports:")
    assert paragraphs[intro + 1].startswith("Tram ridership falls for the third month")


def test_introduction_found_after_a_link_inside_other_markup():
    block = xml("<p><hi><ref target='/g'>The Example Gazette</ref></hi> reports:</p>")
    assert not is_link_block(block)
