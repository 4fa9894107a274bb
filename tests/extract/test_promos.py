"""Teasers of other stories in trafilatura's XML, recognised by their markup."""

from lxml import etree

from pipeline.extract.promos import drop_teasers, has_promo_class, is_teaser


def xml(text: str) -> etree._Element:
    return etree.fromstring(text)


def test_summary_marked_promo_by_its_class_is_a_teaser():
    # LATimes puts another story's summary in the body under its (pruned) headline link.
    block = xml(
        '<p class="promo-description">California’s primary election takes place on '
        "March 5. Read up on the races in L.A. city.</p>"
    )
    assert has_promo_class(block)
    assert is_teaser(block)


def test_dek_inside_a_compound_class_counts():
    assert has_promo_class(xml('<p class="BaseText-ewhhUZ ExternalLinkEmbedDek-btrWcN">x</p>'))
    assert has_promo_class(xml('<p class="dek">x</p>'))


def test_class_words_must_be_whole_words():
    assert not has_promo_class(xml('<p class="article-body__text decor">x</p>'))
    assert not has_promo_class(xml('<p class="paragraph">x</p>'))


def test_item_opening_with_an_empty_picture_link_is_a_teaser():
    # FinancialPost / t-online: the link wraps the card's picture, the headline follows.
    item = xml(
        "<item><ref target='/news/jobs'>  </ref>Canada's unemployment rate drops to 6.6% "
        "as economy gains 88,000 jobs</item>"
    )
    assert is_teaser(item)


def test_item_of_a_kicker_and_a_link_is_a_teaser():
    # WAZ / Hamburger Abendblatt: "Kicker: <a>headline</a>" lists inside the article.
    assert is_teaser(
        xml(
            "<item>„Über manches irritiert“: "
            "<ref target='/p/1'>Klingbeil greift Klöckner an</ref></item>"
        )
    )
    assert is_teaser(
        xml(
            "<item>KI in der Schule? <ref target='/p/2'>Digitalminister Wildberger: „Werden "
            "die KI immer bei uns haben“</ref></item>"
        )
    )


def test_paragraph_with_a_colon_before_a_link_is_kept():
    # A source credit introducing a quote, or "Read more:" handled elsewhere.
    assert not is_teaser(xml("<p>Transcript via <ref target='/r'>Real Clear Politics</ref>:</p>"))
    assert not is_teaser(
        xml("<p>The Washington Examiner reports: <ref target='/r'>Ratings drop</ref></p>")
    )


def test_paragraph_with_a_pipe_before_a_link_is_a_teaser():
    assert is_teaser(
        xml("<p>FUNDA OLUNYE UDABA LAPHA | <ref target='/a'>Kuboshwe abahlanu besolwa</ref></p>")
    )


def test_prose_list_items_and_paragraphs_are_kept():
    assert not is_teaser(xml("<item>Holds 10kg of washing on 12 hangers</item>"))
    assert not is_teaser(
        xml("<p>The council said in <ref target='/r'>a statement</ref> that it agreed.</p>")
    )


def test_drop_teasers_keeps_the_first_block_and_empty_lists_go():
    body = xml(
        "<body><p class='dek'>The article's own standfirst.</p><p>Text.</p>"
        "<list><item><ref target='/a'/>Other story headline here</item></list>"
        "<p class='dek'>Another story's summary.</p><p>More text.</p></body>"
    )
    assert drop_teasers(body) == 2
    assert [" ".join(b.itertext()) for b in body] == [
        "The article's own standfirst.",
        "Text.",
        "More text.",
    ]
