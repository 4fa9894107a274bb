"""Bytes to text: the order in which charsets are tried."""

from pipeline.extract.decode import decode_html

CAFE = "<html><head>{meta}<title>Café</title></head><body><p>Ça coûte</p></body></html>"


def test_http_charset_comes_first():
    data = CAFE.format(meta="").encode("utf-8")
    # Valid UTF-8, but the HTTP header says cp1252: the header wins.
    assert "CafÃ©" in decode_html(data, "windows-1252")


def test_valid_utf8_beats_a_stale_meta_charset():
    data = CAFE.format(meta='<meta charset="iso-8859-1">').encode("utf-8")
    assert "Café" in decode_html(data)


def test_meta_charset_decodes_what_utf8_cannot():
    data = CAFE.format(meta='<meta charset="koi8-r">').encode("koi8-r", "replace")
    text = CAFE.format(meta='<meta charset="koi8-r">').encode("koi8-r", "replace").decode("koi8-r")
    assert decode_html(data) == text


def test_latin1_label_reads_as_windows_1252():
    data = CAFE.format(meta='<meta charset="iso-8859-1">').replace("Ça", "“Ça”").encode("cp1252")
    assert "“Ça”" in decode_html(data)


def test_unknown_http_charset_is_skipped():
    assert "Café" in decode_html(CAFE.format(meta="").encode("utf-8"), "no-such-charset")
