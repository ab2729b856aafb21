"""Every message key the reception engine emits has an English message in ``reception.messages``, with
the placeholders its params fill; and the table holds no key nothing emits."""

import re
from datetime import date

import pytest

from fakes import dte_xml_factory as fx
from services.reception import checks, parse
from services.reception.claim_window import ACD, ERM, RCD, ClaimWindow, decide
from services.reception.errors import ReceptionError
from services.reception.messages import MESSAGES, UNKNOWN, render

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _findings():
    ctx = checks.Context(
        company_rut=fx.COMPANY_RUT,
        today=fx.TODAY,
        existing=frozenset({("96790240-3", "33", 1523)}),
        sii_keys={fx.KEY_ID: fx.sii_public_pem()},
    )
    docs = []
    for spec, options in [
        (fx.doc_spec(receiver_rut=fx.OTHER_RUT, total=1, issue_date=date(2025, 7, 1)), {}),
        (fx.doc_spec(issuer_rut="96790240-4", caf=fx.caf("96790240-4"), vat_rate=fx.Decimal(18)), {}),
        (fx.doc_spec(net=280000, exempt=35000, vat=53200, issue_date=date(2025, 1, 2)), {}),
        (fx.doc_spec(caf=fx.caf(fx.OTHER_RUT, "34", 1, 10)), {"bad_frma": True, "tamper_total": 5}),
        (fx.doc_spec(), {"bad_modulus": "x*y"}),
        (fx.doc_spec(), {"forge": {"MNT": "1"}}),
        (fx.doc_spec(), {"ted": False}),
        (fx.doc_spec(vat=1), {}),
    ] + [(fx.doc_spec(doc_type=code), {}) for code in ("39", "52", "46", "110", "50")]:
        docs.append(parse.parse(fx.dte_bytes(spec, **options)).documents[0])
    text = fx.dte_xml().replace("<MontoItem>290000</MontoItem>", "<MontoItem>1</MontoItem>")
    docs.append(parse.parse((fx.DECLARATION + text).encode("iso-8859-1")).documents[0])
    no_caf = fx.dte_xml()
    start, end = no_caf.index("<CAF"), no_caf.index("</CAF>") + len("</CAF>")
    docs.append(
        parse.parse((fx.DECLARATION + no_caf[:start] + no_caf[end:]).encode("iso-8859-1")).documents[0]
    )
    out = []
    for doc in docs:
        out += [(f.message_key, f.params) for f in checks.check(doc, ctx)]
        out += [
            (f.message_key, f.params)
            for f in checks.check(doc, checks.Context(fx.COMPANY_RUT, fx.TODAY, partner_rut=fx.OTHER_RUT))
        ]
    return out


def _errors():
    out = []
    hostile = [
        b"<" * (parse.MAX_BYTES + 1),
        b"<!DOCTYPE x><DTE/>",
        b"<DTE",
        b"<Invoice/>",
        fx.envio_bytes([]),
    ]
    for data in hostile:
        with pytest.raises(ReceptionError) as caught:
            parse.parse(data)
        out.append((caught.value.message_key, caught.value.params))
    broken = [
        fx.dte_xml().replace("<MntTotal>", "<X>").replace("</MntTotal>", "</X>"),
        fx.dte_xml().replace("<Folio>1523", "<Folio>x"),
        fx.dte_xml().replace("<Encabezado>", "<Encabezad>").replace("</Encabezado>", "</Encabezad>"),
    ]
    for error in parse.parse(fx.envio_bytes(broken)).errors:
        out.append((error.message_key, error.params))
    return out


def _decisions():
    window, today = ClaimWindow(date(2025, 6, 10)), date(2025, 6, 12)
    cases = [
        decide("XYZ", [], window, today),
        decide(ACD, [], window, date(2025, 7, 1)),
        decide(ACD, [ACD], window, today),
        decide(ERM, [RCD], window, today),
        decide(RCD, [ERM], window, today),
        decide(RCD, [ACD], window, today),
    ]
    return [(case.message_key, case.params) for case in cases]


@pytest.fixture(scope="module")
def emitted():
    return _findings() + _errors() + _decisions()


def test_every_emitted_key_has_a_message_filled_by_its_params(emitted):
    for key, params in emitted:
        assert key in MESSAGES, key
        missing = set(PLACEHOLDER.findall(MESSAGES[key])) - set(params)
        assert not missing, (key, missing)
        assert render(key, params)


def test_the_table_holds_no_key_nothing_emits(emitted):
    assert set(MESSAGES) - {key for key, _params in emitted} == set()


def test_unknown_key_falls_back():
    assert render("REC_NOPE", {}) == UNKNOWN % {"code": "REC_NOPE"}
