"""19.0.1.2.0, before the data files load: the scheduled actions take one id style (``ir_cron_*``) and a
validation's rate-limit passes move to the queue's ``deferrals`` count (``attempts`` now counts failed
runs, as in every queue of the addon); a knowledge document's ``plugin`` is its ``corpus``."""

from odoo.addons.l10n_cl_ai.models.upgrade_steps import (
    rename_cron_xmlids,
    rename_knowledge_corpus,
    rename_validation_counter,
)


def migrate(cr, version):
    if not version:
        return
    rename_cron_xmlids(cr)
    rename_validation_counter(cr)
    rename_knowledge_corpus(cr)
