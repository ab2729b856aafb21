"""Previred's "Indicadores Previsionales" page -> ``Indicators``, read by the labels of its tables.

Each table is recognised by its title (its header cells: "VALOR UF", "RENTAS TOPES IMPONIBLES", "SEGURO
DE CESANTÍA (AFC)", "TASA COTIZACIÓN OBLIGATORIO AFP", "ASIGNACIÓN FAMILIAR"… or a heading before it),
each value by the label of its row ("Para afiliados a una AFP (87,8 UF):", "Plazo Indefinido", the AFP
names…) and each rate column by the header cells above it ("DEPENDIENTES / TASA AFP", "SIS",
"EMPLEADOR", "TRABAJADOR"), rowspan and colspan expanded. Tables may come in any order, columns too.

    indicators = parse(page_bytes, content_type)       # PageFormatError when nothing is recognised
    indicators.source_url, indicators.fetched_at = url, now
    problems = verify(indicators, previous=last_month)  # [] -> store; status(problems) says how
"""

import datetime
import re
from decimal import Decimal

from . import html_tables
from .errors import PageFormatError
from .indicators import AFC_CONTRACTS, AFPS, CAPS, MIN_WAGES, Indicators
from .messages import render
from .months import MONTHS, month_of
from .numbers import format_decimal, format_pesos, label, number, numbers

DEFAULT_URL = "https://www.previred.com/indicadores-previsionales/"
_UF_IN_LABEL = re.compile(r"\(\s*(?:uf\s*)?([\d.]+(?:,\d+)?)\s*(?:uf)?\s*\)")
_DATE = re.compile(r"(\d{1,2})\s+de\s+([a-z]+)\s+(?:de(?:l)?\s+)?(\d{4})")
_YEAR = re.compile(r"\b(\d{4})\b")
_BRACKET = re.compile(r"\(\s*([a-d])\s*\)")

# (label words, code) in the order tried: the first match wins
_CAP_ROWS = {
    "topes imponibles": (("afiliados a una afp", "afp"), ("ips", "ips"), ("cesantia", "afc")),
    "ahorro previsional voluntario": (("tope mensual", "apv_monthly"), ("tope anual", "apv_yearly")),
    "deposito convenido": (("tope anual", "deposito_convenido"),),
}
_MIN_WAGE_ROWS = (
    ("dependientes e independientes", "min_wage"),
    ("menores de 18", "min_wage_under18_over65"),
    ("casa particular", "min_wage_casa_particular"),
    ("no remuneracionales", "min_wage_non_remunerative"),
)
_AFC_ROWS = (
    ("11 anos", "indefinido_11"),
    ("plazo indefinido", "indefinido"),
    ("plazo fijo", "plazo_fijo"),
    ("casa particular", "casa_particular"),
)
_HEAVY_ROWS = (("menos pesado", "menos_pesado"), ("pesado", "pesado"))
_SOCIAL_ROWS = (
    ("expectativa de vida", "expectativa_vida"),
    ("rentabilidad protegida", "rentabilidad_protegida"),
)


def _match(text, rows):
    text = label(text)
    return next((code for words, code in rows if words in text), None)


def _value_cells(row):
    """The cells after the label, that hold a number."""
    return [cell for cell in row[1:] if number_or_none(cell) is not None]


def number_or_none(text):
    try:
        return number(text)
    except ValueError:
        return None


def _first_value(row):
    cells = _value_cells(row)
    return number_or_none(cells[0]) if cells else None


def _date(text):
    match = _DATE.search(label(text))
    if not match or match.group(2) not in MONTHS:
        return None
    day, month, year = int(match.group(1)), MONTHS[match.group(2)], int(match.group(3))
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _read_uf(table, out):
    found = {}
    for row in table.data():
        when = _date(row[0])
        value = _first_value(row)
        if when and value is not None:
            found[when] = value
    dates = sorted(found, reverse=True)
    if dates:
        out.uf_date, out.uf = dates[0], found[dates[0]]
    if len(dates) > 1:
        out.uf_previous_date, out.uf_previous = dates[1], found[dates[1]]


def _read_utm(table, out):
    columns = [text.split(" / ") for text in table.column_labels()]
    utm = next((i for i, parts in enumerate(columns) if parts[-1] == "utm"), None)
    uta = next((i for i, parts in enumerate(columns) if parts[-1] == "uta"), None)
    for row in table.data():
        month = next((month_of(cell) for cell in row if month_of(cell)), None)
        if month is None or utm is None or uta is None or max(utm, uta) >= len(row):
            continue
        out.utm, out.uta = number_or_none(row[utm]), number_or_none(row[uta])
        year = next((int(m.group(1)) for cell in row for m in [_YEAR.search(cell)] if m), None)
        if year:
            out.period = f"{year:04d}-{month:02d}"


def _read_caps(table, rows, out):
    for row in table.data():
        code = _match(row[0], rows)
        if code and code not in out.caps:
            uf = _UF_IN_LABEL.search(label(row[0]))
            out.caps[code] = {"uf": number(uf.group(1)) if uf else None, "pesos": _first_value(row)}


def _read_min_wages(table, out):
    for row in table.data():
        code = _match(row[0], _MIN_WAGE_ROWS)
        if code and getattr(out, code) is None:
            setattr(out, code, _first_value(row))


def _read_afc(table, out):
    employer, worker = table.column("empleador"), table.column("trabajador")
    for row in table.data():
        code = _match(row[0], _AFC_ROWS)
        if code is None or employer is None or worker is None:
            continue
        out.afc[code] = {
            "employer": number_or_none(row[employer]) if employer < len(row) else None,
            "worker": (number_or_none(row[worker]) if worker < len(row) else None) or Decimal(0),
        }


def _read_afp(table, out):
    columns = [text.split(" / ") for text in table.column_labels()]
    name_col = next((i for i, parts in enumerate(columns) if parts[-1] == "afp"), 0)
    not_worker = ("independientes", "sis", "empleador", "total", "pagar")
    wanted = {
        "worker": table.column("dependientes", exclude=not_worker),
        "sis": table.column("sis"),
        "employer": table.column("empleador", exclude=("independientes",)),
        "independent": table.column("independientes"),
    }
    if wanted["worker"] is None:
        return
    for row in table.data():
        name = row[name_col] if name_col < len(row) else ""
        if not name or number_or_none(name) is not None:
            continue
        entry = {
            key: number_or_none(row[index]) if index is not None and index < len(row) else None
            for key, index in wanted.items()
        }
        if entry["worker"] is not None:
            out.afp[name.strip()] = entry
    sis = next((e["sis"] for e in out.afp.values() if e.get("sis") is not None), None)
    if sis is not None and out.sis_rate is None:
        out.sis_rate = sis
    employer = next((e["employer"] for e in out.afp.values() if e.get("employer") is not None), None)
    if employer is not None:
        out.law_21735["cci"] = employer


def _read_sis_and_social(table, out):
    for row in table.data():
        text = label(row[0])
        value = _first_value(row)
        if value is None:
            continue
        code = _match(text, _SOCIAL_ROWS)
        if code:
            out.law_21735[code] = value
        elif "sis" in text.split() or "invalidez" in text:
            out.sis_rate = value


def _read_family(table, out):
    amount, requirement = table.column("monto"), table.column("requisito")
    tramo = table.column("tramo")
    if amount is None or requirement is None:
        return
    for row in table.data():
        cell = row[tramo] if tramo is not None and tramo < len(row) else row[0]
        bracket = _BRACKET.search(label(cell))
        if not bracket or max(amount, requirement) >= len(row):
            continue
        limits = numbers(row[requirement])
        text = row[requirement]
        lower = limits[0] if ">" in text and limits else None
        upper = limits[-1] if "<" in text and limits else None
        out.family_allowance.append(
            {
                "bracket": bracket.group(1).upper(),
                "amount": number_or_none(row[amount]) or Decimal(0),
                "income_from": lower,
                "income_to": upper,
            }
        )


def _read_heavy(table, out):
    employer, worker = table.column("empleador"), table.column("trabajador")
    if employer is None or worker is None:
        return
    labels = table.column_labels()
    total_cols = (
        [table.column("total")]
        if table.column("total") is not None
        else [i for i, text in enumerate(labels) if "puesto" in text or "calificacion" in text]
    )
    for row in table.data():
        code = next((_match(cell, _HEAVY_ROWS) for cell in row if _match(cell, _HEAVY_ROWS)), None)
        if code is None:
            continue
        totals = [number_or_none(row[i]) for i in total_cols if i < len(row)]
        out.heavy_work[code] = {
            "total": next((value for value in totals if value is not None), None),
            "employer": number_or_none(row[employer]),
            "worker": number_or_none(row[worker]),
        }


def _section(table):
    """Which Previred table this is, from its title words."""
    title = table.labels()
    columns = " ".join(table.column_labels())
    if "asignacion familiar" in title:
        return "family"
    if "trabajos pesados" in title:
        return "heavy"
    if "cotizacion obligatori" in title and "afp" in title:
        return "afp"
    if "seguro de cesantia" in title:
        return "afc"
    if "utm" in columns.split() and "uta" in columns.split():
        return "utm"
    if "valor uf" in title:
        return "uf"
    if "topes imponibles" in title:
        return "topes imponibles"
    if "minimas imponibles" in title:
        return "min"
    if "ahorro previsional voluntario" in title:
        return "ahorro previsional voluntario"
    if "deposito convenido" in title:
        return "deposito convenido"
    if "seguro social" in title or "invalidez" in title or "(sis)" in title:
        return "social"
    return None


def parse(page, content_type=None):
    """``Indicators`` read from the page (bytes or text). Values the page lacks stay ``None``/empty:
    ``verify`` reports them. Raises ``PageFormatError`` when no Previred table is recognised."""
    out = Indicators()
    recognised = 0
    for table in html_tables.tables(page, content_type):
        section = _section(table)
        if section is None:
            continue
        recognised += 1
        if section in _CAP_ROWS:
            _read_caps(table, _CAP_ROWS[section], out)
        else:
            {
                "uf": _read_uf,
                "utm": _read_utm,
                "min": _read_min_wages,
                "afc": _read_afc,
                "afp": _read_afp,
                "social": _read_sis_and_social,
                "family": _read_family,
                "heavy": _read_heavy,
            }[section](table, out)
    if not recognised:
        raise PageFormatError("no table of Previred's indicators was recognised on the page")
    if not out.period and out.uf_date:
        out.period = f"{out.uf_date.year:04d}-{out.uf_date.month:02d}"
    out.family_allowance.sort(key=lambda item: item["bracket"])
    return out


# ---------------------------------------------------------------- verification


class Problem(tuple):
    """One verification problem: unpacks as ``(code, detail)``; ``params`` (JSON-safe) fill the code's
    message in ``messages.MESSAGES``; ``severity`` is ``"to_review"`` for a jump, else ``"invalid"``."""

    def __new__(cls, code, params):
        problem = super().__new__(cls, (code, render(code, params)))
        problem.params = params
        return problem

    @property
    def code(self):
        return self[0]

    @property
    def detail(self):
        return self[1]

    @property
    def severity(self):
        return "to_review" if self[0] == "VERIFY_JUMP" else "invalid"


# Plausible ranges, in percent (wide on purpose: they catch a misread column, not a reform)
RANGES = {
    "afp_worker": (Decimal("10.0"), Decimal("13.0")),
    "sis": (Decimal("0.5"), Decimal("4.0")),
    "afc_employer": (Decimal("0.5"), Decimal("5.0")),
    "afc_worker": (Decimal("0"), Decimal("2.0")),
    "law_21735": (Decimal("0"), Decimal("9.0")),
    "heavy_work": (Decimal("0"), Decimal("6.0")),
}
DEFAULT_JUMP = Decimal("0.10")  # 10 % month on month


def _range(problems, field, value, kind):
    low, high = RANGES[kind]
    if value is not None and not low <= value <= high:
        problems.append(
            Problem(
                "VERIFY_RATE_RANGE",
                {
                    "field": field,
                    "value": format_decimal(value, 2),
                    "low": format_decimal(low, 1),
                    "high": format_decimal(high, 1),
                },
            )
        )


def _missing(problems, ind, expected_afps):
    required = {"uf": ind.uf, "utm": ind.utm, "uta": ind.uta, "sis": ind.sis_rate}
    required.update({name: getattr(ind, name) for name in MIN_WAGES})
    for code in CAPS:
        uf, value = ind.cap(code)
        required[f"tope {code}"] = value if uf is not None else None
    for contract in AFC_CONTRACTS:
        required[f"cesantía {contract}"] = (ind.afc.get(contract) or {}).get("employer")
    required["Ley 21.735"] = ind.employer_law_21735_rate
    required["asignación familiar"] = ind.family_allowance or None
    for field, value in required.items():
        if value is None:
            problems.append(Problem("VERIFY_MISSING", {"field": field}))
    for name in expected_afps:
        if ind.afp_entry(name) is None:
            problems.append(Problem("VERIFY_AFP_MISSING", {"afp": name}))


def _ranges(problems, ind):
    for name, entry in ind.afp.items():
        _range(problems, f"AFP {name}", entry.get("worker"), "afp_worker")
    _range(problems, "SIS", ind.sis_rate, "sis")
    for contract, entry in ind.afc.items():
        _range(problems, f"cesantía {contract} empleador", entry.get("employer"), "afc_employer")
        _range(problems, f"cesantía {contract} trabajador", entry.get("worker"), "afc_worker")
    _range(problems, "Ley 21.735", ind.employer_law_21735_rate, "law_21735")
    for kind, entry in ind.heavy_work.items():
        for who in ("employer", "worker"):
            _range(problems, f"trabajo {kind} {who}", entry.get(who), "heavy_work")


def _consistency(problems, ind):
    for code in CAPS:
        cap_uf, cap_pesos = ind.cap(code)
        if ind.uf is None or cap_uf is None or cap_pesos is None:
            continue
        expected = cap_uf * ind.uf
        if abs(cap_pesos - expected) > 1:
            problems.append(
                Problem(
                    "VERIFY_CAP_MISMATCH",
                    {
                        "field": code,
                        "pesos": format_pesos(cap_pesos),
                        "cap_uf": format_decimal(cap_uf, 1),
                        "uf": format_decimal(ind.uf, 2),
                        "expected": format_pesos(expected),
                    },
                )
            )
    if ind.utm is not None and ind.uf is not None and ind.utm <= ind.uf:
        problems.append(
            Problem(
                "VERIFY_UTM_NOT_ABOVE_UF",
                {
                    "utm": format_pesos(ind.utm),
                    "uf": format_decimal(ind.uf, 2),
                },
            )
        )
    if ind.utm is not None and ind.uta is not None and abs(ind.uta - 12 * ind.utm) > 1:
        problems.append(
            Problem(
                "VERIFY_UTA_NOT_12_UTM",
                {
                    "uta": format_pesos(ind.uta),
                    "utm": format_pesos(ind.utm),
                },
            )
        )
    limits = [item.get("income_to") for item in ind.family_allowance if item.get("income_to") is not None]
    amounts = [item.get("amount") for item in ind.family_allowance]
    if limits != sorted(limits) or amounts != sorted(amounts, reverse=True):
        problems.append(Problem("VERIFY_ORDER", {"field": "asignación familiar"}))


def _compared(ind):
    """The values compared month on month, by a readable name."""
    values = {"UF": ind.uf, "UTM": ind.utm, "SIS": ind.sis_rate, "ingreso mínimo": ind.min_wage}
    for code in CAPS:
        values[f"tope {code}"] = ind.cap(code)[1]
    for name, entry in ind.afp.items():
        values[f"AFP {name}"] = entry.get("worker")
    for contract, entry in ind.afc.items():
        values[f"cesantía {contract} empleador"] = entry.get("employer")
    return values


def _jumps(problems, ind, previous, threshold):
    before = _compared(previous)
    for field, value in _compared(ind).items():
        old = before.get(field)
        if value is None or not old:
            continue
        change = abs(value - old) / abs(old)
        if change > threshold:
            problems.append(
                Problem(
                    "VERIFY_JUMP",
                    {
                        "field": field,
                        "change": format_decimal(change * 100, 1),
                        "previous": format_decimal(old, 2),
                        "value": format_decimal(value, 2),
                    },
                )
            )


def verify(indicators, previous=None, jump_threshold=DEFAULT_JUMP, expected_afps=AFPS):
    """Problems found in ``indicators``, as ``Problem``s unpacking to ``(code, detail)``.

    Missing values and AFPs (every one of ``expected_afps`` must be listed), rates outside ``RANGES``,
    a cap in pesos that is not its UF amount × the month's UF within a peso, a UTM not above the UF, a
    UTA that is not 12 UTM, family-allowance brackets out of order: ``"invalid"`` (store nothing). A
    value that moved more than ``jump_threshold`` (a fraction) from ``previous``: ``"to_review"``
    (store, not use)."""
    problems = []
    _missing(problems, indicators, expected_afps)
    _ranges(problems, indicators)
    _consistency(problems, indicators)
    if previous is not None:
        _jumps(problems, indicators, previous, Decimal(jump_threshold))
    return problems


def status(problems):
    """``"ok"`` (no problem), ``"to_review"`` (only jumps) or ``"invalid"``."""
    if not problems:
        return "ok"
    return "invalid" if any(p.severity == "invalid" for p in problems) else "to_review"


__all__ = ["DEFAULT_URL", "Indicators", "Problem", "parse", "status", "verify"]
