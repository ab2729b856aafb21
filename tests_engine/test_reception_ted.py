"""The TED seal of a received DTE: a genuine seal verifies; a document changed after stamping, a forged
DD, a folio outside the CAF, a CAF of another issuer, a wrong key or a CAF not signed by the SII do not.

The seals are signed by ``dte_xml_factory`` over a flattening written by hand, so these tests check
``ted.flatten`` against an independent construction of the signed bytes."""

from lxml import etree

from fakes import dte_xml_factory as fx
from services.reception import parse, ted


def doc_of(data):
    reception = parse.parse(data)
    assert reception.errors == ()
    return reception.documents[0]


def reasons(result):
    return [(problem.reason, problem.params.get("tag")) for problem in result.problems]


SII_KEYS = {fx.KEY_ID: fx.sii_public_pem()}


def test_genuine_seal_verifies_and_the_caf_signature_when_the_sii_key_is_given():
    doc = doc_of(fx.dte_bytes())
    result = ted.verify(doc)
    assert result.ok and result.caf_signature == ted.NOT_CHECKED and result.key_id == fx.KEY_ID
    result = ted.verify(doc, SII_KEYS)
    assert result.ok and result.caf_signature == ted.VALID


def test_flatten_drops_namespace_and_whitespace_between_tags():
    pretty = (
        f'<TED xmlns="{fx.SII_NS}"><DD>\n   <RE>96790240-3</RE>\n\t<RSR>A &amp; B &lt;C&gt; "D"</RSR>\n'
        '   <CAF version="1.0">\n     <DA>\n <RS>ÑUÑOA</RS>\n </DA><E/>\n </CAF>\n</DD></TED>'
    ).encode()
    dd = etree.fromstring(pretty, parse.xml_parser())[0]  # noqa: S320
    expected = (
        '<DD><RE>96790240-3</RE><RSR>A &amp; B &lt;C&gt; "D"</RSR>'
        '<CAF version="1.0"><DA><RS>ÑUÑOA</RS></DA><E></E></CAF></DD>'
    )
    assert ted.flatten(dd) == expected.encode("iso-8859-1")
    assert ted.signed_variants(dd)[1] == expected.replace('"D"', "&quot;D&quot;").encode("iso-8859-1")


def test_seal_signed_with_quote_entities_verifies():
    spec = fx.doc_spec(receiver_name='Compradora "La Obra" Ltda.')
    doc = doc_of(fx.dte_bytes(spec, quote_entities=True))
    assert len(doc.ted.signed_dd) == 2
    assert ted.verify(doc).ok


def test_amount_changed_after_stamping_is_caught():
    doc = doc_of(fx.dte_bytes(tamper_total=390100))
    assert reasons(ted.verify(doc)) == [("mismatch", "MNT")]
    (problem,) = ted.verify(doc).problems
    assert problem.params == {"tag": "MNT", "stamped": "370100", "document": "390100"}


def test_dd_forged_to_match_the_changed_document_breaks_the_signature():
    doc = doc_of(fx.dte_bytes(tamper_total=390100, forge={"MNT": "390100"}))
    assert reasons(ted.verify(doc)) == [("signature", None)]


def test_each_stamped_value_is_compared_with_the_document():
    stamp = {
        "RE": "77123456-9",
        "TD": "34",
        "F": "1999",
        "FE": "2025-06-11",
        "RR": "96790240-3",
        "MNT": "1",
        "IT1": "Otra cosa",
    }
    for tag, value in stamp.items():
        result = ted.verify(doc_of(fx.dte_bytes(stamp={tag: value})))
        assert ("mismatch", tag) in reasons(result), tag
        assert ("signature", None) not in reasons(result)  # a genuine seal that says something else


def test_rut_formats_and_it1_truncation_are_not_mismatches():
    long_name = "Servicio de arriendo de maquinaria pesada con operador, faena Los Andes"
    spec = fx.doc_spec(items=[fx.item(long_name, 1, 100000)])
    doc = doc_of(fx.dte_bytes(spec, stamp={"RE": "96.790.240-3", "RR": "76.086.428-5"}))
    assert doc.ted.first_item == long_name[:40].strip() != long_name
    assert ted.verify(doc).ok


def test_folio_outside_the_caf_range():
    spec = fx.doc_spec(caf=fx.caf(fx.ISSUER_RUT, "33", 1, 100))
    result = ted.verify(doc_of(fx.dte_bytes(spec)))
    assert reasons(result) == [("folio_range", None)]
    assert result.problems[0].params == {"folio": 1523, "from": "1", "to": "100"}


def test_caf_of_another_issuer_or_type():
    spec = fx.doc_spec(caf=fx.caf(fx.OTHER_RUT, "34"))
    assert reasons(ted.verify(doc_of(fx.dte_bytes(spec)))) == [("caf_mismatch", "RE"), ("caf_mismatch", "TD")]


def test_signed_with_another_key():
    other = fx.caf(fx.ISSUER_RUT, "33", 2001, 3000).private_key
    assert reasons(ted.verify(doc_of(fx.dte_bytes(signer=other)))) == [("signature", None)]


def test_unreadable_caf_key():
    assert reasons(ted.verify(doc_of(fx.dte_bytes(bad_modulus="not*base64")))) == [("key_invalid", None)]


def test_caf_not_signed_by_the_sii():
    doc = doc_of(fx.dte_bytes(bad_frma=True))
    assert ted.verify(doc).ok  # the issuer's seal itself is consistent
    result = ted.verify(doc, SII_KEYS)
    assert result.caf_signature == ted.INVALID and reasons(result) == [("caf_signature", None)]


def test_caf_signature_with_an_unknown_key_id_is_not_checked():
    result = ted.verify(doc_of(fx.dte_bytes()), {"300": fx.sii_public_pem()})
    assert result.ok and result.caf_signature == ted.NOT_CHECKED


def test_missing_seal():
    doc = doc_of(fx.dte_bytes(ted=False))
    assert doc.ted is None and reasons(ted.verify(doc)) == [("missing", None)]
