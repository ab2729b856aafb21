"""Revisar liquidación: the check record is the wizard (inputs, "Check", the report on the record and in its
chatter); a worker's pay is personal data: a check is read by the user who ran it and AI managers only."""

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import L10nClAiCase, PayrollPeriodMixin

PATH = PayrollPeriodMixin.PREVIRED_PATH


@tagged("post_install", "-at_install")
class TestPayrollCheck(PayrollPeriodMixin, L10nClAiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_payroll_period()
        company = cls.env.company
        cls.alice = cls.company_user("payroll_alice", "l10n_cl_ai.group_user", company)
        cls.bob = cls.company_user("payroll_bob", "l10n_cl_ai.group_user", company)
        cls.manager = cls.company_user("payroll_boss", "l10n_cl_ai.group_manager", company)

    def new_check(self, user, **values):
        return (
            self.env["l10n_cl_ai.payroll.check"]
            .with_user(user)
            .create(
                {
                    "period": "2025-07",
                    "contract": "indefinido",
                    "base_wage": 5000000,
                    "gratificacion": "none",
                    "afp": "Habitat",
                    "health": "fonasa",
                    **values,
                }
            )
        )

    def test_check_shows_the_lines_and_the_differences_with_their_reason(self):
        check = self.new_check(self.alice, produced_afp=563500, produced_health=242679)
        check.action_check()
        self.assertEqual(check.state, "done")
        self.assertEqual(check.difference_count, 1, "health 7 % of the capped 3.466.840 = 242.678,8 -> equal")
        self.assertIn("AFP calculated on a base above the cap of 87,8 UF", check.report)
        self.assertIn("$390.713", check.report)
        self.assertIn("Impuesto único", check.report)
        self.assertEqual(check.result["amounts"]["afp"], 390713)
        posted = check.message_ids.filtered(lambda m: "87,8 UF" in (m.body or ""))
        self.assertEqual(len(posted), 1, "the report is in the chatter")

    def test_without_amounts_it_is_a_calculation(self):
        check = self.new_check(self.alice, base_wage=1000000)
        check.action_check()
        self.assertEqual((check.net, check.difference_count), (811300, 0))
        self.assertNotIn("Differences", check.report)

    def test_a_check_is_read_by_its_user_and_managers_only(self):
        check = self.new_check(self.alice)
        check.action_check()
        Check = self.env["l10n_cl_ai.payroll.check"]
        self.assertEqual(Check.with_user(self.alice).search([]), check)
        self.assertFalse(Check.with_user(self.bob).search([]))
        with self.assertRaises(AccessError):
            check.with_user(self.bob).read(["report"])
        self.assertEqual(Check.with_user(self.manager).search([("id", "=", check.id)]), check)
        self.assertIn("87,8", check.with_user(self.manager).report)

    def test_a_user_cannot_file_a_check_as_someone_else(self):
        check = self.new_check(self.alice, user_id=self.bob.id)
        self.assertEqual(check.user_id, self.alice)
        check.with_user(self.alice).write({"user_id": self.bob.id})
        self.assertEqual(check.user_id, self.alice)
        self.assertFalse(self.env["l10n_cl_ai.payroll.check"].with_user(self.bob).search([]))

    def test_indicators_are_public_facts_for_ai_users(self):
        record = (
            self.env["l10n_cl_ai.payroll.indicators"].with_user(self.bob).search([("period", "=", "2025-07")])
        )
        self.assertEqual(record.uf, 39485.65)
        month = self.env["l10n_cl_ai.payroll.month"].with_user(self.bob).search([("period", "=", "2025-07")])
        self.assertEqual(len(month.tax_brackets), 8)
