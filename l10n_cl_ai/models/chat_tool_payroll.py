"""The payroll expert's tools: stored numbers with their source, never numbers Claude makes up.

``valor_uf`` reads the UF of a day from the CLF rates the daily action writes, ``indicadores_previsionales``
a period's Previred indicators and SII values, ``calcular_liquidacion`` runs the engine's calculator on
the period's indicators. Same contract as ``chat_tool_impls``: ``(rows, records)``, the asking user's
environment, no ``sudo()`` on what is returned. The liquidación takes amounts and contract terms only:
no name or RUT reaches Claude.
"""

from odoo import fields
from odoo.exceptions import UserError

from .chat_tool_impls import ToolRefused

PERIOD_HELP = "use AAAA-MM, p. ej. 2026-11"


def _period(env, args):
    value = str(args.get("periodo") or "").strip()
    if not value:
        today = fields.Date.context_today(env["res.users"])
        return f"{today.year:04d}-{today.month:02d}"
    if len(value) != 7 or value[4] != "-" or not (value[:4] + value[5:]).isdigit():
        raise ToolRefused(f"periodo inválido {value!r}: {PERIOD_HELP}")
    return value


def _source(env, kind):
    source = env["l10n_cl_ai.payroll.source"].sudo().search([("kind", "=", kind)], order="id desc", limit=1)
    return source.url or None


def uf_value(env, args):
    """valor_uf: the UF of a day (the CLF rate of the user's company on that day)."""
    raw = args.get("fecha")
    try:
        day = fields.Date.to_date(str(raw)[:10]) if raw else fields.Date.context_today(env["res.users"])
    except ValueError as error:
        raise ToolRefused(f"fecha inválida {raw!r}, use AAAA-MM-DD") from error
    rate = env["res.currency.rate"].search(
        [
            ("currency_id.name", "=", "CLF"),
            ("company_id", "in", [env.company.root_id.id, False]),
            ("name", "<=", day),
        ],
        order="name desc, company_id",
        limit=1,
    )
    if not rate or not rate.rate:
        raise ToolRefused(f"no hay valor de UF guardado para el {day.isoformat()}")
    row = {
        "fecha": day.isoformat(),
        "uf": round(1 / rate.rate, 2),
        "fecha_del_valor": rate.name.isoformat(),
        "fuente": _source(env, "uf") or "tasas de la moneda CLF en Odoo",
    }
    return [row], rate


def payroll_indicators(env, args):
    """indicadores_previsionales: the stored Previred indicators and SII values of a period."""
    period = _period(env, args)
    record = env["l10n_cl_ai.payroll.indicators"].search([("period", "=", period)], limit=1)
    month = env["l10n_cl_ai.payroll.month"].search([("period", "=", period)], limit=1)
    if not record and not month:
        raise ToolRefused(
            f"no hay indicadores guardados del período {period}; un administrador de IA puede leerlos "
            "desde Previred (Remuneraciones > Indicadores > Leer ahora)"
        )
    data = record.data or {}
    row = {"periodo": period}
    if record:
        row.update(
            estado={"ok": "verificados", "to_review": "por revisar", "invalid": "inválidos"}[record.status],
            uf=record.uf,
            fecha_uf=record.uf_date and record.uf_date.isoformat(),
            utm=record.utm,
            uta=record.uta,
            ingreso_minimo=record.min_wage,
            tope_afp_uf=record.afp_cap_uf,
            tope_afp_pesos=record.afp_cap,
            tope_cesantia_uf=record.afc_cap_uf,
            sis_porcentaje=record.sis_rate,
            afp_porcentaje_trabajador={name: e.get("worker") for name, e in (data.get("afp") or {}).items()},
            cesantia_porcentajes=data.get("afc"),
            ley_21735_porcentajes=data.get("law_21735"),
            topes=data.get("caps"),
            asignacion_familiar=data.get("family_allowance"),
            fuente=record.source_url,
            leido_el=record.fetched_at and fields.Datetime.to_string(record.fetched_at),
        )
    if month:
        row["sii"] = {
            "utm": month.utm or None,
            "uta": month.uta or None,
            "tramos_impuesto_unico": month.tax_brackets,
            "fuente_utm": month.utm_url,
            "fuente_impuesto": month.tax_url,
        }
    return [row], [record, month]


_INPUTS = {
    "contrato": "contract",
    "sueldo_base": "base_wage",
    "gratificacion": "gratificacion",
    "haberes_imponibles": "taxable_allowances",
    "haberes_no_imponibles": "non_taxable_allowances",
    "afp": "afp",
    "salud": "health",
    "plan_isapre_uf": "isapre_plan_uf",
    "dias_trabajados": "days_worked",
    "horas_extra": "overtime_hours",
    "cargas_familiares": "family_charges",
    "apv": "apv",
}


def calculate_payslip(env, args):
    """calcular_liquidacion: the engine's calculation with the period's stored indicators."""
    period = _period(env, args)
    inputs = {
        target: args[source] for source, target in _INPUTS.items() if args.get(source) not in (None, "")
    }
    inputs.setdefault("gratificacion", "none")
    inputs.setdefault("health", "fonasa")
    inputs.setdefault("contract", "indefinido")
    Indicators = env["l10n_cl_ai.payroll.indicators"]
    try:
        result = Indicators.calculate_liquidacion(period, inputs)
    except UserError as error:
        raise ToolRefused(str(error.args[0])) from error
    record = Indicators.search([("period", "=", period)], limit=1)
    amounts = {key: value for key, value in result.items() if isinstance(value, int)}
    row = {
        "periodo": period,
        "montos": amounts,
        "lineas": [
            {"linea": line["name"], "monto": line["amount"], "regla": line["rule"]}
            for line in result["lines"]
        ],
        "fuente": record.source_url,
        "nota": "montos calculados por Odoo con los indicadores guardados; cítalos, no los recalcules",
    }
    return [row], record


PAYROLL_TOOLS = {
    "valor_uf": uf_value,
    "indicadores_previsionales": payroll_indicators,
    "calcular_liquidacion": calculate_payslip,
}
