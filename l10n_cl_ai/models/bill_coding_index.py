"""``l10n_cl_ai.bill.coding.index``: each company's posted vendor-bill lines, indexed for suggestions.

The scheduled action ``ir_cron_bill_coding_index`` (woken when vendor bills are posted) builds one
``CompanyHistory`` per company from its posted vendor-bill lines, saves it under
``<data_dir>/l10n_cl_ai/<db>/bill_coding/<company>/<source hash>/`` and stores the hash in the parameter
``l10n_cl_ai.bill_coding_history.<company>``: every worker learns of it through the parameter's ormcache
and opens the saved folder (memory-mapped, no embedding); it keeps it per worker. A request never builds
a history: without one, the line says the history is not indexed yet and the action is woken.
Descriptions are embedded through the engine's embedder, behind the shared embedding cache: a rebuild
embeds only the texts never seen.
"""

import logging
import os
import threading

from odoo import api, models
from odoo.tools import config

_logger = logging.getLogger(__name__)

_HISTORIES = {}  # (db, company id, source hash) -> CompanyHistory, in this worker
_LOCK = threading.Lock()
PARAM_PREFIX = "l10n_cl_ai.bill_coding_history."
CRON_XMLID = "l10n_cl_ai.ir_cron_bill_coding_index"
BILL_TYPES = ("in_invoice", "in_refund")


class L10nClAiBillCodingIndex(models.AbstractModel):
    _name = "l10n_cl_ai.bill.coding.index"
    _description = "AI bill coding index (per company, per worker)"

    @api.model
    def _root(self, company_id):
        return os.path.join(
            config["data_dir"], "l10n_cl_ai", self.env.cr.dbname, "bill_coding", str(company_id)
        )

    @api.model
    def _posted_domain(self, company_id):
        return [
            ("company_id", "=", company_id),
            ("move_id.move_type", "in", BILL_TYPES),
            ("parent_state", "=", "posted"),
            ("display_type", "=", "product"),
            ("account_id", "!=", False),
        ]

    @api.model
    def _posted_lines(self, company_id):
        """The ``PostedLine`` of the company's posted vendor-bill lines, oldest first."""
        from ..services.bill_coding.records import PostedLine

        lines = (
            self.env["account.move.line"]
            .sudo()
            .with_context(active_test=False)
            .search_fetch(
                self._posted_domain(company_id),
                ["name", "account_id", "analytic_distribution", "date", "product_id", "move_id"],
                order="date, id",
            )
        )
        return [
            PostedLine(
                line.id,
                company_id,
                line.move_id.commercial_partner_id.id,
                line.name or "",
                line.account_id.id,
                dict(line.analytic_distribution or {}),
                line.date or None,
                line.product_id.id or None,
            )
            for line in lines
        ]

    @api.model
    def _cron_build(self):
        """(Re)build the history of every company whose posted vendor-bill lines changed."""
        from ..services.bill_coding import history as history_module
        from ..services.bill_coding import persist

        companies = self.env["res.company"].sudo().search([])
        cron = self.env["ir.cron"]
        cron._commit_progress(remaining=len(companies))
        embedder = self.env["l10n_cl_ai.engine"]._services().embedder
        params = self.env["ir.config_parameter"].sudo()
        built = 0
        for company in companies:
            lines = self._posted_lines(company.id)
            root = self._root(company.id)
            content_hash = persist.source_hash(company.id, lines, embedder.model_id)
            if not lines:
                if params.get_param(PARAM_PREFIX + str(company.id)):
                    params.set_param(PARAM_PREFIX + str(company.id), False)
            elif params.get_param(PARAM_PREFIX + str(company.id)) != content_hash or not os.path.isdir(
                os.path.join(root, content_hash)
            ):
                history = history_module.CompanyHistory.build(company.id, lines, embedder)
                persist.save(history, root, content_hash)
                params.set_param(PARAM_PREFIX + str(company.id), content_hash)
                persist.prune(root, keep={content_hash})
                _logger.info(
                    "l10n_cl_ai: bill coding history of company %s: %s lines", company.id, len(lines)
                )
                built += 1
            if not cron._commit_progress(1):
                break
        return built

    @api.model
    def _trigger(self):
        self.env.ref(CRON_XMLID).sudo()._trigger()

    @api.model
    def _history(self, company_id):
        """This worker's history of ``company_id`` (never built here), or ``None`` when none is saved yet
        (the scheduled action is then woken)."""
        from ..services.bill_coding import persist

        content_hash = self.env["ir.config_parameter"].sudo().get_param(PARAM_PREFIX + str(company_id))
        if not content_hash:
            return None
        key = (self.env.cr.dbname, company_id, content_hash)
        history = _HISTORIES.get(key)
        if history is not None:
            return history
        with _LOCK:
            history = _HISTORIES.get(key)
            if history is None:
                embedder = self.env["l10n_cl_ai.engine"]._services().embedder
                try:
                    history = persist.load(self._root(company_id), content_hash, company_id, embedder)
                except (OSError, ValueError) as error:
                    _logger.warning("l10n_cl_ai: bill coding history %s not usable: %s", content_hash, error)
                    self._trigger()
                    return None
                for old in [k for k in _HISTORIES if k[:2] == key[:2]]:
                    del _HISTORIES[old]
                _HISTORIES[key] = history
        return history
