import odoo
from odoo.tests import tagged

from ..models import knowledge_index as index_module
from .common import CommittedRowsCase

QUESTION = "arqueo de la caja chica de la sucursal Puerto Montt"


@tagged("post_install", "-at_install")
class TestKnowledgeVersion(CommittedRowsCase):
    def _env(self, cr):
        return odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})

    def _delete_more_committed(self, cr):
        cr.execute("DELETE FROM l10n_cl_ai_knowledge_document WHERE slug LIKE 'caja-chica-%%'")

    def _create(self, env, slug, body):
        return env["l10n_cl_ai.knowledge.document"].create(
            {"slug": slug, "title": slug.replace("-", " ").title(), "corpus": "account", "body": body}
        )

    def _slugs(self, env):
        return [hit["slug"] for hit in env["l10n_cl_ai.knowledge.document"]._search_knowledge(QUESTION)]

    def test_an_index_built_in_a_rolled_back_transaction_is_never_reused(self):
        """An edit searched in its own transaction, which then rolls back: the next edit bumps the version
        again, and the index this worker built for the rolled-back contents must not answer for it."""
        index_module._INDEXES.clear()
        with self.registry.cursor() as cr:
            env = self._env(cr)
            self._create(env, "caja-chica-borrador", "## Caja chica\nArqueo de caja chica en Puerto Montt.")
            self.assertIn("caja-chica-borrador", self._slugs(env))
            cr.rollback()
        self.registry.clear_cache("stable")  # as the rollback of a worker's request does
        with self.registry.cursor() as cr:
            env = self._env(cr)
            self._create(
                env,
                "caja-chica-puerto-montt",
                "## Arqueo de caja chica\nEn la sucursal Puerto Montt el arqueo de la caja chica se firma "
                "el último día hábil.",
            )
        with self.registry.cursor() as cr:
            slugs = self._slugs(self._env(cr))
        self.assertNotIn("caja-chica-borrador", slugs)
        self.assertEqual(slugs[0], "caja-chica-puerto-montt")
