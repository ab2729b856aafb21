"""Chilean numbers: "39.485,65" -> Decimal, percents, labels compared without accents, whole pesos.

Chilean payroll rounds each amount half up to the whole peso (Python's ``round`` is half-even, and
binary floats misround halves): every money value here is a ``Decimal`` until ``pesos()`` rounds it.
"""

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_NUMBER = re.compile(r"-?\d{1,3}(?:\.\d{3})+(?:,\d+)?|-?\d+(?:,\d+)?")
_SPACES = re.compile(r"\s+")
_EMPTY = {"", "-", "--", "-.-", "–", "—", "s/i", "n/a"}
HUNDRED = Decimal(100)


def clean(text):
    """Cell text with non-breaking spaces and runs of whitespace collapsed to one space."""
    return _SPACES.sub(" ", (text or "").replace("\xa0", " ")).strip()


def label(text):
    """A label compared by meaning: lower case, no accents, single spaces, no trailing colon."""
    decomposed = unicodedata.normalize("NFKD", clean(text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return plain.lower().rstrip(":").strip()


def is_empty(text):
    """An empty cell: nothing, a dash or the SII's "-.-" (no value published)."""
    return label(text) in _EMPTY


def number(text):
    """The first Chilean-format number of ``text`` ("$ 1.234.567", "39.485,65", "11,44%") as a Decimal.

    Dots group thousands, the comma is the decimal mark. ``None`` for an empty cell. Raises
    ``ValueError`` when the text holds no number.
    """
    if is_empty(text):
        return None
    match = _NUMBER.search(clean(text).replace(" ", ""))
    if not match:
        raise ValueError(f"no number in {text!r}")
    try:
        return Decimal(match.group(0).replace(".", "").replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the pattern only matches numbers
        raise ValueError(f"no number in {text!r}") from exc


def numbers(text):
    """Every Chilean-format number of ``text``, in order (a range "Renta > $ 342.346 <= $ 500.033")."""
    found = _NUMBER.findall(clean(text).replace("$ ", "$"))
    return [Decimal(item.replace(".", "").replace(",", ".")) for item in found]


def pesos(value):
    """Whole pesos, half up (Chilean payroll practice): ``pesos(Decimal("1234.5")) == 1235``."""
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent_of(amount, rate):
    """``amount`` x ``rate`` % (rates are kept in percent, as published), not rounded."""
    return Decimal(amount) * Decimal(rate) / HUNDRED


def format_pesos(value):
    """ "$1.234.567" (Chilean grouping), for messages."""
    return "$" + f"{pesos(value):,}".replace(",", ".")


def format_decimal(value, places=1):
    """ "90,0" / "11,44": Chilean decimal comma and thousands dot, for messages."""
    text = f"{Decimal(value):,.{places}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
