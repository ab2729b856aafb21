"""``l10n_cl_ai.validation``: one DTE validation run of a move, and its findings.

A run (``_execute``): snapshot of the move -> deterministic rules (``services/dte_rules``) -> Claude's
review through the ``dte`` plugin when the settings allow it -> the findings, the recommendation (the
worse of the rules' verdict and Claude's: Claude can make it worse, never better), the move's state and
one chatter message. Claude unreachable, over budget, rate-limited or replying nonsense leaves the
deterministic result in place with the AI part ``unavailable`` and the reason.

Validations of a list selection are queued (``state = 'queued'``) and run by a cron triggered at once,
each as the user who asked for it, committed one by one.

Users read validations; only the code writes them (as superuser, after checking the user's rights on
the move), so a validation cannot be forged to get past the block-post option.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models

from ..services import dte_rules, errors
from ..services.claude import Prompt
from ..services.plugins.dte_review import review_errors
from ..services.plugins.registry import REGISTRY
from ..services.privacy import Pseudonymizer
from .dte_rule_messages import finding_message
from .dte_snapshot import json_safe
from .engine import UserFacingEngineError
from .engine_messages import engine_error_message

_logger = logging.getLogger(__name__)

SEVERITIES = [("error", "Error"), ("warning", "Warning"), ("info", "Info")]
RECOMMENDATIONS = [("send", "Send"), ("review", "Review"), ("reject", "Reject")]
MOVE_STATE_OF = {"send": "ok", "review": "review", "reject": "error"}
QUEUE_BATCH_SIZE = 50
REVIEW_MAX_TOKENS = 1500
DTE_PLUGIN = "dte"  # the plugin whose review contract (prompt, reply schema, knowledge scopes) is used
SUMMARY_MAX_FINDINGS = 25

# What the knowledge base is asked, per document type: the same question for every document of a type,
# so the passages (a cached part of the prompt) are identical from one invoice to the next.
KNOWLEDGE_QUERIES = {
    "33": "factura electrónica afecta: receptor, giro, IVA 19 %, neto y total",
    "34": "factura exenta: operaciones exentas de IVA, montos exentos",
    "39": "boleta electrónica: montos con IVA incluido, consumidor final",
    "41": "boleta exenta electrónica: montos exentos, consumidor final",
    "46": "factura de compra: retención del IVA, emisión por el comprador",
    "56": "nota de débito: referencia al documento, código de referencia CodRef",
    "61": "nota de crédito: anulación o corrección, referencia y CodRef, plazos",
    "110": "factura de exportación: moneda, tipo de cambio, receptor extranjero",
    "111": "nota de débito de exportación: referencia a la factura de exportación",
    "112": "nota de crédito de exportación: referencia a la factura de exportación",
}


@dataclass
class AiOutcome:
    """What Claude's step produced (plain values for ``_execute``)."""

    status: str  # done | skipped | unavailable | deferred
    reason: str = ""
    confidence: int | None = None
    recommendation: str | None = None
    findings: list = field(default_factory=list)
    usage: object = None
    retry_after: float | None = None


class L10nClAiValidation(models.Model):
    _name = "l10n_cl_ai.validation"
    _description = "DTE validation run"
    _order = "id desc"
    _check_company_auto = True
    _rec_name = "move_id"

    move_id = fields.Many2one(
        "account.move", string="Document", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    user_id = fields.Many2one("res.users", string="Requested by", required=True, index=True)
    date = fields.Datetime(help="When the validation ran.")
    state = fields.Selection(
        [("queued", "Queued"), ("running", "Running"), ("done", "Done"), ("failed", "Failed")],
        required=True,
        default="queued",
        index=True,
    )
    not_before = fields.Datetime(
        string="Waiting until", help="A queued validation waits until then (the rate limit was reached)."
    )
    error = fields.Text(string="Failure", help="Why the validation could not run.")
    finding_ids = fields.One2many("l10n_cl_ai.validation.finding", "validation_id", string="Findings")
    error_count = fields.Integer(compute="_compute_counts", store=True, string="Errors")
    warning_count = fields.Integer(compute="_compute_counts", store=True, string="Warnings")
    deterministic_recommendation = fields.Selection(RECOMMENDATIONS, string="Rules' verdict")
    ai_recommendation = fields.Selection(RECOMMENDATIONS, string="Claude's recommendation")
    recommendation = fields.Selection(
        RECOMMENDATIONS, help="The worse of the rules' verdict and Claude's recommendation."
    )
    result_state = fields.Selection(
        [("ok", "OK"), ("review", "Review"), ("error", "Errors")], string="Result"
    )
    ai_status = fields.Selection(
        [("done", "Done"), ("skipped", "Skipped"), ("unavailable", "Unavailable")], string="AI review"
    )
    ai_reason = fields.Text(string="AI review note", help="Why Claude's review was skipped or unavailable.")
    confidence = fields.Integer(help="Claude's confidence (0-100) that the document can be sent as it is.")
    usage_id = fields.Many2one("l10n_cl_ai.usage", string="AI usage", ondelete="set null")
    personal_data_minimized = fields.Boolean(
        string="Personal data minimised", help="Natural persons' data was replaced by placeholders."
    )

    @api.depends("finding_ids.severity")
    def _compute_counts(self):
        for validation in self:
            severities = validation.finding_ids.mapped("severity")
            validation.error_count = severities.count("error")
            validation.warning_count = severities.count("warning")

    # -- creation and queue --------------------------------------------------------------------------
    @api.model
    def _create_for(self, moves, state):
        """Validation records for ``moves`` (already checked by the caller) as the current user."""
        return self.sudo().create(
            [
                {
                    "move_id": move.id,
                    "company_id": move.company_id.id,
                    "user_id": self.env.uid,
                    "state": state,
                }
                for move in moves
            ]
        )

    @api.model
    def _queue_domain(self):
        return [
            ("state", "=", "queued"),
            "|",
            ("not_before", "=", False),
            ("not_before", "<=", fields.Datetime.now()),
        ]

    @api.model
    def _trigger_queue(self, at=None):
        self.env.ref("l10n_cl_ai.ir_cron_dte_validation_queue").sudo()._trigger(at=at)

    @api.model
    def _cron_process_queue(self, batch_size=QUEUE_BATCH_SIZE):
        """Run queued validations one by one, committing after each (``_commit_progress``)."""
        cron = self.env["ir.cron"]
        domain = self._queue_domain()
        queued = self.search(domain, order="id", limit=batch_size)
        cron._commit_progress(remaining=self.search_count(domain))
        for validation in queued:
            if not validation.try_lock_for_update():
                continue  # being processed elsewhere
            validation.invalidate_recordset(["state"])
            if validation.state != "queued":
                continue
            validation._process_queued()
            if not cron._commit_progress(1):
                break

    def _process_queued(self):
        """Run one queued validation as its requester; a failure is shown on the move, not only logged."""
        self.ensure_one()
        runner = (
            self.with_user(self.user_id).with_company(self.company_id).with_context(lang=self.user_id.lang)
        )
        try:
            with self.env.cr.savepoint():
                done = runner._execute(defer_rate_limited=True)
        except Exception as error:  # noqa: BLE001 - reported on the validation and in the move's chatter
            _logger.exception("DTE validation %s of move %s failed", self.id, self.move_id.id)
            self._fail(error)
            return
        if not done:  # rate limited: try again when a slot frees up
            self._trigger_queue(at=self.not_before)

    def _fail(self, error):
        self.sudo().write({"state": "failed", "date": fields.Datetime.now(), "error": str(error)})
        body = Markup("<p>%s</p><p>%s</p>") % (
            self.env._("The DTE validation (AI) could not run:"),
            str(error) or type(error).__name__,
        )
        self.move_id.sudo().message_post(
            body=body, subtype_xmlid="mail.mt_note", author_id=self.user_id.partner_id.id
        )

    # -- one run ------------------------------------------------------------------------------------
    def _execute(self, defer_rate_limited=False):
        """Run this validation (as the current user). Returns False when deferred (rate limited)."""
        self.ensure_one()
        move = self.move_id
        move.check_access("write")
        engine = self.env["l10n_cl_ai.engine"]
        settings = engine._read_settings()
        snapshots = self.env["l10n_cl_ai.dte.snapshot"]
        snapshot = snapshots._snapshot(move)
        findings = dte_rules.check(snapshot)
        rules_verdict = dte_rules.verdict(findings)
        ai = self._ai_review(move, snapshot, findings, rules_verdict, settings)
        if ai.status == "deferred" and defer_rate_limited:
            self.sudo().not_before = fields.Datetime.now() + timedelta(seconds=max(1.0, ai.retry_after or 60))
            return False
        if ai.status == "deferred":
            ai.status = "unavailable"
        recommendation = rules_verdict
        if ai.status == "done":
            recommendation = dte_rules.worse(rules_verdict, ai.recommendation)
        lines = [self._deterministic_line(finding) for finding in findings]
        lines += self._ai_lines(ai.findings, {finding.code for finding in findings})
        self.sudo().write(
            {
                "state": "done",
                "date": fields.Datetime.now(),
                "not_before": False,
                "finding_ids": [fields.Command.create(values) for values in lines],
                "deterministic_recommendation": rules_verdict,
                "ai_recommendation": ai.recommendation if ai.status == "done" else False,
                "recommendation": recommendation,
                "result_state": MOVE_STATE_OF[recommendation],
                "ai_status": ai.status,
                "ai_reason": ai.reason or False,
                "confidence": ai.confidence if ai.status == "done" else 0,
                "usage_id": ai.usage.id if ai.usage else False,
                "personal_data_minimized": settings.minimize_personal_data and ai.status != "skipped",
            }
        )
        move._l10n_cl_ai_store_result(self, snapshot)
        self._post_summary()
        return True

    def _deterministic_line(self, finding):
        return {
            "code": finding.code,
            "severity": finding.severity,
            "field": finding.field,
            "message": finding_message(self.env, finding.code, finding.params),
            "source": "deterministic",
        }

    @api.model
    def _ai_lines(self, ai_findings, deterministic_codes):
        """Claude's findings, minus repeats of a deterministic code (those are already reported)."""
        return [
            {
                "code": item["code"][:64],
                "severity": item["severity"],
                "field": (item.get("field") or "")[:256],
                "message": item["message"],
                "source": "ai",
            }
            for item in ai_findings
            if item["code"] not in deterministic_codes
        ]

    # -- Claude's review ------------------------------------------------------------------------------
    def _ai_review(self, move, snapshot, findings, rules_verdict, settings):
        if not settings.dte_ai_review:
            return AiOutcome("skipped", reason=self.env._("Claude's review is turned off in the settings."))
        if rules_verdict == "reject" and not settings.dte_ai_review_on_errors:
            return AiOutcome(
                "skipped",
                reason=self.env._(
                    "Claude's review was skipped because the checks found blocking errors. Fix them "
                    "and validate again."
                ),
            )
        plugin = REGISTRY.get(DTE_PLUGIN)
        pseudonyms = self._pseudonymizer(move) if settings.minimize_personal_data else None
        prompt = self._review_prompt(plugin, move, snapshot, findings, settings, pseudonyms)
        engine = self.env["l10n_cl_ai.engine"]
        try:
            result, usage = engine._call_claude(
                "dte_validation",
                prompt,
                record=move,
                plugin=plugin.code,
                json_schema=plugin.review_output_schema,
                max_tokens=REVIEW_MAX_TOKENS,
                model=settings.dte_model,
            )
        except UserFacingEngineError as error:
            if error.kind == "rate_limited":
                return AiOutcome(
                    "deferred", reason=error.message, usage=error.usage, retry_after=error.error.retry_after
                )
            return AiOutcome("unavailable", reason=error.message, usage=error.usage)
        reply = result.parsed
        problems = review_errors(reply)
        if problems:
            invalid = errors.InvalidReply("; ".join(problems))
            usage.sudo().write({"outcome": "invalid_reply", "error": f"InvalidReply: {invalid}"})
            return AiOutcome("unavailable", reason=engine_error_message(self.env, invalid), usage=usage)
        if pseudonyms is not None:
            reply = pseudonyms.restore(reply)
        ai_verdict = dte_rules.worse(
            reply["recommendation"],
            dte_rules.verdict(
                [dte_rules.Finding(item["code"], item["severity"]) for item in reply["findings"]]
            ),
        )
        return AiOutcome(
            "done",
            confidence=reply["confidence"],
            recommendation=ai_verdict,
            findings=reply["findings"],
            usage=usage,
        )

    @api.model
    def _pseudonymizer(self, move):
        """Placeholders for the natural persons of the document: the customer (when a person) and the
        contact person invoiced. The company's own e-mails are kept."""
        company_partner = move.company_id.partner_id
        pseudonyms = Pseudonymizer(keep_emails=[move.company_id.email, company_partner.email])
        snapshots = self.env["l10n_cl_ai.dte.snapshot"]
        for partner in dict.fromkeys((move.commercial_partner_id, move.partner_id)):
            if partner and snapshots._is_person(partner):
                pseudonyms.add_person(
                    name=partner.name, rut=partner.vat, street=partner.street, email=partner.email
                )
        return pseudonyms

    @api.model
    def _review_prompt(self, plugin, move, snapshot, findings, settings, pseudonyms):
        """The ``dte`` plugin's review prompt: cached instructions and passages, then this document."""
        history = self._partner_history(move, settings.partner_history_size)
        deterministic = [
            {"code": f.code, "severity": f.severity, "field": f.field, "params": f.params} for f in findings
        ]
        payload = {"snapshot": _compact(json_safe(snapshot)), "deterministic": json_safe(deterministic)}
        if pseudonyms is not None:
            payload = pseudonyms.scrub(payload)
        review = plugin.build_review_prompt(
            payload["snapshot"], history, self._passages(plugin, snapshot), payload["deterministic"]
        )
        return Prompt(system=review.system_parts(), messages=review.messages())

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
        """Knowledge passages for the document type; none (and a log line) when the index is unusable."""
        query = KNOWLEDGE_QUERIES.get(snapshot["document_type"])
        if not query:
            return []
        try:
            hits = self.env["l10n_cl_ai.knowledge.document"].search_knowledge(
                query, top_k=3, plugin=list(plugin.knowledge_plugins)
            )
        except errors.EngineError as error:
            _logger.warning("DTE review without knowledge passages: %s", error)
            return []
        return [{key: hit[key] for key in ("slug", "title", "excerpt")} for hit in hits]

    # -- chatter --------------------------------------------------------------------------------------
    def _post_summary(self):
        """One chatter message on the move summarising the result and the findings."""
        self.ensure_one()
        labels = dict(self._fields["recommendation"]._description_selection(self.env))
        severity_labels = dict(
            self.env["l10n_cl_ai.validation.finding"]._fields["severity"]._description_selection(self.env)
        )
        body = Markup("<p><strong>%s</strong> %s</p>") % (
            self.env._("DTE validation (AI):"),
            self.env._(
                "recommendation %(recommendation)s, %(errors)s error(s), %(warnings)s warning(s).",
                recommendation=labels[self.recommendation],
                errors=self.error_count,
                warnings=self.warning_count,
            ),
        )
        shown = self.finding_ids.sorted(lambda f: ("error", "warning", "info").index(f.severity))
        items = Markup("").join(
            Markup("<li>[%s] %s%s: %s</li>")
            % (
                finding.code,
                severity_labels[finding.severity],
                Markup(" (%s)") % self.env._("AI") if finding.source == "ai" else "",
                finding.message,
            )
            for finding in shown[:SUMMARY_MAX_FINDINGS]
        )
        if items:
            body += Markup("<ul>%s</ul>") % items
        if len(shown) > SUMMARY_MAX_FINDINGS:
            body += Markup("<p>%s</p>") % self.env._(
                "...and %(count)s more in the validation history.", count=len(shown) - SUMMARY_MAX_FINDINGS
            )
        body += Markup("<p>%s</p>") % self._ai_summary()
        self.move_id.message_post(body=body, subtype_xmlid="mail.mt_note")

    def _ai_summary(self):
        if self.ai_status == "done":
            return self.env._(
                "Claude's review: done (confidence %(confidence)s%%).", confidence=self.confidence
            )
        if self.ai_status == "skipped":
            return self.env._("Claude's review: skipped. %(reason)s", reason=self.ai_reason or "")
        return self.env._(
            "Claude's review: unavailable, the result above comes from the deterministic checks only. "
            "%(reason)s",
            reason=self.ai_reason or "",
        )

    def action_open_move(self):
        self.ensure_one()
        return self.move_id._get_records_action()


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


def _compact(value):
    """A JSON-like value without empty entries (``None``, ``""``, ``[]``, ``{}``): fewer prompt tokens."""
    if isinstance(value, dict):
        compacted = {key: _compact(item) for key, item in value.items()}
        return {key: item for key, item in compacted.items() if item not in (None, "", [], {})}
    if isinstance(value, list):
        return [_compact(item) for item in value]
    return value
