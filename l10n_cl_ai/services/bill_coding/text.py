"""How a supplier's line description is normalised before it is embedded.

Suppliers write the same thing many ways: "SERV. MANTENCION ASCENSOR NOV-2026", "Serv. mantención
ascensor diciembre". Upper case, accents and the billing period only add noise to the comparison, so the
text is lower-cased, accents are folded, and dates, billing periods and the buyer's internal "[CODE]"
prefix are dropped; other codes (a licence plate, a model number) are kept: they often name what was
bought.
"""

import collections
import re
import unicodedata

MONTHS = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "setiembre",
    "octubre",
    "noviembre",
    "diciembre",
    "ene",
    "feb",
    "mar",
    "abr",
    "may",
    "jun",
    "jul",
    "ago",
    "sep",
    "sept",
    "set",
    "oct",
    "nov",
    "dic",
)
_DATE = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b")  # 12/11/2026, 01-12-26
_PERIOD = re.compile(r"\b(?:%s)\.?(?:[\s/-]*(?:de\s+)?(?:19|20)?\d{2})?\b" % "|".join(MONTHS))
_YEAR_MONTH = re.compile(r"\b(?:19|20)\d{2}[/-]\d{1,2}\b|\b\d{1,2}[/-](?:19|20)\d{2}\b")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_SPACES = re.compile(r"\s+")
_INTERNAL_CODE = re.compile(r"\[[^\]]{0,40}\]")  # Odoo's "[default_code] name" of a product
_PERIOD_WORDS = re.compile(r"\b(?:periodo|período|mes de|mes|correspondiente a|corresp\.?)\s*(?=$|\W)")


def fold(text):
    """Lower case without accents (ñ kept: "año" is not "ano")."""
    text = (text or "").lower().replace("ñ", "\0")
    text = "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))
    return text.replace("\0", "ñ")


def normalize(description):
    """The text that is embedded for ``description``: folded, without dates and billing periods."""
    text = fold(description)
    for pattern in (_INTERNAL_CODE, _DATE, _YEAR_MONTH, _PERIOD, _YEAR, _PERIOD_WORDS):
        text = pattern.sub(" ", text)
    text = _SPACES.sub(" ", text).strip(" -/.,:")
    return text or fold(description).strip()


_NUMBER = re.compile(r"\d+")
CODE_DIGITS = 5  # a number of this many digits or more is a code (SKU, folio), not a size


def numbers(description):
    """The sizes and quantities written in ``description``, counted ("fierro a630 12mm x 12m" ->
    {"630": 1, "12": 2}), codes of ``CODE_DIGITS`` digits or more left out."""
    return collections.Counter(
        number.lstrip("0") or "0"
        for number in _NUMBER.findall(normalize(description))
        if len(number) < CODE_DIGITS
    )
