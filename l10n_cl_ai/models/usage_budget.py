"""Budgets in one place: the budgets in force, what a company spent in each budget period (day and
month in the company's time zone, Chile's by default, never the caller's), the hard stop before a call
and the reservation of each request's worst case (``budget_reservation.py``).

Spend is read on a fresh cursor, so that spend committed by other transactions counts at once."""

import datetime

import pytz

from odoo import api, models

from ..services.claude import errors
from .budget_reservation import BudgetReservation

CHILE_TZ = "America/Santiago"


def _to_utc_naive(moment):
    return moment.astimezone(pytz.utc).replace(tzinfo=None)


def budgets_in_force(settings):
    """``{"daily": USD, "monthly": USD}`` of the budgets that are set (an empty dict: no budget)."""
    budgets = {"daily": settings.daily_budget_usd, "monthly": settings.monthly_budget_usd}
    return {period: budget for period, budget in budgets.items() if budget}


class L10nClAiUsage(models.Model):
    _inherit = "l10n_cl_ai.usage"

    @api.model
    def _budget_timezone(self, company):
        """The time zone of a company's budget days: its partner's, else Chile's."""
        return pytz.timezone(company.partner_id.tz or CHILE_TZ)

    @api.model
    def _spent_today_and_month(self, company):
        """(spent today, spent this month) in USD for ``company``, all users together.

        Read on a fresh cursor, so that spend committed by other transactions since this one began is
        counted; "today" is the fresh transaction's own time (the same clock as the rows' creation dates,
        so a test or a call that straddles midnight counts consistently) in the budget's time zone."""
        with self.env.registry.cursor(readonly=True) as cr:
            return self.env(cr=cr, su=True)["l10n_cl_ai.usage"]._spent_in_periods(company.id)

    @api.model
    def _spent_in_periods(self, company_id):
        """(spent today, spent this month) of ``company_id``, read on this environment's cursor, "today"
        being its transaction's time in the budget's time zone."""
        tz = self._budget_timezone(self.env["res.company"].browse(company_id))
        now = pytz.utc.localize(self.env.cr.now()).astimezone(tz)
        day_start = tz.localize(datetime.datetime(now.year, now.month, now.day))
        month_start = tz.localize(datetime.datetime(now.year, now.month, 1))
        return (
            self._spent_since(company_id, _to_utc_naive(day_start)),
            self._spent_since(company_id, _to_utc_naive(month_start)),
        )

    @api.model
    def _spent_since(self, company_id, since):
        """What the company spent since ``since`` (a naive UTC datetime), all users together."""
        groups = self._read_group(
            [("company_id", "=", company_id), ("create_date", ">=", since)], [], ["cost_usd:sum"]
        )
        return groups[0][0] or 0.0

    @api.model
    def _spent_by_period(self, company):
        """``{"daily": spent today, "monthly": spent this month}`` of ``company``, read fresh."""
        return dict(zip(("daily", "monthly"), self._spent_today_and_month(company), strict=True))

    @api.model
    def _over_budget(self, spent_by_period, budgets, in_flight=0.0):
        """The first ``(period, spent, budget)`` whose spend (plus ``in_flight``) reached its budget."""
        for period, budget in budgets.items():
            spent = spent_by_period[period] + in_flight
            if spent >= budget:
                return period, spent, budget
        return None

    # -- the hard stop ------------------------------------------------------------------------------
    @api.model
    def _check_budget(self, settings):
        """Raise ``BudgetExceeded`` when a budget of the current company is spent and the hard stop is on."""
        budgets = budgets_in_force(settings)
        if not settings.budget_hard_stop or not budgets:
            return
        over = self._over_budget(self._spent_by_period(self.env.company), budgets)
        if over:
            raise self._budget_exceeded(*over)

    @api.model
    def _budget_exceeded(self, period, spent, budget):
        """The ``BudgetExceeded`` of ``period`` ("daily" or "monthly"), with its translated label."""
        label = self.env._("today") if period == "daily" else self.env._("this month")
        return errors.BudgetExceeded(
            f"{period} budget spent", period=period, period_label=label, spent=spent, budget=budget
        )

    @api.model
    def _budget_reservation(self, settings):
        """The reservation callback of one call under a hard stop (``budget_reservation.py``), else None."""
        budgets = budgets_in_force(settings)
        if not settings.budget_hard_stop or not budgets:
            return None
        return BudgetReservation(self.env, self.env.company.id, budgets)
