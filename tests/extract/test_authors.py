"""Author name cleaning."""

from lxml.html import fromstring

from pipeline.extract.authors import (
    choose_authors,
    clean_authors,
    is_byline,
    jsonld_author_names,
    structured_authors,
)
from pipeline.extract.structured import read_metadata


def test_by_prefix_and_and_are_removed():
    assert clean_authors(["By Jane Doe and John Smith"]) == ("Jane Doe", "John Smith")


def test_roles_and_emails_are_removed():
    assert clean_authors(["Jane Doe, Staff Writer", "john.smith@example.com"]) == ("Jane Doe",)


def test_duplicates_are_dropped_case_insensitively_keeping_order():
    assert clean_authors(["Jane Doe", "JANE DOE", "Ann Lee"]) == ("Jane Doe", "Ann Lee")


def test_german_von_und():
    assert clean_authors(["Von Anna Fink und Jan Marchart"]) == ("Anna Fink", "Jan Marchart")


def test_sentences_are_not_names():
    assert clean_authors(["This story was updated on 3 May with new figures"]) == ()


def test_jsonld_urls_are_skipped_and_organisations_marked():
    values = [
        {"@type": "Person", "name": "Jane Doe"},
        {"@type": "Organization", "name": "Example"},
        "https://example.com/authors/jane",
    ]
    assert jsonld_author_names(values) == [("Jane Doe", False), ("Example", True)]


def _authors_of(jsonld: str) -> tuple[str, ...]:
    page = (
        '<html><head><script type="application/ld+json">'
        + jsonld
        + "</script></head><body><p>Text.</p></body></html>"
    )
    tree = fromstring(page)
    return choose_authors(read_metadata(tree), tree)


def test_organisation_signing_the_article_is_its_author():
    # BBC News pages sign with a NewsMediaOrganization and name no person (dev set:
    # uk_BBC, jp_AsahiShimbun, de_Kicker): the organisation is the author, its name
    # untouched ("Redaktion hessenschau.de" is a name, not a role)
    assert _authors_of(
        '{"@type": "NewsArticle", "author": {"@type": "NewsMediaOrganization",'
        ' "name": "Redaktion hessenschau.de"}}'
    ) == ("Redaktion hessenschau.de",)
    assert _authors_of(
        '{"@type": "NewsArticle", "author": [{"@type": "Person", "name": "Paula Steiger"},'
        ' {"@type": "Organization", "name": "SDA"}]}'
    ) == ("Paula Steiger", "SDA")


def test_person_without_name_is_given_and_family_name():
    # at_DerStandard: schema.org Person objects with givenName and familyName only
    assert _authors_of(
        '{"@type": "NewsArticle", "author": [{"@type": "Person", "givenName": "Anna Giulia",'
        ' "familyName": "Fink"}, [{"@type": "Person", "name": "Jan Marchart"}]]}'
    ) == ("Anna Giulia Fink", "Jan Marchart")


def test_author_reference_is_looked_up_in_the_graph_and_slug_spelling_dropped():
    # us_FreeBeacon (Yoast): the author is an @id reference to a Person of the @graph,
    # followed by the same person spelt as a slug
    assert _authors_of(
        '{"@graph": [{"@type": "NewsArticle", "author": [{"@id": "https://x.org/#p1"},'
        ' {"@type": "Person", "name": "chuck-ross"}]},'
        ' {"@type": "Person", "@id": "https://x.org/#p1", "name": "Chuck Ross"}]}'
    ) == ("Chuck Ross",)


def test_desk_credit_is_kept_whole():
    # uk_TheGuardian: "Guardian staff reporter" would lose its role words and leave
    # "Guardian"; a real name keeps losing its role
    assert structured_authors([("Guardian staff reporter", False)]) == ("Guardian staff reporter",)
    assert structured_authors([("BR24 Redaktion", False)]) == ("BR24 Redaktion",)
    assert structured_authors([("Jane Doe, Staff Writer", False)]) == ("Jane Doe",)


def test_bracket_left_open_by_a_removed_url_goes_too():
    # de_DW: <meta name="author" content="Deutsche Welle (www.dw.com)">
    assert clean_authors(["Deutsche Welle (www.dw.com)"]) == ("Deutsche Welle",)


def test_von_line_naming_the_author_is_a_byline():
    assert is_byline("Von Anna Fink", ("Anna Fink",))


def test_line_of_author_names_is_a_byline():
    assert is_byline("Jane Doe and AP", ("Jane Doe",))


def test_sentence_mentioning_the_author_is_not_a_byline():
    assert not is_byline(
        "Jane Doe spoke to the mayor about the tram plan on Monday morning.", ("Jane Doe",)
    )


def test_by_prefix_alone_is_a_byline_only_when_short():
    assert is_byline("By the editors", ())
    assert not is_byline(
        "By the end of the year the tram network will reach the airport terminal.", ()
    )
