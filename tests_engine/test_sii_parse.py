"""The SII listing parser on pages modelled on the real ones (ISO-8859-1 bytes), layouts and damage."""

import datetime
import time

from fakes import sii_fixtures as fx
from services.sii_monitor import decoding, parse

BASE = "https://www.sii.cl/normativa_legislacion/circulares/2026/indcir2026.htm"
RES_BASE = "https://www.sii.cl/normativa_legislacion/resoluciones/2026/res_ind2026.htm"
NEWS_BASE = "https://www.sii.cl/noticias/2026/index.html"


def _parse(raw, base, content_type="text/html"):
    text, _encoding = decoding.decode(raw, content_type)
    return parse.parse_listing(text, base)


def test_circulars_h5_layout_gives_every_entry_with_number_date_and_subject():
    items = _parse(fx.encoded(fx.circulars_html()), BASE)
    assert [(i.kind, i.number, i.date) for i in items] == [
        ("circular", "54", datetime.date(2025, 12, 23)),
        ("circular", "55", datetime.date(2026, 1, 2)),
        ("circular", "56", datetime.date(2026, 1, 15)),
    ]
    first = items[0]
    assert first.url == "https://www.sii.cl/normativa_legislacion/circulares/2026/circu54.pdf"
    assert first.title == "Circular N° 54 del 23 de Diciembre del 2025"
    assert first.subject == fx.CIRCULARS[0].subject, "accents decoded from ISO-8859-1; 'Fuente:' dropped"


def test_resolutions_in_a_table_are_read_by_content_not_layout():
    items = _parse(fx.encoded(fx.resolutions_html()), RES_BASE)
    assert [(i.kind, i.number, i.date, i.subject) for i in items] == [
        ("resolution", str(e.number), datetime.date(2026, 3, e.day), e.subject) for e in fx.RESOLUTIONS
    ]
    assert items[0].title == "Resolución Ex. SII N° 12"
    assert items[0].url == "https://www.sii.cl/normativa_legislacion/resoluciones/2026/reso12.pdf"


def test_news_items_take_their_title_from_the_link_and_the_date_from_the_dateline():
    items = _parse(fx.encoded(fx.news_html()), NEWS_BASE)
    assert [(i.kind, i.title, i.date) for i in items] == [
        ("news", title, datetime.date(year, month, day)) for _s, day, month, year, title, _l in fx.NEWS
    ]
    assert items[0].url == "https://www.sii.cl/noticias/2026/120326noti01aav.htm"
    assert items[0].subject == fx.NEWS[0][5]


def test_navigation_and_footer_links_are_not_publications():
    urls = [i.url for i in _parse(fx.encoded(fx.circulars_html()), BASE)]
    assert not [url for url in urls if "contacto" in url or "index" in url]


def test_broken_markup_still_yields_both_entries():
    items = _parse(fx.encoded(fx.broken_html()), BASE)
    assert [(i.number, i.date) for i in items] == [
        ("60", datetime.date(2026, 4, 4)),
        ("61", datetime.date(2026, 4, 9)),
    ]
    assert "construcción" in items[0].subject
    assert "honorarios" in items[1].subject


def test_an_empty_page_and_no_content_yield_nothing():
    assert _parse(fx.encoded(fx.empty_html()), BASE) == []
    assert parse.parse_listing("", BASE) == []
    assert parse.parse_listing("   ", BASE) == []


def test_the_same_document_linked_twice_is_one_publication_with_its_subject():
    html = (
        '<html><body><p><a href="circu70.pdf">Circular N° 70 del 1 de junio de 2026</a></p>'
        "<p>Materia de la circular setenta sobre facturas.</p>"
        '<p>Descargue: <a href="circu70.pdf">PDF</a></p></body></html>'
    )
    items = parse.parse_listing(html, BASE)
    assert len(items) == 1
    assert items[0].subject.startswith("Materia de la circular setenta")


def test_number_and_date_fall_back_to_the_link():
    html = (
        '<html><body><ul><li><a href="/noticias/2026/050226noti03abc.htm">Aviso</a></li></ul></body></html>'
    )
    (item,) = parse.parse_listing(html, NEWS_BASE)
    assert (item.number, item.date) == ("050226noti03abc", datetime.date(2026, 2, 5))
    html = (
        '<html><body><h5><a href="circu0099.pdf">Circular</a></h5>'
        "<p>Sin fecha visible en la entrada.</p></body></html>"
    )
    (item,) = parse.parse_listing(html, BASE)
    assert (item.number, item.date, item.year) == ("99", None, None)


def test_document_kind_recognises_sii_document_names_only():
    assert parse.document_kind("https://x/circulares/2024/circu12.pdf") == ("circular", "12")
    assert parse.document_kind("https://x/resoluciones/2024/reso045.pdf") == ("resolution", "45")
    assert parse.document_kind("https://x/resoluciones/2024/res_ind2024.htm") == (None, "")
    assert parse.document_kind("https://x/circulares/2024/indcir2024.htm") == (None, "")
    assert parse.document_kind("https://x/noticias/2024/index.html") == (None, "")
    assert parse.document_kind("https://x/circulares/2024/circu12.jpg") == (None, "")


def test_spanish_dates():
    assert parse.spanish_date("Circular N° 54 del 23 de Diciembre del 2011") == datetime.date(2011, 12, 23)
    assert parse.spanish_date("1° de setiembre de 2020") == datetime.date(2020, 9, 1)
    assert parse.spanish_date("31 de febrero de 2020, 3 de marzo de 2020") == datetime.date(2020, 3, 3)
    assert parse.spanish_date("sin fecha") is None


def test_deeply_nested_markup_keeps_its_entries_up_to_libxml2s_depth_limit():
    """250 unclosed blocks (broken pages nest deep) still give the entry; deeper, see the 5 MB test below."""
    html = (
        "<html><body>"
        + "<div>" * 250
        + '<h5><a href="circu1.pdf">Circular N° 1 del 2 de enero de 2026</a></h5>'
    )
    html += "<p>Una materia suficientemente larga para ser el asunto.</p>" + "</div>" * 250 + "</body></html>"
    (item,) = parse.parse_listing(html, BASE)
    assert item.number == "1"


def _hostile_page(links=150_000, depth=250):
    """About 5 MB: ``links`` document links inside ``depth`` nested blocks."""
    entries = "".join(f"<a href=circu{i}.pdf>{i}</a>" for i in range(links))
    return (
        "<html><body>"
        + "<div><span>" * (depth // 2)
        + entries
        + "</span></div>" * (depth // 2)
        + "</body></html>"
    )


def test_a_page_of_150000_links_in_nested_blocks_is_read_up_to_the_link_cap_in_bounded_time():
    text = _hostile_page()
    assert 4_000_000 < len(text.encode()) < 6_000_000
    started = time.monotonic()
    items = parse.parse_listing(text, BASE)
    elapsed = time.monotonic() - started
    assert len(items) == parse.MAX_LINKS
    assert [item.number for item in items[:2]] == ["0", "1"]
    assert elapsed < 5, f"{elapsed:.1f} s"


def test_a_page_of_nothing_but_nested_tags_parses_in_bounded_time():
    """5 MB of nesting: the parser keeps libxml2's depth limit (no ``huge_tree``) and stops there."""
    text = "<html><body>" + "<div><b>" * 600_000 + '<a href="circu1.pdf">N° 1</a>'
    started = time.monotonic()
    assert parse.parse_listing(text, BASE) == []
    assert time.monotonic() - started < 5
