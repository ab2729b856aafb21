"""A monthly liquidación de sueldo calculated from its inputs and the period's indicators, and a given
liquidación checked against it line by line. Plain numbers: no model, no network, no Claude.

    result = calculate(inputs, indicators, brackets)    # dict of whole pesos + "lines"
    differences = check(inputs, produced, indicators, brackets)

``inputs`` (a dict): ``contract`` (``indefinido``, ``plazo_fijo``, ``casa_particular``), ``base_wage``
(the monthly wage for 30 days), ``gratificacion`` (``none``, ``art50_monthly``), ``taxable_allowances``,
``non_taxable_allowances``, ``afp`` (its name as Previred writes it), ``health`` (``fonasa``,
``isapre``), ``isapre_plan_uf``, ``days_worked`` (30). Optional: ``overtime_hours`` and
``weekly_hours`` (the legal week of the period: 45 h, 44 h from May 2024, 42 h from May 2026),
``apv`` (pesos) and ``apv_regime`` (``B`` by default), ``family_charges``, ``afc_11_years`` (an
indefinido contract of 11 years or more), ``mutual_rate`` (the Ley 16.744 rate, percent).

Rules (each line of the result carries its rule text and the indicators it used):

* wage for the days worked: base × days / 30; overtime: base / 30 × 28 / (4 × weekly hours) × 1.5 per hour;
* gratificación art. 50, monthly: 25 % of the month's remuneration (wage, overtime, taxable allowances),
  at most 4.75 minimum wages / 12, in proportion to the days worked;
* AFP: (10 % + commission) of the taxable income capped at the AFP cap (its UF amount × the month's UF);
* health: Fonasa 7 % of the same capped base; Isapre the larger of that 7 % and the plan (UF × UF);
* AFC worker: the contract's worker rate (0.6 % indefinido, 0 plazo fijo and casa particular) of the
  taxable income capped at the AFC cap; the employer's rate (2.4 % / 3.0 % / 0.8 % after 11 years) on
  the same base. Every rate is read from the indicators, never a constant;
* employer SIS, Ley 21.735 (and the mutual when given): their rate on the AFP-capped base;
* impuesto único: the SII's monthly table on taxable − AFP − the legal 7 % health on the capped base
  (an Isapre plan above 7 % is not deductible) − AFC worker − APV régimen B (up to its monthly cap);
* net: taxable + non-taxable allowances + asignación familiar − AFP − health − AFC − tax − APV.

Each amount is rounded half up to the whole peso before it is used in the next line, as payrolls print
them.
"""

import dataclasses
from decimal import Decimal

from .errors import InvalidInput, MissingIndicator
from .indicators import Indicators
from .messages import LINE_NAMES, render
from .numbers import format_decimal, format_pesos, pesos
from .tax_table import Bracket, bracket_for, tax_for

CONTRACTS = ("indefinido", "plazo_fijo", "casa_particular")
GRATIFICATION_MODES = ("none", "art50_monthly")
HEALTH = ("fonasa", "isapre")
CONTRACT_NAMES = {
    "indefinido": "indefinido",
    "plazo_fijo": "a plazo fijo",
    "casa_particular": "de casa particular",
}
LEGAL_HEALTH = Decimal(7)
AFP_LEGAL = Decimal(10)
GRATIFICATION_SHARE = Decimal(25)
GRATIFICATION_WAGES = Decimal("4.75")
OVERTIME_SURCHARGE = Decimal("1.5")
# Fields of the result compared by check(), in the order of a liquidación
AMOUNTS = (
    "base_wage",
    "overtime",
    "gratificacion",
    "taxable",
    "afp",
    "health",
    "afc_worker",
    "apv",
    "tributable",
    "tax",
    "family_allowance",
    "net",
    "employer_sis",
    "employer_afc",
    "employer_law_21735",
    "employer_mutual",
)


def _d(value, default="0"):
    if value is None or value == "":
        value = default
    return value if isinstance(value, Decimal) else Decimal(str(value))


def weekly_hours_for(period):
    """The legal weekly hours of ``period`` ("YYYY-MM"): 45, 44 from May 2024, 42 from May 2026
    (Ley 21.561 steps of April 26, taken from the first whole month)."""
    if period >= "2026-05":
        return Decimal(42)
    if period >= "2024-05":
        return Decimal(44)
    return Decimal(45)


@dataclasses.dataclass
class _Work:
    """Every intermediate value of one calculation (what check() needs to explain a difference)."""

    inputs: dict
    ind: Indicators
    brackets: list
    lines: list = dataclasses.field(default_factory=list)
    amounts: dict = dataclasses.field(default_factory=dict)
    values: dict = dataclasses.field(default_factory=dict)

    def line(self, code, amount, rule_key, params, indicators):
        self.amounts[code] = amount
        self.lines.append(
            {
                "code": code,
                "name": LINE_NAMES[code],
                "amount": amount,
                "rule_key": rule_key,
                "params": params,
                "rule": render(rule_key, params),
                "indicators": {name: str(value) for name, value in indicators.items()},
            }
        )


def _validated(inputs):
    data = dict(inputs)
    for key, allowed in (("contract", CONTRACTS), ("gratificacion", GRATIFICATION_MODES), ("health", HEALTH)):
        if data.get(key) not in allowed:
            raise InvalidInput(f"{key} must be one of {allowed}, not {data.get(key)!r}")
    data["base_wage"] = _d(data.get("base_wage"))
    data["days_worked"] = _d(data.get("days_worked"), "30")
    for key in ("taxable_allowances", "non_taxable_allowances", "overtime_hours", "apv", "family_charges"):
        data[key] = _d(data.get(key))
    if not 0 <= data["days_worked"] <= 30:
        raise InvalidInput("days_worked must be between 0 and 30")
    for key in ("base_wage", "taxable_allowances", "non_taxable_allowances", "overtime_hours", "apv"):
        if data[key] < 0:
            raise InvalidInput(f"{key} cannot be negative")
    if data["health"] == "isapre":
        if data.get("isapre_plan_uf") in (None, ""):
            raise InvalidInput("an Isapre needs isapre_plan_uf")
        data["isapre_plan_uf"] = _d(data["isapre_plan_uf"])
    data["apv_regime"] = (data.get("apv_regime") or "B").upper()
    if data["apv_regime"] not in ("A", "B"):
        raise InvalidInput("apv_regime must be A or B")
    return data


def _need(value, code, detail=""):
    if value is None:
        raise MissingIndicator(code, detail)
    return value


def _indicators(indicators):
    if isinstance(indicators, Indicators):
        return indicators
    return Indicators.from_dict(indicators)


def _brackets(brackets):
    out = [b if isinstance(b, Bracket) else Bracket.from_dict(b) for b in brackets or ()]
    if not out:
        raise MissingIndicator("tax_table", "no impuesto único brackets for the period")
    return out


def _afc_key(data):
    if data["contract"] == "indefinido" and data.get("afc_11_years"):
        return "indefinido_11"
    return data["contract"]


def _wages(w):
    data, ind = w.inputs, w.ind
    days = data["days_worked"]
    base = pesos(data["base_wage"] * days / 30)
    w.line(
        "base_wage",
        base,
        "LINE_BASE_WAGE",
        {"base_wage": format_pesos(data["base_wage"]), "days": format_decimal(days, 0)},
        {},
    )
    hours = data["overtime_hours"]
    weekly = _d(data.get("weekly_hours"), str(weekly_hours_for(ind.period or "2000-01")))
    overtime = pesos(data["base_wage"] / 30 * 28 / (4 * weekly) * OVERTIME_SURCHARGE * hours) if hours else 0
    w.line(
        "overtime",
        overtime,
        "LINE_OVERTIME",
        {"hours": format_decimal(hours, 1), "weekly_hours": format_decimal(weekly, 0)},
        {},
    )
    remuneration = base + overtime + pesos(data["taxable_allowances"])
    if data["gratificacion"] == "art50_monthly":
        min_wage = _need(ind.min_wage, "min_wage")
        raw = remuneration * GRATIFICATION_SHARE / 100
        cap = GRATIFICATION_WAGES * min_wage / 12 * days / 30
        grat = pesos(min(raw, cap))
        w.values.update(gratificacion_raw=pesos(raw), gratificacion_cap=cap)
        w.line(
            "gratificacion",
            grat,
            "LINE_GRATIFICACION",
            {
                "remuneration": format_pesos(remuneration),
                "min_wage": format_pesos(min_wage),
                "days": format_decimal(days, 0),
                "cap": format_pesos(cap),
            },
            {"min_wage": min_wage},
        )
    else:
        grat = 0
        w.line("gratificacion", 0, "LINE_GRATIFICACION_NONE", {"mode": data["gratificacion"]}, {})
    taxable = base + overtime + grat + pesos(data["taxable_allowances"])
    w.line("taxable", taxable, "LINE_TAXABLE", {}, {})
    return taxable


def _social_security(w, taxable):
    data, ind = w.inputs, w.ind
    uf = _need(ind.uf, "uf")
    cap_uf = _need(ind.cap("afp")[0], "cap_afp")
    cap = pesos(cap_uf * uf)
    base = min(taxable, cap)
    w.values.update(uf=uf, afp_cap_uf=cap_uf, afp_cap=cap, afp_base=base)
    found = ind.afp_entry(data.get("afp") or "")
    if found is None:
        raise MissingIndicator("afp", f"no rate for the AFP {data.get('afp')!r}")
    name, entry = found
    rate = _need(entry.get("worker"), "afp", name)
    w.values.update(afp_name=name, afp_rate=rate)
    used = {"uf": uf, "cap_afp_uf": cap_uf, f"afp_{name}": rate}
    w.line(
        "afp",
        pesos(base * rate / 100),
        "LINE_AFP",
        {
            "afp": name,
            "rate": format_decimal(rate, 2),
            "base": format_pesos(base),
            "cap_uf": format_decimal(cap_uf, 1),
            "uf": format_decimal(uf, 2),
            "cap": format_pesos(cap),
        },
        used,
    )
    legal = pesos(base * LEGAL_HEALTH / 100)
    w.values["health_legal"] = legal
    if data["health"] == "fonasa":
        w.line(
            "health",
            legal,
            "LINE_HEALTH_FONASA",
            {"base": format_pesos(base), "cap_uf": format_decimal(cap_uf, 1)},
            {"uf": uf, "cap_afp_uf": cap_uf},
        )
    else:
        plan = pesos(data["isapre_plan_uf"] * uf)
        w.values["health_plan"] = plan
        w.line(
            "health",
            max(legal, plan),
            "LINE_HEALTH_ISAPRE",
            {
                "base": format_pesos(base),
                "legal": format_pesos(legal),
                "plan_uf": format_decimal(data["isapre_plan_uf"], 3),
                "uf": format_decimal(uf, 2),
                "plan": format_pesos(plan),
            },
            {"uf": uf, "cap_afp_uf": cap_uf},
        )
    afc_cap_uf = _need(ind.cap("afc")[0], "cap_afc")
    afc_base = min(taxable, pesos(afc_cap_uf * uf))
    key = _afc_key(data)
    afc = ind.afc.get(key) or {}
    worker_rate = _need(afc.get("worker"), f"afc_{key}")
    w.values.update(
        afc_cap_uf=afc_cap_uf,
        afc_base=afc_base,
        afc_key=key,
        afc_worker_rate=worker_rate,
        afc_employer_rate=_need(afc.get("employer"), f"afc_{key}"),
    )
    w.line(
        "afc_worker",
        pesos(afc_base * worker_rate / 100),
        "LINE_AFC_WORKER",
        {
            "contract": CONTRACT_NAMES[data["contract"]],
            "rate": format_decimal(worker_rate, 1),
            "base": format_pesos(afc_base),
            "cap_uf": format_decimal(afc_cap_uf, 1),
        },
        {"uf": uf, "cap_afc_uf": afc_cap_uf, f"afc_{key}_worker": worker_rate},
    )


def _apv_b(w):
    data, ind = w.inputs, w.ind
    apv = pesos(data["apv"])
    if not apv:
        w.line(
            "apv", 0, "LINE_APV", {"regime": data["apv_regime"], "amount": format_pesos(0), "cap": "-"}, {}
        )
        return 0
    cap = ind.cap("apv_monthly")[1] or (ind.cap("apv_monthly")[0] or 0) * (ind.uf or 0)
    deductible = min(apv, pesos(cap)) if data["apv_regime"] == "B" else 0
    w.line(
        "apv",
        apv,
        "LINE_APV",
        {"regime": data["apv_regime"], "amount": format_pesos(apv), "cap": format_pesos(cap)},
        {"cap_apv_monthly": cap},
    )
    return deductible


def _tax(w, taxable):
    a = w.amounts
    apv_b = _apv_b(w)
    tributable = max(0, taxable - a["afp"] - w.values["health_legal"] - a["afc_worker"] - apv_b)
    w.values["apv_b"] = apv_b
    w.line("tributable", tributable, "LINE_TRIBUTABLE", {}, {})
    index, bracket = bracket_for(tributable, w.brackets)
    w.line(
        "tax",
        tax_for(tributable, w.brackets),
        "LINE_TAX",
        {
            "tributable": format_pesos(tributable),
            "factor": format_decimal(bracket.factor, 3),
            "rebate": format_pesos(bracket.rebate),
            "bracket": index,
        },
        {"bracket_lower": bracket.lower, "bracket_factor": bracket.factor, "bracket_rebate": bracket.rebate},
    )


def _family(w, taxable):
    charges = int(w.inputs["family_charges"])
    if charges <= 0:
        w.line(
            "family_allowance",
            0,
            "LINE_FAMILY_ALLOWANCE",
            {"bracket": "-", "charges": 0, "amount": format_pesos(0), "income": format_pesos(taxable)},
            {},
        )
        return
    for item in _need(w.ind.family_allowance or None, "family_allowance"):
        low, high = item.get("income_from"), item.get("income_to")
        if (low is None or taxable > low) and (high is None or taxable <= high):
            w.line(
                "family_allowance",
                pesos(item["amount"]) * charges,
                "LINE_FAMILY_ALLOWANCE",
                {
                    "bracket": item["bracket"],
                    "charges": charges,
                    "amount": format_pesos(item["amount"]),
                    "income": format_pesos(taxable),
                },
                {f"family_{item['bracket']}": item["amount"]},
            )
            return
    raise MissingIndicator("family_allowance", f"no bracket for an income of {taxable}")


def _employer(w):
    data, ind, v = w.inputs, w.ind, w.values
    base = v["afp_base"]
    sis = _need(ind.sis_rate, "sis")
    w.line(
        "employer_sis",
        pesos(base * sis / 100),
        "LINE_EMPLOYER_SIS",
        {"rate": format_decimal(sis, 2), "base": format_pesos(base)},
        {"sis": sis},
    )
    rate = v["afc_employer_rate"]
    w.line(
        "employer_afc",
        pesos(v["afc_base"] * rate / 100),
        "LINE_EMPLOYER_AFC",
        {
            "contract": CONTRACT_NAMES[data["contract"]],
            "rate": format_decimal(rate, 1),
            "base": format_pesos(v["afc_base"]),
        },
        {f"afc_{v['afc_key']}_employer": rate},
    )
    law = _need(ind.employer_law_21735_rate, "law_21735")
    w.line(
        "employer_law_21735",
        pesos(base * law / 100),
        "LINE_EMPLOYER_LAW_21735",
        {
            "rate": format_decimal(law, 2),
            "base": format_pesos(base),
            "cap_uf": format_decimal(v["afp_cap_uf"], 1),
        },
        {f"law_21735_{part}": value for part, value in ind.law_21735.items()},
    )
    if data.get("mutual_rate") not in (None, ""):
        mutual = _d(data["mutual_rate"])
        w.line(
            "employer_mutual",
            pesos(base * mutual / 100),
            "LINE_EMPLOYER_MUTUAL",
            {"rate": format_decimal(mutual, 2), "base": format_pesos(base)},
            {"mutual_rate": mutual},
        )


def _work(inputs, indicators, brackets):
    w = _Work(_validated(inputs), _indicators(indicators), _brackets(brackets))
    taxable = _wages(w)
    _social_security(w, taxable)
    _tax(w, taxable)
    _family(w, taxable)
    a = w.amounts
    net = (
        taxable
        + pesos(w.inputs["non_taxable_allowances"])
        + a["family_allowance"]
        - a["afp"]
        - a["health"]
        - a["afc_worker"]
        - a["tax"]
        - a["apv"]
    )
    w.line("net", net, "LINE_NET", {}, {})
    _employer(w)
    return w


def calculate(inputs, indicators, brackets):
    """The liquidación of ``inputs`` with the period's ``indicators`` (``Indicators`` or its
    ``as_dict()``) and monthly tax ``brackets`` (``Bracket``s or their dicts).

    Returns whole pesos: ``taxable``, ``afp``, ``health``, ``afc_worker``, ``tax``, ``net``,
    ``employer_sis``, ``employer_afc``, ``employer_law_21735`` and the other lines of ``AMOUNTS``,
    plus ``lines`` (each ``{code, name, amount, rule_key, params, rule, indicators}``) and ``period``.
    Raises ``InvalidInput`` for inputs out of their domain and ``MissingIndicator`` when the period
    lacks a value the calculation needs."""
    w = _work(inputs, indicators, brackets)
    return {**w.amounts, "lines": w.lines, "period": w.ind.period}


# ---------------------------------------------------------------- checking a given liquidación


def _near(a, b):
    return abs(int(a) - int(b)) <= 1


def _reason_afp(w, produced):
    v, ind = w.values, w.ind
    taxable = w.amounts["taxable"]
    if taxable > v["afp_base"] and _near(produced, pesos(taxable * v["afp_rate"] / 100)):
        return "DIFF_AFP_ABOVE_CAP", {"cap_uf": format_decimal(v["afp_cap_uf"], 1)}
    if _near(produced, pesos(v["afp_base"] * AFP_LEGAL / 100)):
        return "DIFF_AFP_NO_COMMISSION", {"afp": v["afp_name"], "rate": format_decimal(v["afp_rate"], 2)}
    for other, entry in ind.afp.items():
        rate = entry.get("worker")
        if other != v["afp_name"] and rate is not None and _near(produced, pesos(v["afp_base"] * rate / 100)):
            return "DIFF_AFP_OTHER_RATE", {
                "other_afp": other,
                "other_rate": format_decimal(rate, 2),
                "afp": v["afp_name"],
                "rate": format_decimal(v["afp_rate"], 2),
            }
    return None


def _reason_health(w, produced):
    v = w.values
    taxable = w.amounts["taxable"]
    if taxable > v["afp_base"] and _near(produced, pesos(taxable * LEGAL_HEALTH / 100)):
        return "DIFF_HEALTH_ABOVE_CAP", {"cap_uf": format_decimal(v["afp_cap_uf"], 1)}
    if v.get("health_plan", 0) > v["health_legal"] and _near(produced, v["health_legal"]):
        return "DIFF_HEALTH_PLAN_IGNORED", {
            "plan_uf": format_decimal(w.inputs["isapre_plan_uf"], 3),
            "plan": format_pesos(v["health_plan"]),
        }
    return None


def _reason_afc(w, produced):
    v = w.values
    worker_rate = ((w.ind.afc.get("indefinido") or {}).get("worker")) or Decimal(0)
    if (
        w.inputs["contract"] != "indefinido"
        and produced
        and _near(produced, pesos(v["afc_base"] * worker_rate / 100))
    ):
        return "DIFF_AFC_FIXED_TERM", {"contract": CONTRACT_NAMES[w.inputs["contract"]]}
    taxable = w.amounts["taxable"]
    if taxable > v["afc_base"] and _near(produced, pesos(taxable * v["afc_worker_rate"] / 100)):
        return "DIFF_AFC_ABOVE_CAP", {"cap_uf": format_decimal(v["afc_cap_uf"], 1)}
    return None


def _reason_tax(w, produced):
    a, v = w.amounts, w.values
    full = max(0, a["taxable"] - a["afp"] - a["health"] - a["afc_worker"] - v["apv_b"])
    if a["health"] != v["health_legal"] and _near(produced, tax_for(full, w.brackets)):
        return "DIFF_TAX_FULL_PLAN", {}
    if _near(produced, tax_for(a["taxable"], w.brackets)):
        return "DIFF_TAX_NO_DEDUCTIONS", {}
    return None


def _reason_wages(w, code, produced):
    a, v, data = w.amounts, w.values, w.inputs
    extra = int(produced) - a[code]
    grat_excess = v.get("gratificacion_raw", 0) - a["gratificacion"]
    if code in ("gratificacion", "taxable") and grat_excess > 1 and _near(extra, grat_excess):
        return "DIFF_GRATIFICACION_ABOVE_CAP", {"cap": format_pesos(v["gratificacion_cap"])}
    unprorated = pesos(data["base_wage"]) - a["base_wage"]
    if code in ("base_wage", "taxable") and unprorated > 1 and _near(extra, unprorated):
        return "DIFF_WAGE_NOT_PRORATED", {"days": format_decimal(data["days_worked"], 0)}
    return None


def _reason_employer(w, code, produced):
    v = w.values
    taxable = w.amounts["taxable"]
    rates = {
        "employer_sis": (w.ind.sis_rate, v["afp_base"], v["afp_cap_uf"]),
        "employer_law_21735": (w.ind.employer_law_21735_rate, v["afp_base"], v["afp_cap_uf"]),
        "employer_afc": (v["afc_employer_rate"], v["afc_base"], v["afc_cap_uf"]),
        "employer_mutual": (_d(w.inputs.get("mutual_rate")), v["afp_base"], v["afp_cap_uf"]),
    }
    rate, base, cap_uf = rates[code]
    if taxable > base and _near(produced, pesos(taxable * rate / 100)):
        return "DIFF_EMPLOYER_ABOVE_CAP", {"line": LINE_NAMES[code], "cap_uf": format_decimal(cap_uf, 1)}
    return None


def _reason(w, code, produced, others_differ):
    if code == "afp":
        found = _reason_afp(w, produced)
    elif code == "health":
        found = _reason_health(w, produced)
    elif code == "afc_worker":
        found = _reason_afc(w, produced)
    elif code == "tax":
        found = _reason_tax(w, produced)
    elif code in ("base_wage", "gratificacion", "taxable"):
        found = _reason_wages(w, code, produced)
    elif code.startswith("employer_"):
        found = _reason_employer(w, code, produced)
    else:
        found = ("DIFF_FOLLOWS", {"line": LINE_NAMES[code]}) if others_differ else None
    if found:
        return found
    rule = next((line["rule"] for line in w.lines if line["code"] == code), "")
    return "DIFF_OTHER", {
        "line": LINE_NAMES[code],
        "expected": format_pesos(w.amounts[code]),
        "produced": format_pesos(produced),
        "rule": rule,
    }


def check(inputs, produced, indicators, brackets):
    """The lines of ``produced`` (a dict of the same codes as ``calculate``'s result: whole pesos from
    the user's payroll) that differ from the calculation by more than one peso, in liquidación order.

    Each difference: ``{code, name, expected, produced, difference, reason_code, params, reason}``;
    ``reason`` is the Spanish text of ``reason_code`` (``messages.MESSAGES``), e.g. "AFP calculado sobre
    una base superior al tope de 90,0 UF". Codes the calculation does not produce are ignored."""
    w = _work(inputs, indicators, brackets)
    differing = [
        code
        for code in AMOUNTS
        if code in produced
        and code in w.amounts
        and produced[code] is not None
        and not _near(produced[code], w.amounts[code])
    ]
    out = []
    for code in differing:
        value = int(_d(produced[code]).to_integral_value())
        others = [other for other in differing if other != code]
        reason_code, params = _reason(w, code, value, bool(others))
        out.append(
            {
                "code": code,
                "name": LINE_NAMES[code],
                "expected": w.amounts[code],
                "produced": value,
                "difference": value - w.amounts[code],
                "reason_code": reason_code,
                "params": params,
                "reason": render(reason_code, params),
            }
        )
    return out


__all__ = ["AMOUNTS", "CONTRACTS", "calculate", "check", "weekly_hours_for"]
