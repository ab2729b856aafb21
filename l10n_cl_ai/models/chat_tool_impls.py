"""The bot's read-only tools over the books, as plain functions of an environment.

Each takes the asking user's environment (on a cursor that cannot write, see ``chat_tools``) and the
arguments Claude sent, and returns ``(rows, records)``: plain JSON-able rows for Claude and the records it
read, for the audit. Nothing here uses ``sudo()``: access rights and record rules decide what is seen.
Argument names are the Spanish ones of ``services/plugins/tool_catalog.py``.
"""

import re

from odoo import fields

from ..services.rut import rut_variants
from .account_move import INVOICE_READERS

DEFAULT_LIMIT = 10
MAX_LIMIT = 50
STATE_OF = {"borrador": "draft", "publicado": "posted", "anulado": "cancel"}
MOVE_TYPES_OF = {
    "venta": ("out_invoice", "out_refund", "out_receipt"),
    "compra": ("in_invoice", "in_refund", "in_receipt"),
}
DOCUMENT_MOVE_TYPES = MOVE_TYPES_OF["venta"] + MOVE_TYPES_OF["compra"]
SUMMARY_MAX_GROUPS = 60


class ToolRefused(ValueError):
    """A tool call with unusable arguments or not allowed to the user: told to Claude (in Spanish, for
    Claude to explain), never shown to the user as is."""


def _limit(args):
    try:
        return min(max(int(args.get("limite") or DEFAULT_LIMIT), 1), MAX_LIMIT)
    except (TypeError, ValueError):
        return DEFAULT_LIMIT


def _date(args, key):
    value = args.get(key)
    if not value:
        return None
    try:
        return fields.Date.to_date(str(value)[:10])
    except ValueError as error:
        raise ToolRefused(f"{key}: fecha inválida {value!r}, use AAAA-MM-DD") from error


def _partner_domain(text):
    text = (text or "").strip()
    if not text:
        return []
    variants = rut_variants(text) if re.search(r"\d{6,}", text.replace(".", "")) else []
    domain = [("name", "ilike", text)]
    for variant in variants:
        domain = ["|", ("vat", "=ilike", variant), *domain]
    return domain


def _move_domain(args):
    domain = [("move_type", "in", MOVE_TYPES_OF.get(args.get("movimiento"), DOCUMENT_MOVE_TYPES))]
    if args.get("tipo_documento"):
        domain.append(("l10n_latam_document_type_id.code", "=", str(args["tipo_documento"]).strip()))
    if args.get("estado") in STATE_OF:
        domain.append(("state", "=", STATE_OF[args["estado"]]))
    if args.get("folio"):
        folio = str(args["folio"]).strip()
        domain += ["|", ("l10n_latam_document_number", "=", folio.lstrip("0")), ("name", "ilike", folio)]
    if args.get("contacto"):
        domain += [("commercial_partner_id", "any", _partner_domain(args["contacto"]))]
    if (date_from := _date(args, "fecha_desde")) is not None:
        domain.append(("invoice_date", ">=", date_from))
    if (date_to := _date(args, "fecha_hasta")) is not None:
        domain.append(("invoice_date", "<=", date_to))
    return domain


def _reads_validations(env):
    return env.user.has_groups(INVOICE_READERS)


def _move_row(move, with_validation):
    row = {
        "id": move.id,
        "numero": move.name,
        "tipo_documento": move.l10n_latam_document_type_id.code or None,
        "tipo_documento_nombre": move.l10n_latam_document_type_id.name or None,
        "folio": move.l10n_latam_document_number or None,
        "fecha": fields.Date.to_string(move.invoice_date) if move.invoice_date else None,
        "contacto": move.commercial_partner_id.name,
        "rut_contacto": move.commercial_partner_id.vat or None,
        "neto": move.amount_untaxed,
        "iva": move.amount_tax,
        "total": move.amount_total,
        "moneda": move.currency_id.name,
        "estado": move.state,
        "estado_pago": move.payment_state,
        "empresa": move.company_id.name,
    }
    if with_validation:
        row["validacion_ia"] = move.l10n_cl_ai_state
    return row


def find_invoices(env, args):
    """buscar_facturas"""
    moves = env["account.move"].search(
        _move_domain(args), order="invoice_date desc, id desc", limit=_limit(args)
    )
    with_validation = _reads_validations(env)
    return [_move_row(move, with_validation) for move in moves], moves


def partner_history(env, args):
    """historial_contacto: the partner's last documents (a contact is required)."""
    if not (args.get("contacto") or "").strip():
        raise ToolRefused("contacto: indique el nombre o RUT del cliente o proveedor")
    return find_invoices(env, {"contacto": args["contacto"], "limite": args.get("limite")})


def get_invoice(env, args):
    """obtener_factura: one document with its lines, references and last validation's findings."""
    try:
        move_id = int(args.get("id"))
    except (TypeError, ValueError) as error:
        raise ToolRefused("id: indique el id numérico del documento") from error
    move = env["account.move"].search([("id", "=", move_id), ("move_type", "in", DOCUMENT_MOVE_TYPES)])
    if not move:
        return [], move
    with_validation = _reads_validations(env)
    row = _move_row(move, with_validation)
    row["lineas"] = [
        {
            "descripcion": line.name,
            "producto": line.product_id.display_name or None,
            "cantidad": line.quantity,
            "precio_unitario": line.price_unit,
            "impuestos": line.tax_ids.mapped("name"),
            "subtotal": line.price_subtotal,
        }
        for line in move.invoice_line_ids.filtered(lambda line: line.display_type == "product")
    ]
    row["origen"] = move.reversed_entry_id.name or move.invoice_origin or None
    records = move
    if with_validation and move.l10n_cl_ai_last_validation_id:
        validation = move.l10n_cl_ai_last_validation_id
        row["ultima_validacion"] = {
            "fecha": fields.Datetime.to_string(validation.date) if validation.date else None,
            "recomendacion": validation.recommendation,
            "revision_claude": validation.ai_status,
            "hallazgos": [
                {"codigo": f.code, "severidad": f.severity, "campo": f.field, "mensaje": f.message}
                for f in validation.finding_ids
            ],
        }
        records = (move, validation)
    return [row], records


def summarize_documents(env, args):
    """resumen_documentos: counts and totals by document type and month."""
    domain = _move_domain(args)
    groups = env["account.move"]._read_group(
        domain,
        ["l10n_latam_document_type_id", "invoice_date:month"],
        ["__count", "amount_untaxed_signed:sum", "amount_tax_signed:sum", "amount_total_signed:sum"],
        limit=SUMMARY_MAX_GROUPS,
    )
    rows = [
        {
            "tipo_documento": doc_type.code or None,
            "tipo_documento_nombre": doc_type.name or None,
            "mes": month.strftime("%Y-%m") if month else None,
            "cantidad": count,
            "neto": untaxed,
            "iva": tax,
            "total": total,
        }
        for doc_type, month, count, untaxed, tax, total in groups
    ]
    if rows and _reads_validations(env):
        states = dict(env["account.move"]._read_group(domain, ["l10n_cl_ai_state"], ["__count"]))
        rows[0]["validacion_ia_del_periodo"] = states
    moves = env["account.move"].search(domain, limit=MAX_LIMIT)
    return rows, moves


def find_partner(env, args):
    """buscar_contacto: partners by RUT or name."""
    domain = []
    if args.get("rut"):
        variants = rut_variants(args["rut"])
        if not variants:
            raise ToolRefused("rut: RUT inválido")
        domain = ["|"] * (len(variants) - 1) + [("vat", "=ilike", variant) for variant in variants]
    if args.get("nombre"):
        domain += [("name", "ilike", str(args["nombre"]).strip())]
    if not domain:
        raise ToolRefused("indique rut o nombre")
    partners = env["res.partner"].search(domain, limit=_limit(args))
    rows = [
        {
            "id": partner.id,
            "nombre": partner.name,
            "rut": partner.vat or None,
            "giro": partner.l10n_cl_activity_description or None,
            "tipo_contribuyente": partner.l10n_cl_sii_taxpayer_type or None,
            "comuna": partner.city or None,
            "correo": partner.email or None,
        }
        for partner in partners
    ]
    return rows, partners


def ai_usage(env, args):
    """consumo_ia: the company's spend and budgets (AI managers only)."""
    if not env.user.has_group("l10n_cl_ai.group_manager"):
        raise ToolRefused("solo los administradores de IA pueden consultar el consumo")
    company = env.company
    settings = env["l10n_cl_ai.engine"]._read_settings()
    spent_today, spent_month = env["l10n_cl_ai.usage"]._spent_today_and_month(company)
    month_start = fields.Date.today().replace(day=1)
    by_feature = env["l10n_cl_ai.usage"]._read_group(
        [("company_id", "=", company.id), ("create_date", ">=", month_start)],
        ["feature"],
        ["__count", "cost_usd:sum"],
    )
    row = {
        "empresa": company.name,
        "gasto_hoy_usd": round(spent_today, 4),
        "gasto_mes_usd": round(spent_month, 4),
        "presupuesto_diario_usd": settings.daily_budget_usd or None,
        "presupuesto_mensual_usd": settings.monthly_budget_usd or None,
        "por_funcion_mes": [
            {"funcion": feature, "consultas": count, "gasto_usd": round(cost, 4)}
            for feature, count, cost in by_feature
        ],
    }
    return [row], env["l10n_cl_ai.usage"]


BOOK_TOOLS = {
    "buscar_facturas": find_invoices,
    "historial_contacto": partner_history,
    "obtener_factura": get_invoice,
    "resumen_documentos": summarize_documents,
    "buscar_contacto": find_partner,
    "consumo_ia": ai_usage,
}
