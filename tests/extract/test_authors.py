"""Author name cleaning."""

from pipeline.extract.authors import clean_authors, is_byline, jsonld_author_names


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


def test_jsonld_organisations_and_urls_are_skipped():
    values = [
        {"@type": "Person", "name": "Jane Doe"},
        {"@type": "Organization", "name": "Example"},
        "https://example.com/authors/jane",
    ]
    assert jsonld_author_names(values) == ["Jane Doe"]


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
