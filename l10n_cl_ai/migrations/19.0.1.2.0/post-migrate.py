"""19.0.1.2.0: the usage ledger no longer keeps the Discuss bot's answers (readable by every AI manager);
the answers stored before are erased."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    api.Environment(cr, SUPERUSER_ID, {})["l10n_cl_ai.usage"]._forget_unreplayed_replies()
