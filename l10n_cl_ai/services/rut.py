"""The Chilean RUT, in one place: its SII form, its body and check digit in any writing, whether it
numbers a natural person, and the spellings a contact's ``vat`` may hold."""

import re
from functools import lru_cache

from stdnum.cl import rut as stdnum_rut
from stdnum.exceptions import ValidationError

# RUT bodies of natural persons are below this number; legal persons are numbered from 50,000,000 up.
PERSON_RUT_LIMIT = 50_000_000
ANONYMOUS_CONSUMER = "66666666-6"  # "Consumidor Final Anónimo" (l10n_cl/data/res_partner.xml)
FOREIGN_RECEIVER = "55555555-5"  # RUTRecep sent for foreign receivers on export documents


@lru_cache(maxsize=4096)  # pure; batches repeat the company's and frequent customers' RUTs
def sii_rut(value):
    """The RUT in SII form (no dots, at most 10 chars), or ``None`` if missing or invalid (mod-11)."""
    if not value:
        return None
    try:
        number = stdnum_rut.validate(value)
    except ValidationError:
        return None
    return f"{number[:-1]}-{number[-1]}"


def rut_number(value):
    """The RUT's body as an int (no check digit), or ``None`` when ``value`` does not look like a RUT."""
    if not value:
        return None
    compact = re.sub(r"[\s.\-]", "", str(value)).upper()
    if compact.startswith("CL"):
        compact = compact[2:]
    if not re.fullmatch(r"\d{2,9}[\dK]", compact):
        return None
    return int(compact[:-1])


def looks_like_person_rut(value):
    """True for a RUT numbered as a natural person's (below 50.000.000)."""
    number = rut_number(value)
    return number is not None and 0 < number < PERSON_RUT_LIMIT


# Generic RUTs that identify nobody: "Consumidor Final Anónimo" (boletas) and foreign receivers (exports).
GENERIC_RUT_NUMBERS = frozenset({66_666_666, 55_555_555})


def is_natural_person(is_company, rut):
    """A partner is treated as a natural person unless it is a company with a company-range RUT, or it
    carries a generic RUT (anonymous end consumer, foreign receiver)."""
    if rut_number(rut) in GENERIC_RUT_NUMBERS:
        return False
    return not is_company or looks_like_person_rut(rut)


def check_digit(number):
    """The modulo-11 check digit of a RUT body: ``"0"``..``"9"`` or ``"K"``."""
    return stdnum_rut.calc_check_digit(str(number))


def written_check_digit(value):
    """The check digit written in ``value`` (a RUT that ``rut_number`` accepts), upper case."""
    return re.sub(r"[\s.\-]", "", str(value))[-1].upper()


def rut_variants(text):
    """Spellings of a Chilean RUT as stored in ``vat`` (``76086428-5``, ``CL760864285``...)."""
    compact = re.sub(r"[^0-9kK]", "", text or "").upper()
    if len(compact) < 2:
        return []
    body, check = compact[:-1], compact[-1]
    return [f"{body}-{check}", compact, f"CL{compact}", f"{int(body):,}".replace(",", ".") + f"-{check}"]
