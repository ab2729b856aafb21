"""Listing pages modelled on the SII's (circulars, resolutions, news), written for the tests and encoded
as ISO-8859-1 bytes like the real site. Plain Python, no odoo: the engine tests and the Odoo tests share
them, the benchmark too.

Each builder takes the entries to list, so a test can add one (a "changed page") and know exactly what a
parser must find.
"""

import dataclasses

ENCODING = "iso-8859-1"


@dataclasses.dataclass(frozen=True)
class Entry:
    number: int
    day: int
    month: str  # Spanish month name, as the SII writes it (capitalised or not)
    year: int
    subject: str


CIRCULARS = (
    Entry(
        54,
        23,
        "Diciembre",
        2025,
        "Imparte instrucciones sobre la emisión de boletas electrónicas de ventas y servicios.",
    ),
    Entry(
        55,
        2,
        "enero",
        2026,
        "Modifica el formato del Documento Tributario Electrónico para facturas de exportación.",
    ),
    Entry(
        56,
        15,
        "Enero",
        2026,
        "Instruye sobre el tratamiento del IVA en servicios digitales prestados desde el extranjero.",
    ),
)
NEW_CIRCULAR = Entry(
    57,
    3,
    "Febrero",
    2026,
    "Actualiza el plazo de declaración de remuneraciones en el Libro de Remuneraciones Electrónico.",
)
RESOLUTIONS = (
    Entry(
        12,
        5,
        "marzo",
        2026,
        "Establece nuevo formato de guía de despacho electrónica para traslados internos.",
    ),
    Entry(
        13,
        6,
        "marzo",
        2026,
        "Fija el procedimiento de término de giro para contribuyentes acogidos al régimen Pro Pyme.",
    ),
)
NEWS = (
    (
        "120326noti01aav",
        12,
        3,
        2026,
        "SII recuerda el plazo de la declaración jurada 1887",
        "El plazo vence el lunes 16 de marzo; las empresas deben informar las remuneraciones pagadas.",
    ),
    (
        "180326noti02jpa",
        18,
        3,
        2026,
        "Nueva versión del portal de facturación gratuita",
        "El portal incorpora la emisión de notas de crédito con referencia automática.",
    ),
)


def _page(title, body):
    return (
        '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">\n<html><head>'
        '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
        f"<title>{title}</title></head><body>"
        '<div id="header"><a href="/index.html">Inicio</a> | <a href="/ayudas/index.html">Ayuda</a></div>'
        f'<div id="contenido"><h2>{title}</h2>{body}</div>'
        '<div id="pie">Servicio de Impuestos Internos - Teléfono 223951115 '
        '<a href="/contacto.htm">Contacto</a>'
        "</div></body></html>"
    )


def circulars_html(year=2026, entries=CIRCULARS):
    """The h5 + p layout: each entry a heading linking the PDF, then its subject and source."""
    body = "".join(
        f'<h5><a href="circu{e.number}.pdf">'
        f"Circular N° {e.number} del {e.day} de {e.month} del {e.year}</a></h5>"
        f"<p>{e.subject}</p><p><i>Fuente: Diario Oficial</i></p>"
        for e in entries
    )
    return _page(f"Circulares año {year}", body)


def resolutions_html(year=2026, entries=RESOLUTIONS):
    """Another layout: a table, one row per resolution (number, date, subject linking the PDF)."""
    rows = "".join(
        f"<tr><td>Resolución Ex. SII N° {e.number}</td><td>{e.day} de {e.month} de {e.year}</td>"
        f'<td><a href="/normativa_legislacion/resoluciones/{year}/reso{e.number}.pdf">'
        f"{e.subject}</a></td></tr>"
        for e in entries
    )
    return _page(
        f"Resoluciones {year}", f"<table><tr><th>Número</th><th>Fecha</th><th>Materia</th></tr>{rows}</table>"
    )


def news_html(year=2026, entries=NEWS):
    """News: list items linking the news page, a dateline and a lead paragraph."""
    items = "".join(
        f'<li><a href="{slug}.htm">{title}</a><span class="fecha">{day} de {_MONTHS[month]} de {y}</span>'
        f"<p>{lead}</p></li>"
        for slug, day, month, y, title, lead in entries
    )
    return _page(f"Noticias {year}", f'<ul class="noticias">{items}</ul>')


def broken_html():
    """Unclosed tags, stray end tags, an unterminated comment-like text: lxml must recover both entries."""
    return (
        "<html><head><meta charset=iso-8859-1><title>Circulares</title><body><div><div>"
        '<h5><a href="circu60.pdf">Circular N° 60 del 4 de abril de 2026</h5>'
        "<p>Regula la facturación de servicios de construcción<table><tr><td>"
        '</div></span><h5><a href="circu61.pdf">Circular Nº 61 del 9 de Abril de 2026</a>'
        "<p>Instruye sobre la retención de honorarios <b>año tributario 2027"
    )


def empty_html():
    """A page that still answers but lists nothing (its layout changed, or the year just began)."""
    return _page("Circulares", "<p>Página en mantención. Vuelva a intentarlo más tarde.</p>")


def encoded(text):
    return text.encode(ENCODING)


def big_listing(min_bytes=1024 * 1024):
    """A circulars listing of at least ``min_bytes`` (ISO-8859-1), for the parser benchmark."""
    entries, number = [], 1
    base = CIRCULARS[0].subject + " Considera además los contribuyentes del régimen general. " * 3
    while True:
        entries.append(Entry(number, 1 + number % 28, "Diciembre", 2025, f"{base} ({number})"))
        number += 1
        if number % 200 == 0 and len(encoded(circulars_html(2025, entries))) >= min_bytes:
            return encoded(circulars_html(2025, entries)), len(entries)


_MONTHS = {1: "enero", 2: "febrero", 3: "marzo", 4: "abril", 5: "mayo", 6: "junio", 7: "julio", 8: "agosto",
           9: "septiembre", 10: "octubre", 11: "noviembre", 12: "diciembre"}  # fmt: skip
