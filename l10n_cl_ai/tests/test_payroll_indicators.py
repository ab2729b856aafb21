"""Previred's indicators end to end: the page served by a fake site on 127.0.0.1 (ISO-8859-1, the real
markup and a second layout), the scheduled action and "Fetch now", verification (nothing stored from a
page that fails it, "to review" on a jump), a manager's correction tracked, and the liquidación calculated
and checked through the model (the interface other addons call).

July 2025 fixture: UF 39.485,65; AFP cap 87,8 UF -> 87,8 × 39.485,65 = 3.466.840,07 -> $3.466.840; AFC cap
131,9 UF; SIS 1,88 %; Ley 21.735 0,1 % + 0,9 %; AFC indefinido 2,4 % / 0,6 %; Habitat 11,27 %. Tax table of
a UTM of $68.923: exempt up to 13,5 UTM = $930.460,50; 4 % − 0,54 UTM ($37.218,42) up to 30 UTM.
"""

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..services.payroll import previred, tax_table
from .common import L10nClAiCase
from .fakes import payroll_pages as pp
from .fakes.fake_sii import FakeSii

PATH = "/indicadores-previsionales/"
INPUTS = {
    "contract": "indefinido",
    "base_wage": 1000000,
    "gratificacion": "none",
    "taxable_allowances": 0,
    "non_taxable_allowances": 0,
    "afp": "Habitat",
    "health": "fonasa",
    "isapre_plan_uf": 0,
    "days_worked": 30,
}


@tagged("post_install", "-at_install")
class TestPayrollIndicators(L10nClAiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.site = FakeSii().start()
        cls.addClassCleanup(cls.site.stop)
        cls.Indicators = cls.env["l10n_cl_ai.payroll.indicators"]
        cls.channel = cls.env["discuss.channel"].create({"name": "Alertas", "channel_type": "channel"})
        cls.set_engine_params(previred_url=cls.site.url(PATH), notify_channel_id=str(cls.channel.id))
        cls.manager = cls.company_user("payroll_manager", "l10n_cl_ai.group_manager", cls.env.company)
        cls.ai_user = cls.company_user("payroll_user", "l10n_cl_ai.group_user", cls.env.company)

    def setUp(self):
        super().setUp()
        self.site.set_page(PATH, pp.previred_page())

    def run_cron(self):
        self.env.flush_all()
        self.env.ref("l10n_cl_ai.ir_cron_payroll_indicators").method_direct_trigger()
        self.env.invalidate_all()

    def store_tax_table(self, period="2025-07"):
        brackets = tax_table.parse(pp.tax_page(), 2025)[(2025, int(period[5:]))]
        self.env["l10n_cl_ai.payroll.month"]._upsert(
            period, {"tax_brackets": [b.as_dict() for b in brackets]}
        )

    def warnings(self):
        return self.channel.message_ids.filtered(lambda m: "Payroll indicators warning" in (m.body or ""))

    # -- fetching and verification -------------------------------------------------------------------------
    def test_the_page_is_stored_by_period_with_its_source(self):
        self.run_cron()
        record = self.Indicators._for_period("2025-07")
        self.assertEqual(len(record), 1)
        self.assertEqual(record.status, "ok")
        self.assertEqual((record.uf, record.utm, record.uta), (39485.65, 68923, 827076))
        self.assertEqual((record.min_wage, record.afp_cap_uf, record.afp_cap), (529000, 87.8, 3466840))
        self.assertEqual(record.sis_rate, 1.88)
        self.assertEqual(record.source_url, self.site.url(PATH))
        self.assertTrue(record.fetched_at)
        self.assertEqual(set(record.data["afp"]), set(pp.PREVIRED["afp"]))
        self.assertEqual(record.data["afp"]["Habitat"]["worker"], "11.27")
        self.assertFalse(self.Indicators._for_period("2026-11"), "empty when none")
        self.assertEqual(self.Indicators.search_count([("utm", ">", 60000)]), 1, "queryable")

    def test_the_other_layout_gives_the_same_values(self):
        self.site.set_page(PATH, pp.previred_page(layout="other"))
        self.run_cron()
        record = self.Indicators._for_period("2025-07")
        self.assertEqual((record.status, record.uf, record.afp_cap_uf), ("ok", 39485.65, 87.8))

    def test_a_page_that_fails_verification_stores_nothing_and_says_why(self):
        self.site.set_page(PATH, pp.previred_page(drop=("afp",)))
        with mute_logger("odoo.addons.l10n_cl_ai.models.payroll_source"):
            self.run_cron()
        self.assertFalse(self.Indicators.search([]))
        source = self.env["l10n_cl_ai.payroll.source"].search([("kind", "=", "previred")])
        self.assertEqual(source.state, "error")
        self.assertIn("failed verification", source.last_error)
        self.assertIn("The AFP Habitat is missing", source.last_error)
        self.assertEqual(len(self.warnings()), 1)
        self.assertIn("The AFP Habitat is missing", self.warnings().body)

    def test_caps_that_do_not_match_the_uf_are_refused(self):
        self.site.set_page(PATH, pp.previred_page(uf_for_caps=pp.PREVIRED["uf"][1] + 100))
        with mute_logger("odoo.addons.l10n_cl_ai.models.payroll_source"):
            self.run_cron()
        self.assertFalse(self.Indicators.search([]))
        self.assertIn("87,8 UF × UF 39.485,65", self.env["l10n_cl_ai.payroll.source"].search([]).last_error)

    def test_a_jump_from_last_month_is_stored_to_review_and_not_used(self):
        june = previred.parse(pp.previred_page())
        june.period, june.min_wage = "2025-06", june.min_wage * 2
        self.Indicators._store(june, "ok", "")
        self.store_tax_table()
        self.run_cron()
        july = self.Indicators._for_period("2025-07")
        self.assertEqual(july.status, "to_review")
        self.assertIn("ingreso mínimo", july.problems)
        with self.assertRaisesRegex(UserError, "must check and confirm"):
            self.Indicators.calculate_liquidacion("2025-07", INPUTS)
        with self.assertRaises(AccessError):
            july.with_user(self.ai_user).action_confirm()
        july.with_user(self.manager).action_confirm()
        self.assertEqual(self.Indicators.calculate_liquidacion("2025-07", INPUTS)["net"], 811300)

    def test_a_manual_correction_is_tracked_and_used(self):
        self.run_cron()
        self.store_tax_table()
        record = self.Indicators._for_period("2025-07")
        record.with_user(self.manager).write({"afp_cap_uf": 20.0})
        self.env.flush_all()
        self.env.cr.precommit.run()  # tracking values are written before the commit
        tracking = record.message_ids.tracking_value_ids.filtered(lambda t: t.field_id.name == "afp_cap_uf")
        self.assertEqual((tracking.old_value_float, tracking.new_value_float), (87.8, 20.0))
        self.assertEqual(tracking.mail_message_id.author_id, self.manager.partner_id)
        self.assertEqual(record.data["caps"]["afp"]["uf"], "87.8", "the value as read is kept")
        # 20 UF × 39.485,65 = 789.713 -> AFP 11,27 % of 789.713 = 89.000,65 -> 89.001
        self.assertEqual(self.Indicators.calculate_liquidacion("2025-07", INPUTS)["afp"], 89001)
        with self.assertRaises(AccessError):
            record.with_user(self.ai_user).write({"uf": 1.0})

    def test_a_correction_survives_a_page_that_changed_but_not_its_values(self):
        self.run_cron()
        record = self.Indicators._for_period("2025-07")
        record.with_user(self.manager).write({"uf": 39485.66})
        self.site.set_page(PATH, pp.previred_page().replace(b"</body>", b"<p>Banner</p></body>"))
        self.run_cron()
        self.assertEqual(
            self.env["l10n_cl_ai.payroll.source"].search([]).state, "ok", "the new page was read"
        )
        self.assertEqual(record.uf, 39485.66, "the manager's value stays")
        changed = dict(pp.PREVIRED, sis=pp.PREVIRED["sis"] + 1)
        self.site.set_page(PATH, pp.previred_page(data=changed))
        self.run_cron()
        self.assertEqual((record.uf, record.sis_rate), (39485.65, 2.88), "a new publication replaces it")

    def test_fetch_now_is_for_managers(self):
        with self.assertRaises(AccessError):
            self.Indicators.with_user(self.ai_user).action_fetch_now()
        action = self.Indicators.with_user(self.manager).action_fetch_now()
        self.assertEqual(action["tag"], "display_notification")
        self.assertTrue(self.Indicators.with_user(self.ai_user).search([]) is not None, "users read them")

    # -- the liquidación, through the model ----------------------------------------------------------------
    def test_calculate_liquidacion_returns_whole_pesos_and_lines_with_their_rule(self):
        self.run_cron()
        self.store_tax_table()
        result = self.Indicators.with_user(self.ai_user).calculate_liquidacion("2025-07", INPUTS)
        # taxable 1.000.000 (below both caps); AFP 11,27 % = 112.700; Fonasa 7 % = 70.000; AFC 0,6 % = 6.000;
        # tax base 1.000.000 − 112.700 − 70.000 − 6.000 = 811.300 <= 930.460,50: exempt
        expected = {
            "taxable": 1000000,
            "afp": 112700,
            "health": 70000,
            "afc_worker": 6000,
            "tax": 0,
            "net": 811300,
            "employer_sis": 18800,  # 1,88 %
            "employer_afc": 24000,  # 2,4 %
            "employer_law_21735": 10000,  # 0,1 % + 0,9 %
            "employer_mutual": 9300,  # the setting's 0,93 %
        }
        self.assertEqual({key: result[key] for key in expected}, expected)
        afp = next(line for line in result["lines"] if line["code"] == "afp")
        self.assertEqual(afp["name"], "AFP")
        self.assertIn("AFP Habitat: 11,27 % (10 % + commission) of $1.000.000", afp["rule"])
        self.assertEqual(afp["indicators"]["afp_Habitat"], "11.27")

    def test_a_caller_without_a_language_gets_english_rules_without_warnings(self):
        """A cron or another addon's code may call with no language in the context."""
        self.run_cron()
        self.store_tax_table()
        bare = self.Indicators.with_context(lang=None)
        self.assertIsNone(bare.env.lang)
        with self.assertNoLogs("odoo.tools.translate", level="WARNING"):
            result = bare.calculate_liquidacion("2025-07", INPUTS)
            bare.check_liquidacion("2025-07", INPUTS, {"afp": 1})
        self.assertTrue(result["lines"][0]["rule"].startswith("Base wage"))

    def test_a_tax_in_the_second_bracket(self):
        self.run_cron()
        self.store_tax_table()
        result = self.Indicators.calculate_liquidacion("2025-07", dict(INPUTS, base_wage=2000000))
        # AFP 225.400, Fonasa 140.000, AFC 12.000 -> base 1.622.600; 4 % = 64.904 − 37.218,42 = 27.685,58
        self.assertEqual(result["tax"], 27686)

    def test_missing_indicators_raise_a_clear_error(self):
        with self.assertRaisesRegex(UserError, "No payroll indicators are stored for 2026-11"):
            self.Indicators.calculate_liquidacion("2026-11", INPUTS)
        self.run_cron()
        with self.assertRaisesRegex(UserError, "impuesto único table of 2025-07 is not stored"):
            self.Indicators.calculate_liquidacion("2025-07", INPUTS)
        self.store_tax_table()
        with self.assertRaisesRegex(UserError, "lack the rate of the AFP named"):
            self.Indicators.calculate_liquidacion("2025-07", dict(INPUTS, afp="Futura"))
        with self.assertRaisesRegex(UserError, "Invalid liquidación input"):
            self.Indicators.calculate_liquidacion("2025-07", dict(INPUTS, contract="honorarios"))

    def test_check_liquidacion_reports_each_difference_with_its_reason(self):
        self.run_cron()
        self.store_tax_table()
        inputs = dict(INPUTS, base_wage=5000000)
        calculated = self.Indicators.calculate_liquidacion("2025-07", inputs)
        produced = {key: calculated[key] for key in ("taxable", "health", "afc_worker", "tax")}
        produced["afp"] = 563500  # 11,27 % of 5.000.000: the cap of 87,8 UF ignored
        differences = self.Indicators.check_liquidacion("2025-07", inputs, produced)
        self.assertEqual([d["code"] for d in differences], ["afp"])
        self.assertEqual(differences[0]["expected"], 390713)  # 11,27 % of 3.466.840 = 390.712,87
        self.assertEqual(differences[0]["reason"], "AFP calculated on a base above the cap of 87,8 UF")
        self.assertEqual(self.Indicators.check_liquidacion("2025-07", inputs, dict(produced, afp=390713)), [])

    def test_the_pages_unchanged_are_not_stored_again(self):
        self.run_cron()
        record = self.Indicators._for_period("2025-07")
        messages = len(record.message_ids)
        self.run_cron()
        self.assertEqual(len(record.message_ids), messages)
        self.assertEqual(self.env["l10n_cl_ai.payroll.source"].search([]).state, "unchanged")

    def test_every_engine_text_has_an_english_msgid_with_the_same_placeholders(self):
        import re

        from ..models import payroll_messages
        from ..services.payroll import messages

        def placeholders(text):
            return sorted(re.findall(r"%\(\w+\)s|%%", text))

        self.assertEqual(set(payroll_messages.PAYROLL_MESSAGES), set(messages.MESSAGES))
        self.assertEqual(set(payroll_messages.LINE_NAMES), set(messages.LINE_NAMES))
        for code, text in messages.MESSAGES.items():
            english = payroll_messages.PAYROLL_MESSAGES[code]._translate("en_US")
            self.assertEqual(placeholders(english), placeholders(text), code)
