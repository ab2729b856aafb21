"""DTE validation on Chilean invoices, credit and debit notes: the button, the state, the history.

``action_l10n_cl_ai_validate()`` runs the deterministic SII checks of one move at once, inside the click,
and queues Claude's review for the validation queue's cron (the click never waits for Claude); a list
selection queues checks and review both. The move keeps its last result in ``l10n_cl_ai_state``;
editing what was validated (an amount, the partner, a date, the type, a line, a reference) resets it to
``not_checked``: the move's fingerprint (a hash of its snapshot) is compared with the one stored at
validation time, so a save that changes nothing validated keeps the state.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .dte_reference import CODREF_SELECTION
from .move_part_mixin import is_keeping_state, keeping_state

DOCUMENT_TYPES = ("33", "34", "39", "41", "46", "56", "61", "110", "111", "112")
STATES = [("not_checked", "Not checked"), ("ok", "OK"), ("review", "Review"), ("error", "Errors")]
# Move fields whose change may change what was validated (then the fingerprint decides).
WATCHED_MOVE_FIELDS = frozenset(
    {
        "partner_id",
        "invoice_date",
        "date",
        "move_type",
        "l10n_latam_document_type_id",
        "invoice_line_ids",
        "line_ids",
        "currency_id",
        "journal_id",
        "fiscal_position_id",
        "invoice_cash_rounding_id",
        "reversed_entry_id",
        "debit_origin_id",
        "l10n_cl_ai_reference_ids",
        "l10n_cl_ai_origin_codref",
        "invoice_currency_rate",
    }
)
WATCHED_LINE_FIELDS = frozenset(
    {
        "name",
        "product_id",
        "quantity",
        "price_unit",
        "discount",
        "tax_ids",
        "display_type",
        "price_subtotal",
        "price_total",
        "amount_currency",
        "balance",
        "currency_id",
        "move_id",
    }
)
# Validation records hold customers' data: read by those who may read invoices (invoicing or accounting
# read rights); other readers of a move see the state alone.
INVOICE_READERS = "account.group_account_invoice,account.group_account_readonly"
# Written only by the validation code (as superuser, within ``keeping_state``), never over RPC.
VALIDATION_FIELDS = frozenset({"l10n_cl_ai_state", "l10n_cl_ai_fingerprint", "l10n_cl_ai_last_validation_id"})


class AccountMove(models.Model):
    _inherit = "account.move"

    l10n_cl_ai_state = fields.Selection(
        STATES,
        string="DTE check",
        default="not_checked",
        required=True,
        copy=False,
        index=True,
        readonly=True,
        help="Result of the last DTE validation (AI); editing the document resets it.",
    )
    l10n_cl_ai_fingerprint = fields.Char(string="DTE check fingerprint", copy=False, readonly=True)
    l10n_cl_ai_validation_ids = fields.One2many(
        "l10n_cl_ai.validation", "move_id", string="DTE validations", readonly=True, groups=INVOICE_READERS
    )
    l10n_cl_ai_validation_count = fields.Integer(
        string="DTE validation count", compute="_compute_l10n_cl_ai_validation_count", groups=INVOICE_READERS
    )
    l10n_cl_ai_last_validation_id = fields.Many2one(
        "l10n_cl_ai.validation",
        string="Last DTE validation",
        copy=False,
        readonly=True,
        groups=INVOICE_READERS,
    )
    l10n_cl_ai_finding_ids = fields.One2many(
        related="l10n_cl_ai_last_validation_id.finding_ids", string="DTE findings", groups=INVOICE_READERS
    )
    l10n_cl_ai_queued = fields.Boolean(
        string="DTE validation queued", compute="_compute_l10n_cl_ai_queued", groups=INVOICE_READERS
    )
    l10n_cl_ai_can_validate = fields.Boolean(
        string="Can be validated (AI)", compute="_compute_l10n_cl_ai_can_validate"
    )
    l10n_cl_ai_reference_ids = fields.One2many(
        "l10n_cl_ai.dte.reference",
        "move_id",
        string="DTE references",
        copy=False,
        groups=INVOICE_READERS,
        help="Documents this document references (issued in or outside Odoo).",
    )
    l10n_cl_ai_origin_codref = fields.Selection(
        CODREF_SELECTION,
        string="Reference code (origin)",
        compute="_compute_l10n_cl_ai_origin_codref",
        store=True,
        readonly=False,
        copy=False,
        help="CodRef of the reference to the credit or debit note's origin document: 1 cancels it, 2 "
        "corrects its text, 3 corrects its amounts.",
    )

    def _compute_l10n_cl_ai_validation_count(self):
        counts = dict(
            self.env["l10n_cl_ai.validation"]._read_group(
                [("move_id", "in", self.ids)], ["move_id"], ["__count"]
            )
        )
        for move in self:
            move.l10n_cl_ai_validation_count = counts.get(move, 0)

    def _compute_l10n_cl_ai_queued(self):
        queued = self.env["l10n_cl_ai.validation"].search(
            [("move_id", "in", self.ids), ("state", "=", "queued")]
        )
        for move in self:
            move.l10n_cl_ai_queued = move in queued.move_id

    @api.depends("country_code", "l10n_latam_document_type_id", "state", "move_type")
    def _compute_l10n_cl_ai_can_validate(self):
        for move in self:
            move.l10n_cl_ai_can_validate = move._l10n_cl_ai_is_eligible()

    def _l10n_cl_ai_is_eligible(self):
        self.ensure_one()
        code = self.l10n_latam_document_type_id.code
        return (
            self.company_id.account_fiscal_country_id.code == "CL"
            and code in DOCUMENT_TYPES
            and self.state in ("draft", "posted")
            and (
                self.move_type in ("out_invoice", "out_refund")
                or (code == "46" and self.move_type == "in_invoice")
            )
        )

    @api.depends("reversed_entry_id", "debit_origin_id")
    def _compute_l10n_cl_ai_origin_codref(self):
        """The usual code: a credit note cancels its origin (1), a debit note corrects amounts (3). The user
        changes it when the note only corrects (a partial credit note is reported as NC_ANULA_TOTAL)."""
        for move in self:
            usual = "1" if move.reversed_entry_id else "3" if move.debit_origin_id else False
            move.l10n_cl_ai_origin_codref = move.l10n_cl_ai_origin_codref or usual

    # -- buttons ------------------------------------------------------------------------------------
    def action_l10n_cl_ai_validate(self):
        """Validate this document now, or queue a selection of several for the cron."""
        self._l10n_cl_ai_check_rights()
        if len(self) != 1:
            return self.action_l10n_cl_ai_validate_batch()
        if not self._l10n_cl_ai_is_eligible():
            raise UserError(
                self.env._(
                    "Only draft or posted invoices, boletas, credit and debit notes of a Chilean company "
                    "(document types %(types)s) can be validated.",
                    types=", ".join(DOCUMENT_TYPES),
                )
            )
        validation = self.env["l10n_cl_ai.validation"]._create_for(self, "running")
        # the move's company: its rate limit, its budget, its usage rows. The checks run now; Claude's
        # review is queued (never inside this request) and updates the document when it ends.
        validation.with_env(self.with_company(self.company_id).env)._run_checks()
        return True

    def action_l10n_cl_ai_validate_batch(self):
        """Queue the eligible documents of the selection and wake the cron; returns a notification."""
        self._l10n_cl_ai_check_rights()
        eligible = self.filtered(lambda move: move._l10n_cl_ai_is_eligible())
        pending = (
            self.env["l10n_cl_ai.validation"]
            .sudo()
            .search([("move_id", "in", eligible.ids), ("state", "=", "queued")])
            .move_id
        )
        to_queue = eligible - pending
        if to_queue:
            self.env["l10n_cl_ai.validation"]._create_for(to_queue, "queued")
            self.env["l10n_cl_ai.validation"]._trigger_queue()
        message = self.env._(
            "%(queued)s document(s) queued for DTE validation; each one shows its result when done.",
            queued=len(to_queue),
        )
        if len(self) - len(eligible):
            message += " " + self.env._(
                "%(count)s document(s) skipped: not a Chilean invoice, boleta or note in draft or posted.",
                count=len(self) - len(eligible),
            )
        if pending:
            message += " " + self.env._("%(count)s already queued.", count=len(pending))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("DTE validation (AI)"),
                "message": message,
                "type": "info",
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _l10n_cl_ai_check_rights(self):
        if not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(self.env._("Only users with invoicing rights can validate documents."))
        self.check_access("write")

    def action_l10n_cl_ai_open_validations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("l10n_cl_ai.action_l10n_cl_ai_validation")
        action["domain"] = [("move_id", "=", self.id)]
        action["context"] = {"default_move_id": self.id}
        return action

    # -- result and staleness -------------------------------------------------------------------------
    def _l10n_cl_ai_store_result(self, validation, snapshot):
        """Keep the validation's result on the move, with the fingerprint of what was validated."""
        self.ensure_one()
        fingerprint = self.env["l10n_cl_ai.dte.snapshot"]._fingerprint(self, snapshot)
        self._l10n_cl_ai_write_own(
            {
                "l10n_cl_ai_state": validation.result_state,
                "l10n_cl_ai_last_validation_id": validation.id,
                "l10n_cl_ai_fingerprint": fingerprint,
            }
        )

    def _l10n_cl_ai_write_own(self, vals):
        """Write the addon's own bookkeeping fields: no accounting effect, so no line synchronisation,
        no "manually modified" flag and no staleness check."""
        with keeping_state():
            return (
                self.sudo().with_context(skip_is_manually_modified=True, skip_invoice_sync=True).write(vals)
            )

    def _l10n_cl_ai_reset_if_changed(self):
        """Back to ``not_checked`` when what was validated changed since (fingerprint comparison)."""
        if is_keeping_state():
            return
        snapshots = self.env["l10n_cl_ai.dte.snapshot"].sudo()
        stale = self.browse(
            [
                move.id
                for move in self.sudo()
                if move.l10n_cl_ai_state != "not_checked"
                and snapshots._fingerprint(move) != move.l10n_cl_ai_fingerprint
            ]
        )
        if stale:
            stale._l10n_cl_ai_write_own({"l10n_cl_ai_state": "not_checked"})

    def _l10n_cl_ai_check_validation_fields(self, vals_list):
        """Only the validation code writes the validation fields (a user could otherwise forge an OK)."""
        if self.env.su and is_keeping_state():
            return
        for vals in vals_list:
            forged = {
                name
                for name in VALIDATION_FIELDS.intersection(vals)
                if vals[name] not in (False, None, "", "not_checked")
            }
            if forged:
                raise AccessError(
                    self.env._(
                        "The DTE check fields (%(fields)s) are set by Validate (AI) only.",
                        fields=", ".join(sorted(forged)),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self._l10n_cl_ai_check_validation_fields(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._l10n_cl_ai_check_validation_fields([vals])
        if is_keeping_state() or not WATCHED_MOVE_FIELDS.intersection(vals):
            return super().write(vals)
        with keeping_state():
            result = super().write(vals)
        self._l10n_cl_ai_reset_if_changed()
        return result

    def _post(self, soft=True):
        """Every posting path (the button, the "Post entries" action, automatic posting) goes through
        here: apply the posting rule first. Posting may set the invoice date (to today, which the
        validation assumed): keep the state and take the posted document's fingerprint."""
        policy = self.env["l10n_cl_ai.engine"]._read_settings().dte_post_policy
        if policy != "off":
            self._l10n_cl_ai_check_post_policy(policy)
        validated = self.filtered(lambda move: move.l10n_cl_ai_state != "not_checked")
        with keeping_state():
            posted = super()._post(soft=soft)
        snapshots = self.env["l10n_cl_ai.dte.snapshot"].sudo()
        for move in validated & posted:
            move._l10n_cl_ai_write_own({"l10n_cl_ai_fingerprint": snapshots._fingerprint(move)})
        return posted

    def _l10n_cl_ai_check_post_policy(self, policy):
        """Refuse to post when the posting rule is not met (``errors`` or ``require``)."""
        snapshots = self.env["l10n_cl_ai.dte.snapshot"].sudo()
        problems = []
        for move in self.sudo().filtered(lambda m: m.state == "draft" and m._l10n_cl_ai_is_eligible()):
            last = move.l10n_cl_ai_last_validation_id
            if last.result_state == "error":
                problems.append(self.env._("%(move)s:", move=move.display_name))
                problems += [
                    f"- [{finding.code}] {finding.message}"
                    for finding in last.finding_ids.filtered(
                        # only the rules block: Claude's findings never reach "error" for the verdict
                        lambda finding: finding.severity == "error" and finding.source == "deterministic"
                    )
                ]
            elif policy == "require" and (
                not last
                or move.l10n_cl_ai_state not in ("ok", "review")
                or snapshots._fingerprint(move) != move.l10n_cl_ai_fingerprint
            ):
                problems.append(
                    self.env._(
                        "%(move)s: not validated as it is now (never validated, or changed since).",
                        move=move.display_name,
                    )
                )
        if problems:
            raise UserError(
                "\n".join(
                    [
                        self.env._("The DTE posting rule refuses to post:"),
                        *problems,
                        self.env._("Fix the document and click Validate (AI) again before posting."),
                    ]
                )
            )


class AccountMoveLine(models.Model):
    _name = "account.move.line"
    _inherit = ["account.move.line", "l10n_cl_ai.move.part.mixin"]
    _l10n_cl_ai_watched_fields = WATCHED_LINE_FIELDS
