"""The addon's own DTE references (Referencias), since Community has no reference model.

Users reference documents issued outside Odoo (an invoice from another system, a purchase order 801,
a contract 803...) with their type, folio, date, CodRef and reason. A credit or debit note's origin in
Odoo (``reversed_entry_id`` / ``debit_origin_id``) is referenced automatically, with the CodRef set on
the move (``l10n_cl_ai_origin_codref``).

``reference_code`` is the type as the DTE writes it (``TpoDocRef``): the document type's code, or, on a
received DTE, a code Odoo has no document type for (kept rather than dropped). Other addons (purchase
matching) find purchase orders and entry sheets by it: ``801``, ``HES``, ``HEM``.
"""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

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
        domain="[('country_id.code', '=', 'CL')]",
        help="TpoDocRef: the type of the referenced document (33, 61, 801 purchase order...).",
    )
    reference_code = fields.Char(
        string="Type code",
        compute="_compute_reference_code",
        store=True,
        readonly=False,
        index=True,
        help="TpoDocRef as written in the DTE: the document type's code (33, 801, HES, HEM...), or a code "
        "of a received DTE that is no document type in Odoo.",
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

    @api.depends("document_type_id")
    def _compute_reference_code(self):
        for ref in self:
            if ref.document_type_id:
                ref.reference_code = ref.document_type_id.code

    @api.constrains("document_type_id", "reference_code")
    def _check_type(self):
        for ref in self:
            if not ref.document_type_id and not (ref.reference_code or "").strip():
                raise ValidationError(self.env._("A reference needs a document type or a type code."))
