"""The buyer's checks (``services/reception/checks.py``) on a received vendor bill, through the same
``l10n_cl_ai.validation`` record, badge, findings and queued Claude review as customer documents.

With the supplier's XML kept on the bill every ``REC_*`` check runs on the document as received, plus
``REC_BILL_TOTAL`` (the bill's total is not the XML's ``MntTotal``: the import never adjusts amounts). A
bill typed by hand gets the checks that need no XML (issuer RUT, type, duplicate folio, date) and the
``REC_SIN_XML`` note.
"""

from decimal import Decimal

from odoo import api, models

from ..services.dte_rules.finding import ERROR, INFO, Finding
from ..services.reception import checks, sii_keys
from ..services.reception.document import ReceivedDte, Totals
from ..services.reception.errors import ReceptionError
from ..services.rut import sii_rut
from .reception_messages import reception_message

RECEIVED_TYPES = ("in_invoice", "in_refund")


class L10nClAiReceptionChecks(models.AbstractModel):
    _name = "l10n_cl_ai.reception.checks"
    _description = "Buyer's checks on a received bill"

    # -- findings --------------------------------------------------------------------------------------
    @api.model
    def _received_document(self, move):
        """The ``ReceivedDte`` ``move`` was imported from (read again from its XML), or ``None``."""
        move.ensure_one()
        attachment = move.sudo().l10n_cl_ai_dte_attachment_id
        if not attachment:
            return None
        try:
            reception = self.env["l10n_cl_ai.reception.import"]._parse(attachment.raw)
        except ReceptionError:
            return None
        for doc in reception.documents:
            if f"{doc.doc_type}/{doc.folio}" == move.l10n_cl_ai_dte_key:
                return doc
        return reception.documents[0] if len(reception.documents) == 1 else None

    @api.model
    def _findings(self, move, today=None):
        """The buyer's findings on ``move``: every check on its XML, or those that need none."""
        move.ensure_one()
        today = today or self.env["l10n_cl_ai.dte.snapshot"]._today()
        doc = self._received_document(move)
        partner_vat = move.commercial_partner_id.vat or None
        context = checks.Context(
            company_rut=move.company_id.vat or "",
            today=today,
            partner_rut=partner_vat,
            existing=frozenset(self._existing_keys(move, doc)),
            sii_keys=sii_keys.parse(self.env["l10n_cl_ai.engine"]._read_settings().reception_sii_keys),
        )
        if doc is not None:
            findings = checks.check(doc, context)
            bill_total = Decimal(str(move.currency_id.round(move.amount_total)))
            if bill_total != doc.totals.total:
                findings.append(
                    Finding(
                        "REC_BILL_TOTAL",
                        ERROR,
                        "totals.total",
                        {
                            "bill_total": checks.plain(bill_total),
                            "total": checks.plain(doc.totals.total),
                            "difference": checks.plain(bill_total - doc.totals.total),
                        },
                    )
                )
            return findings
        return self._findings_without_xml(move, context)

    @api.model
    def _findings_without_xml(self, move, context):
        """What can be checked on a bill typed by hand: the issuer's RUT, the type, a duplicate folio and
        the date."""
        number = move.l10n_latam_document_number or ""
        doc = ReceivedDte(
            doc_type=move.l10n_latam_document_type_id.code or "",
            folio=int(number) if number.isdigit() else 0,
            issue_date=move.invoice_date or context.today,
            issuer_rut=move.commercial_partner_id.vat or "",
            receiver_rut=move.company_id.vat or "",
            totals=Totals(total=Decimal(str(move.amount_total)), vat=Decimal(str(move.amount_tax))),
        )
        out = []
        checks.emisor(doc, context, out)
        checks.tipo(doc, out)
        if doc.folio:
            checks.folio_duplicado(doc, context, out)
        checks.fecha(doc, context, out)
        out.append(Finding("REC_SIN_XML", INFO, "attachment", {}))
        return out

    @api.model
    def _existing_keys(self, move, doc=None):
        """``checks.folio_key`` of the company's other received bills (not cancelled) with the folio of
        ``doc`` (the XML) or of ``move``."""
        number = (move.l10n_latam_document_number or "").lstrip("0")
        if doc is not None:
            number = str(doc.folio)
        if not number.isdigit():
            return set()
        others = self.env["account.move"].search(
            [
                ("company_id", "=", move.company_id.id),
                ("move_type", "in", RECEIVED_TYPES),
                ("state", "!=", "cancel"),
                ("id", "!=", move.id),
                ("name", "=like", f"% {number.zfill(6)}"),
            ]
        )
        keys = set()
        for other in others:
            rut = sii_rut(other.commercial_partner_id.vat)
            code = other.l10n_latam_document_type_id.code
            if rut and code and (other.l10n_latam_document_number or "").isdigit():
                keys.add(checks.folio_key(rut, code, int(other.l10n_latam_document_number)))
        return keys


class L10nClAiValidation(models.Model):
    _name = "l10n_cl_ai.validation"  # the received bills' findings, next to the pre-send ones
    _inherit = "l10n_cl_ai.validation"

    def _deterministic_findings(self, move, snapshot):
        if move._l10n_cl_ai_is_received():
            return self.env["l10n_cl_ai.reception.checks"]._findings(move, today=snapshot["today"])
        return super()._deterministic_findings(move, snapshot)

    def _deterministic_line(self, finding):
        line = super()._deterministic_line(finding)
        if finding.code.startswith("REC_"):
            line["message"] = reception_message(self.env, finding.code, finding.params)
        return line
