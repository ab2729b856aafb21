"""``l10n_cl_ai.chat.read``: the audit of what the bot's tools read, one row per tool call and model.

Written by the code only (on its own committed cursor, as the usage ledger is), never over RPC. The
asking user reads their own rows; AI managers read every row of their companies: which tool read which
records, how many. The arguments Claude gave a tool carry data of the question and of what the tools read
before (a RUT, a name, an amount), read with the asker's rights: only the asker sees them
(``tool_input``); the stored ``arguments`` are restricted to system administrators, who can read any
data of the database anyway. A field's ``groups`` cannot say "the asker", a record rule would hide the
whole row from the managers, hence the computed field.
"""

import json

from odoo import api, fields, models
from odoo.exceptions import AccessError


class L10nClAiChatRead(models.Model):
    _name = "l10n_cl_ai.chat.read"
    _description = "Records read by the Discuss bot"
    _order = "id desc"
    _check_company_auto = True
    _rec_name = "tool"

    request_id = fields.Many2one(
        "l10n_cl_ai.chat.request", string="Question", required=True, index=True, ondelete="cascade"
    )
    user_id = fields.Many2one("res.users", string="Read as", required=True, index=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    tool = fields.Char(required=True)
    arguments = fields.Text(
        string="Stored arguments",
        groups="base.group_system",
        help="The arguments Claude gave the tool (JSON).",
    )
    tool_input = fields.Text(
        string="Arguments",
        compute="_compute_tool_input",
        help="The arguments Claude gave the tool (JSON), shown to the user who asked only.",
    )
    res_model = fields.Char(string="Model")
    res_ids = fields.Text(string="Record ids", help="JSON list of the ids read.")
    count = fields.Integer(string="Records")

    @api.depends_context("uid")
    def _compute_tool_input(self):
        for row in self:
            row.tool_input = row.sudo().arguments if row.user_id == self.env.user else False

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(self.env._("The bot's audit is written by the bot only."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            raise AccessError(self.env._("The bot's audit cannot be changed."))
        return super().write(vals)

    def _records(self):
        """The records this row lists, as far as the current user may still see them."""
        self.ensure_one()
        if not self.res_model or self.res_model not in self.env:
            return None
        return self.env[self.res_model].browse(json.loads(self.res_ids or "[]")).exists()
