"""What a manager's "do it now" button does: refuse anyone but AI managers, wake a scheduled action
(the work runs in the background, never in the click) and say so in a notification."""

from odoo.exceptions import AccessError


def trigger_for_managers(env, cron_xmlid, refusal, notice):
    """Wake ``cron_xmlid`` for an AI manager (``AccessError(refusal)`` for anyone else); the client
    action that shows ``notice``."""
    if not env.user.has_group("l10n_cl_ai.group_manager"):
        raise AccessError(refusal)
    env.ref(cron_xmlid).sudo()._trigger()
    return {
        "type": "ir.actions.client",
        "tag": "display_notification",
        "params": {"type": "info", "message": notice},
    }
