"""The 19.0.1.2.0 upgrade steps: the scheduled actions keep their records under their new ids, and a
validation's rate-limit passes keep their count under ``deferrals``."""

from odoo.tests import TransactionCase, tagged

from ..models.queue_migration import CRON_XMLIDS, rename_cron_xmlids, rename_validation_counter


@tagged("post_install", "-at_install")
class TestQueueMigration(TransactionCase):
    def test_the_crons_keep_their_records_under_their_new_ids(self):
        crons = {new: self.env.ref(f"l10n_cl_ai.{new}") for new in CRON_XMLIDS.values()}
        for old, new in CRON_XMLIDS.items():  # the database as 19.0.1.1.0 left it
            self.env.cr.execute(
                "UPDATE ir_model_data SET name = %s WHERE module = 'l10n_cl_ai' AND name = %s", (old, new)
            )
        self.env.invalidate_all()
        self.env.registry.clear_cache()
        rename_cron_xmlids(self.env.cr)
        self.env.registry.clear_cache()
        for new, cron in crons.items():
            self.assertEqual(self.env.ref(f"l10n_cl_ai.{new}"), cron)

    def test_the_rate_limit_passes_of_a_validation_become_its_deferrals(self):
        cr = self.env.cr
        cr.execute("ALTER TABLE l10n_cl_ai_validation RENAME COLUMN deferrals TO deferrals_new")
        cr.execute("ALTER TABLE l10n_cl_ai_validation RENAME COLUMN attempts TO attempts_new")
        cr.execute("ALTER TABLE l10n_cl_ai_validation ADD COLUMN attempts integer DEFAULT 4")
        rename_validation_counter(cr)
        cr.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'l10n_cl_ai_validation'"
            " AND column_name IN ('attempts', 'deferrals')"
        )
        self.assertEqual({row[0] for row in cr.fetchall()}, {"deferrals"})
        rename_validation_counter(cr)  # a second run changes nothing
