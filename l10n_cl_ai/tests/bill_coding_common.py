"""Vendor bills with a posted history, for the account-suggestion tests (and the purchase bridge's)."""

import datetime

from odoo import Command

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import EngineHarnessMixin

RENT = "Arriendo oficina Providencia mes de {month}"
COMMON_COSTS = "Gastos comunes oficina Providencia mes de {month}"
MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio")


class BillCodingCommon(EngineHarnessMixin, AccountTestInvoicingCommon):
    """A company whose landlord bills two accounts (rent, common costs), with six posted months."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_engine_fakes()
        cls.set_engine_params(retry_max_attempts="1", retry_backoff_s="0.01", breaker_failure_threshold="50")
        cls.company = cls.company_data["company"]
        expense = cls.company_data["default_account_expense"]
        cls.rent_account = expense.copy({"code": "610101", "name": "Arriendos"})
        cls.common_account = expense.copy({"code": "610102", "name": "Gastos comunes"})
        cls.landlord = cls.env["res.partner"].create(
            {"name": "Inmobiliaria Los Andes SpA", "is_company": True}
        )
        start = datetime.date(2026, 1, 5)
        for index, month in enumerate(MONTHS):
            cls.bill(
                cls.landlord,
                [
                    (RENT.format(month=month), 1, 950000, cls.rent_account),
                    (COMMON_COSTS.format(month=month), 1, 120000, cls.common_account),
                ],
                date=start + datetime.timedelta(days=31 * index),
                post=True,
            )

    @classmethod
    def bill(cls, partner, lines, date=None, post=False, company_data=None, move_type="in_invoice", **values):
        """A vendor bill; ``lines``: ``(name, quantity, price_unit, account or None)``."""
        company_data = company_data or cls.company_data
        date = date or datetime.date(2026, 7, 10)
        move = (
            cls.env["account.move"]
            .with_company(company_data["company"])
            .create(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "journal_id": company_data["default_journal_purchase"].id,
                    "invoice_date": date,
                    "date": date,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": name,
                                "quantity": quantity,
                                "price_unit": price,
                                "tax_ids": [Command.clear()],
                                **({"account_id": account.id} if account else {}),
                            }
                        )
                        for name, quantity, price, account in lines
                    ],
                    **values,
                }
            )
        )
        if post:
            move.action_post()
        return move

    @classmethod
    def build_index(cls):
        cls.env.flush_all()
        cls.env.ref("l10n_cl_ai.ir_cron_bill_coding_index").method_direct_trigger()
        cls.env.invalidate_all()

    @classmethod
    def run_coding_queue(cls):
        cls.env.flush_all()
        cls.env.ref("l10n_cl_ai.ir_cron_bill_coding_queue").method_direct_trigger()
        cls.env.invalidate_all()
