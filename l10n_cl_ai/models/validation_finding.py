"""``l10n_cl_ai.validation.finding``: one finding of a DTE validation (a rule's or Claude's)."""

from odoo import fields, models

SEVERITIES = [("error", "Error"), ("warning", "Warning"), ("info", "Info")]


class L10nClAiValidationFinding(models.Model):
    _name = "l10n_cl_ai.validation.finding"
    _description = "DTE validation finding"
    _order = "validation_id, id"

    validation_id = fields.Many2one("l10n_cl_ai.validation", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="validation_id.company_id", store=True, index=True)
    move_id = fields.Many2one(related="validation_id.move_id", store=True, index=True)
    code = fields.Char(required=True, help="Catalogue code (RUT_RECEPTOR...) or IA_... for Claude's own.")
    severity = fields.Selection(SEVERITIES, required=True)
    field = fields.Char(help="Where in the document (snapshot path).")
    message = fields.Text(required=True)
    source = fields.Selection([("deterministic", "Rules"), ("ai", "Claude")], required=True)
