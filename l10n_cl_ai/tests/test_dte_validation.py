"""Validate (AI) on real moves: findings, Claude's review, the recommendation, failures, staleness,
the block-post option, access rights, companies and personal data."""

import datetime
import json

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import COMPANY_RUT, PERSON_NAME, PERSON_RUT, DteTestCommon, claude_review


@tagged("post_install", "-at_install")
class TestDteValidation(DteTestCommon):
    def _validate(self, move):
        """Click Validate (AI), then let the queue run Claude's review, as the cron would."""
        move.action_l10n_cl_ai_validate()
        self.run_validation_queue()
        return move.l10n_cl_ai_last_validation_id

    # -- deterministic result -----------------------------------------------------------------------
    def test_blocking_errors_are_stored_with_their_fix_and_skip_claude(self):
        self.customer.l10n_cl_activity_description = False
        move = self._invoice()
        validation = self._validate(move)
        self.assertEqual(validation.state, "done")
        self.assertEqual(validation.move_id, move)
        self.assertEqual(validation.user_id, self.env.user)
        self.assertEqual(validation.company_id, self.company)
        giro = validation.finding_ids.filtered(lambda f: f.code == "GIRO_RECEPTOR")
        self.assertEqual((giro.severity, giro.source, giro.field), ("error", "deterministic", "partner.giro"))
        self.assertIn("Fill in the customer's Activity Description", giro.message)
        self.assertEqual((validation.recommendation, validation.result_state), ("reject", "error"))
        self.assertEqual(validation.ai_status, "skipped")
        self.assertIn("blocking errors", validation.ai_reason)
        self.assertFalse(self.anthropic.requests, "Claude is not asked about a document that must be fixed")
        self.assertEqual(move.l10n_cl_ai_state, "error")
        self.assertEqual(move.l10n_cl_ai_validation_count, 1)
        notes = move.message_ids.filtered(lambda m: "DTE validation (AI)" in (m.body or ""))
        self.assertEqual(len(notes), 1, "one chatter message per validation")
        self.assertIn("GIRO_RECEPTOR", notes.body)
        self.assertIn("Reject", notes.body)

    def test_claude_reviews_blocking_errors_when_configured(self):
        self.set_engine_params(dte_ai_review_on_errors="True")
        self.customer.l10n_cl_activity_description = False
        self.anthropic.reply_json(claude_review(confidence=20, recommendation="reject"))
        validation = self._validate(self._invoice())
        self.assertEqual(validation.ai_status, "done")
        self.assertEqual(len(self.anthropic.messages_requests), 1)
        self.assertEqual(validation.recommendation, "reject")

    def test_review_off_in_settings(self):
        self.set_engine_params(dte_ai_review="False")
        validation = self._validate(self._invoice())
        self.assertEqual(validation.ai_status, "skipped")
        self.assertIn("turned off", validation.ai_reason)
        self.assertEqual(validation.recommendation, "send")
        self.assertFalse(self.anthropic.requests)

    # -- Claude's review ----------------------------------------------------------------------------
    def test_claude_reply_is_stored_as_ai_findings(self):
        previous = self._invoice([("Archivador", 10, 1790, self.vat)], post=True)
        self.anthropic.reply_json(
            claude_review(
                confidence=72,
                findings=[
                    {
                        "code": "IA_MONTO_INUSUAL",
                        "severity": "warning",
                        "field": "lineas[0].cantidad",
                        "message": "40 resmas es 4 veces más que lo habitual para este cliente; "
                        "confirme la cantidad.",
                    }
                ],
                recommendation="review",
            )
        )
        move = self._invoice()
        validation = self._validate(move)
        self.assertEqual(validation.ai_status, "done")
        self.assertEqual(validation.confidence, 72)
        ai = validation.finding_ids.filtered(lambda f: f.source == "ai")
        self.assertEqual(
            (ai.code, ai.severity, ai.field), ("IA_MONTO_INUSUAL", "warning", "lineas[0].cantidad")
        )
        self.assertIn("4 veces", ai.message)
        self.assertEqual(
            (validation.deterministic_recommendation, validation.ai_recommendation), ("send", "review")
        )
        self.assertEqual((validation.recommendation, move.l10n_cl_ai_state), ("review", "review"))
        self.assertEqual((validation.usage_id.outcome, validation.usage_id.feature), ("ok", "dte_validation"))
        self.assertEqual(validation.usage_id.res_id, move.id)
        # what Claude got: the rules' catalogue (cached system part), knowledge passages, the snapshot, the
        # partner's history
        body = self.anthropic.messages_requests[0].body
        system_text = json.dumps(body["system"], ensure_ascii=False)
        self.assertIn("RUT_RECEPTOR", system_text)
        self.assertIn("cache_control", system_text)
        self.assertIn("Pasajes de la base de conocimiento", system_text)
        user_text = body["messages"][-1]["content"]
        user_text = user_text if isinstance(user_text, str) else json.dumps(user_text, ensure_ascii=False)
        self.assertIn("Resma papel carta", user_text)
        self.assertIn('"total": %s' % previous.amount_total, user_text)

    def test_claude_cannot_clear_a_deterministic_finding(self):
        self.customer.l10n_cl_activity_description = (
            "Construcción de edificios completos y obras de ingeniería civil"
        )
        self.anthropic.reply_json(
            claude_review(
                confidence=99,
                findings=[
                    {
                        "code": "GIRO_RECEPTOR",
                        "severity": "info",
                        "field": "partner.giro",
                        "message": "Está bien.",
                    }
                ],
                recommendation="send",
            )
        )
        validation = self._validate(self._invoice())
        self.assertEqual(validation.ai_recommendation, "send")
        self.assertEqual(validation.recommendation, "review", "the rules' warning stands")
        giro = validation.finding_ids.filtered(lambda f: f.code == "GIRO_RECEPTOR")
        self.assertEqual((giro.severity, giro.source), ("warning", "deterministic"))

    def test_a_dropped_repeat_of_a_check_does_not_weigh_on_the_verdict(self):
        """Claude repeats a rule's warning as an error and says "reject": the repeat is dropped, and with
        no error of its own shown the document is "review", never "errors" with no error listed."""
        self.set_engine_params(dte_post_policy="errors")
        # a giro over 40 characters: GIRO_RECEPTOR, a warning
        self.customer.l10n_cl_activity_description = (
            "Construcción de edificios completos y obras de ingeniería civil"
        )
        self.anthropic.reply_json(
            claude_review(
                confidence=30,
                findings=[
                    {
                        "code": "GIRO_RECEPTOR",
                        "severity": "error",
                        "field": "partner.giro",
                        "message": "Giro.",
                    }
                ],
                recommendation="reject",
            )
        )
        move = self._invoice()
        validation = self._validate(move)
        self.assertEqual(validation.ai_status, "done")
        self.assertFalse(validation.finding_ids.filtered(lambda f: f.source == "ai"))
        self.assertFalse(validation.finding_ids.filtered(lambda f: f.severity == "error"))
        self.assertEqual((validation.recommendation, move.l10n_cl_ai_state), ("review", "review"))
        move.action_post()  # the posting rule reads the verdict: no error shown, nothing blocks
        self.assertEqual(move.state, "posted")

    def test_a_redis_answering_errors_keeps_reviews_going(self):
        """NOREPLICAS (like MISCONF, BUSY, READONLY): the limiter and the breaker fall back per process."""
        self.anthropic.reply_json(claude_review(confidence=77))
        admin = self.env["l10n_cl_ai.engine"].sudo()._services().redis
        admin.config_set("min-replicas-to-write", 1)
        try:
            validation = self._validate(self._invoice())
        finally:
            admin.config_set("min-replicas-to-write", 0)
        self.assertEqual((validation.ai_status, validation.confidence), ("done", 77))

    def test_claude_can_make_the_recommendation_worse_up_to_review(self):
        """Claude reads text the customer controls: an error it finds is shown, marked as Claude's, and
        asks for a review; it never makes the document "errors" (only the rules do)."""
        self.anthropic.reply_json(
            claude_review(
                confidence=30,
                findings=[
                    {
                        "code": "IA_GLOSA_AMBIGUA",
                        "severity": "error",
                        "field": "",
                        "message": "La glosa no corresponde al giro del emisor.",
                    }
                ],
                recommendation="reject",
            )
        )
        move = self._invoice()
        validation = self._validate(move)
        self.assertEqual(validation.deterministic_recommendation, "send")
        self.assertEqual(
            (validation.ai_recommendation, validation.recommendation, move.l10n_cl_ai_state),
            ("review", "review", "review"),
        )
        ai = validation.finding_ids.filtered(lambda f: f.source == "ai")
        self.assertEqual((ai.code, ai.severity), ("IA_GLOSA_AMBIGUA", "error"), "shown as Claude wrote it")
        notes = move.message_ids.filtered(lambda m: "Claude's review ended" in (m.body or ""))
        self.assertIn("IA_GLOSA_AMBIGUA", notes.body)
        self.assertIn("(AI)", notes.body, "the chatter says the finding comes from Claude")

    def test_claude_overloaded_keeps_the_deterministic_result(self):
        self.customer.l10n_cl_activity_description = (
            "Construcción de edificios completos y obras de ingeniería civil"
        )
        for _attempt in range(2):  # retry_max_attempts=2
            self.anthropic.overloaded()
        move = self._invoice()
        validation = self._validate(move)
        self.assertEqual(validation.ai_status, "unavailable")
        self.assertIn("overloaded", validation.ai_reason)
        self.assertEqual(self._codes(validation), {"GIRO_RECEPTOR", "VERIFICACION_OMITIDA"})
        self.assertEqual(validation.recommendation, "review")
        self.assertEqual(move.l10n_cl_ai_state, "review")
        usage = validation.usage_id
        self.assertEqual((usage.outcome, usage.attempts), ("unavailable", 2))
        self.assertIn("ClaudeUnavailable", usage.error)
        self.assertEqual(len(self.anthropic.messages_requests), 2)
        notes = move.message_ids.filtered(lambda m: "DTE validation (AI)" in (m.body or ""))
        self.assertEqual(len(notes), 2, "the checks' message, then the review's")
        self.assertIn("queued", notes[-1].body, "the first one, at the click")
        self.assertIn("unavailable", notes[0].body, "the last one, when the review ended")

    def test_nonsense_reply_is_not_a_review(self):
        self.anthropic.reply_json({"confidence": 250, "findings": [], "recommendation": "send"})
        validation = self._validate(self._invoice())
        self.assertEqual(validation.ai_status, "unavailable")
        self.assertIn("could not be understood", validation.ai_reason)
        self.assertEqual(validation.usage_id.outcome, "invalid_reply")
        self.assertEqual(validation.recommendation, "send")
        self.assertFalse(validation.finding_ids.filtered(lambda f: f.source == "ai"))

    def test_spent_budget_gives_the_deterministic_result_and_says_why(self):
        self.set_engine_params(daily_budget_usd="0.50", budget_hard_stop="True")
        self.env["l10n_cl_ai.usage"].sudo().create({"feature": "dte_validation", "cost_usd": 0.75})
        validation = self._validate(self._invoice())
        self.assertEqual(validation.ai_status, "unavailable")
        self.assertIn("budget", validation.ai_reason)
        self.assertEqual(validation.usage_id.outcome, "budget_exceeded")
        self.assertEqual(validation.recommendation, "send")
        self.assertFalse(self.anthropic.requests)

    def test_rate_limited_user_gets_the_deterministic_result_then_waits_for_a_slot(self):
        self.set_engine_params(validate_rate_per_minute="1")
        self.anthropic.reply_json(claude_review())
        self.assertEqual(self._validate(self._invoice()).ai_status, "done")
        usage_rows = self.env["l10n_cl_ai.usage"].search_count([])
        move = self._invoice()
        validation = self._validate(move)
        self.assertEqual((validation.state, validation.ai_status), ("queued", "queued"))
        self.assertEqual(move.l10n_cl_ai_state, "ok", "the checks' result is shown while the review waits")
        self.assertTrue(validation.not_before)
        self.assertEqual(validation.deferrals, 1)
        for _pass in range(4):  # each pass meets the limit again: at the fifth, the review gives up
            validation.sudo().not_before = False
            self.run_validation_queue()
        self.assertEqual((validation.state, validation.ai_status), ("done", "unavailable"))
        self.assertIn("rate limit", validation.ai_reason)
        self.assertEqual(self.env["l10n_cl_ai.usage"].search_count([]), usage_rows, "refusals are not rows")
        self.assertEqual(len(self.anthropic.messages_requests), 1)

    # -- the move -----------------------------------------------------------------------------------
    def test_editing_what_was_validated_resets_the_state(self):
        self.set_engine_params(dte_ai_review="False")
        move = self._invoice()
        self._validate(move)
        self.assertEqual(move.l10n_cl_ai_state, "ok")
        move.narration = "Entregar en bodega 3"
        move.ref = "OC 4512"
        self.assertEqual(move.l10n_cl_ai_state, "ok", "a change that is not validated keeps the state")
        move.write({"invoice_line_ids": [Command.update(move.invoice_line_ids.id, {"price_unit": 4100})]})
        self.assertEqual(move.l10n_cl_ai_state, "not_checked")
        for change in (
            {"partner_id": self.person.id},
            {"invoice_date": self.issue_date - datetime.timedelta(days=2)},
            {"l10n_latam_document_type_id": self._doc("34").id},
        ):
            self._validate(move)
            self.assertNotEqual(move.l10n_cl_ai_state, "not_checked")
            move.write(change)
            self.assertEqual(move.l10n_cl_ai_state, "not_checked", change)
        self._validate(move)
        move.invoice_line_ids.quantity = 3  # a line written directly
        self.assertEqual(move.l10n_cl_ai_state, "not_checked")

    def test_the_fingerprint_does_not_depend_on_the_reading_language(self):
        """A tax's name differs in Spanish and English: the same move read in either language has one
        fingerprint, so a review queued from a screen in English and run in the requester's Spanish is
        not taken for a changed document, nor is the badge reset by someone editing in another language."""
        self.env["res.lang"]._activate_lang("es_CL")
        self.vat.with_context(lang="es_CL").name = "IVA Débito Fiscal 19 %"
        move = self._invoice()
        snapshots = self.env["l10n_cl_ai.dte.snapshot"]
        spanish, english = move.with_context(lang="es_CL"), move.with_context(lang="en_US")
        in_spanish, in_english = snapshots._snapshot(spanish), snapshots._snapshot(english)
        self.assertEqual(in_spanish["lines"][0]["taxes"][0]["name"], "IVA Débito Fiscal 19 %")
        self.assertNotEqual(in_english["lines"][0]["taxes"][0]["name"], "IVA Débito Fiscal 19 %")
        self.assertEqual(
            snapshots._fingerprint(spanish, in_spanish), snapshots._fingerprint(english, in_english)
        )
        self.assertEqual(snapshots._fingerprint(spanish), snapshots._fingerprint(english))

        self.env.user.lang = "es_CL"  # the queue runs the review in the requester's language
        self.anthropic.reply_json(claude_review(confidence=81))
        english.action_l10n_cl_ai_validate()
        self.run_validation_queue()
        validation = move.l10n_cl_ai_last_validation_id
        self.assertEqual((validation.ai_status, validation.confidence), ("done", 81), validation.ai_reason)
        state = move.l10n_cl_ai_state
        spanish.write({"narration": "Entregar en bodega 3", "invoice_date": move.invoice_date})
        self.assertEqual(move.l10n_cl_ai_state, state, "a write in another language changes nothing checked")

    def test_posting_keeps_the_state(self):
        self.set_engine_params(dte_ai_review="False")
        move = self._invoice(invoice_date=False)
        self._validate(move)
        move.action_post()
        self.assertEqual(move.l10n_cl_ai_state, "ok")
        move.narration = "Pagada con transferencia"
        self.assertEqual(move.l10n_cl_ai_state, "ok")

    def test_block_post_on_errors(self):
        self.set_engine_params(dte_ai_review="False", dte_block_post_on_error="True")
        self.customer.l10n_cl_activity_description = False
        move = self._invoice()
        move.action_post()  # never validated: not blocked
        self.assertEqual(move.state, "posted")
        move.button_draft()
        self._validate(move)
        with self.assertRaisesRegex(UserError, r"(?s)posting rule.*GIRO_RECEPTOR.*Activity Description"):
            move.action_post()
        self.set_engine_params(dte_block_post_on_error="False")
        move.action_post()
        self.assertEqual(move.state, "posted")

    # -- who and which company ---------------------------------------------------------------------
    def test_users_without_invoicing_rights_cannot_validate(self):
        move = self._invoice()
        employee = new_test_user(
            self.env,
            login="dte_employee",
            groups="base.group_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        ai_only = new_test_user(
            self.env,
            login="dte_ai_only",
            groups="l10n_cl_ai.group_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        for user in (employee, ai_only):
            with self.assertRaises(AccessError):
                move.with_user(user).action_l10n_cl_ai_validate()
        self.assertFalse(self.env["l10n_cl_ai.validation"].search([("move_id", "=", move.id)]))

    def test_invoice_readers_see_the_findings_and_a_salesman_opens_the_invoice_without_them(self):
        move = self._invoice()
        self._validate(move)
        auditor = self.company_user("dte_auditor", "account.group_account_readonly", self.company)
        arch = (
            self.env["account.move"].with_user(auditor).get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertIn("l10n_cl_ai_finding_ids", arch, "accounting read rights: the findings are shown")
        self.assertTrue(move.with_user(auditor).l10n_cl_ai_last_validation_id.finding_ids.read(["code"]))

        # The sale module lets salesmen read invoices (not their references or findings): the same access
        salesmen = self.env["res.groups"].create({"name": "Salesmen reading invoices (test)"})
        for model in ("account.move", "account.move.line"):
            self.env["ir.model.access"].create(
                {
                    "name": f"{model} salesman (test)",
                    "model_id": self.env["ir.model"]._get_id(model),
                    "group_id": salesmen.id,
                    "perm_read": True,
                }
            )
        salesman = self.company_user("dte_salesman", "base.group_user", self.company)
        salesman.group_ids += salesmen
        views = self.env["account.move"].with_user(salesman).get_views([(False, "form")])
        arch = views["views"]["form"]["arch"]
        self.assertIn('name="l10n_cl_ai_state"', arch, "the badge is shown to every reader")
        for hidden in ("l10n_cl_ai_finding_ids", "l10n_cl_ai_reference_ids", "l10n_cl_ai_validation_count"):
            self.assertNotIn(hidden, arch)
        ours = [name for name in views["models"]["account.move"]["fields"] if name.startswith("l10n_cl_ai")]
        values = move.with_user(salesman).web_read({name: {} for name in ours})  # no "Failed to read field"
        self.assertEqual(values[0]["l10n_cl_ai_state"], "ok")
        with self.assertRaises(AccessError):
            self.env["l10n_cl_ai.validation"].with_user(salesman).search([])
        ai_only = new_test_user(self.env, login="dte_ai_only", groups="l10n_cl_ai.group_user")
        with self.assertRaises(AccessError, msg="an AI user without invoice rights reads no validation"):
            self.env["l10n_cl_ai.validation.finding"].with_user(ai_only).search([])

    def test_companies_are_kept_apart(self):
        self.set_engine_params(dte_ai_review="False")
        other = self.setup_other_company(name="Constructora Sur SpA")["company"]
        other.write({"vat": "96790240-3", "street": "Av. Alemania 0671", "city": "Temuco"})
        other_journal = self.env["account.journal"].search(
            [("company_id", "=", other.id), ("type", "=", "sale")], limit=1
        )
        other_journal.l10n_latam_use_documents = True
        other_move = (
            self.env["account.move"]
            .with_company(other)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "journal_id": other_journal.id,
                    "invoice_date": self.issue_date,
                    "l10n_latam_document_type_id": self._doc("33").id,
                    "invoice_line_ids": [
                        Command.create({"name": "Arriendo de andamios", "quantity": 1, "price_unit": 250000})
                    ],
                }
            )
        )
        here = new_test_user(
            self.env,
            login="dte_here",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        both = new_test_user(
            self.env,
            login="dte_both",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[Command.set((self.company | other).ids)],
        )
        with self.assertRaises(AccessError):
            other_move.with_user(here).action_l10n_cl_ai_validate()
        move_of_both = other_move.with_user(both).with_company(other)
        move_of_both.action_l10n_cl_ai_validate()
        validation = other_move.l10n_cl_ai_last_validation_id
        self.assertEqual(validation.company_id, other)
        Validation = self.env["l10n_cl_ai.validation"]
        self.assertFalse(Validation.with_user(here).search([("id", "=", validation.id)]))
        self.assertEqual(
            Validation.with_user(both)
            .with_context(allowed_company_ids=other.ids)
            .search([("id", "=", validation.id)]),
            validation,
        )

    # -- personal data --------------------------------------------------------------------------------
    def test_no_natural_person_data_reaches_claude(self):
        move = self._invoice(
            [
                (
                    "Proyecto de ampliación para María José Fuentes Rojas, RUT 12.345.678-5 "
                    "(mjfuentes@example.cl)",
                    1,
                    850000,
                    self.vat,
                ),
            ],
            partner=self.person,
        )
        self.anthropic.reply_json(
            claude_review(
                confidence=80,
                findings=[
                    {
                        "code": "IA_DATOS_PERSONALES_EN_GLOSA",
                        "severity": "warning",
                        "field": "lines[0].name",
                        "message": "La glosa repite el RUT RUT_PERSONA_1 de PERSONA_1; "
                        "no es necesario en el detalle.",
                    }
                ],
                recommendation="review",
            )
        )
        validation = self._validate(move)
        self.assertEqual(validation.ai_status, "done")
        self.assertTrue(validation.personal_data_minimized)
        sent = "\n".join(self._request_texts())
        self.assertTrue(sent)
        for secret in (
            PERSON_RUT,
            "12.345.678-5",
            "12345678",
            PERSON_NAME,
            "Pasaje Los Aromos",
            "mjfuentes@example.cl",
        ):
            self.assertNotIn(secret, sent)
        self.assertIn("RUT_PERSONA_1", sent)
        self.assertIn(COMPANY_RUT, sent, "company data goes as it is")
        self.assertIn("850000", sent, "amounts go as they are")
        ai = validation.finding_ids.filtered(lambda f: f.source == "ai")
        self.assertIn(PERSON_NAME, ai.message, "placeholders are mapped back in the stored findings")
        self.assertIn(PERSON_RUT, ai.message)

    def test_claude_cannot_reveal_a_person_who_is_not_in_the_document(self):
        """Other persons of the company are registered so that their names are hidden if they appear;
        a placeholder of one of them in Claude's reply (made up, or written on the document's text's
        instructions) stays a placeholder: only this document's persons are mapped back."""
        other_rut = "15234567-4"
        self.env["res.partner"].create(
            {"name": "Pedro Pablo Soto Lagos", "is_company": False, "vat": other_rut}
        )
        guesses = " ".join(f"PERSONA_{n} RUT_PERSONA_{n}" for n in range(1, 2101))
        self.anthropic.reply_json(
            claude_review(
                confidence=50,
                findings=[
                    {
                        "code": "IA_PERSONAS",
                        "severity": "info",
                        "field": "",
                        "message": f"Personas: {guesses}",
                    }
                ],
                recommendation="review",
            )
        )
        validation = self._validate(self._invoice(partner=self.person))
        self.assertEqual(validation.ai_status, "done")
        ai = validation.finding_ids.filtered(lambda f: f.source == "ai")
        self.assertIn(PERSON_NAME, ai.message, "the document's customer is mapped back")
        self.assertNotIn("Pedro Pablo Soto Lagos", ai.message)
        self.assertNotIn(other_rut, ai.message)
        self.assertIn("PERSONA_2100", ai.message)

    def test_personal_data_in_any_free_text_never_reaches_claude(self):
        """Names of natural persons known to the database, written in any order, case or accents, in line
        labels, product names and reference reasons; RUTs in any writing; e-mails and phones."""
        other = self.env["res.partner"].create(
            {"name": "Juan Pablo Soto Varela", "is_company": False, "phone": "+56 9 8765 4321"}
        )
        product = self.env["product.product"].create({"name": "Asesoría de Juan Pablo Soto Varela"})
        move = self._invoice(
            [
                ("SOTO VARELA, JUAN PABLO: visita técnica", 1, 120000, self.vat),
                ("entrega a maria jose fuentes rojas, rut 12345678-5, fono 9 8765 4321", 1, 30000, self.vat),
                ("Encargado RUT 12 345 678 5 / 123456785, escribir a jp.soto@example.cl", 1, 1000, self.vat),
            ],
            partner=self.person,
        )
        move.invoice_line_ids[0].product_id = product
        move.invoice_line_ids[0].name = "SOTO VARELA, JUAN PABLO: visita técnica"
        move.l10n_cl_ai_reference_ids = [
            Command.create(
                {
                    "document_type_id": self._doc("801").id,
                    "folio": "4512",
                    "date": self.issue_date,
                    "reason": "OC firmada por Fuentes Rojas, María José",
                }
            )
        ]
        self.anthropic.reply_json(claude_review(confidence=80))
        validation = self._validate(move)
        self.assertEqual(validation.ai_status, "done")
        bodies = self._request_texts()
        self.assertTrue(bodies)
        for body in bodies:
            folded = body.lower()
            for secret in (
                "soto varela",
                "juan pablo",
                "fuentes rojas",
                "maria jose",
                "maría josé",
                "12345678",
                "12 345 678",
                "123456785",
                "8765 4321",
                "87654321",
                "jp.soto@example.cl",
                "mjfuentes@example.cl",
            ):
                self.assertNotIn(secret, folded)
        self.assertTrue(other.exists())

    def test_minimisation_can_be_turned_off(self):
        self.set_engine_params(minimize_personal_data="False")
        self.anthropic.reply_json(claude_review())
        validation = self._validate(self._invoice(partner=self.person))
        self.assertFalse(validation.personal_data_minimized)
        self.assertIn(PERSON_NAME, "\n".join(self._request_texts()))
