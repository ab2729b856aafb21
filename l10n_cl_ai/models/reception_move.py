"""``account.move`` for received DTEs: the fields of the claim window, the import mixin's hooks and the
entry points; the logic is in ``l10n_cl_ai.reception.import`` (files -> bills), ``.checks`` (findings)
and ``.window`` (decisions, reminders).
"""

from odoo import api, fields, models

from ..services.reception import checks, claim_window
from ..services.reception.errors import ReceptionError
from .account_move import INVOICE_READERS
from .reception_import import _FORBIDDEN, DECODER_PRIORITY, FILE_TYPE, looks_like_sii_file
from .reception_window import CLOSING_DAYS

RECEIVED_TYPES = ("in_invoice", "in_refund")


class AccountMove(models.Model):
    _name = "account.move"  # an extension in its own file (account_move.py holds the validation's)
    _inherit = "account.move"

    l10n_cl_ai_reception_date = fields.Date(
        string="SII reception date",
        copy=False,
        tracking=True,
        help="The day the supplier's XML reached the company (the e-mail's or the upload's date, in "
        "Chile). Replace it with the SII's reception date when you have it: the eight-day window to "
        "claim the document counts from it.",
    )
    l10n_cl_ai_claim_deadline = fields.Date(
        string="Claim deadline",
        compute="_compute_l10n_cl_ai_claim_deadline",
        store=True,
        index=True,
        help="Last day to claim the document (reception + 8 calendar days, Ley 19.983 art. 3); afterwards "
        "it is tacitly accepted.",
    )
    l10n_cl_ai_claim_days_left = fields.Integer(
        string="Days to claim", compute="_compute_l10n_cl_ai_claim_status"
    )
    l10n_cl_ai_claim_status = fields.Selection(
        [
            ("open", "Window open"),
            ("closing", "Window closing"),
            ("tacit", "Tacitly accepted (Ley 19.983)"),
            ("decided", "Decided"),
        ],
        string="Claim window",
        compute="_compute_l10n_cl_ai_claim_status",
    )
    l10n_cl_ai_decision_ids = fields.One2many(
        "l10n_cl_ai.reception.decision",
        "move_id",
        string="Reception decisions",
        readonly=True,
        groups=INVOICE_READERS,
    )
    l10n_cl_ai_dte_attachment_id = fields.Many2one(
        "ir.attachment", string="Received DTE XML", copy=False, readonly=True, index="btree_not_null"
    )
    l10n_cl_ai_dte_key = fields.Char(
        string="Received DTE", copy=False, readonly=True, help="Type/folio of the DTE read from the XML."
    )
    l10n_cl_ai_window_reminded_on = fields.Date(string="Claim reminder sent on", copy=False, readonly=True)

    @api.depends("l10n_cl_ai_reception_date")
    def _compute_l10n_cl_ai_claim_deadline(self):
        for move in self:
            day = move.l10n_cl_ai_reception_date
            move.l10n_cl_ai_claim_deadline = claim_window.ClaimWindow(day).deadline if day else False

    @api.depends("l10n_cl_ai_reception_date", "l10n_cl_ai_decision_ids")
    def _compute_l10n_cl_ai_claim_status(self):
        today = self.env["l10n_cl_ai.dte.snapshot"]._today()
        for move in self:
            day = move.l10n_cl_ai_reception_date
            if not day:
                move.l10n_cl_ai_claim_days_left = 0
                move.l10n_cl_ai_claim_status = False
                continue
            window = claim_window.ClaimWindow(day)
            move.l10n_cl_ai_claim_days_left = window.days_left(today)
            if move.sudo().l10n_cl_ai_decision_ids:
                move.l10n_cl_ai_claim_status = "decided"
            elif window.tacitly_accepted(today):
                move.l10n_cl_ai_claim_status = "tacit"
            elif window.closing_within(today, CLOSING_DAYS):
                move.l10n_cl_ai_claim_status = "closing"
            else:
                move.l10n_cl_ai_claim_status = "open"

    def action_l10n_cl_ai_decide(self):
        """The decision named in the context (``l10n_cl_ai_decision``) on this bill."""
        self.ensure_one()
        return self.env["l10n_cl_ai.reception.window"]._decide(
            self, self.env.context.get("l10n_cl_ai_decision")
        )

    # -- received bills and their checks ---------------------------------------------------------------
    def _l10n_cl_ai_is_received(self):
        """A Chilean company's vendor bill or refund of a receivable type (or typed by hand with a type
        refused as a bill: ``REC_TIPO`` says why), or one imported from an XML."""
        self.ensure_one()
        return (
            self.company_id.account_fiscal_country_id.code == "CL"
            and self.move_type in RECEIVED_TYPES
            and self.state in ("draft", "posted")
            and (
                self.l10n_latam_document_type_id.code in checks.RECEIVABLE | checks.REFUSED_AS_BILL
                or bool(self.l10n_cl_ai_dte_attachment_id)
            )
        )

    def _l10n_cl_ai_is_eligible(self):
        return super()._l10n_cl_ai_is_eligible() or self._l10n_cl_ai_is_received()

    def _l10n_cl_ai_check_post_policy(self, policy):
        """The posting rule is about what the company sends to the SII: received bills are not held by
        it (their badge, findings and the claim-window reminder say what to do)."""
        sent = self.filtered(lambda move: not move._l10n_cl_ai_is_received())
        return super(AccountMove, sent)._l10n_cl_ai_check_post_policy(policy)

    def _l10n_cl_ai_validate_received(self):
        """The checks of this received bill now (import), as the current user in the bill's company."""
        self.ensure_one()
        validation = self.env["l10n_cl_ai.validation"]._create_for(self, "running")
        validation.with_env(self.with_company(self.company_id).env)._run_checks()
        return validation

    # -- the mixin's hooks -----------------------------------------------------------------------------
    @api.model
    def _get_xml_tree(self, file_data):
        """Never let Odoo's default parser read a DTD or an entity, nor an SII file (the engine parses
        those with its hardened parser)."""
        raw = file_data.get("raw") or b""
        if _FORBIDDEN.search(bytes(raw)) or looks_like_sii_file(file_data):
            return None
        return super()._get_xml_tree(file_data)

    @api.model
    def _get_import_file_type(self, file_data):
        if looks_like_sii_file(file_data):
            return FILE_TYPE
        return super()._get_import_file_type(file_data)

    def _unwrap_attachment(self, file_data, recurse=True):
        """An envelope with several DTEs: one new attachment (a bare DTE) per document beyond the first,
        each imported as its own bill; the envelope itself imports its first readable document."""
        if file_data.get("import_file_type") != FILE_TYPE:
            return super()._unwrap_attachment(file_data, recurse)
        try:
            reception = self.env["l10n_cl_ai.reception.import"]._parse(file_data["raw"])
        except ReceptionError:
            return []  # refused as a whole: the decoder (or the upload check) says why
        documents = self.env["l10n_cl_ai.reception.import"]._receivable(reception)[0]
        if len(documents) < 2:
            return []
        stem = (file_data["name"] or "dte").rsplit(".", 1)[0]
        attachments = self.env["ir.attachment"].create(
            [
                {
                    "name": f"{stem}_T{doc.doc_type}F{doc.folio}.xml",
                    "raw": doc.raw,
                    "mimetype": "application/xml",
                }
                for doc in documents[1:]
            ]
        )
        return self._to_files_data(attachments)

    def _get_edi_decoder(self, file_data, new=False):
        if file_data.get("import_file_type") == FILE_TYPE:
            return {"priority": DECODER_PRIORITY, "decoder": self.env["l10n_cl_ai.reception.import"]._decode}
        return super()._get_edi_decoder(file_data, new)

    @api.model
    def _create_records_from_attachments(self, attachments, grouping_method=None):
        """Upload / drag and drop: refuse a hostile or unreadable SII file before any bill is created."""
        self.env["l10n_cl_ai.reception.import"]._refuse_unreadable(attachments)
        return super()._create_records_from_attachments(attachments, grouping_method=grouping_method)
