"""Budget alerts: a scheduled action tells a company's AI managers when it reaches 80 % or 100 % of a budget.

Periods (day, month) are those of the company's budget time zone (Chile's by default), the same windows
the hard stop counts. An alert reaches only the AI managers of the company concerned: directly (an inbox
notification, not the followers of anything), or in the alert channel when every member of that channel
is such a manager; and always by e-mail with the figures (``budget_alert_mail.py``).
"""

import datetime

import pytz

from odoo import api, models

from .usage_budget import budgets_in_force

THRESHOLDS = (1.0, 0.8)  # checked from the highest: one alert per threshold, period and company


class L10nClAiUsageBudgetAlerts(models.Model):
    _inherit = "l10n_cl_ai.usage"

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
