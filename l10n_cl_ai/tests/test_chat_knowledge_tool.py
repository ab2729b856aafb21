"""``buscar_normativa``: Claude searches the knowledge base in its own words; its hits are cited like the
first passages and audited; outside the asker's direct chat it reads shared documents only. The first
passages come from distinct documents."""

import json

from odoo.tests import tagged

from ..models import knowledge_index
from .chat_common import ChatBotCase

ZORZAL = "El procedimiento Zorzal exige la firma de la gerente Valentina Pizarro antes de anular una factura."


@tagged("post_install", "-at_install")
class TestChatKnowledgeTool(ChatBotCase):
    def _sent(self, index=-1):
        return self.anthropic.messages_requests[index].body

    def _tool_result(self, index=-1):
        return json.loads(self._sent(index)["messages"][-1]["content"][0]["content"])

    def _zorzal(self):
        """A document of the accountant's company, with two matching sections; the worker's index is
        dropped (the knowledge version repeats after each test's rollback, its cached index would not)."""
        document = self.env["l10n_cl_ai.knowledge.document"].create(
            {
                "slug": "procedimiento-interno-zorzal",
                "title": "Procedimiento interno Zorzal",
                "corpus": "general",
                "company_id": self.company.id,
                "body": f"## Procedimiento Zorzal\n{ZORZAL}\n\n## Archivo Zorzal\nEl procedimiento Zorzal "
                "archiva la factura anulada con la firma de la gerente.",
            }
        )
        self.env.flush_all()
        knowledge_index._INDEXES.clear()
        return document

    def _group_with_colleague(self):
        colleague = self.company_user(
            "chat_knowledge_colleague", "account.group_account_invoice,l10n_cl_ai.group_user", self.company
        )
        channel = self.env["discuss.channel"].create({"name": "Contabilidad", "channel_type": "group"})
        channel.add_members(
            partner_ids=(self.accountant.partner_id | colleague.partner_id | self.bot).ids,
            post_joined_message=False,
        )
        return channel

    def test_claude_searches_again_in_its_own_words_and_its_documents_are_cited_and_audited(self):
        # the accounting expert's first passages never come from the stock corpus: the dispatch guide can
        # only reach the answer through the tool
        self.anthropic.reply_tool_use(
            "buscar_normativa", {"consulta": "guía de despacho tipos de traslado", "tema": "stock"}
        )
        self.anthropic.reply_text("Emita una guía de despacho (52) con el tipo de traslado [guias-despacho].")
        channel = self._ask("¿Cuándo vence la declaración mensual del F29?")
        self._run_queue()
        request = self._requests(channel)
        self.assertEqual((request.state, request.plugin), ("done", "account"))

        first = self._sent(0)
        self.assertIn("buscar_normativa", [tool["name"] for tool in first["tools"]])
        self.assertIn("buscar_normativa", json.dumps(first["system"], ensure_ascii=False), "when to use it")
        self.assertNotIn("[guias-despacho]", json.dumps(first["messages"], ensure_ascii=False))
        result = self._tool_result(1)
        self.assertEqual(result["resultados"][0]["documento"], "guias-despacho")
        slugs = [row["documento"] for row in result["resultados"]]
        self.assertEqual(len(slugs), len(set(slugs)), "one passage per document")

        guide = self.env["l10n_cl_ai.knowledge.document"].search([("slug", "=", "guias-despacho")])
        body = request.reply_message_id.body
        sources = body[body.index("o_l10n_cl_ai_sources") :]
        self.assertIn(guide.title, sources, "the tool's document is cited like the first passages")
        self.assertNotIn("Records consulted", sources, "knowledge documents are sources, not records")

        audit = request.read_ids
        self.assertEqual(audit.mapped("tool"), ["buscar_normativa"])
        self.assertEqual((audit.res_model, audit.user_id), ("l10n_cl_ai.knowledge.document", self.accountant))
        self.assertIn(guide.id, json.loads(audit.res_ids))
        self.assertIn("guía de despacho", audit.with_user(self.accountant).tool_input)

    def test_in_a_shared_conversation_it_is_the_only_tool_and_reads_shared_documents_only(self):
        self._zorzal()
        search = {"consulta": "procedimiento Zorzal firma para anular una factura"}
        self.anthropic.reply_tool_use("buscar_normativa", search)
        self.anthropic.reply_text("Respuesta privada.")
        self._ask("¿Qué hago antes de anular una factura?")
        self._run_queue()
        found = [row["documento"] for row in self._tool_result()["resultados"]]
        self.assertIn("procedimiento-interno-zorzal", found, "the asker's direct chat reads their company's")

        channel = self._group_with_colleague()
        self.anthropic.reply_tool_use("buscar_normativa", search)
        self.anthropic.reply_text("Respuesta compartida.")
        self._ask(
            "@Asistente Tributario ¿Qué hago antes de anular una factura?",
            channel=channel,
            partner_ids=self.bot.ids,
        )
        self._run_queue()
        request = self._requests(channel)
        self.assertEqual(request.state, "done")
        self.assertEqual([tool["name"] for tool in self._sent(-2)["tools"]], ["buscar_normativa"])
        result = self._tool_result()
        self.assertTrue(result["resultados"], "the shared documents are searched")
        self.assertNotIn("procedimiento-interno-zorzal", [row["documento"] for row in result["resultados"]])
        self.assertNotIn("Valentina Pizarro", json.dumps(self._sent(), ensure_ascii=False))
        self.assertNotIn("Zorzal", request.reply_message_id.body)
        self.assertEqual(request.read_ids.mapped("tool"), ["buscar_normativa"])

    def test_a_search_without_words_is_refused_to_claude_and_the_answer_goes_on(self):
        self.anthropic.reply_tool_use("buscar_normativa", {"consulta": "  ", "tema": "dte"})
        self.anthropic.reply_text("No pude buscar.")
        channel = self._ask("¿Qué es el CAF?")
        self._run_queue()
        self.assertEqual(self._requests(channel).state, "done")
        content = self._sent()["messages"][-1]["content"][0]
        self.assertTrue(content.get("is_error"))
        self.assertIn("consulta", content["content"])

    def test_the_first_passages_come_from_distinct_documents(self):
        self._zorzal()
        passages = (
            self.env["l10n_cl_ai.chat.answer"]
            .with_user(self.accountant)
            ._passages("procedimiento Zorzal firma gerente factura anulada archivo")
        )
        self.assertEqual(passages[0]["slug"], "procedimiento-interno-zorzal")
        documents = [passage["document_id"] for passage in passages]
        self.assertEqual(len(documents), 3)
        self.assertEqual(len(documents), len(set(documents)))

    def test_the_first_passages_search_every_corpus_whatever_expert_answers(self):
        """The expert chooses the instructions and the tools, not the documents: a dispatch guide is a DTE
        (the stock corpus) and a claim on a received invoice is in the purchase register (account)."""
        answer = self.env["l10n_cl_ai.chat.answer"].with_user(self.accountant)
        for question, slug in (
            (
                "Despaché con guía de despacho y facturo después, ¿hasta qué día tengo para facturar?",
                "guias-despacho",
            ),
            ("¿Cuántos días tengo para reclamar una factura que me emitió un proveedor?", "rcv-acuse-recibo"),
        ):
            with self.subTest(question=question):
                self.assertIn(slug, [passage["slug"] for passage in answer._passages(question)])
