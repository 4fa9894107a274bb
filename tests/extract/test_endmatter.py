"""End matter after the last paragraph of an article."""

import pytest

from pipeline.extract.endmatter import is_author_bio, is_endmatter, is_named_bio, strip_endmatter

ARTICLE = [
    f"Paragraph {i} of the article, with enough words to count as real text here." for i in range(8)
]


@pytest.mark.parametrize(
    "line",
    [
        "Sign up for our free weekly newsletter",
        "Copyright © 2023 The Example Times, LLC.",
        "Get in touch with our news team by emailing us at news@example.com.",
        "Would you like to comment on this article?",
        "Il vous reste 57.09% de cet article à lire. La suite est réservée aux abonnés.",
        "Fehler gefunden? Jetzt melden.",
        'Dieser Artikel ist zuerst bei "Capital" erschienen.',
        "(dmk)",
        "SDA/sep",
        "Quellen:",
        "Jane Doe is a senior reporter covering transport for the Example Times.",
    ],
)
def test_end_matter_lines(line):
    assert is_endmatter(line, ("Jane Doe",))


@pytest.mark.parametrize(
    "line",
    [
        "The mayor did not respond to a request for comment.",
        "Reporting by Jane Doe; Editing by John Smith",
        "Fox News' Jane Doe contributed to this report.",
        "The plan will be published on the council's website next week.",
        "Das registrieren auch die nationalen Verbände.",
    ],
)
def test_article_lines_and_credits_are_not_end_matter(line):
    assert not is_endmatter(line, ("Jane Doe",))


def test_author_bio_starting_with_the_author_name():
    assert is_endmatter("Jane Doe covers city hall and transport.", ("Jane Doe",))


def test_strip_endmatter_removes_notices_at_the_end():
    body = ARTICLE + ["Copyright © 2024 Example Times. All rights reserved."]
    assert strip_endmatter(body) == ARTICLE


def test_short_heading_cuts_off_the_block_after_it():
    body = ARTICLE + ["Quellen:", "- Landtag NRW", "- Eigene Recherche"]
    assert strip_endmatter(body) == ARTICLE


def test_a_heading_does_not_cut_off_a_large_part_of_the_article():
    body = ARTICLE[:2] + ["Quellen:"] + ARTICLE[2:]
    assert strip_endmatter(body) == ARTICLE


def test_end_matter_early_in_a_long_body_is_kept():
    body = ["Sign up for our newsletter to get this every week."] + ARTICLE * 2
    assert strip_endmatter(body) == body


@pytest.mark.parametrize(
    ("heading", "links"),
    [
        # uk_TheSun: a "Most read in <section>" box after the last paragraph
        ("Most read in Football", ["Star signs for Arsenal", "Transfer news live"]),
        # jp_ChunichiShimbun, jp_TokyoShimbun: related keywords, recommendations
        ("関連キーワード", ["南海トラフ", "地震"]),
        ("おすすめ情報", ["カテゴリーをフォローする"]),
    ],
)
def test_related_articles_heading_cuts_off_the_links_after_it(heading, links):
    assert strip_endmatter(ARTICLE + [heading, *links]) == ARTICLE


def test_most_read_inside_a_sentence_is_article_text():
    assert not is_endmatter("Most readers will not notice the change, the council said.")


LONG_BIO = (
    "Jason Doe is an associate editor and opinion writer for the Example Post. He grew up "
    "in the Pacific Northwest and trained as an attorney, but for the last five years he "
    "has devoted his time to writing political news and analysis for a national audience. "
    "His work has appeared in several regional papers and magazines, and he has reported "
    "from city councils, state legislatures and courtrooms across the country, covering "
    "elections, budgets, schools, housing and the people they affect most."
)


def test_a_long_author_biography_below_the_article_is_end_matter():
    # 87-word bios end articles on two dev-set publishers; the former 80-word cap kept them.
    assert 80 < len(LONG_BIO.split()) <= 120
    assert strip_endmatter(ARTICLE + [LONG_BIO]) == ARTICLE


def test_author_biography_is_recognised_by_the_author_name():
    assert is_author_bio("Jane Doe covers city hall and transport.", ("Jane Doe",))
    assert not is_author_bio("Jane Doe covers city hall and transport.", ("John Roe",))


def test_biography_with_a_role_or_birth_year_around_the_author_name():
    # Die Welt, Die Presse, TechRadar, Berliner Zeitung end articles with such bios.
    assert is_named_bio(
        "Korrespondent Ulrich Exner ist bei WELT für landespolitische Themen zuständig.",
        ("Ulrich Exner",),
    )
    assert is_named_bio(
        "Anne-Marie Slaughter (*1958) war Direktorin für politische Planung.",
        ("Anne-Marie Slaughter",),
    )
    assert is_named_bio(
        "Lance Ulanoff makes frequent appearances on national news programs.",
        ("Lance Ulanoff",),
    )


def test_named_bio_needs_the_full_name_near_the_start_and_a_verb_after_it():
    assert not is_named_bio("Ulrich Exner ist bei WELT.", ("Exner",))  # one-word name
    assert not is_named_bio(
        "After the vote on Sunday evening the lawyer Jane Doe is expected to appeal.",
        ("Jane Doe",),
    )
    assert not is_named_bio("Jane Doe said the council would vote again.", ("Jane Doe",))


def test_named_bio_at_the_end_is_end_matter():
    bio = "Korrespondent Ulrich Exner ist bei WELT für landespolitische Themen zuständig."
    assert strip_endmatter(ARTICLE + [bio], ("Ulrich Exner",)) == ARTICLE
