"""Personal data minimisation (``services/privacy.py``): what leaves for Claude, and what comes back."""

import json

import pytest

from services.privacy import Pseudonymizer
from services.rut import is_natural_person, looks_like_person_rut

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


def test_only_the_persons_of_this_document_are_mapped_back():
    """A reply cannot reveal a person who was not in what was sent: a contact registered only to be
    looked for, whose placeholder Claude writes anyway (made up, or led by text in the document), stays
    a placeholder; found in the text, that contact's name comes back, but not their RUT."""
    pseudonyms = _pseudonyms()  # PERSONA_1: the document's customer
    absent = pseudonyms.add_person(name="Pedro Pablo Soto", rut="15.234.567-4", in_document=False)
    mentioned = pseudonyms.add_person(name="Juan Pérez Rojas", rut="11.111.111-1", in_document=False)
    sent = pseudonyms.scrub({"lines": [{"name": "Visita de Juan Pérez Rojas"}], "partner": {"name": "x"}})
    assert sent["lines"][0]["name"] == f"Visita de PERSONA_{mentioned}"
    reply = (
        f"PERSONA_1 (RUT_PERSONA_1); PERSONA_{absent} (RUT_PERSONA_{absent}); "
        f"PERSONA_{mentioned} (RUT_PERSONA_{mentioned}); EMAIL_PERSONA_9"
    )
    assert pseudonyms.restore(reply) == (
        f"María José Contreras (9.876.543-3); PERSONA_{absent} (RUT_PERSONA_{absent}); "
        f"Juan Pérez Rojas (RUT_PERSONA_{mentioned}); EMAIL_PERSONA_9"
    )


def test_who_is_a_natural_person():
    assert looks_like_person_rut("9.876.543-3")
    assert not looks_like_person_rut("76086428-5")
    assert not looks_like_person_rut("no es un rut")
    assert is_natural_person(False, "76086428-5"), "a contact that is not a company"
    assert is_natural_person(True, "12.345.678-5"), "an 'empresa individual' with a person's RUT"
    assert not is_natural_person(True, "76086428-5")
    assert not is_natural_person(False, "66666666-6"), "the anonymous end consumer identifies nobody"


# -- names in free text -------------------------------------------------------------------------------


def _fuentes():
    pseudonyms = Pseudonymizer()
    pseudonyms.add_person(name="María José Fuentes Rojas")
    return pseudonyms


@pytest.mark.parametrize(
    "writing",
    [
        "maria jose fuentes rojas",
        "FUENTES ROJAS, MARÍA JOSÉ",
        "Fuentes Rojas, Maria Jose",
        "María José  Fuentes Rojas",
        "Fuentes Rojas María José",
        "Mari\u0301a Jose\u0301 Fuentes\nRojas",  # accents typed as separate characters, a line break
    ],
)
def test_a_registered_name_is_replaced_in_any_order_case_accents_and_spacing(writing):
    scrubbed = _fuentes().text(f"Servicio prestado por {writing} en Ñuñoa")
    assert scrubbed == "Servicio prestado por PERSONA_1 en Ñuñoa"


def test_first_given_name_and_first_surname_of_a_four_word_name_are_replaced():
    assert _fuentes().text("Firmado por Sra. María Fuentes.") == "Firmado por Sra. PERSONA_1."


def test_a_lone_given_name_or_part_of_a_name_is_left_alone():
    pseudonyms = _fuentes()
    pseudonyms.add_person(name="José Contreras")
    text = "Café San José 250 g; salsa María José; Fuentes Rojas Ltda.; José Fuentes; Contreras y Cía"
    assert pseudonyms.text(text) == text


def test_a_name_registered_as_surnames_comma_given_names_is_found_in_either_order():
    pseudonyms = Pseudonymizer()
    assert pseudonyms.add_person(name="FUENTES ROJAS, MARÍA JOSÉ") == 1
    assert pseudonyms.text("Para María José Fuentes Rojas") == "Para PERSONA_1"
    assert pseudonyms.add_person(name="maría josé fuentes rojas") == 1, "the same person"


# -- RUTs ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "writing",
    [
        "12.345.678-5",
        "12345678-5",
        "123456785",
        "12 345 678 5",
        "12.345.678 - 5",
        "12345678 5",
        "10.000.013-k",
    ],
)
def test_an_unknown_person_rut_is_replaced_in_every_writing(writing):
    assert Pseudonymizer().text(f"Contacto {writing}.") == "Contacto RUT_PERSONA_1."


def test_every_writing_of_one_rut_gets_the_same_placeholder_and_restores_to_the_first_seen():
    pseudonyms = Pseudonymizer()
    scrubbed = pseudonyms.text("RUT 12.345.678-5, también 123456785 y 12 345 678 5")
    assert scrubbed == "RUT RUT_PERSONA_1, también RUT_PERSONA_1 y RUT_PERSONA_1"
    assert pseudonyms.restore("RUT_PERSONA_1") == "12.345.678-5"


def test_plain_digit_runs_that_are_not_person_ruts_are_left_alone():
    text = (
        "Orden 123456789 (12.345.678-9 no es válido), pedido 12345678, emisor 760864285 y 76086428 5, "
        "consumidor final 66666666-6"
    )
    assert _pseudonyms().text(text) == text


def test_a_registered_company_range_rut_is_replaced_in_every_writing():
    pseudonyms = Pseudonymizer()
    pseudonyms.add_person(name="Pedro Soto", rut="76.086.428-5")  # a contact that is not a company
    scrubbed = pseudonyms.text("RUT 760864285 / 76086428-5 / 76 086 428 5")
    assert scrubbed == "RUT RUT_PERSONA_1 / RUT_PERSONA_1 / RUT_PERSONA_1"


def test_amounts_dates_and_folios_are_left_alone():
    text = (
        "Total $ 45.000 y 1.234.567 (neto 1.500.000), $ 123456785, 12345678, 20261120; fecha 2026-11-20 "
        "10:30; folio F-123 y N° 4567; cantidad 3,5; 123456785.5"
    )
    assert _pseudonyms().text(text) == text


# -- phones -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "writing",
    [
        "+56 9 8765 4321",
        "+56987654321",
        "56 9 8765 4321",
        "9 8765 4321",
        "(2) 2345 6789",
        "+56 2 2345 6789",
        "+56 (32) 212 3456",
        "+1 415 555 2671",
    ],
)
def test_phone_numbers_are_replaced_in_the_usual_writings(writing):
    pseudonyms = Pseudonymizer()
    assert pseudonyms.text(f"Llamar al {writing}.") == "Llamar al TELEFONO_1."
    assert pseudonyms.placeholders == {"TELEFONO_1": writing}


def test_every_writing_of_one_phone_gets_the_same_placeholder():
    pseudonyms = Pseudonymizer()
    text = "Fono +56 9 8765 4321, o +56987654321, o 9 8765 4321, o 987654321; fijo (2) 2345 6789"
    assert (
        pseudonyms.text(text) == "Fono TELEFONO_1, o TELEFONO_1, o TELEFONO_1, o TELEFONO_1; fijo TELEFONO_2"
    )


def test_a_registered_phone_takes_the_persons_number_and_is_found_as_a_plain_digit_run():
    pseudonyms = _pseudonyms()
    assert pseudonyms.add_person(name="Pedro Soto", phone="+56 9 8765 4321") == 2
    assert pseudonyms.text("Pedro Soto 987654321") == "PERSONA_2 TELEFONO_2"
    assert pseudonyms.add_person(phone="9 8765 4321") == 2, "a known phone identifies the person"


def test_numbers_that_are_not_written_as_phones_are_left_alone():
    text = "Monto 987654321, 98765432, 22345678, +15000000, +12.345.678, 9 876 543, 2026-11-20, 1.234.567"
    assert Pseudonymizer().text(text) == text


# -- round trip ---------------------------------------------------------------------------------------


def test_scrub_then_restore_gives_the_payload_back():
    pseudonyms = Pseudonymizer(keep_emails={"facturacion@andina.example.cl"})
    pseudonyms.add_person(
        name="María José Fuentes Rojas",
        rut="12.345.678-5",
        street="Pasaje Los Aromos 123",
        email="mjfuentes@example.cl",
        phone="+56 9 8765 4321",
    )
    payload = {
        "partner": {"name": "María José Fuentes Rojas", "rut": "12.345.678-5", "city": "Ñuñoa"},
        "lines": [
            {
                "name": "Asesoría a María José Fuentes Rojas (12.345.678-5), Pasaje Los Aromos 123, "
                "fono +56 9 8765 4321, mjfuentes@example.cl; contacto 9.876.543-3 o juan@gmail.com "
                "(2) 2345 6789; emisor 76.086.428-5 facturacion@andina.example.cl",
                "subtotal": 150000,
            }
        ],
    }
    scrubbed = pseudonyms.scrub(payload)
    sent = json.dumps(scrubbed, ensure_ascii=False)
    for secret in ("María", "Fuentes", "12.345.678", "Aromos", "8765", "mjfuentes", "9.876.543", "juan@"):
        assert secret not in sent
    assert "2345" not in sent
    assert "76.086.428-5" in sent and "facturacion@andina.example.cl" in sent and "Ñuñoa" in sent
    assert pseudonyms.restore(scrubbed) == payload
