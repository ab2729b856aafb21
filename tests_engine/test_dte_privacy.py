"""Personal data minimisation (``services/privacy.py``): what leaves for Claude, and what comes back."""

import json

from services.privacy import Pseudonymizer, is_natural_person, looks_like_person_rut

PERSON = {
    "name": "María José Contreras",
    "rut": "9.876.543-3",
    "street": "Pasaje Los Aromos 123",
    "email": "mj.contreras@example.cl",
}


def _pseudonyms():
    pseudonyms = Pseudonymizer(keep_emails={"facturacion@andina.example.cl"})
    pseudonyms.add_person(**PERSON)
    return pseudonyms


def test_a_person_is_replaced_everywhere_and_in_any_spelling():
    payload = {
        "partner": {
            "name": "María José Contreras",
            "rut": "9876543-3",
            "street": "Pasaje Los Aromos 123",
            "city": "Ñuñoa",
            "is_natural_person": True,
        },
        "lines": [
            {"name": "Asesoría a MARÍA JOSÉ CONTRERAS (RUT 98765433, 9.876.543-3)", "subtotal": 150000}
        ],
        "references": [{"reason": "Enviar a mj.contreras@example.cl"}],
    }
    sent = json.dumps(_pseudonyms().scrub(payload), ensure_ascii=False)
    for secret in ("María", "MARÍA", "Contreras", "9876543", "9.876.543", "Aromos", "mj.contreras"):
        assert secret not in sent
    scrubbed = json.loads(sent)
    assert scrubbed["partner"] == {
        "name": "PERSONA_1",
        "rut": "RUT_PERSONA_1",
        "street": "DIRECCION_PERSONA_1",
        "city": "Ñuñoa",
        "is_natural_person": True,
    }
    assert scrubbed["lines"][0] == {
        "name": "Asesoría a PERSONA_1 (RUT RUT_PERSONA_1, RUT_PERSONA_1)",
        "subtotal": 150000,
    }
    assert scrubbed["references"][0]["reason"] == "Enviar a EMAIL_PERSONA_1"


def test_unknown_person_ruts_and_emails_in_free_text_are_hidden_company_data_is_not():
    text = (
        "Orden 12345678 por 1500000; contacto 12.345.678-5 o juan@gmail.com; emisor 76.086.428-5 "
        "facturacion@andina.example.cl"
    )
    scrubbed = _pseudonyms().text(text)
    assert "12.345.678-5" not in scrubbed and "juan@gmail.com" not in scrubbed
    assert "Orden 12345678 por 1500000" in scrubbed, "plain numbers are not RUTs"
    assert "76.086.428-5" in scrubbed, "a company RUT (50.000.000 and up) stays"
    assert "facturacion@andina.example.cl" in scrubbed, "the company's own e-mail stays"


def test_placeholders_are_stable_and_mapped_back():
    pseudonyms = _pseudonyms()
    assert pseudonyms.add_person(name="maría josé contreras") == 1, "the same person keeps its number"
    other = pseudonyms.add_person(name="Pedro Soto", rut="15.234.567-4")
    assert other == 2
    reply = {
        "findings": [{"message": "El RUT RUT_PERSONA_1 de PERSONA_1 y PERSONA_2 (RUT_PERSONA_2); PERSONA_12"}]
    }
    restored = pseudonyms.restore(reply)
    assert restored["findings"][0]["message"] == (
        "El RUT 9.876.543-3 de María José Contreras y Pedro Soto (15.234.567-4); PERSONA_12"
    )


def test_who_is_a_natural_person():
    assert looks_like_person_rut("9.876.543-3")
    assert not looks_like_person_rut("76086428-5")
    assert not looks_like_person_rut("no es un rut")
    assert is_natural_person(False, "76086428-5"), "a contact that is not a company"
    assert is_natural_person(True, "12.345.678-5"), "an 'empresa individual' with a person's RUT"
    assert not is_natural_person(True, "76086428-5")
    assert not is_natural_person(False, "66666666-6"), "the anonymous end consumer identifies nobody"
