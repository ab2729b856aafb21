"""Spanish month names and abbreviations as the SII and Previred write them."""

import re

from .numbers import label

MONTHS = {
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
}  # fmt: skip
ABBREVIATIONS = {
    "ene": 1, "feb": 2, "mar": 3, "abr": 4, "may": 5, "jun": 6, "jul": 7, "ago": 8, "sep": 9,
    "set": 9, "oct": 10, "nov": 11, "dic": 12,
}  # fmt: skip
NAMES = {number: name for name, number in MONTHS.items() if name != "setiembre"}
_WORD = re.compile(r"[a-z]+")


def month_of(text, abbreviations=False):
    """The month named by ``text`` (a whole word: "Julio 2025", "mes_julio"; "Jul" when
    ``abbreviations``), else ``None``."""
    for word in _WORD.findall(label(text).replace("_", " ")):
        if word in MONTHS:
            return MONTHS[word]
        if abbreviations and word in ABBREVIATIONS:
            return ABBREVIATIONS[word]
    return None
