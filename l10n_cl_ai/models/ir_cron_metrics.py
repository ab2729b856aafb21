"""Runs and failures of the addon's scheduled actions, counted in the cron worker that runs them."""

from odoo import models

from ..services import metrics


class IrCron(models.Model):
    _inherit = "ir.cron"

    def _callback(self, cron_name, server_action_id):
        action = self.env["ir.actions.server"].browse(server_action_id).sudo()
        if not (action.model_id.model or "").startswith("l10n_cl_ai."):
            return super()._callback(cron_name, server_action_id)
        name = self.with_context(lang="en_US").sudo().cron_name or cron_name
        metrics.CRON_RUNS.labels(cron=name).inc()
        try:
            return super()._callback(cron_name, server_action_id)
        except Exception:
            metrics.CRON_FAILURES.labels(cron=name).inc()
            raise
