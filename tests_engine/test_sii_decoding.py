"""Decoding of SII pages: the HTTP charset, then the <meta> charset, then cp1252 / ISO-8859-1."""

from services.sii_monitor import decoding

LATIN = "Resolución Nº 12 del año 2026 – diseño".encode("cp1252")


def test_http_header_charset_wins():
    text, encoding = decoding.decode("Resolución".encode(), "text/html; charset=UTF-8")
    assert (text, encoding) == ("Resolución", "utf-8")


def test_meta_charset_when_the_header_has_none():
    raw = b'<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">' + LATIN
    text, encoding = decoding.decode(raw, "text/html")
    assert encoding == "cp1252", "Latin-1 labels are read as windows-1252, their superset (WHATWG)"
    assert text.endswith("Resolución Nº 12 del año 2026 – diseño")


def test_html5_meta_charset():
    text, encoding = decoding.decode(b"<meta charset='utf-8'>" + "año".encode(), None)
    assert (text[-3:], encoding) == ("año", "utf-8")


def test_no_declaration_falls_back_to_cp1252_never_utf8_first():
    raw = "año".encode()  # valid UTF-8, but nothing says so: read as cp1252
    text, encoding = decoding.decode(raw, "text/html")
    assert encoding == "cp1252"
    assert text == "aÃ±o"
    assert decoding.decode(LATIN, None)[0] == "Resolución Nº 12 del año 2026 – diseño"


def test_a_wrong_declaration_falls_through_to_the_next():
    raw = b'<meta charset="utf-8">' + LATIN  # declared UTF-8, bytes are Latin: strict UTF-8 fails
    text, encoding = decoding.decode(raw, "text/html; charset=bogus-charset")
    assert encoding == "cp1252"
    assert "Resolución" in text


def test_bytes_undefined_in_cp1252_end_in_iso_8859_1():
    text, encoding = decoding.decode(b"a\x81b", None)
    assert (text, encoding) == ("a\x81b", "iso8859-1")
