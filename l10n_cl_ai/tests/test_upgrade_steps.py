"""The 19.0.1.2.0 upgrade steps: the scheduled actions keep their records under their new ids, a
validation's rate-limit passes keep their count under ``deferrals``, a document's corpus its value."""

from odoo.tests import TransactionCase, tagged

from ..models.upgrade_steps import (
    CRON_XMLIDS,
    rename_cron_xmlids,
    rename_knowledge_corpus,
    rename_validation_counter,
)


@tagged("post_install", "-at_install")
class TestUpgradeSteps(TransactionCase):
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

    def test_a_documents_corpus_keeps_its_value(self):
        document = self.env.ref("l10n_cl_ai.kb_rut")
        corpus = document.corpus
        self.assertEqual(corpus, "general")
        self.env.flush_all()
        self.env.cr.execute("ALTER TABLE l10n_cl_ai_knowledge_document RENAME COLUMN corpus TO plugin")
        rename_knowledge_corpus(self.env.cr)
        self.env.cr.execute("SELECT corpus FROM l10n_cl_ai_knowledge_document WHERE id = %s", [document.id])
        self.assertEqual(self.env.cr.fetchone()[0], corpus)
