"""``l10n_cl_ai.claude.proposal.mixin``: a queued record whose Claude reply becomes a proposal a user accepts
(a vendor bill line's account, a purchase-order line for a bill line): the queue, and the one way to ask
Claude for it, with the same outcome on refusal or failure."""

from odoo import models

from .engine import UserFacingEngineError
from .queue_mixin import QueueStep


class L10nClAiClaudeProposalMixin(models.AbstractModel):
    _name = "l10n_cl_ai.claude.proposal.mixin"
    _inherit = ["l10n_cl_ai.queue.mixin"]
    _description = "Chilean AI: a proposal asked of Claude in a queue"

    def _claude_reply(self, feature, prompt, settings, failure, **options):
        """``(result, None)`` with Claude's reply for this record, or ``(None, step)`` when there is none:
        a rate-limit refusal waits for its slot (the run stops), any other refusal or failure leaves the
        record ``unavailable`` with ``failure(message)`` as its reason. ``options`` go to ``_call_claude``."""
        try:
            result, _usage = self.env["l10n_cl_ai.engine"]._call_claude(
                feature,
                prompt,
                record=self,
                call_key=self._call_key(),
                defer_rate_limited=True,
                settings=settings,
                **options,
            )
        except UserFacingEngineError as error:
            if error.kind == "rate_limited" and self._queue_retry(
                rate_limited=True, seconds=getattr(error.error, "retry_after", None) or 60
            ):
                return None, QueueStep.STOP
            self.sudo().write({"state": "unavailable", "reason": failure(error.message)})
            return None, QueueStep.NEXT
        return result, None
