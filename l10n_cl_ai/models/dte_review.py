"""``l10n_cl_ai.dte.review``: Claude's review of one DTE, through the ``dte`` plugin object.

The ORM reads the review needs (the partner's recent documents, knowledge passages, the natural persons
the pseudonymizer must know) and the one call to Claude; the prompt, the reply's checks and the verdict
are the plugin's (``services/plugins/dte_review_contract.py``). Runs in the queue's cron, never in a request.
Any failure is an outcome (``unavailable`` with the reason), never an exception: the deterministic
result stays.
"""

import logging

from odoo import api, fields, models

from ..services.claude.client import Prompt
from ..services.plugins.registry import REGISTRY
from ..services.privacy import Pseudonymizer
from .ai_outcome import AiOutcome
from .dte_snapshot import json_safe
from .engine import UserFacingEngineError

_logger = logging.getLogger(__name__)

DTE_PLUGIN = "dte"  # the plugin whose review contract (prompt, reply schema, knowledge scopes) is used
REVIEW_MAX_TOKENS = 1500
PERSONS_SCANNED = 2000  # natural persons of the company whose names are looked for in the free text


class L10nClAiDteReview(models.AbstractModel):
    _name = "l10n_cl_ai.dte.review"
    _description = "Claude's review of a DTE"

    @api.model
    def _skip_reason(self, rules_verdict, settings):
        """Why Claude's review does not run for this result, or ``""`` when it does."""
        if not settings.dte_ai_review:
            return self.env._("Claude's review is turned off in the settings.")
        if rules_verdict == "reject" and not settings.dte_ai_review_on_errors:
            return self.env._(
                "Claude's review was skipped because the checks found blocking errors. Fix them and "
                "validate again."
            )
        return ""

    @api.model
    def _skipped(self, reason):
        return AiOutcome("skipped", reason=reason)

    @api.model
    def _unavailable(self, reason):
        return AiOutcome("unavailable", reason=reason)

    @api.model
    def _review(self, validation, snapshot, findings, settings):
        """Claude's review of ``validation``'s move (as the current user) -> :class:`AiOutcome`."""
        plugin = REGISTRY.get(DTE_PLUGIN)
        move = validation.move_id
        pseudonyms = self._pseudonymizer(move) if settings.minimize_personal_data else None
        prompt = self._prompt(plugin, move, snapshot, findings, settings, pseudonyms)
        try:
            result, usage = self.env["l10n_cl_ai.engine"]._call_claude(
                "dte_validation",
                prompt,
                record=move,
                plugin=plugin.code,
                json_schema=plugin.review_output_schema,
                reply_check=plugin.review_errors,
                max_tokens=REVIEW_MAX_TOKENS,
                model=settings.dte_model,
                call_key=validation._call_key(),
                defer_rate_limited=True,
                settings=settings,
            )
        except UserFacingEngineError as error:
            usage_id = error.usage.id if error.usage else None
            if error.kind == "rate_limited":
                return AiOutcome("deferred", reason=error.message, retry_after=error.error.retry_after)
            return AiOutcome("unavailable", reason=error.message, usage_id=usage_id)
        reply = pseudonyms.restore(result.parsed) if pseudonyms is not None else result.parsed
        codes = {finding.code for finding in findings}
        return AiOutcome(
            "done",
            confidence=reply["confidence"],
            recommendation=plugin.review_verdict(reply, codes),
            findings=plugin.new_findings(reply, codes),
            usage_id=usage.id,
            personal_data_minimized=pseudonyms is not None,
        )

    @api.model
    def _prompt(self, plugin, move, snapshot, findings, settings, pseudonyms):
        """The plugin's review prompt: cached instructions and passages, then this document."""
        from ..services.plugins.dte_review_contract import compact

        history = self._partner_history(move, settings.partner_history_size)
        deterministic = [
            {"code": f.code, "severity": f.severity, "field": f.field, "params": f.params} for f in findings
        ]
        passages = self._passages(plugin, snapshot)
        payload = {
            "snapshot": compact(json_safe(snapshot)),
            "deterministic": json_safe(deterministic),
            "passages": passages,
        }
        if pseudonyms is not None:
            payload = pseudonyms.scrub(payload)
        review = self._review_prompt_builder(plugin, move)(
            payload["snapshot"], history, payload["passages"], payload["deterministic"]
        )
        return Prompt(system=review.system_parts(), messages=review.messages())

    @api.model
    def _review_prompt_builder(self, plugin, move):
        """The function that builds ``move``'s review prompt: the plugin's (received bills have their own,
        see ``reception_review.py``)."""
        return plugin.build_review_prompt

    @api.model
    def _pseudonymizer(self, move):
        """Placeholders for the natural persons known to the database: the document's customer and
        contact, and every person of the company's contacts whose name may appear in free text (line
        labels, product names, reference reasons, passages). The company's own e-mails are kept. Only
        this document's persons come back in Claude's reply (see ``Pseudonymizer.restore``)."""
        company_partner = move.company_id.partner_id
        pseudonyms = Pseudonymizer(keep_emails=[move.company_id.email, company_partner.email])
        snapshots = self.env["l10n_cl_ai.dte.snapshot"]
        for partner in dict.fromkeys((move.commercial_partner_id, move.partner_id)):
            if partner and snapshots._is_person(partner):
                pseudonyms.add_person(
                    name=partner.name,
                    rut=partner.vat,
                    street=partner.street,
                    email=partner.email,
                    phone=partner.phone,
                )
        known = (
            self.env["res.partner"]
            .sudo()
            .search(
                [
                    ("is_company", "=", False),
                    ("company_id", "in", [False, move.company_id.id]),
                    ("name", "!=", False),
                    ("id", "not in", (company_partner | move.partner_id).ids),
                ],
                order="id desc",
                limit=PERSONS_SCANNED,
            )
        )
        for partner in known.filtered(lambda p: snapshots._is_person(p) and len((p.name or "").split()) > 1):
            # not of this document: restored in Claude's reply only where their name was sent
            pseudonyms.add_person(name=partner.name, rut=partner.vat, in_document=False)
        return pseudonyms

    @api.model
    def _partner_history(self, move, size):
        """The partner's last ``size`` documents in this company: type, date, total (no names)."""
        if size <= 0 or not move.commercial_partner_id:
            return []
        recent = self.env["account.move"].search(
            [
                ("commercial_partner_id", "=", move.commercial_partner_id.id),
                ("company_id", "=", move.company_id.id),
                ("move_type", "in", ("out_invoice", "out_refund", "in_invoice", "in_refund")),
                ("state", "=", "posted"),
                ("id", "!=", move.id),
            ],
            order="invoice_date desc, id desc",
            limit=size,
        )
        return [
            {
                "document_type": other.l10n_latam_document_type_id.code or None,
                "move_type": other.move_type,
                "date": fields.Date.to_string(other.invoice_date) if other.invoice_date else None,
                "total": other.amount_total,
                "currency": other.currency_id.name,
                "payment_state": other.payment_state,
            }
            for other in recent
        ]

    @api.model
    def _passages(self, plugin, snapshot):
        """Knowledge passages for the document type; none (and a log line) when the index is unusable
        for any reason (an index build error, Redis refusing, a damaged file): the review goes on."""
        query = plugin.knowledge_queries.get(snapshot["document_type"])
        if not query:
            return []
        try:
            hits = self.env["l10n_cl_ai.knowledge.document"]._search_knowledge(
                query, top_k=3, corpus=list(plugin.knowledge_corpora)
            )
        except Exception as error:  # noqa: BLE001 - the review goes on without passages
            _logger.warning("DTE review without knowledge passages: %s: %s", type(error).__name__, error)
            return []
        return [{key: hit[key] for key in ("slug", "title", "excerpt")} for hit in hits]
