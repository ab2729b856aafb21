"""The SII public keys setting: ``IDK: PEM`` blocks parsed for the CAF's signature, bad text refused."""

from fakes import dte_xml_factory as fx
from services import settings as engine_settings
from services.reception import checks, parse, sii_keys

PEM = fx.sii_public_pem().decode()


def test_blocks_give_the_keys_by_idk():
    text = f"100: {PEM}\n\n300:\n{PEM}"
    keys = sii_keys.parse(text)
    assert sorted(keys) == ["100", "300"]
    assert sii_keys.problems(text) == []
    assert sii_keys.parse("") is None
    assert sii_keys.problems("") == []


def test_bad_text_is_refused():
    assert sii_keys.problems("100: -----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----")
    assert sii_keys.problems(f"a key\n100: {PEM}")
    assert sii_keys.problems(f"abc: {PEM}")
    assert sii_keys.problems(f"100: {PEM}\n100: {PEM}")


def test_settings_validate_the_keys():
    good = engine_settings.from_params({"reception_sii_keys": f"100: {PEM}"})
    assert engine_settings.validate(good) == []
    bad = engine_settings.from_params({"reception_sii_keys": "100: not a key"})
    assert [problem[:2] for problem in engine_settings.validate(bad)] == [("reception_sii_keys", "sii_keys")]


def test_the_parsed_keys_verify_the_caf():
    doc = parse.parse(fx.dte_bytes(fx.doc_spec())).documents[0]
    ctx = checks.Context(company_rut="76.086.428-5", today=fx.TODAY, sii_keys=sii_keys.parse(f"100: {PEM}"))
    assert [f for f in checks.check(doc, ctx) if f.code == "REC_TED"] == []
