"""Hardened parsing of received DTE files: the fields of a good document, envelopes with a broken DTE,
encodings, and hostile inputs (XXE, entity bombs, oversize, not a DTE, malformed)."""

import time
from datetime import date
from decimal import Decimal

import pytest
from lxml import etree

from fakes import dte_xml_factory as fx
from services.reception import parse
from services.reception.errors import FileTooLarge, ForbiddenXml, MalformedXml, NotADte


def one(data):
    reception = parse.parse(data)
    assert reception.errors == ()
    (doc,) = reception.documents
    return doc


# A good document


def test_bare_dte_fields_in_iso_8859_1():
    spec = fx.doc_spec(
        global_discounts=[("D", "%", 10, None), ("R", "$", 500, 1)],
        references=[
            {
                "TpoDocRef": "801",
                "FolioRef": "OC-4471",
                "FchRef": "2025-06-01",
                "RazonRef": "Orden de compra",
            },
            {"TpoDocRef": "HES", "FolioRef": "HES 12", "FchRef": "2025-06-02"},
            {
                "TpoDocRef": "33",
                "FolioRef": "1500",
                "FchRef": "2025-05-30",
                "CodRef": "3",
                "RazonRef": "Corrige",
            },
        ],
        other_taxes=[(27, 10, 1234), (15, 19, 100)],
    )
    data = fx.dte_bytes(spec)
    assert "Ñuñoa".encode("iso-8859-1") in data  # written as the SII writes it
    doc = one(data)
    assert (doc.doc_type, doc.folio, doc.issue_date, doc.due_date) == (
        "33",
        1523,
        date(2025, 6, 10),
        date(2025, 7, 10),
    )
    assert (doc.issuer_rut, doc.issuer_name, doc.issuer_giro) == (
        "96790240-3",
        "Proveedora Ñuñoa SpA",
        "Venta de materiales de construcción",
    )
    assert (doc.issuer_street, doc.issuer_comuna, doc.receiver_rut) == (
        "Av. Irarrázaval 1234",
        "Ñuñoa",
        "76086428-5",
    )
    first, second = doc.lines
    assert (first.number, first.name, first.quantity, first.unit_price) == (
        1,
        "Lámina PC Alveolar Bronce 6mm 2,10x5,80 m",
        Decimal(2),
        Decimal(150000),
    )
    assert (first.discount_amount, first.amount, first.taxed, first.exempt) == (
        Decimal(10000),
        Decimal(290000),
        True,
        False,
    )
    assert (second.ind_exe, second.exempt, second.amount) == (1, True, Decimal(25000))
    discount, surcharge = doc.global_discounts
    assert (discount.kind, discount.value_type, discount.value, discount.ind_exe) == (
        "D",
        "%",
        Decimal(10),
        None,
    )
    assert (surcharge.kind, surcharge.value_type, surcharge.value, surcharge.ind_exe) == (
        "R",
        "$",
        Decimal(500),
        1,
    )
    order, sheet, note = doc.references
    assert (order.doc_type, order.folio, order.date, order.reason) == (
        "801",
        "OC-4471",
        date(2025, 6, 1),
        "Orden de compra",
    )
    assert (sheet.doc_type, sheet.folio) == ("HES", "HES 12")
    assert (note.doc_type, note.folio, note.code) == ("33", "1500", 3)
    net, exe, vat, total = spec.computed()
    t = doc.totals
    assert (t.net, t.exempt, t.vat_rate, t.vat, t.total) == (net, exe, Decimal(19), vat, total)
    assert [(tax.code, tax.amount, tax.retained) for tax in t.other_taxes] == [
        (27, 1234, False),
        (15, 100, True),
    ]
    assert (t.additional_taxes, t.retained) == (Decimal(1234), Decimal(100))
    assert (
        doc.ted.folio == "1523"
        and doc.ted.caf.folio_from == "1001"
        and doc.ted.first_item == first.name[:40].strip()
    )
    assert doc.document_id == "F1523T33" and doc.currency == ""


def test_raw_bytes_keep_the_dte_alone_and_reparse_to_the_same_document():
    doc = parse.parse(fx.envio_bytes([fx.dte_xml(), fx.dte_xml(fx.doc_spec(folio=1524))])).documents[1]
    assert doc.folio == 1524 and doc.raw.startswith(b"<?xml") and b"<EnvioDTE" not in doc.raw
    again = one(doc.raw)
    assert again.totals == doc.totals and again.lines == doc.lines and again.ted == doc.ted


def test_export_currency_and_dte_without_namespace():
    text = fx.dte_xml(fx.doc_spec(currency="DOLAR USA")).replace(f' xmlns="{fx.SII_NS}"', "")
    doc = one((fx.DECLARATION + text).encode("iso-8859-1"))
    assert doc.currency == "DOLAR USA" and doc.folio == 1523


def test_utf8_declared_and_undeclared_latin1_are_both_read():
    text = fx.dte_xml()
    utf8 = ('<?xml version="1.0" encoding="UTF-8"?>\n' + text).encode("utf-8")
    assert one(utf8).issuer_comuna == "Ñuñoa"
    bare_latin1 = text.encode("iso-8859-1")  # no declaration, not valid UTF-8
    assert one(bare_latin1).issuer_comuna == "Ñuñoa"


# Envelopes


def test_envelope_returns_every_good_dte_and_names_the_broken_one():
    good_a = fx.dte_xml(fx.doc_spec(folio=1523))
    broken = (
        fx.dte_xml(fx.doc_spec(folio=1524, doc_type="34"))
        .replace("<MntTotal>", "<MntTotalX>")
        .replace("</MntTotal>", "</MntTotalX>")
    )
    bad_value = fx.dte_xml(fx.doc_spec(folio=1525)).replace("<FchEmis>2025-06-10", "<FchEmis>10-06-2025")
    good_b = fx.dte_xml(fx.doc_spec(folio=1526))
    reception = parse.parse(fx.envio_bytes([good_a, broken, bad_value, good_b]))
    assert reception.root == "EnvioDTE" and reception.encoding == "ISO-8859-1"
    assert (reception.envelope_issuer_rut, reception.envelope_receiver_rut) == (fx.ISSUER_RUT, fx.COMPANY_RUT)
    assert [doc.folio for doc in reception.documents] == [1523, 1526]
    assert [doc.index for doc in reception.documents] == [1, 4]
    missing, wrong = reception.errors
    assert (missing.index, missing.doc_type, missing.folio, missing.message_key) == (
        2,
        "34",
        "1524",
        "REC_DTE_INVALID.missing",
    )
    assert missing.params["tag"] == "MntTotal"
    assert (wrong.index, wrong.folio, wrong.message_key, wrong.params["tag"]) == (
        3,
        "1525",
        "REC_DTE_INVALID.bad_value",
        "FchEmis",
    )
    assert wrong.params["value"] == "10-06-2025"


def test_bare_dte_with_a_broken_field_is_an_error_not_an_exception():
    data = fx.dte_bytes().replace(b"<Folio>1523</Folio>", b"<Folio>15x23</Folio>")
    reception = parse.parse(data)
    assert reception.documents == ()
    (error,) = reception.errors
    assert (error.folio, error.message_key, error.params["tag"]) == (
        "15x23",
        "REC_DTE_INVALID.bad_value",
        "Folio",
    )


def test_envelope_without_dte_is_not_a_dte():
    data = fx.envio_bytes([])
    with pytest.raises(NotADte) as caught:
        parse.parse(data)
    assert caught.value.message_key == "REC_NOT_DTE.empty"


# Hostile inputs


def test_doctype_with_external_entity_is_refused_and_the_file_never_read(tmp_path):
    secret = tmp_path / "passwd"
    secret.write_text("root:SECRET-MARKER:0:0")
    for target in ("file:///etc/passwd", secret.as_uri()):
        payload = fx.dte_xml().replace("<RznSoc>Proveedora Ñuñoa SpA", "<RznSoc>&xxe;")
        data = (
            '<?xml version="1.0" encoding="ISO-8859-1"?>\n'
            f'<!DOCTYPE DTE [<!ENTITY xxe SYSTEM "{target}">]>\n{payload}'
        ).encode("iso-8859-1")
        with pytest.raises(ForbiddenXml) as caught:
            parse.parse(data)
        assert caught.value.params == {"construct": "DOCTYPE"}
        assert "SECRET-MARKER" not in repr(caught.value) and "root:" not in str(caught.value)


def test_doctype_the_byte_check_cannot_see_is_refused_after_parsing_without_reading(tmp_path):
    """UTF-16 hides '<!DOCTYPE' from the raw byte check; the hardened parser does not resolve the entity
    and the parsed tree's DOCTYPE is refused."""
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-MARKER")
    text = (
        f'<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE DTE [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
        f'<DTE xmlns="{fx.SII_NS}"><Documento><x>&xxe;</x></Documento></DTE>'
    )
    data = text.encode("utf-16")
    assert b"<!DOCTYPE" not in data
    with pytest.raises(ForbiddenXml):
        parse.parse(data)
    tree = etree.fromstring(data, parse.xml_parser())  # noqa: S320 - the hardened parser under test
    assert b"SECRET-MARKER" not in etree.tostring(tree)


def test_billion_laughs_is_refused_at_once_and_never_expanded_by_the_parser():
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    data = f'<?xml version="1.0"?><!DOCTYPE DTE [{entities}]><DTE><a>&lol9;</a></DTE>'.encode()
    started = time.perf_counter()
    with pytest.raises(ForbiddenXml):
        parse.parse(data)
    assert time.perf_counter() - started < 0.5
    try:  # libxml2 may also stop it as an entity loop; either way nothing is expanded
        tree = etree.fromstring(data, parse.xml_parser())  # noqa: S320 - the hardened parser under test
    except etree.XMLSyntaxError:
        return
    assert len(etree.tostring(tree)) < 10_000  # the 10^9 "lol"s were not expanded


def test_entity_declaration_without_doctype_word_is_refused():
    with pytest.raises(ForbiddenXml) as caught:
        parse.parse(b'<?xml version="1.0"?><!ENTITY x "y"><DTE/>')
    assert caught.value.params["construct"] == "ENTITY"


def test_file_over_ten_megabytes_is_refused_before_parsing():
    data = b"<" * (parse.MAX_BYTES + 1)  # not XML at all: the size is checked first
    with pytest.raises(FileTooLarge) as caught:
        parse.parse(data)
    assert caught.value.params == {"size": parse.MAX_BYTES + 1, "limit": 10 * 1024 * 1024}


def test_a_big_file_under_the_limit_is_read():
    padding = "<!-- " + "x" * (parse.MAX_BYTES - 200_000) + " -->"
    text = fx.dte_xml().replace("<Documento ", padding + "<Documento ", 1)
    data = (fx.DECLARATION + text).encode("iso-8859-1")
    assert len(data) <= parse.MAX_BYTES
    assert one(data).folio == 1523


@pytest.mark.parametrize(
    ("data", "root"),
    [
        (
            b'<?xml version="1.0"?><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>',
            "Invoice",
        ),
        (b'<DTE xmlns="http://example.com/not-sii"><Documento/></DTE>', "DTE"),
        (b"<html><body>factura</body></html>", "html"),
    ],
)
def test_xml_that_is_not_a_dte(data, root):
    with pytest.raises(NotADte) as caught:
        parse.parse(data)
    assert caught.value.params["root"] == root and caught.value.message_key == "REC_NOT_DTE"


@pytest.mark.parametrize(
    "data",
    [fx.dte_bytes()[:-40], b"", b"not xml at all", b'<?xml version="1.0" encoding="NO-SUCH-CHARSET"?><DTE/>'],
)
def test_malformed_xml(data):
    with pytest.raises(MalformedXml) as caught:
        parse.parse(data)
    assert caught.value.code == "REC_XML_MALFORMED" and caught.value.params["detail"]


def test_text_is_required():
    with pytest.raises(TypeError):
        parse.parse(fx.dte_bytes().decode("iso-8859-1"))
