"""The buyer's eight-day window on a received bill (Ley 19.983 art. 3) and the decisions recorded on it.

``l10n_cl_ai_reception_date`` is the day the XML reached Odoo in Chile (the e-mail's date or the upload's;
the accountant may replace it with the SII's reception date); the deadline is reception + 8 calendar days
(``services/reception/claim_window.py``). A decision (ACD, ERM, RCD, RFP, RFT) is recorded with who and
when, gated by ``claim_window.decide``; it is not sent to the SII (see the README). The daily cron
``ir_cron_reception_window`` reminds the accountant of bills whose window closes within two days and that
have error findings or no decision: one activity and one message to the alert channel per bill and day.
"""

import datetime

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..services.reception import claim_window
from .reception_messages import reception_message

DECISIONS = [
    ("ACD", "ACD - Content accepted"),
    ("ERM", "ERM - Goods or services received"),
    ("RCD", "RCD - Content claimed"),
    ("RFP", "RFP - Partial lack of goods claimed"),
    ("RFT", "RFT - Total lack of goods claimed"),
]
CLOSING_DAYS = 2
RECEIVED_TYPES = ("in_invoice", "in_refund")


class L10nClAiReceptionDecision(models.Model):
    _name = "l10n_cl_ai.reception.decision"
    _description = "Buyer's decision on a received DTE"
    _order = "move_id, id"
    _check_company_auto = True

    move_id = fields.Many2one("account.move", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="move_id.company_id", store=True, index=True)
    code = fields.Selection(DECISIONS, string="Decision", required=True)
    user_id = fields.Many2one("res.users", string="Decided by", required=True)
    decided_at = fields.Datetime(string="Decided on", required=True)


class L10nClAiReceptionWindow(models.AbstractModel):
    _name = "l10n_cl_ai.reception.window"
    _description = "Received DTE claim window (decisions, daily reminder)"

    # -- decisions -----------------------------------------------------------------------------------
    @api.model
    def _decide(self, move, code, today=None):
        """Record ``code`` (ACD, ERM, RCD, RFP, RFT) on ``move``, or raise the reason it cannot be."""
        move.ensure_one()
        move.check_access("write")
        if move.move_type not in RECEIVED_TYPES or not move.l10n_cl_ai_reception_date:
            raise UserError(
                self.env._("Decisions are recorded on received vendor bills with a reception date.")
            )
        today = today or self.env["l10n_cl_ai.dte.snapshot"]._today()
        window = claim_window.ClaimWindow(move.l10n_cl_ai_reception_date)
        previous = move.l10n_cl_ai_decision_ids.sorted("id").mapped("code")
        verdict = claim_window.decide(code, previous, window, today)
        if not verdict.allowed:
            params = {**verdict.params, "reason": verdict.reason}
            raise UserError(reception_message(self.env, "REC_DECISION", params))
        decision = (
            self.env["l10n_cl_ai.reception.decision"]
            .sudo()
            .create(
                {
                    "move_id": move.id,
                    "code": code,
                    "user_id": self.env.uid,
                    "decided_at": fields.Datetime.now(),
                }
            )
        )
        labels = dict(decision._fields["code"]._description_selection(self.env))
        move.message_post(
            body=self.env._(
                "Reception decision recorded: %(decision)s. Register it on the SII's website (Registro de "
                "Reclamos) or with your DTE software: this addon does not send it.",
                decision=labels[code],
            ),
            subtype_xmlid="mail.mt_note",
        )
        return True

    # -- the daily reminder --------------------------------------------------------------------------
    @api.model
    def _cron_remind(self, today=None):
        """Bills whose window closes within two days and that have error findings or no decision: one
        activity for the accountant and one message to the alert channel, once per bill and day."""
        today = today or self.env["l10n_cl_ai.dte.snapshot"]._today()
        moves = self.env["account.move"].search(
            [
                ("move_type", "in", RECEIVED_TYPES),
                ("state", "!=", "cancel"),
                ("l10n_cl_ai_claim_deadline", ">=", today),
                ("l10n_cl_ai_claim_deadline", "<=", today + datetime.timedelta(days=CLOSING_DAYS)),
                "|",
                ("l10n_cl_ai_window_reminded_on", "=", False),
                ("l10n_cl_ai_window_reminded_on", "<", today),
            ]
        )
        due = moves.filtered(
            lambda move: (
                not move.l10n_cl_ai_decision_ids or move.sudo().l10n_cl_ai_last_validation_id.error_count
            )
        )
        lines = []
        for move in due:
            self._remind(move, today)
            lines.append(
                self.env._(
                    "%(bill)s (%(partner)s): claim window closes on %(deadline)s.",
                    bill=move.display_name,
                    partner=move.partner_id.display_name or "",
                    deadline=fields.Date.to_string(move.l10n_cl_ai_claim_deadline),
                )
            )
        if lines:
            self._post_alert(lines)
        return len(due)

    @api.model
    def _remind(self, move, today):
        move.ensure_one()
        user = move.invoice_user_id or move.create_uid
        if not user.has_group("account.group_account_invoice"):
            user = self.env.ref("base.user_admin", raise_if_not_found=False) or self.env.user
        move.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=move.l10n_cl_ai_claim_deadline,
            summary=self.env._("Received DTE: decide before the claim deadline"),
            note=self.env._(
                "The eight-day window to claim this document closes on %(deadline)s; afterwards it is "
                "tacitly accepted (Ley 19.983). Record ACD/ERM or a claim (RCD, RFP, RFT).",
                deadline=fields.Date.to_string(move.l10n_cl_ai_claim_deadline),
            ),
            user_id=user.id,
        )
        move.sudo().write({"l10n_cl_ai_window_reminded_on": today})

    @api.model
    def _post_alert(self, lines):
        """One message in the alert channel (the SII monitor's); ``False`` when no channel is set."""
        body = Markup("<p><strong>%s</strong></p><ul>%s</ul>") % (
            self.env._("Received DTEs whose claim window closes within two days:"),
            Markup("").join(Markup("<li>%s</li>") % line for line in lines),
        )
        return self.env["l10n_cl_ai.sii.publication"]._post_to_channel(body)
