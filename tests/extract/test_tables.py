"""Tables are not article text (both dev sets leave them out of the body)."""

from pipeline.extract import extract_html

PARAGRAPH = (
    "<p>The magazine named fifty women who lead companies in 2024, from start-ups to "
    "some of the largest employers in the country, after months of reporting. "
    "Paragraph {i} of the article goes on with the story.</p>"
)


def test_table_rows_are_left_out_of_the_body():
    # eval CNBC_4 (a table of honourees), main cz_SeznamZpravy: the annotated bodies
    # keep the paragraphs around a table, not its rows ("| Name | Company | Title |")
    paragraphs = "".join(PARAGRAPH.format(i=i) for i in range(6))
    table = (
        "<table><tr><th>Name</th><th>Company</th><th>Title</th></tr>"
        "<tr><td>Revathi Advaithi</td><td>Flex</td><td>Chief Executive Officer</td></tr>"
        "</table>"
    )
    page = (
        "<html><head><title>Women who lead</title></head><body><article>"
        f"<h1>Women who lead</h1>{paragraphs}{table}{PARAGRAPH.format(i=7)}"
        "</article></body></html>"
    )
    body = extract_html(page, "https://example.com/a").article.body
    assert "Paragraph 7 of the article" in body
    assert "Revathi Advaithi" not in body
