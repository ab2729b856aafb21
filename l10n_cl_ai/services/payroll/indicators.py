"""The monthly payroll indicators of one period, as plain values (what Previred publishes).

Money in pesos and UF values are ``Decimal``; every rate is a ``Decimal`` *percent* as published
("11,44%" -> ``Decimal("11.44")``). ``as_dict``/``from_dict`` give a JSON-safe round trip (Decimals as
strings, dates ISO) for the Odoo layer to store and restore a period.
"""

import dataclasses
import datetime
from decimal import Decimal

from .numbers import label

# The AFPs Previred lists (its spelling); verify() requires each of them.
AFPS = ("Capital", "Cuprum", "Habitat", "PlanVital", "ProVida", "Modelo", "Uno")
CAPS = ("afp", "ips", "afc", "apv_monthly", "apv_yearly", "deposito_convenido")
AFC_CONTRACTS = ("indefinido", "plazo_fijo", "indefinido_11", "casa_particular")
MIN_WAGES = ("min_wage", "min_wage_under18_over65", "min_wage_casa_particular", "min_wage_non_remunerative")
LAW_21735_PARTS = ("cci", "rentabilidad_protegida", "expectativa_vida")


@dataclasses.dataclass
class Indicators:
    """Previred's "Indicadores Previsionales" of ``period`` ("YYYY-MM").

    ``uf``/``uf_date``: the UF at the end of the month (the caps of the month are that UF × their UF
    amount); ``uf_previous``: the one published for the month before. ``caps[code]``: ``{"uf", "pesos"}``
    for ``CAPS``. ``afp[name]``: ``{"worker"}`` (10 % + commission, dependent workers) and, when the page
    gives them, ``"sis"``, ``"employer"``, ``"independent"``. ``afc[contract]``: ``{"employer",
    "worker"}``. ``law_21735``: the employer contribution of Ley 21.735 in force, by part (``cci``: to the
    worker's account, listed as the AFP table's employer column; ``expectativa_vida`` and
    ``rentabilidad_protegida``: the Seguro Social parts); ``sis_rate`` is kept apart (employer SIS), so
    SIS + the parts is the employer's whole pension cost. ``family_allowance``: brackets ``{"bracket":
    "A", "amount", "income_from", "income_to"}``. ``heavy_work[kind]``: ``{"total", "employer",
    "worker"}`` for ``pesado``/``menos_pesado``. ``source_url``/``fetched_at`` are filled by the caller.
    """

    period: str = ""
    uf: Decimal | None = None
    uf_date: datetime.date | None = None
    uf_previous: Decimal | None = None
    uf_previous_date: datetime.date | None = None
    utm: Decimal | None = None
    uta: Decimal | None = None
    min_wage: Decimal | None = None
    min_wage_under18_over65: Decimal | None = None
    min_wage_casa_particular: Decimal | None = None
    min_wage_non_remunerative: Decimal | None = None
    caps: dict = dataclasses.field(default_factory=dict)
    afp: dict = dataclasses.field(default_factory=dict)
    sis_rate: Decimal | None = None
    afc: dict = dataclasses.field(default_factory=dict)
    law_21735: dict = dataclasses.field(default_factory=dict)
    family_allowance: list = dataclasses.field(default_factory=list)
    heavy_work: dict = dataclasses.field(default_factory=dict)
    source_url: str = ""
    fetched_at: datetime.datetime | None = None

    @property
    def employer_law_21735_rate(self):
        """The employer's Ley 21.735 rate in force (percent): the sum of its parts, SIS excluded."""
        if not self.law_21735:
            return None
        return sum((Decimal(v) for v in self.law_21735.values() if v is not None), Decimal(0))

    def afp_entry(self, name):
        """The rates of the AFP named ``name`` (accents, case and spaces ignored), else ``None``."""
        wanted = label(name).replace(" ", "").removeprefix("afp")
        for key, entry in self.afp.items():
            if label(key).replace(" ", "").removeprefix("afp") == wanted:
                return key, entry
        return None

    def cap(self, code):
        """``(cap in UF, cap in pesos)`` of ``code``, or ``(None, None)``."""
        entry = self.caps.get(code) or {}
        return entry.get("uf"), entry.get("pesos")

    def as_dict(self):
        return _plain(dataclasses.asdict(self))

    @classmethod
    def from_dict(cls, data):
        """Indicators from ``as_dict()``'s shape (strings or numbers for the Decimals)."""
        values = dict(data)
        for name in ("uf_date", "uf_previous_date"):
            if isinstance(values.get(name), str):
                values[name] = datetime.date.fromisoformat(values[name])
        if isinstance(values.get("fetched_at"), str):
            values["fetched_at"] = datetime.datetime.fromisoformat(values["fetched_at"])
        for name in ("uf", "uf_previous", "utm", "uta", "sis_rate", *MIN_WAGES):
            values[name] = _decimal(values.get(name))
        for name in ("caps", "afp", "afc", "law_21735", "heavy_work"):
            values[name] = _decimals(values.get(name) or {})
        values["family_allowance"] = [_decimals(item) for item in values.get("family_allowance") or []]
        known = {field.name for field in dataclasses.fields(cls)}
        return cls(**{key: value for key, value in values.items() if key in known})


def _decimal(value):
    if value is None or value == "" or isinstance(value, Decimal):
        return value if value != "" else None
    return Decimal(str(value))


def _decimals(mapping):
    out = {}
    for key, value in mapping.items():
        if isinstance(value, dict):
            out[key] = _decimals(value)
        elif isinstance(value, str) and key in ("bracket",):
            out[key] = value
        else:
            out[key] = _decimal(value)
    return out


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value
