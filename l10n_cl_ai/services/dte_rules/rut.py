"""Chilean RUT as the SII expects it in a DTE: digits, a dash, the check digit (``76086428-5``)."""

from functools import lru_cache

from stdnum.cl import rut as stdnum_rut
from stdnum.exceptions import ValidationError

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
