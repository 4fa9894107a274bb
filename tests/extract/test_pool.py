"""Batch extraction in a process pool."""

from pathlib import Path

from pipeline.extract import iter_extract
from pipeline.records import FetchedPage

FIXTURES = Path(__file__).parent.parent / "fixtures" / "extract"


def test_iter_extract_keeps_order_and_survives_bad_pages():
    names = ["article_furniture.html", "binary.bin", "index_page.html", "url_date_only.html"] * 3
    pages = [
        FetchedPage(url=f"https://example.com/{i}", source="test", body=(FIXTURES / n).read_bytes())
        for i, n in enumerate(names)
    ]
    results = list(iter_extract(pages, processes=2))
    assert [r.url for r in results] == [p.url for p in pages]
    assert [r.status for r in results[:4]] == ["ok", "error", "not_article", "ok"]
