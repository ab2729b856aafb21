"""The addon's own DTE references (Referencias), since Community has no reference model.

Users reference documents issued outside Odoo (an invoice from another system, a purchase order 801,
a contract 803...) with their type, folio, date, CodRef and reason. A credit or debit note's origin in
Odoo (``reversed_entry_id`` / ``debit_origin_id``) is referenced automatically, with the CodRef set on
the move (``l10n_cl_ai_origin_codref``).
"""

from odoo import fields, models

CODREF_SELECTION = [
    ("1", "1 - Cancels the referenced document"),
    ("2", "2 - Corrects text of the referenced document"),
    ("3", "3 - Corrects amounts of the referenced document"),
]


class L10nClAiDteReference(models.Model):
    _name = "l10n_cl_ai.dte.reference"
    _inherit = ["l10n_cl_ai.move.part.mixin"]
    _description = "DTE reference (document referenced by an invoice or note)"
    _order = "move_id, sequence, id"
    _check_company_auto = True

    move_id = fields.Many2one("account.move", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="move_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    document_type_id = fields.Many2one(
        "l10n_latam.document.type",
        string="Document type",
        required=True,
        domain="[('country_id.code', '=', 'CL')]",
        help="TpoDocRef: the type of the referenced document (33, 61, 801 purchase order...).",
    )
    folio = fields.Char(required=True, help="FolioRef: the number of the referenced document.")
    date = fields.Date(required=True, help="FchRef: the date of the referenced document.")
    codref = fields.Selection(
        CODREF_SELECTION,
        string="Reference code",
        help="CodRef, mandatory on credit and debit notes: 1 cancels the referenced document, 2 corrects "
        "its text (amounts in zero), 3 corrects its amounts.",
    )
    reason = fields.Char(help="RazonRef: why the document is referenced (at most 90 characters).")
    rut_other = fields.Char(
        string="RUT of another taxpayer",
        help="RUTOtr: only when the referenced document was issued by another taxpayer "
        "(46, 56, 61, 110-112).",
    )
