"""19.0.1.3.0: the shipped knowledge documents get the everyday situations they answer (a new field the
noupdate records would otherwise never receive)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["l10n_cl_ai.knowledge.document"]._fill_shipped_questions("situations")
