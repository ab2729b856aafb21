"""The payroll engine's user-facing texts, in Chilean Spanish, keyed by code (like ``sms_api``'s table of
messages keyed by failure kind): the engine returns codes and JSON-safe ``params``; the Odoo layer
translates ``MESSAGES[code]`` and fills its named placeholders. ``render`` is the untranslated fallback
used by the engine's own ``detail``/``reason``/``rule`` strings. A literal percent sign is ``%%``.
"""

MESSAGES = {
    # Verification of Previred's indicators (previred.verify)
    "VERIFY_MISSING": "Falta el valor «%(field)s» en la página de indicadores.",
    "VERIFY_AFP_MISSING": "Falta la AFP %(afp)s en la tabla de cotización obligatoria.",
    "VERIFY_RATE_RANGE": "La tasa «%(field)s» de %(value)s %% está fuera del rango esperado "
    "(%(low)s %% a %(high)s %%).",
    "VERIFY_CAP_MISMATCH": "El tope «%(field)s» de %(pesos)s no corresponde a %(cap_uf)s UF × UF "
    "%(uf)s = %(expected)s.",
    "VERIFY_UTM_NOT_ABOVE_UF": "La UTM (%(utm)s) no es mayor que la UF (%(uf)s).",
    "VERIFY_UTA_NOT_12_UTM": "La UTA (%(uta)s) no es 12 veces la UTM (%(utm)s).",
    "VERIFY_ORDER": "Los valores de «%(field)s» no están en el orden esperado.",
    "VERIFY_JUMP": "«%(field)s» cambió %(change)s %% respecto del mes anterior (%(previous)s → "
    "%(value)s): queda por revisar.",
    # Liquidación lines (liquidacion.calculate): the rule each amount followed
    "LINE_BASE_WAGE": "Sueldo base %(base_wage)s × %(days)s/30 días trabajados.",
    "LINE_OVERTIME": "%(hours)s horas extra × sueldo base / 30 × 28 / (4 × %(weekly_hours)s horas) × 1,5.",
    "LINE_GRATIFICACION": "Gratificación art. 50: 25 %% de %(remuneration)s, con tope de 4,75 "
    "ingresos mínimos (%(min_wage)s) / 12 × %(days)s/30 = %(cap)s.",
    "LINE_GRATIFICACION_NONE": "Sin gratificación mensual (modalidad «%(mode)s»).",
    "LINE_TAXABLE": "Remuneración imponible: sueldo, horas extra, gratificación y haberes imponibles.",
    "LINE_AFP": "AFP %(afp)s: %(rate)s %% (10 %% + comisión) sobre %(base)s (imponible con tope de "
    "%(cap_uf)s UF × UF %(uf)s = %(cap)s).",
    "LINE_HEALTH_FONASA": "Salud Fonasa: 7 %% sobre %(base)s (imponible con tope de %(cap_uf)s UF).",
    "LINE_HEALTH_ISAPRE": "Salud Isapre: el mayor entre el 7 %% legal sobre %(base)s (%(legal)s) y el "
    "plan de %(plan_uf)s UF × UF %(uf)s (%(plan)s).",
    "LINE_AFC_WORKER": "Seguro de cesantía del trabajador, contrato %(contract)s: %(rate)s %% sobre "
    "%(base)s (tope de %(cap_uf)s UF).",
    "LINE_APV": "APV régimen %(regime)s: %(amount)s (rebaja la base tributable hasta %(cap)s solo en "
    "régimen B).",
    "LINE_TRIBUTABLE": "Base del impuesto único: imponible − AFP − salud legal (7 %% con tope; el plan "
    "adicional no se rebaja) − seguro de cesantía − APV régimen B.",
    "LINE_TAX": "Impuesto único: %(tributable)s × %(factor)s − %(rebate)s (tramo %(bracket)s de la "
    "tabla mensual del SII).",
    "LINE_FAMILY_ALLOWANCE": "Asignación familiar tramo %(bracket)s: %(charges)s carga(s) × %(amount)s "
    "(renta de %(income)s).",
    "LINE_NET": "Líquido: imponible + haberes no imponibles + asignación familiar − descuentos legales "
    "− impuesto − APV.",
    "LINE_EMPLOYER_SIS": "SIS de cargo del empleador: %(rate)s %% sobre %(base)s.",
    "LINE_EMPLOYER_AFC": "Seguro de cesantía del empleador, contrato %(contract)s: %(rate)s %% sobre "
    "%(base)s.",
    "LINE_EMPLOYER_LAW_21735": "Cotización del empleador Ley 21.735: %(rate)s %% sobre %(base)s "
    "(imponible con tope de %(cap_uf)s UF).",
    "LINE_EMPLOYER_MUTUAL": "Seguro de accidentes (Ley 16.744): %(rate)s %% sobre %(base)s.",
    # Differences found by liquidacion.check
    "DIFF_AFP_ABOVE_CAP": "AFP calculado sobre una base superior al tope de %(cap_uf)s UF",
    "DIFF_AFP_NO_COMMISSION": "AFP calculado con el 10 %% sin la comisión de %(afp)s (%(rate)s %%)",
    "DIFF_AFP_OTHER_RATE": "AFP calculado con la tasa de %(other_afp)s (%(other_rate)s %%) y no con la "
    "de %(afp)s (%(rate)s %%)",
    "DIFF_HEALTH_ABOVE_CAP": "Salud calculada sobre una base superior al tope de %(cap_uf)s UF",
    "DIFF_HEALTH_PLAN_IGNORED": "Salud: se descontó el 7 %% legal, pero el plan de %(plan_uf)s UF "
    "(%(plan)s) es mayor",
    "DIFF_AFC_FIXED_TERM": "Seguro de cesantía descontado al trabajador en un contrato %(contract)s: "
    "es de cargo exclusivo del empleador",
    "DIFF_AFC_ABOVE_CAP": "Seguro de cesantía calculado sobre una base superior al tope de %(cap_uf)s UF",
    "DIFF_TAX_FULL_PLAN": "Impuesto único calculado rebajando el plan de salud completo; solo es "
    "rebajable el 7 %% legal con tope",
    "DIFF_TAX_NO_DEDUCTIONS": "Impuesto único calculado sobre el imponible sin rebajar las cotizaciones",
    "DIFF_GRATIFICACION_ABOVE_CAP": "Gratificación sobre el tope de 4,75 ingresos mínimos / 12 (%(cap)s)",
    "DIFF_WAGE_NOT_PRORATED": "Sueldo base sin proporcionar a %(days)s días trabajados",
    "DIFF_EMPLOYER_ABOVE_CAP": "%(line)s calculado sobre una base superior al tope de %(cap_uf)s UF",
    "DIFF_FOLLOWS": "%(line)s: diferencia que arrastran las líneas anteriores",
    "DIFF_OTHER": "%(line)s: calculado %(expected)s, informado %(produced)s (regla: %(rule)s)",
}

LINE_NAMES = {
    "base_wage": "Sueldo base",
    "overtime": "Horas extra",
    "gratificacion": "Gratificación",
    "taxable": "Imponible",
    "afp": "AFP",
    "health": "Salud",
    "afc_worker": "Seguro de cesantía del trabajador",
    "apv": "APV",
    "tributable": "Base tributable",
    "tax": "Impuesto único",
    "family_allowance": "Asignación familiar",
    "net": "Líquido",
    "employer_sis": "SIS del empleador",
    "employer_afc": "Seguro de cesantía del empleador",
    "employer_law_21735": "Cotización Ley 21.735",
    "employer_mutual": "Seguro de accidentes",
}


def render(code, params=None):
    """The Spanish text of ``code`` with ``params`` filled; an unknown code shows itself and its params."""
    template = MESSAGES.get(code)
    if template is None:
        return f"{code} {params or ''}".strip()
    return template % (params or {})
