"""The sample format writer and reader."""

from pathlib import Path

from pipeline.sample_format import format_article, parse_sample, sample_file_name

SAMPLE = Path(__file__).parent / "fixtures" / "sample-format" / "000_0f7b4c98e858c67a.txt"


def test_shared_sample_round_trips_exactly():
    text = SAMPLE.read_text(encoding="utf-8")
    title, body, authors = parse_sample(text)
    assert format_article(title, body, authors) == text


def test_shared_sample_parts():
    title, body, authors = parse_sample(SAMPLE.read_text(encoding="utf-8"))
    assert title == "Share"
    assert authors == ("Vasily Botanov",)
    assert body.startswith("Isis oil convoys destroyed")
    assert body.endswith("prior warning of them.")


def test_layout_title_blank_body_blank_byline_without_trailing_newline():
    text = format_article("Title", "First.\n\nSecond.", ("Ann Lee", "Bo Kim"))
    assert text == "Title\n\nFirst.\n\nSecond.\n\nAnn Lee, Bo Kim"


def test_no_authors_leaves_out_the_byline():
    assert format_article("T", "Body.", ()) == "T\n\nBody."


def test_title_whitespace_is_collapsed_to_one_line():
    assert format_article("A\n  title ", "x", ()).splitlines()[0] == "A title"


def test_sample_file_name_is_index_and_16_hex_of_the_url_hash():
    import hashlib

    url = "https://example.com/news/tram"
    assert sample_file_name(7, url) == f"007_{hashlib.sha256(url.encode()).hexdigest()[:16]}.txt"
