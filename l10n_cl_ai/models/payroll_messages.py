"""Translated texts of the payroll engine (``services/payroll/messages.py``): English msgids, lazily
translated (the es_CL translation is the engine's Spanish text), keyed by the engine's codes. Placeholders
are the engine's named ``params``; a literal percent sign is ``%%``. An unknown code falls back to the
engine's own Spanish text.
"""

from odoo.tools.translate import LazyTranslate

from ..services.payroll import messages as engine_messages

_lt = LazyTranslate(__name__)

PAYROLL_MESSAGES = {
    "VERIFY_MISSING": _lt("The value “%(field)s” is missing from the indicators page."),
    "VERIFY_AFP_MISSING": _lt("The AFP %(afp)s is missing from the mandatory contribution table."),
    "VERIFY_RATE_RANGE": _lt(
        "The rate “%(field)s” of %(value)s %% is outside the expected range (%(low)s %% to %(high)s %%)."
    ),
    "VERIFY_CAP_MISMATCH": _lt(
        "The cap “%(field)s” of %(pesos)s is not %(cap_uf)s UF × UF %(uf)s = %(expected)s."
    ),
    "VERIFY_UTM_NOT_ABOVE_UF": _lt("The UTM (%(utm)s) is not above the UF (%(uf)s)."),
    "VERIFY_UTA_NOT_12_UTM": _lt("The UTA (%(uta)s) is not 12 times the UTM (%(utm)s)."),
    "VERIFY_ORDER": _lt("The values of “%(field)s” are not in the expected order."),
    "VERIFY_JUMP": _lt(
        "“%(field)s” changed %(change)s %% from the previous month (%(previous)s → %(value)s): to review."
    ),
    "LINE_BASE_WAGE": _lt("Base wage %(base_wage)s × %(days)s/30 days worked."),
    "LINE_OVERTIME": _lt(
        "%(hours)s overtime hours × base wage / 30 × 28 / (4 × %(weekly_hours)s hours) × 1.5."
    ),
    "LINE_GRATIFICACION": _lt(
        "Gratificación art. 50: 25 %% of %(remuneration)s, capped at 4.75 minimum wages (%(min_wage)s) / 12 "
        "× %(days)s/30 = %(cap)s."
    ),
    "LINE_GRATIFICACION_NONE": _lt("No monthly gratificación (mode “%(mode)s”)."),
    "LINE_TAXABLE": _lt("Taxable pay: wage, overtime, gratificación and taxable allowances."),
    "LINE_AFP": _lt(
        "AFP %(afp)s: %(rate)s %% (10 %% + commission) of %(base)s (taxable pay capped at %(cap_uf)s UF × "
        "UF %(uf)s = %(cap)s)."
    ),
    "LINE_HEALTH_FONASA": _lt("Fonasa health: 7 %% of %(base)s (taxable pay capped at %(cap_uf)s UF)."),
    "LINE_HEALTH_ISAPRE": _lt(
        "Isapre health: the larger of the legal 7 %% of %(base)s (%(legal)s) and the plan of %(plan_uf)s UF "
        "× UF %(uf)s (%(plan)s)."
    ),
    "LINE_AFC_WORKER": _lt(
        "Worker's unemployment insurance, %(contract)s contract: %(rate)s %% of %(base)s (cap of %(cap_uf)s "
        "UF)."
    ),
    "LINE_APV": _lt(
        "APV regime %(regime)s: %(amount)s (lowers the tax base up to %(cap)s in regime B only)."
    ),
    "LINE_TRIBUTABLE": _lt(
        "Impuesto único base: taxable − AFP − legal health (7 %% with its cap; the additional plan is not "
        "deducted) − unemployment insurance − APV regime B."
    ),
    "LINE_TAX": _lt(
        "Impuesto único: %(tributable)s × %(factor)s − %(rebate)s (bracket %(bracket)s of the SII's monthly "
        "table)."
    ),
    "LINE_FAMILY_ALLOWANCE": _lt(
        "Family allowance bracket %(bracket)s: %(charges)s dependant(s) × %(amount)s (income of %(income)s)."
    ),
    "LINE_NET": _lt(
        "Net pay: taxable + non-taxable allowances + family allowance − legal deductions − tax − APV."
    ),
    "LINE_EMPLOYER_SIS": _lt("Employer's SIS: %(rate)s %% of %(base)s."),
    "LINE_EMPLOYER_AFC": _lt(
        "Employer's unemployment insurance, %(contract)s contract: %(rate)s %% of %(base)s."
    ),
    "LINE_EMPLOYER_LAW_21735": _lt(
        "Employer's Ley 21.735 contribution: %(rate)s %% of %(base)s (taxable pay capped at %(cap_uf)s UF)."
    ),
    "LINE_EMPLOYER_MUTUAL": _lt("Accident insurance (Ley 16.744): %(rate)s %% of %(base)s."),
    "DIFF_AFP_ABOVE_CAP": _lt("AFP calculated on a base above the cap of %(cap_uf)s UF"),
    "DIFF_AFP_NO_COMMISSION": _lt(
        "AFP calculated with 10 %% without the commission of %(afp)s (%(rate)s %%)"
    ),
    "DIFF_AFP_OTHER_RATE": _lt(
        "AFP calculated with the rate of %(other_afp)s (%(other_rate)s %%) instead of %(afp)s (%(rate)s %%)"
    ),
    "DIFF_HEALTH_ABOVE_CAP": _lt("Health calculated on a base above the cap of %(cap_uf)s UF"),
    "DIFF_HEALTH_PLAN_IGNORED": _lt(
        "Health: the legal 7 %% was deducted, but the plan of %(plan_uf)s UF (%(plan)s) is larger"
    ),
    "DIFF_AFC_FIXED_TERM": _lt(
        "Unemployment insurance deducted from the worker on a %(contract)s contract: only the employer "
        "pays it"
    ),
    "DIFF_AFC_ABOVE_CAP": _lt("Unemployment insurance calculated on a base above the cap of %(cap_uf)s UF"),
    "DIFF_TAX_FULL_PLAN": _lt(
        "Impuesto único calculated deducting the whole health plan; only the legal 7 %% with its cap is "
        "deductible"
    ),
    "DIFF_TAX_NO_DEDUCTIONS": _lt(
        "Impuesto único calculated on the taxable pay without deducting contributions"
    ),
    "DIFF_GRATIFICACION_ABOVE_CAP": _lt("Gratificación above the cap of 4.75 minimum wages / 12 (%(cap)s)"),
    "DIFF_WAGE_NOT_PRORATED": _lt("Base wage not prorated to %(days)s days worked"),
    "DIFF_EMPLOYER_ABOVE_CAP": _lt("%(line)s calculated on a base above the cap of %(cap_uf)s UF"),
    "DIFF_FOLLOWS": _lt("%(line)s: a difference carried from the lines above"),
    "DIFF_OTHER": _lt("%(line)s: calculated %(expected)s, reported %(produced)s (rule: %(rule)s)"),
}

LINE_NAMES = {
    "base_wage": _lt("Base wage"),
    "overtime": _lt("Overtime"),
    "gratificacion": _lt("Gratificación"),
    "taxable": _lt("Taxable pay"),
    "afp": _lt("AFP"),
    "health": _lt("Health"),
    "afc_worker": _lt("Worker's unemployment insurance"),
    "apv": _lt("APV"),
    "tributable": _lt("Tax base"),
    "tax": _lt("Impuesto único"),
    "family_allowance": _lt("Family allowance"),
    "net": _lt("Net pay"),
    "employer_sis": _lt("Employer's SIS"),
    "employer_afc": _lt("Employer's unemployment insurance"),
    "employer_law_21735": _lt("Ley 21.735 contribution"),
    "employer_mutual": _lt("Accident insurance"),
}


def message(lang, code, params=None):
    """The text of ``code`` in ``lang`` with ``params`` filled; the engine's Spanish for an unknown code or
    params that do not fit."""
    template = PAYROLL_MESSAGES.get(code)
    if template is None:
        return engine_messages.render(code, params)
    try:
        return template._translate(lang) % (params or {})
    except (KeyError, TypeError, ValueError):
        return engine_messages.render(code, params)


def line_name(lang, code):
    name = LINE_NAMES.get(code)
    return name._translate(lang) if name is not None else engine_messages.LINE_NAMES.get(code, code)


def translate_result(lang, result):
    """A ``liquidacion.calculate`` result with each line's name and rule in ``lang``."""
    lines = [
        dict(line, name=line_name(lang, line["code"]), rule=message(lang, line["rule_key"], line["params"]))
        for line in result.get("lines", ())
    ]
    return dict(result, lines=lines)


def translate_differences(lang, differences, rules=None):
    """``liquidacion.check`` differences with each name and reason in ``lang``. The ``DIFF_*`` params that
    name a line (``line``) or quote its rule (``rule``: from ``rules``, ``{code: translated rule}``) are
    translated too."""
    out = []
    for item in differences:
        params = dict(item["params"])
        if "line" in params:
            params["line"] = line_name(lang, item["code"])
        if "rule" in params and rules and item["code"] in rules:
            params["rule"] = rules[item["code"]]
        out.append(
            dict(item, name=line_name(lang, item["code"]), reason=message(lang, item["reason_code"], params))
        )
    return out
