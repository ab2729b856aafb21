"""Budgets in one place: the budgets in force, what a company spent in each budget period (day and
month in the company's time zone, Chile's by default, never the caller's), the hard stop before a call
and the reservation of each request's worst case (``budget_reservation.py``), and the alerts: a
scheduled action tells a company's AI managers when it reaches 80 % or 100 % of a budget, directly (an
inbox notification, not the followers of anything), or in the alert channel when every member of that
channel is such a manager; and always by e-mail with the figures (``budget_alert_mail.py``).

Spend is read on a fresh cursor, so that spend committed by other transactions counts at once."""

import datetime

import pytz

from odoo import api, models

from ..services.claude import errors
from .budget_reservation import BudgetReservation

CHILE_TZ = "America/Santiago"
THRESHOLDS = (1.0, 0.8)  # checked from the highest: one alert per threshold, period and company


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

    # -- alerts ---------------------------------------------------------------------------------------
    @api.model
    def _cron_check_budgets(self):
        """Post one alert per company, period and threshold reached (the alert channel, else the chatter
        of the company partner, where administrators follow it)."""
        settings = self.env["l10n_cl_ai.engine"]._read_settings()
        budgets = budgets_in_force(settings)
        if not budgets:
            return 0
        params = self.env["ir.config_parameter"].sudo()
        sent = 0
        for company in self.env["res.company"].sudo().search([]):
            today = datetime.datetime.now(pytz.utc).astimezone(self._budget_timezone(company)).date()
            period_keys = {"daily": today.isoformat(), "monthly": today.strftime("%Y-%m")}
            spent = self._spent_by_period(company)
            for period, budget in budgets.items():
                ratio = spent[period] / budget
                threshold = next((level for level in THRESHOLDS if ratio >= level), None)
                if threshold is None:
                    continue
                marker_key = f"l10n_cl_ai.budget_alert.{company.id}.{period}"
                marker = f"{period_keys[period]}:{threshold}"
                previous = params.get_param(marker_key) or ""
                if previous.startswith(period_keys[period]) and float(previous.split(":")[1]) >= threshold:
                    continue  # already alerted for this level in this period
                self._post_budget_alert(company, period, spent[period], budget, settings)
                params.set_param(marker_key, marker)
                sent += 1
        return sent

    @api.model
    def _post_budget_alert(self, company, period, spent, budget, settings):
        """The one place alerts are posted; override to route them elsewhere."""
        period_label = self.env._("today") if period == "daily" else self.env._("this month")
        body = self.env._(
            "AI budget alert for %(company)s: %(spent)s USD spent %(period)s, %(ratio)s%% of the budget of "
            "%(budget)s USD.%(stop)s",
            company=company.name,
            spent=f"{spent:.2f}",
            period=period_label,
            ratio=round(100 * spent / budget),
            budget=f"{budget:.2f}",
            stop=(" " + self.env._("AI calls are now refused (hard stop)."))
            if settings.budget_hard_stop and spent >= budget
            else "",
        )
        managers = self._company_ai_managers(company)
        channel = self.env["discuss.channel"].sudo().browse(settings.notify_channel_id).exists()
        author = self.env.ref("base.partner_root")
        members = channel.channel_member_ids.partner_id - author if channel else None
        if channel and members and not members - managers.partner_id:
            channel.message_post(
                body=body, author_id=author.id, message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        else:
            # managers who take notifications by e-mail get the detailed e-mail instead (below)
            inbox = managers.filtered(lambda user: user.notification_type == "inbox" or not user.email)
            if inbox:
                company.partner_id.sudo().message_notify(
                    body=body,
                    author_id=author.id,
                    partner_ids=inbox.partner_id.ids,
                    subject=self.env._("AI budget alert"),
                )
        self.env["l10n_cl_ai.budget.alert.mail"]._mail_budget_alert(company, period, spent, budget, settings)

    @api.model
    def _company_ai_managers(self, company):
        """The active AI managers who work in ``company``."""
        group = self.env.ref("l10n_cl_ai.group_manager").sudo()
        return group.all_user_ids.filtered(lambda user: user.active and company in user.company_ids)
