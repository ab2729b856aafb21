"""The SII publication monitor end to end: a fake SII site on 127.0.0.1 serving ISO-8859-1 listings, the
daily scheduled action, Claude's summaries through the engine (the fake Anthropic API), the alert
channel, the knowledge base, failures of pages and of Claude."""

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import L10nClAiCase
from .fakes import sii_fixtures as fx
from .fakes.fake_sii import FakeSii

CIRCULARS = "/normativa_legislacion/circulares/{year}/indcir{year}.htm"
RESOLUTIONS = "/normativa_legislacion/resoluciones/{year}/res_ind{year}.htm"
NEWS = "/noticias/{year}/index.html"
# Claude's replies, in the order publications are stored: 3 circulars, 2 resolutions, 2 news
PRIORITIES = (5, 2, 3, 4, 1, 2, 3)
AREAS = (["boletas"], ["dte"], ["iva"], ["dte", "inventario"], ["procedimientos"], ["renta"], ["dte"])
SUMMARIES = (
    "Nuevas instrucciones para emitir boletas electrónicas en el comercio minorista.",
    "Ajustes al esquema XML de los documentos electrónicos de exportación.",
    "Tratamiento del IVA de servicios digitales prestados por proveedores extranjeros.",
    "Formato de la guía de despacho para traslados entre bodegas propias.",
    "Procedimiento de término de giro para empresas del régimen Pro Pyme.",
    "Recordatorio del plazo de la declaración jurada 1887 sobre sueldos.",
    "El portal gratuito permite emitir notas de crédito con referencia automática.",
)


def reply(priority=3, areas=("dte",), summary=SUMMARIES[0]):
    return {
        "summary": summary,
        "areas": list(areas),
        "priority": priority,
        "actions": ["Revisar la configuración de documentos", "Informar al equipo de facturación"],
        "questions": ["que cambia con esta publicacion del sii", "a quien le afecta y desde cuando"],
    }


@tagged("post_install", "-at_install")
class TestSiiMonitor(L10nClAiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.site = FakeSii().start()
        cls.addClassCleanup(cls.site.stop)
        cls.Publication = cls.env["l10n_cl_ai.sii.publication"]
        cls.Page = cls.env["l10n_cl_ai.sii.page"]
        cls.year = cls.Publication._current_year()
        cls.paths = [template.format(year=cls.year) for template in (CIRCULARS, RESOLUTIONS, NEWS)]
        cls.channel = cls.env["discuss.channel"].create({"name": "Alertas SII", "channel_type": "channel"})
        cls.set_engine_params(
            sii_urls=" ".join(cls.site.url(template) for template in (CIRCULARS, RESOLUTIONS, NEWS)),
            notify_channel_id=str(cls.channel.id),
            validate_rate_per_minute="1000",
            retry_max_attempts="1",
        )

    def setUp(self):
        super().setUp()
        self.site.set_page(self.paths[0], fx.encoded(fx.circulars_html(self.year)))
        self.site.set_page(self.paths[1], fx.encoded(fx.resolutions_html(self.year)))
        self.site.set_page(self.paths[2], fx.encoded(fx.news_html(self.year)))
        self.site.etags = True
        self.site.clear_requests()

    def run_monitor(self):
        self.env.flush_all()
        self.env.ref("l10n_cl_ai.ir_cron_sii_monitor").method_direct_trigger()
        self.env.invalidate_all()

    def script_replies(self, start=0, stop=None):
        """Claude's replies for the publications ``start`` to ``stop`` (in the order they are stored)."""
        for index in range(start, len(PRIORITIES) if stop is None else stop):
            self.anthropic.reply_json(reply(PRIORITIES[index], AREAS[index], SUMMARIES[index]))

    def first_run(self):
        self.script_replies()
        self.run_monitor()
        self.anthropic.clear()
        self.site.clear_requests()

    def alerts(self):
        return self.channel.message_ids.filtered(lambda m: "New SII publication" in (m.body or ""))

    def warnings(self):
        return self.channel.message_ids.filtered(lambda m: "SII monitor warning" in (m.body or ""))

    def publications(self):
        return self.Publication.search([], order="id")

    # -- runs ---------------------------------------------------------------------------------------------
    def test_first_run_stores_summarizes_and_posts_the_high_priority_ones(self):
        self.script_replies()
        self.run_monitor()
        publications = self.publications()
        self.assertEqual(len(publications), 7)
        self.assertEqual(publications.mapped("kind"), ["circular"] * 3 + ["resolution"] * 2 + ["news"] * 2)
        self.assertEqual(set(publications.mapped("state")), {"done"})
        first = publications[0]
        self.assertEqual((first.number, first.year, first.priority, first.area), ("54", "2025", 5, "boletas"))
        self.assertEqual(
            first.url, self.site.url(f"/normativa_legislacion/circulares/{self.year}/circu54.pdf")
        )
        self.assertEqual(first.subject, fx.CIRCULARS[0].subject, "decoded from ISO-8859-1")
        self.assertIn("Revisar la configuración", first.actions)
        self.assertEqual(publications.filtered("alerted"), publications[0] | publications[3])
        alerts = self.alerts()
        self.assertEqual(len(alerts), 2, "priorities 5 and 4 reach the threshold (4)")
        self.assertTrue(any(first.url in message.body for message in alerts))
        usage = self.env["l10n_cl_ai.usage"].search([("feature", "=", "sii")])
        self.assertEqual(len(usage), 7)
        self.assertEqual(set(usage.mapped("model")), {"claude-haiku-5-5"}, "the SII model (cheap) by default")
        self.assertEqual(set(usage.mapped("outcome")), {"ok"})
        pages = self.Page.search([("url", "in", [self.site.url(p) for p in self.paths])])
        self.assertEqual(set(pages.mapped("state")), {"ok"})
        self.assertEqual(sorted(pages.mapped("item_count")), [2, 2, 3])

    def test_a_second_run_on_unchanged_pages_stores_nothing_and_calls_claude_zero_times(self):
        self.first_run()
        self.run_monitor()
        self.assertEqual(len(self.publications()), 7)
        self.assertEqual(len(self.anthropic.messages_requests), 0)
        self.assertEqual(set(self.Page.search([]).mapped("state")), {"not_modified"})
        self.assertEqual(len(self.site.requests), 3)
        self.assertTrue(all(headers.get("if-none-match") for _path, headers in self.site.requests))

    def test_without_etags_the_same_hash_means_unchanged(self):
        self.first_run()
        self.site.etags = False  # the server answers 200 with the same bytes
        self.run_monitor()
        self.assertEqual(set(self.Page.search([]).mapped("state")), {"unchanged"})
        self.assertEqual((len(self.publications()), len(self.anthropic.messages_requests)), (7, 0))

    def test_a_changed_page_adds_only_its_new_items(self):
        self.first_run()
        entries = (*fx.CIRCULARS, fx.NEW_CIRCULAR)
        self.site.set_page(self.paths[0], fx.encoded(fx.circulars_html(self.year, entries)))
        self.anthropic.reply_json(reply(2, ["remuneraciones"]))
        self.run_monitor()
        publications = self.publications()
        self.assertEqual(len(publications), 8)
        self.assertEqual((publications[-1].number, publications[-1].state), ("57", "done"))
        self.assertEqual(len(self.anthropic.messages_requests), 1)
        page = self.Page.search([("url", "=", self.site.url(self.paths[0]))])
        self.assertEqual((page.state, page.item_count, page.new_count), ("ok", 4, 1))

    def test_a_document_listed_on_two_pages_is_stored_once(self):
        circular = self.site.url(f"/normativa_legislacion/circulares/{self.year}/circu54.pdf")
        news = fx.news_html(self.year).replace(
            "</ul>", f'<li><a href="{circular}">Circular N° 54 del 23 de diciembre de 2025</a></li></ul>'
        )
        self.site.set_page(self.paths[2], fx.encoded(news))
        self.script_replies()
        self.run_monitor()
        publications = self.publications()
        self.assertEqual(len(publications), 7)
        self.assertEqual(len(publications.filtered(lambda p: p.url == circular)), 1)
        self.assertEqual(len(self.anthropic.messages_requests), 7, "summarized once")
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.Publication.create({"url": circular, "kind": "circular", "title": "Duplicada"})
            self.env.flush_all()

    # -- page failures ------------------------------------------------------------------------------------
    def test_broken_markup_is_read_and_an_empty_page_warns_once(self):
        self.site.set_page(self.paths[0], fx.encoded(fx.broken_html()))
        self.site.set_page(self.paths[1], fx.encoded(fx.empty_html()))
        self.script_replies(0, 4)
        self.run_monitor()
        self.assertEqual(self.publications().mapped("number")[:2], ["60", "61"])
        empty = self.Page.search([("url", "=", self.site.url(self.paths[1]))])
        self.assertEqual(empty.state, "empty")
        self.assertIn("No publication was found", empty.last_error)
        self.assertEqual(len(self.warnings()), 1)
        self.assertEqual(self.Page._failing_count(), 1)
        detail, problems = self.env["l10n_cl_ai.health.metrics"]._health_detail()
        self.assertEqual(detail["sii_pages"][empty.url]["state"], "empty")
        self.assertEqual(problems.get("sii_pages"), "warn")

        self.run_monitor()
        self.assertEqual(len(self.warnings()), 1, "the same failure is posted once")
        self.site.set_page(self.paths[1], fx.encoded(fx.resolutions_html(self.year)))
        self.anthropic.clear()
        self.script_replies(4, 6)
        self.run_monitor()
        empty.invalidate_recordset()
        self.assertEqual((empty.state, empty.last_error, empty.warning_posted), ("ok", False, False))
        self.assertEqual(self.Page._failing_count(), 0)

    def test_unreachable_or_failing_pages_never_stop_the_run(self):
        self.site.fail(self.paths[0], 503)
        self.set_engine_params(
            sii_urls=self.env["ir.config_parameter"].sudo().get_param("l10n_cl_ai.sii_urls")
            + " http://127.0.0.1:9/nadie/{year}/indcir{year}.htm"
        )
        self.script_replies(3)
        self.run_monitor()
        self.assertEqual(len(self.publications()), 4, "resolutions and news were still read")
        failing = self.Page.search([("state", "=", "error")], order="url")
        self.assertEqual(len(failing), 2)
        messages = " ".join(failing.mapped("last_error"))
        self.assertIn("HTTP 503", messages)
        self.assertIn("could not be reached", messages)
        self.assertEqual(len(self.warnings()), 2)

    def test_a_redirect_away_from_the_sii_is_the_pages_warning(self):
        self.site.redirect(self.paths[0], "http://127.0.0.2:9/elsewhere.htm?token=x")
        self.script_replies(3)
        self.run_monitor()
        (failing,) = self.Page.search([("state", "=", "error")])
        self.assertEqual(failing.url, self.site.url(self.paths[0]))
        self.assertIn(
            "redirects to http://127.0.0.2:9/elsewhere.htm, which is not an SII",
            failing.last_error,
        )
        self.assertEqual(len(self.warnings()), 1)

    def test_pages_no_longer_followed_are_archived(self):
        self.first_run()
        self.set_engine_params(sii_urls=self.site.url(NEWS))
        self.run_monitor()
        self.assertEqual(self.Page.search([]).mapped("url"), [self.site.url(self.paths[2])])

    # -- Claude failures ----------------------------------------------------------------------------------
    def test_claude_unavailable_leaves_publications_for_a_later_run(self):
        self.anthropic.overloaded()
        self.run_monitor()
        publications = self.publications()
        self.assertEqual(len(publications), 7, "stored first, whatever Claude does")
        self.assertEqual(set(publications.mapped("state")), {"pending"})
        self.assertEqual(len(self.anthropic.messages_requests), 1, "the run stops at the first refusal")
        self.assertIn("overloaded", publications[0].last_error)
        failed = self.env["l10n_cl_ai.usage"].search([("feature", "=", "sii")])
        self.assertEqual(failed.outcome, "unavailable")
        self.assertFalse(self.alerts())

        self.anthropic.clear()
        self.script_replies()
        self.run_monitor()
        self.assertEqual(set(self.publications().mapped("state")), {"done"})
        self.assertEqual(len(self.anthropic.messages_requests), 7)

    def test_an_unusable_reply_counts_an_attempt_and_the_run_goes_on(self):
        self.anthropic.reply_json(reply(priority=9))  # out of range: refused by the reply check
        self.script_replies(1)
        self.run_monitor()
        first, *others = self.publications()
        self.assertEqual((first.state, first.attempts), ("pending", 1))
        self.assertTrue(first.last_error)
        refused = self.env["l10n_cl_ai.usage"].search([("res_id", "=", first.id), ("feature", "=", "sii")])
        self.assertEqual(refused.outcome, "invalid_reply")
        self.assertIn("priority", refused.error)
        self.assertEqual({p.state for p in others}, {"done"})

    # -- knowledge ----------------------------------------------------------------------------------------
    def test_a_summarized_publication_is_found_by_search_knowledge(self):
        self.anthropic.reply_json(
            reply(
                5,
                ["dte"],
                "Desde julio cambia el timbre electrónico de las facturas de arriendo de maquinaria.",
            )
        )
        self.script_replies(1)
        self.run_monitor()
        first = self.publications()[0]
        document = first.knowledge_document_id
        self.assertEqual(
            (document.source, document.corpus, document.company_id.id), (first.url, "dte", False)
        )
        self.assertIn("arriendo de maquinaria", document.body)
        hits = self.env["l10n_cl_ai.knowledge.document"].search_knowledge(
            "timbre electrónico en facturas de arriendo de maquinaria", top_k=3
        )
        self.assertIn(document.slug, [hit["slug"] for hit in hits])

    def test_a_manager_cannot_have_the_monitor_overwrite_another_companys_document(self):
        self.script_replies()
        self.run_monitor()
        publication = self.publications()[0]
        created = publication.knowledge_document_id
        company_b = self.env["res.company"].create({"name": "Empresa B SpA"})
        private_body = "## Política interna\nLos pagos a proveedores se aprueban los martes."
        private = self.env["l10n_cl_ai.knowledge.document"].create(
            {"slug": "politica-b", "title": "Política B", "body": private_body, "company_id": company_b.id}
        )
        manager_a = self.company_user("sii_manager_a", "l10n_cl_ai.group_manager", self.env.company)
        with self.assertRaises(AccessError):
            publication.with_user(manager_a).write({"knowledge_document_id": private.id})
        publication.with_user(manager_a).write({"summary": "Resumen corregido."})  # the rest stays editable

        # a link forced in the database (by an older version) is not followed either: the stored reply is
        # replayed (no Claude call) and the publication gets a shared document of its own again
        publication.sudo().write({"knowledge_document_id": private.id, "state": "pending"})
        calls = len(self.anthropic.messages_requests)
        self.run_monitor()
        self.assertEqual(len(self.anthropic.messages_requests), calls)
        self.assertEqual((private.body, private.company_id), (private_body, company_b))
        self.assertNotEqual(publication.knowledge_document_id, private)
        self.assertFalse(publication.knowledge_document_id.company_id)
        self.assertEqual(created.body, publication.knowledge_document_id.body)

    def test_a_shared_document_someone_else_wrote_keeps_its_content(self):
        """The monitor rewrites only the documents its publications created, even under the same slug."""
        self.script_replies()
        self.run_monitor()
        publication = self.publications()[0]
        slug = publication.knowledge_document_id.slug
        publication.knowledge_document_id.unlink()
        own = self.env["l10n_cl_ai.knowledge.document"].create(
            {"slug": slug, "title": "Nota del contador", "body": "## Nota\nTexto propio."}
        )
        publication.sudo().state = "pending"
        self.run_monitor()
        self.assertEqual(own.body, "## Nota\nTexto propio.")
        self.assertEqual(publication.knowledge_document_id.slug, f"{slug}-{publication.id}")

    def test_knowledge_documents_can_be_turned_off(self):
        self.set_engine_params(sii_knowledge="False")
        self.script_replies()
        self.run_monitor()
        self.assertFalse(self.publications().knowledge_document_id)

    # -- access ---------------------------------------------------------------------------------------------
    def test_check_now_queues_the_scheduled_action_for_managers_only(self):
        user = self.company_user("sii_ai_user", "l10n_cl_ai.group_user", self.env.company)
        with self.assertRaises(AccessError):
            self.Publication.with_user(user).action_check_now()
        manager = self.company_user("sii_ai_manager", "l10n_cl_ai.group_manager", self.env.company)
        cron = self.env.ref("l10n_cl_ai.ir_cron_sii_monitor")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        action = self.Publication.with_user(manager).action_check_now()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers + 1)
        self.assertFalse(self.site.requests, "nothing is fetched inside the request")

    def test_users_read_publications_of_their_companies_and_cannot_change_them(self):
        self.first_run()
        other = self.env["res.company"].create({"name": "Filial Norte SpA"})
        private = self.publications()[0]
        private.company_id = other
        user = self.company_user("sii_reader", "l10n_cl_ai.group_user", self.env.company)
        visible = self.Publication.with_user(user).search([])
        self.assertEqual(len(visible), 6, "another company's publication is hidden")
        with self.assertRaises(AccessError):
            visible[0].write({"priority": 1})
        with self.assertRaises(AccessError):
            self.Page.with_user(user).search([])
