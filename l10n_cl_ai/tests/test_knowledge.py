import json
import os
import subprocess
import sys
import textwrap

import odoo
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import config

from ..models import knowledge_index as index_module
from .common import L10nClAiCase

WORKER_SCRIPT = textwrap.dedent("""
    import json, sys
    import odoo
    from odoo.tools import config
    config.parse_config(json.loads(sys.argv[1]))
    from odoo.modules.registry import Registry
    registry = Registry(config["db_name"][0] if isinstance(config["db_name"], list) else config["db_name"])
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        hits = env["l10n_cl_ai.knowledge.document"]._search_knowledge(sys.argv[2])
    print(json.dumps({
        "slugs": [hit["slug"] for hit in hits],
        "torch": "torch" in sys.modules,
        "sentence_transformers": "sentence_transformers" in sys.modules,
    }))
""")


@tagged("post_install", "-at_install")
class TestKnowledge(L10nClAiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Document = cls.env["l10n_cl_ai.knowledge.document"]
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Constructora Sur SpA"})
        cls.user_a = new_test_user(
            cls.env,
            login="kb_user_a",
            groups="account.group_account_invoice",
            company_id=cls.company_a.id,
            company_ids=[(6, 0, cls.company_a.ids)],
        )
        cls.user_b = new_test_user(
            cls.env,
            login="kb_user_b",
            groups="account.group_account_invoice",
            company_id=cls.company_b.id,
            company_ids=[(6, 0, cls.company_b.ids)],
        )

    def _slugs(self, question, user=None, **options):
        documents = self.Document.with_user(user) if user else self.Document
        return [hit["slug"] for hit in documents._search_knowledge(question, **options)]

    def test_shipped_corpus_answers_a_question_by_meaning(self):
        hits = self.Document._search_knowledge("¿Cuántos días tiene el comprador para reclamar una factura?")
        # two shipped documents state the term; the best passage gives it, from either
        self.assertIn("8 días corridos", hits[0]["excerpt"])
        self.assertIn("rcv-acuse-recibo", [hit["slug"] for hit in hits])
        self.assertEqual(set(hits[0]), {"slug", "title", "score", "excerpt", "document_id"})
        self.assertGreater(hits[0]["score"], hits[-1]["score"] - 1e-9)

    def test_a_company_private_document_never_reaches_another_company(self):
        self.Document.create(
            {
                "slug": "politica-interna-viaticos",
                "title": "Política interna de viáticos",
                "corpus": "account",
                "company_id": self.company_a.id,
                "body": "## Viáticos\nLos viáticos de la constructora se rinden con boleta de honorarios "
                "dentro de 5 días hábiles. Código interno VTX-42.",
            }
        )
        self.assertIn("politica-interna-viaticos", self._slugs("rendición de viáticos VTX-42", self.user_a))
        hits_b = self._slugs("rendición de viáticos VTX-42", self.user_b)
        self.assertNotIn("politica-interna-viaticos", hits_b)
        self.assertEqual(len(hits_b), 3, "filtering never returns fewer than top_k while enough are visible")

    def test_editing_a_document_changes_results_in_another_worker(self):
        question = "procedimiento para el cierre de caja chica de la sucursal Puerto Montt"
        stale_index = self.env["l10n_cl_ai.knowledge.index"]._get()
        self.assertNotIn("caja-chica", self._slugs(question))
        document = self.Document.create(
            {
                "slug": "caja-chica",
                "title": "Caja chica",
                "corpus": "account",
                "body": "## Cierre\nLa caja chica se cuadra cada viernes.",
            }
        )
        document.body = (
            "## Cierre de caja chica en Puerto Montt\nEn la sucursal Puerto Montt el cierre "
            "de caja chica se hace el último día hábil con arqueo firmado."
        )
        # another worker: its own process cache is empty, it only sees the database and the saved index
        index_module._INDEXES.clear()
        fresh_index = self.env["l10n_cl_ai.knowledge.index"]._get()
        self.assertIsNot(fresh_index, stale_index)
        self.assertEqual(self._slugs(question)[0], "caja-chica")
        document.active = False
        self.assertNotIn("caja-chica", self._slugs(question))

    def test_questions_it_answers_find_their_section_and_are_never_shown(self):
        from odoo.exceptions import ValidationError

        question = "se me quedo la tarjeta del casino en la maquina, como la recupero"
        document = self.Document.create(
            {
                "slug": "beneficios-internos",
                "title": "Beneficios internos",
                "corpus": "general",
                "body": "## Colación\nEl aporte de colación se paga con la remuneración.\n\n"
                "## Credenciales\nLas credenciales perdidas se reponen en portería con la cédula.",
            }
        )
        self.assertNotIn("beneficios-internos", self._slugs(question))
        document.questions = "# credenciales\n- " + question
        chunk = document.chunk_ids.filtered(lambda c: "Credenciales" in c.text)
        self.assertEqual(chunk.questions, question)
        hits = self.Document._search_knowledge(question)
        self.assertEqual(hits[0]["slug"], "beneficios-internos")
        self.assertIn("portería", hits[0]["excerpt"])
        self.assertNotIn("tarjeta del casino", hits[0]["excerpt"])
        with self.assertRaisesRegex(ValidationError, "Vacaciones"), self.env.cr.savepoint():
            document.questions = "# Vacaciones\ncuantos dias tengo"
        document.invalidate_recordset()
        self.assertEqual(document.questions, "# credenciales\n- " + question)
        # rewriting the content without that section is not blocked: the form says which no longer apply
        self.assertFalse(document.orphan_question_headings)
        document.body = "## Colación\nEl aporte de colación se paga con la remuneración."
        self.assertEqual(document.orphan_question_headings, "credenciales")
        self.assertFalse(any(document.chunk_ids.mapped("questions")))
        shipped = self.Document.search([("slug", "=", "f29-ppm")])
        self.assertTrue(shipped.questions and all(shipped.chunk_ids.mapped("questions")))

    def test_an_upgrade_gives_shipped_documents_their_questions_without_failing_on_edited_ones(self):
        """What the 19.0.1.1.0 migration runs: the noupdate records get the new field where empty."""
        from lxml import etree

        from odoo.tools.misc import file_open

        with file_open("l10n_cl_ai/data/knowledge_documents.xml", "rb") as handle:
            record = etree.parse(handle).find(".//record[@id='kb_f29_ppm']")
        shipped_questions = record.find("field[@name='questions']").text
        f29, rut, iva = (self.Document.search([("slug", "=", slug)]) for slug in ("f29-ppm", "rut", "iva"))
        self.assertIn("# Plazos", shipped_questions)
        (f29 | rut | iva).write({"questions": False, "situations": False})
        self.assertFalse(any(f29.chunk_ids.mapped("questions")))
        rut.body = "## Una sección propia\nEl administrador reescribió este documento."
        iva.questions = "propias del administrador"
        filled = self.Document._fill_shipped_questions()
        self.assertIn(f29, filled)
        self.assertEqual(f29.questions, shipped_questions)
        self.assertTrue(all(f29.chunk_ids.mapped("questions")))
        self.assertNotIn(rut, filled)  # its headings are gone: left without questions, no error
        self.assertFalse(rut.questions)
        self.assertEqual(iva.questions, "propias del administrador")  # never overwritten

    def test_situations_find_their_document_are_never_shown_and_reach_upgraded_databases(self):
        """The everyday situations a document answers (issue 26) are searched with its sections, never
        shown, and what the 19.0.1.3.0 migration runs gives them to the noupdate shipped records."""
        situation = "se me quedo la tarjeta del casino en la maquina y no puedo almorzar"
        document = self.Document.create(
            {
                "slug": "beneficios-internos",
                "title": "Beneficios internos",
                "corpus": "general",
                "body": "## Colación\nEl aporte de colación se paga con la remuneración.\n\n"
                "## Credenciales\nLas credenciales perdidas se reponen en portería con la cédula.",
            }
        )
        self.assertNotIn("beneficios-internos", self._slugs(situation))
        document.write(
            {"questions": "# Colación\ncuanto es la colacion", "situations": "# credenciales\n" + situation}
        )
        chunk = document.chunk_ids.filtered(lambda c: "Credenciales" in c.text)
        self.assertEqual(chunk.questions, "cuanto es la colacion\n" + situation)  # questions, then situations
        hits = self.Document._search_knowledge(situation)
        self.assertEqual(hits[0]["slug"], "beneficios-internos")
        self.assertNotIn("tarjeta del casino", hits[0]["excerpt"])
        from odoo.exceptions import ValidationError

        with self.assertRaisesRegex(ValidationError, "Vacaciones"), self.env.cr.savepoint():
            document.situations = "# Vacaciones\nme voy de viaje"
        boletas = self.Document.search([("slug", "=", "boletas")])
        shipped = boletas.situations
        self.assertIn("# Qué son", shipped)
        boletas.situations = False
        self.assertIn(boletas, self.Document._fill_shipped_questions("situations"))
        self.assertEqual(boletas.situations, shipped)
        self.assertNotIn(boletas, self.Document._fill_shipped_questions("situations"))  # never overwritten

    def test_a_saved_index_is_loaded_without_embedding(self):
        engine = self.env["l10n_cl_ai.engine"]
        knowledge = self.env["l10n_cl_ai.knowledge.index"]
        knowledge._get()
        embedder = engine._services().embedder.embedder
        calls = embedder.calls
        index_module._INDEXES.clear()
        index = knowledge._get()
        self.assertEqual(embedder.calls, calls, "loading the persisted index embeds nothing")
        self.assertGreater(index.size, 16)

    def test_search_works_with_redis_down(self):
        self.redis_server.stop()
        try:
            index_module._INDEXES.clear()
            self.assertEqual(self._slugs("dígito verificador módulo 11")[0], "rut")
        finally:
            self.redis_server.start()

    def test_corpus_filter(self):
        for slug in self._slugs("plazo para declarar y pagar el formulario 29", corpus="payroll"):
            document = self.Document.search([("slug", "=", slug)])
            self.assertEqual(document.corpus, "payroll")

    def test_slug_is_unique_per_company_scope(self):
        from odoo.exceptions import ValidationError

        with self.assertRaises(ValidationError):
            self.Document.create({"slug": "rut", "title": "Otro RUT", "body": "x"})
        self.Document.create(
            {"slug": "rut", "title": "RUT interno", "body": "x", "company_id": self.company_b.id}
        )

    def test_try_a_question_wizard_shows_hits_with_scores(self):
        wizard = self.env["l10n_cl_ai.knowledge.try"].create(
            {"question": "tasa del impuesto al valor agregado"}
        )
        wizard.action_search()
        self.assertIn("iva", wizard.result_html)
        self.assertRegex(str(wizard.result_html), r"<td>\d+\.\d{3}</td>")

    def test_an_odoo_worker_searching_never_imports_torch(self):
        """A separate process loads the registry like a worker and searches the committed corpus."""
        options = [
            f"--database={self.env.cr.dbname}",
            f"--db_host={config['db_host'] or ''}",
            f"--db_port={config['db_port'] or 5432}",
            f"--db_user={config['db_user'] or ''}",
            f"--db_password={config['db_password'] or ''}",
            f"--addons-path={','.join(odoo.addons.__path__)}",
            f"--data-dir={config['data_dir']}",
            "--log-level=warn",
        ]
        completed = subprocess.run(  # noqa: S603 - our own interpreter and script
            [
                sys.executable,
                "-c",
                WORKER_SCRIPT,
                json.dumps(options),
                "¿Qué pasa si el SII rechaza el envío?",
            ],
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
        self.assertEqual(completed.returncode, 0, completed.stderr[-3000:])
        report = json.loads(completed.stdout.strip().splitlines()[-1])
        self.assertFalse(report["torch"], "torch was imported in a worker")
        self.assertFalse(report["sentence_transformers"])
        self.assertEqual(len(report["slugs"]), 3)

    # -- the public search and the rebuild, as an attacker with an ordinary login ---------------------
    def test_public_search_is_bounded_and_rate_limited_like_the_route(self):
        self.engine_redis_flush()
        self.set_engine_params(chat_rate_per_minute="2")
        documents = self.Document.with_user(self.user_a)
        with self.assertRaisesRegex(UserError, "too long"):
            documents.search_knowledge("IVA " * 600)
        self.assertEqual(documents._bounded_search_args("IVA", 1000), ("IVA", 20))
        self.assertEqual(documents._bounded_search_args("IVA", -5), ("IVA", 1))
        self.assertTrue(documents.search_knowledge("tasa del IVA", top_k=500))
        documents.search_knowledge("tasa del IVA")
        with self.assertRaisesRegex(UserError, "Try again in"):
            documents.search_knowledge("tasa del IVA")
        self.assertTrue(
            documents._search_knowledge("tasa del IVA"), "the addon's own searches are not counted"
        )

    def test_only_managers_rebuild_and_the_index_is_built_in_the_background(self):
        portal = new_test_user(self.env, login="kb_portal", groups="base.group_portal")
        for user in (portal, self.user_a):
            with self.assertRaises(AccessError):
                self.Document.with_user(user).action_rebuild_index()
        cron = self.env.ref("l10n_cl_ai.ir_cron_build_knowledge_index")
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        index_module._INDEXES.clear()
        manager = new_test_user(self.env, login="kb_manager", groups="l10n_cl_ai.group_manager")
        action = self.Document.with_user(manager).action_rebuild_index()
        self.assertEqual(action["tag"], "display_notification")
        self.assertFalse(index_module._INDEXES, "no index was built inside the request")
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]) - triggers)

    def test_saved_indexes_are_pruned_to_the_current_and_the_previous(self):
        knowledge = self.env["l10n_cl_ai.knowledge.index"]
        root = knowledge._root()
        for number in range(3):
            self.Document.create(
                {
                    "slug": f"prune-{number}",
                    "title": f"Poda {number}",
                    "corpus": "general",
                    "body": "## A\nTexto.",
                }
            )
            index_module._INDEXES.clear()
            knowledge._get()
        self.assertLessEqual(len([name for name in os.listdir(root) if not name.startswith(".")]), 2)

    def engine_redis_flush(self):
        self.env["l10n_cl_ai.engine"].sudo()._services().redis.flushdb()

    def test_an_index_saved_before_the_spanish_analyzer_is_rebuilt(self):
        """A database upgraded from the previous search keeps its saved index folder: format 1, keyword
        tokens of the first analyzer. The next worker must rebuild it, not search it with the new tokens."""
        from ..services.knowledge.search import FORMAT_VERSION  # noqa: PLC0415

        knowledge = self.env["l10n_cl_ai.knowledge.index"]
        saved = knowledge._get()
        manifests = [
            os.path.join(folder, "manifest.json")
            for folder, _dirs, names in os.walk(knowledge._root())
            if "manifest.json" in names and os.path.basename(folder) == saved.content_hash
        ]
        self.assertEqual(len(manifests), 1)
        with open(manifests[0], encoding="utf-8") as handle:
            manifest = json.load(handle)
        manifest["format"] = 1  # what the previous version wrote
        with open(manifests[0], "w", encoding="utf-8") as handle:
            json.dump(manifest, handle)
        index_module._INDEXES.clear()
        rebuilt = knowledge._get()
        self.assertIsNot(rebuilt, saved)
        with open(manifests[0], encoding="utf-8") as handle:
            self.assertEqual(json.load(handle)["format"], FORMAT_VERSION)
        # the rebuilt index answers an abbreviated question (the synonym table expands "NC" and "ND")
        self.assertIn("notas-credito-debito", self._slugs("¿en qué casos hago una NC o una ND?"))
