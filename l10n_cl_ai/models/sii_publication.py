"""``l10n_cl_ai.sii.publication``: one SII circular, resolution or news item (unique by URL), its
Spanish summary by Claude, and the daily scheduled action that follows the SII pages.

The run (``_cron_monitor``) first fetches every page and stores the new publications, committing after
each page; then it asks Claude, through the engine (feature ``sii``: budgets, limits, the ledger), for a
structured summary of each publication still unsummarized, oldest first. A publication at or above the
priority threshold is posted to the alert channel; with the setting on, it becomes a knowledge document.
When Claude is unavailable (or refuses: budget, rate limit, breaker) the publications stay pending and
the next run summarizes them; a reply that is unusable counts as an attempt, up to ``_queue_max_attempts``.
The summaries are a queue (the queue mixin's loop, locking and counts) processed at the end of the run.
"""

import logging
import re
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..services.sii_monitor import knowledge_doc
from ..services.sii_monitor import summary as sii_summary
from ..services.sii_monitor import urls as sii_urls
from .engine import UserFacingEngineError
from .manager_actions import trigger_for_managers
from .queue_mixin import QueueStep

_logger = logging.getLogger(__name__)

KINDS = [("circular", "Circular"), ("resolution", "Resolution"), ("news", "News")]
AREAS = [
    ("dte", "Electronic documents (DTE)"),
    ("boletas", "Receipts (boletas)"),
    ("iva", "VAT (IVA)"),
    ("renta", "Income tax"),
    ("remuneraciones", "Payroll"),
    ("contabilidad", "Accounting"),
    ("inventario", "Inventory"),
    ("comercio_exterior", "Foreign trade"),
    ("procedimientos", "Procedures"),
    ("otros", "Other"),
]
PERMANENT_FAILURES = ("invalid_reply", "bad_request")  # the same request would fail again
CRON_XMLID = "l10n_cl_ai.ir_cron_sii_monitor"


class L10nClAiSiiPublication(models.Model):
    _name = "l10n_cl_ai.sii.publication"
    _inherit = ["l10n_cl_ai.queue.mixin"]
    _description = "SII publication"
    _queue_cron_xmlid = CRON_XMLID
    _queue_waiting_state = "pending"
    _queue_batch_size = 50
    _queue_max_attempts = 3  # unusable replies of one publication before it is left unsummarized
    _order = "date desc, id desc"

    url = fields.Char(string="Address", required=True, index=True)
    kind = fields.Selection(KINDS, required=True, index=True)
    number = fields.Char()
    date = fields.Date(index=True)
    year = fields.Char(index=True, help="The publication's year (its date's, else its address').")
    title = fields.Char(required=True)
    subject = fields.Text()
    page_id = fields.Many2one("l10n_cl_ai.sii.page", string="Found on", index=True, ondelete="set null")
    state = fields.Selection(
        [("pending", "To summarize"), ("done", "Summarized"), ("failed", "Not summarized")],
        string="Summary status",
        required=True,
        default="pending",
        index=True,
    )
    summary = fields.Text()
    area = fields.Selection(AREAS, string="Main area", index=True)
    areas = fields.Char(string="Areas affected")
    priority = fields.Integer(index=True, aggregator=False, help="1 (informative) to 5 (urgent), by Claude.")
    actions = fields.Text(string="Suggested actions")
    last_error = fields.Text(string="Summary note", help="Why the publication is not summarized yet.")
    alerted = fields.Boolean(string="Posted to the channel")
    knowledge_document_id = fields.Many2one(
        "l10n_cl_ai.knowledge.document",
        string="Knowledge document",
        ondelete="set null",
        readonly=True,
        help="The shared document the monitor created from this publication (written by the monitor only).",
    )
    company_id = fields.Many2one("res.company", index=True, help="Empty: shared by every company.")

    _url_unique = models.Constraint("UNIQUE(url)", "This SII publication is already stored.")

    @api.model_create_multi
    def create(self, vals_list):
        self._check_code_written_fields(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._check_code_written_fields([vals])
        return super().write(vals)

    def _check_code_written_fields(self, vals_list):
        """The link to a knowledge document is the monitor's (as superuser): over RPC, a manager could
        otherwise point a publication at another company's document and have the monitor overwrite it."""
        if self.env.su:
            return
        if any(vals.get("knowledge_document_id") for vals in vals_list):
            raise AccessError(
                self.env._("The knowledge document of an SII publication is linked by the SII monitor only.")
            )

    # -- the button -------------------------------------------------------------------------------------
    @api.model
    def action_check_now(self):
        """Queue the monitor's scheduled action now (AI managers only); nothing is fetched here."""
        return trigger_for_managers(
            self.env,
            CRON_XMLID,
            self.env._("Only AI managers can check the SII pages."),
            self.env._(
                "The SII pages will be checked in the background; new publications appear here when the "
                "check ends."
            ),
        )

    # -- the scheduled action -----------------------------------------------------------------------------
    @api.model
    def _cron_monitor(self):
        """Fetch every followed page, store the new publications, then summarize the pending ones."""
        settings = self.env["l10n_cl_ai.engine"]._read_settings()
        urls = sii_urls.expand(settings.sii_urls, self._current_year())
        pages = self.env["l10n_cl_ai.sii.page"]._sync(urls)
        cron = self.env["ir.cron"]
        cron._commit_progress(remaining=len(pages) + self.search_count([("state", "=", "pending")]))
        for page in pages:
            try:
                with self.env.cr.savepoint():
                    page._check()
            except Exception as error:  # noqa: BLE001 - a page never stops the run; shown on the page
                _logger.exception("SII page %s could not be processed", page.url)
                page._fail("error", "unexpected", detail=type(error).__name__)
            cron._commit_progress(1)
        return self._queue_run(settings=settings)

    @api.model
    def _current_year(self):
        """The year filled in the pages' addresses: today's in the company's time zone (Chile's)."""
        tz = self.env.company.partner_id.tz or "America/Santiago"
        return fields.Date.context_today(self.with_context(tz=tz)).year

    @api.model
    def _store_new(self, items, page):
        """Create the publications of ``items`` (``parse.Publication``) not stored yet; returns them."""
        known = set(
            self.sudo()
            .with_context(active_test=False)
            .search([("url", "in", [i.url for i in items])])
            .mapped("url")
        )
        values = []
        for item in items:
            if item.url in known:
                continue
            known.add(item.url)
            values.append(
                {
                    "url": item.url,
                    "kind": item.kind,
                    "number": item.number or False,
                    "date": item.date or False,
                    "year": str(item.year or _year_of(item.url) or "") or False,
                    "title": item.title or item.url,
                    "subject": item.subject or False,
                    "page_id": page.id,
                }
            )
        return self.sudo().create(values)

    def _queue_process_one(self, settings):
        """Summarize this publication; the run stops at the first refusal Claude would repeat
        (unavailable, budget, rate limit): the rest stay pending for a later run."""
        try:
            with self.env.cr.savepoint():
                outcome = self._summarize(settings)
        except Exception as error:  # noqa: BLE001 - counted as an unusable attempt, the run goes on
            _logger.exception("Summary of SII publication %s failed", self.id)
            outcome = self._count_failed_attempt(
                self.env._("The summary failed unexpectedly (%(error)s).", error=type(error).__name__)
            )
        return QueueStep.STOP if outcome == "stop" else QueueStep.NEXT

    def _summarize(self, settings):
        """Claude's summary of this publication -> ``"done"``, ``"next"`` (an unusable reply, counted) or
        ``"stop"`` (Claude unavailable or a refusal: stays pending)."""
        self.ensure_one()
        try:
            result, _usage = self.env["l10n_cl_ai.engine"]._call_claude(
                "sii",
                sii_summary.build_prompt(self._plain()),
                record=self,
                json_schema=sii_summary.OUTPUT_SCHEMA,
                reply_check=sii_summary.summary_errors,
                max_tokens=sii_summary.SUMMARY_MAX_TOKENS,
                call_key=self._call_key(),
                defer_rate_limited=True,
                settings=settings,
            )
        except UserFacingEngineError as error:
            return self._summary_failed(error)
        reply = sii_summary.normalized(result.parsed)
        self.sudo().write(
            {
                "state": "done",
                "summary": reply["summary"],
                "area": reply["areas"][0],
                "areas": ", ".join(reply["areas"]),
                "priority": reply["priority"],
                "actions": "\n".join(reply["actions"]) or False,
                "last_error": False,
            }
        )
        if reply["priority"] >= settings.sii_priority_threshold:
            self.alerted = self._post_publication(reply)
        if settings.sii_knowledge:
            self._to_knowledge(reply)
        return "done"

    def _summary_failed(self, error):
        if error.kind in PERMANENT_FAILURES:
            return self._count_failed_attempt(error.message)
        _logger.info("SII summaries paused (%s): %s", error.kind, error.message)
        self.sudo().last_error = error.message
        retry_after = getattr(error.error, "retry_after", None)
        if error.kind == "rate_limited" and retry_after:
            cron = self.env.ref(CRON_XMLID).sudo()
            cron._trigger(at=fields.Datetime.now() + timedelta(seconds=max(1.0, retry_after)))
        return "stop"

    def _count_failed_attempt(self, message):
        """One more unusable attempt, retried at the next run; past the queue's limit the publication is
        left unsummarized."""
        if not self._queue_retry(values={"last_error": message}, at_next_run=True):
            self.sudo().state = "failed"
        return "next"

    def _plain(self):
        return {
            "kind": self.kind,
            "number": self.number or "",
            "date": fields.Date.to_string(self.date) if self.date else None,
            "title": self.title,
            "subject": self.subject or "",
            "url": self.url,
        }

    # -- knowledge --------------------------------------------------------------------------------------
    def _knowledge_slug(self):
        return knowledge_doc.knowledge_slug(self.kind, self.year, self.number, self.url)

    def _to_knowledge(self, reply):
        """The summarized publication as a shared knowledge document (its plugin chosen by its areas,
        its URL as source); the index is rebuilt in the background."""
        self.ensure_one()
        values = {
            "slug": self._knowledge_slug(),
            "title": self.title[:250],
            "corpus": sii_summary.corpus_for(reply["areas"]),
            "tags": knowledge_doc.knowledge_tags(self.kind, reply["areas"]),
            "body": knowledge_doc.knowledge_body(self.subject, reply),
            "questions": knowledge_doc.knowledge_questions(reply),
            "source": self.url,
            "company_id": False,
        }
        documents = self.env["l10n_cl_ai.knowledge.document"].sudo().with_context(active_test=False)
        # only the shared document this publication created is rewritten; never one of a company
        document = self.sudo().knowledge_document_id.filtered(lambda doc: not doc.company_id)
        if document:
            document.write(values)
            return
        if documents.search_count([("slug", "=", values["slug"]), ("company_id", "=", False)], limit=1):
            values["slug"] = f"{values['slug']}-{self.id}"  # a document someone else wrote keeps its slug
        self.sudo().knowledge_document_id = documents.create(values)

    # -- the alert channel --------------------------------------------------------------------------------
    @api.model
    def _channel_lang(self):
        return self.env.company.partner_id.lang or self.env.lang or "en_US"

    @api.model
    def _alert_channel(self):
        settings = self.env["l10n_cl_ai.engine"]._read_settings()
        return self.env["discuss.channel"].sudo().browse(settings.notify_channel_id).exists()

    @api.model
    def _post_to_channel(self, body):
        """Post ``body`` in the alert channel as OdooBot; ``False`` when no channel is set."""
        channel = self._alert_channel()
        if not channel:
            return False
        channel.message_post(
            body=body,
            author_id=self.env.ref("base.partner_root").id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        return True

    def _post_publication(self, reply):
        self.ensure_one()
        env = self.with_context(lang=self._channel_lang()).env
        kinds = dict(self._fields["kind"]._description_selection(env))
        body = Markup("<p><strong>%s</strong> %s</p><p>%s</p>") % (
            env._("New SII publication (priority %(priority)s/5):", priority=reply["priority"]),
            Markup('<a href="%s" target="_blank">%s</a>') % (self.url, f"{kinds[self.kind]}: {self.title}"),
            reply["summary"],
        )
        if reply["actions"]:
            body += Markup("<ul>%s</ul>") % Markup("").join(
                Markup("<li>%s</li>") % action for action in reply["actions"]
            )
        return self._post_to_channel(body)

    @api.model
    def _post_page_warning(self, page, message):
        env = self.with_context(lang=self._channel_lang()).env
        body = Markup("<p><strong>%s</strong> %s</p><p>%s</p>") % (
            env._("SII monitor warning:"),
            page.url,
            message,
        )
        return self._post_to_channel(body)


def _year_of(url):
    match = re.search(r"/((?:19|20)\d{2})/", url)
    return int(match.group(1)) if match else None
