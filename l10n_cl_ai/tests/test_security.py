from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import L10nClAiCase


@tagged("post_install", "-at_install")
class TestSecurity(L10nClAiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Otra Empresa SpA"})
        cls.accountant = new_test_user(
            cls.env,
            login="ai_accountant",
            groups="account.group_account_invoice",
            company_id=cls.company_a.id,
            company_ids=[(6, 0, (cls.company_a | cls.company_b).ids)],
        )
        cls.colleague = new_test_user(cls.env, login="ai_colleague", groups="account.group_account_invoice")
        cls.employee = new_test_user(cls.env, login="ai_employee", groups="base.group_user")
        cls.admin = cls.env.ref("base.user_admin")
        cls.manager = new_test_user(cls.env, login="ai_price_manager", groups="l10n_cl_ai.group_manager")

    def test_groups_are_implied(self):
        self.assertTrue(self.accountant.has_group("l10n_cl_ai.group_user"))
        self.assertFalse(self.accountant.has_group("l10n_cl_ai.group_manager"))
        self.assertFalse(self.employee.has_group("l10n_cl_ai.group_user"))
        self.assertTrue(self.admin.has_group("l10n_cl_ai.group_manager"))

    def _usage(self, user, company):
        return (
            self.env["l10n_cl_ai.usage"]
            .sudo()
            .create(
                {
                    "feature": "chat",
                    "model": "claude-sonnet-5-5",
                    "user_id": user.id,
                    "company_id": company.id,
                    "cost_usd": 0.01,
                }
            )
        )

    def test_users_see_their_own_usage_and_managers_everybody_in_their_companies(self):
        mine = self._usage(self.accountant, self.company_a)
        theirs = self._usage(self.colleague, self.company_a)
        other_company = self._usage(self.accountant, self.company_b)
        Usage = self.env["l10n_cl_ai.usage"]
        visible = Usage.with_user(self.accountant).with_company(self.company_a).search([])
        self.assertIn(mine, visible)
        self.assertNotIn(theirs, visible)
        self.assertNotIn(other_company, visible, "only the active companies' rows are listed")
        manager_view = (
            Usage.with_user(self.admin).with_context(allowed_company_ids=self.company_a.ids).search([])
        )
        self.assertIn(theirs, manager_view)
        self.assertNotIn(other_company, manager_view)

    def test_users_cannot_forge_or_edit_usage(self):
        row = self._usage(self.accountant, self.company_a)
        with self.assertRaises(AccessError):
            self.env["l10n_cl_ai.usage"].with_user(self.accountant).create({"feature": "chat", "cost_usd": 0})
        with self.assertRaises(AccessError):
            row.with_user(self.accountant).write({"cost_usd": 0})

    def test_employees_without_accounting_rights_see_nothing(self):
        self._usage(self.accountant, self.company_a)
        with self.assertRaises(AccessError):
            self.env["l10n_cl_ai.usage"].with_user(self.employee).search([])

    def test_prices_are_edited_by_system_administrators_only(self):
        price = self.env["l10n_cl_ai.model.price"].search([("model", "=", "claude-sonnet-5-5")], limit=1)
        self.assertTrue(price, "default prices are shipped")
        with self.assertRaises(AccessError):
            price.with_user(self.accountant).write({"input_per_mtok": 0})
        self.assertEqual(price.with_user(self.manager).read(["input_per_mtok"])[0]["input_per_mtok"], 2.0)
        with self.assertRaises(AccessError):
            price.with_user(self.manager).write({"input_per_mtok": 1.0})
        with self.assertRaises(AccessError):
            self.env["l10n_cl_ai.model.price"].with_user(self.manager).create(
                {"model": "claude-sonnet-5-5", "input_per_mtok": 0.01, "output_per_mtok": 0.01}
            )
        price.with_user(self.admin).write({"input_per_mtok": price.input_per_mtok})

    def test_a_zero_price_for_a_priced_model_is_refused(self):
        Price = self.env["l10n_cl_ai.model.price"].with_user(self.admin)
        today = fields.Date.context_today(Price)
        for values in (
            {"input_per_mtok": 0.0, "output_per_mtok": 10.0},
            {"input_per_mtok": 2.0, "output_per_mtok": 0},
        ):
            with self.assertRaises(ValidationError), self.env.cr.savepoint():
                Price.create({"model": "claude-sonnet-5-5", "valid_from": today, **values})
        with self.assertRaises(ValidationError), self.env.cr.savepoint():  # a dated snapshot of the alias
            Price.create({"model": "claude-sonnet-5-5-20261007", "input_per_mtok": 0, "output_per_mtok": 0})
        price = Price.search([("model", "=", "claude-sonnet-5-5")], limit=1)
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            price.write({"output_per_mtok": 0})
        self.assertEqual(self.env["l10n_cl_ai.model.price"]._price_row("claude-sonnet-5-5").output, 10.0)
        free = Price.create({"model": "claude-local-free", "input_per_mtok": 0, "output_per_mtok": 0})
        self.assertTrue(free, "a model that never had a price may be free")

    def test_prices_are_archived_never_deleted(self):
        Price = self.env["l10n_cl_ai.model.price"]
        today = fields.Date.context_today(Price)
        new = Price.with_user(self.admin).create(
            {
                "model": "claude-sonnet-5-5",
                "valid_from": today,
                "input_per_mtok": 1.0,
                "output_per_mtok": 5.0,
                "cache_write_5m_per_mtok": 1.25,
                "cache_write_1h_per_mtok": 2.0,
                "cache_read_per_mtok": 0.1,
            }
        )
        self.assertEqual(Price._price_row("claude-sonnet-5-5").input, 1.0)
        for user in (self.admin, self.manager):
            with self.assertRaises(UserError), self.env.cr.savepoint():  # AccessError included
                new.with_user(user).unlink()
        with self.assertRaises(UserError), self.env.cr.savepoint():
            new.sudo().unlink()
        new.with_user(self.admin).action_archive()
        self.assertTrue(new.exists())
        self.assertEqual(Price._price_row("claude-sonnet-5-5").input, 2.0, "the previous price applies again")

    def test_the_ledger_is_append_only_even_for_managers(self):
        row = self._usage(self.accountant, self.company_a)
        for user in (self.accountant, self.admin):
            with self.assertRaises(AccessError):
                row.with_user(user).write({"cost_usd": 0})
            with self.assertRaises(AccessError):
                row.with_user(user).unlink()
        self.assertAlmostEqual(row.cost_usd, 0.01)

    def test_price_changes_are_tracked_with_who_when_old_and_new(self):
        price = self.env["l10n_cl_ai.model.price"].search([("model", "=", "claude-sonnet-5-5")], limit=1)
        old = price.input_per_mtok
        price.with_user(self.admin).write({"input_per_mtok": old + 1})
        self.env.flush_all()
        self.env.cr.precommit.run()  # tracking values are written when the transaction commits
        tracking = price.message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "input_per_mtok"
        )
        self.assertEqual(len(tracking), 1)
        self.assertEqual((tracking.old_value_float, tracking.new_value_float), (old, old + 1))
        self.assertEqual(tracking.mail_message_id.author_id, self.admin.partner_id)
        self.assertTrue(tracking.mail_message_id.date)
