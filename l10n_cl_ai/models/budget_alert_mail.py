"""Budget alerts by e-mail: each alert also goes to the company's AI managers (one e-mail per language),
with the spend, the budget, the month's linear projection, the top features and users of the month, and
a link to the usage analysis."""

import calendar
import datetime

import pytz
from markupsafe import Markup

from odoo import Command, api, models
from odoo.tools import groupby

TOP_ROWS = 5
USAGE_ACTION_XMLID = "l10n_cl_ai.action_usage"


def month_bounds(now_local):
    """(start of the month, start of the next month) of an aware local datetime."""
    tz = now_local.tzinfo
    start = datetime.datetime(now_local.year, now_local.month, 1)
    days = calendar.monthrange(now_local.year, now_local.month)[1]
    end = start + datetime.timedelta(days=days)
    if hasattr(tz, "localize"):
        return tz.localize(start), tz.localize(end)
    return start.replace(tzinfo=tz), end.replace(tzinfo=tz)


def linear_projection(spent_month, now_local):
    """What the month will cost at the pace so far: spend / elapsed share of the month."""
    start, end = month_bounds(now_local)
    elapsed = (now_local - start).total_seconds() / (end - start).total_seconds()
    return spent_month / max(elapsed, 1.0 / (24 * 31))  # at least one hour elapsed


class L10nClAiBudgetAlertMail(models.AbstractModel):
    _name = "l10n_cl_ai.budget.alert.mail"
    _description = "AI budget alert e-mail"

    @api.model
    def _mail_budget_alert(self, company, period, spent, budget, settings):
        """One e-mail per language to the company's AI managers who have an address; returns them."""
        managers = self.env["l10n_cl_ai.usage"]._company_ai_managers(company).filtered("email")
        figures = self._budget_figures(company)
        mails = self.env["mail.mail"].sudo()
        for lang, users in groupby(managers, key=lambda user: user.lang):
            partners = self.env["res.users"].concat(*users).partner_id
            env = self.with_context(lang=lang).env
            mails |= mails.create(
                {
                    "subject": env._("AI budget alert: %(company)s", company=company.name),
                    "body_html": self.with_env(env)._budget_mail_body(
                        company, period, spent, budget, settings, figures
                    ),
                    "recipient_ids": [Command.set(partners.ids)],
                    "email_from": company.email_formatted
                    or self.env.ref("base.partner_root").email_formatted,
                    "auto_delete": True,
                }
            )
        return mails

    @api.model
    def _budget_figures(self, company, now=None):
        """This month's spend, its linear projection, and the top features and users by cost."""
        usage = self.env["l10n_cl_ai.usage"].sudo()
        tz = usage._budget_timezone(company)
        now_local = (now or datetime.datetime.now(pytz.utc)).astimezone(tz)
        start, _end = month_bounds(now_local)
        since = start.astimezone(pytz.utc).replace(tzinfo=None)
        domain = [("company_id", "=", company.id), ("create_date", ">=", since)]
        month = usage._spent_since(company.id, since)
        features = usage._read_group(domain, ["feature"], ["cost_usd:sum"], order="cost_usd:sum desc")
        users = usage._read_group(domain, ["user_id"], ["cost_usd:sum"], order="cost_usd:sum desc")
        return {
            "month": month,
            "projection": linear_projection(month, now_local),
            "features": features[:TOP_ROWS],
            "users": users[:TOP_ROWS],
        }

    @api.model
    def _budget_mail_body(self, company, period, spent, budget, settings, figures):
        labels = dict(self.env["l10n_cl_ai.usage"]._fields["feature"]._description_selection(self.env))
        period_label = self.env._("today") if period == "daily" else self.env._("this month")
        link = f"{company.get_base_url()}/odoo/action-{USAGE_ACTION_XMLID}"
        rows = [
            (self.env._("Spent %(period)s", period=period_label), f"{spent:.2f} USD"),
            (self.env._("Budget"), f"{budget:.2f} USD ({round(100 * spent / budget)}%)"),
            (self.env._("Spent this month"), f"{figures['month']:.2f} USD"),
            (self.env._("Month's linear projection"), f"{figures['projection']:.2f} USD"),
        ]
        if settings.monthly_budget_usd:
            rows.append((self.env._("Monthly budget"), f"{settings.monthly_budget_usd:.2f} USD"))
        body = Markup("<p>%s</p>") % self.env._(
            "The AI spend of %(company)s reached %(ratio)s%% of its budget.",
            company=company.name,
            ratio=round(100 * spent / budget),
        )
        body += _table(rows)
        body += Markup("<p><strong>%s</strong></p>") % self.env._("Top features this month")
        body += _table(
            [(labels.get(feature, feature), f"{cost:.2f} USD") for feature, cost in figures["features"]]
        )
        body += Markup("<p><strong>%s</strong></p>") % self.env._("Top users this month")
        body += _table(
            [(user.name or self.env._("(no user)"), f"{cost:.2f} USD") for user, cost in figures["users"]]
        )
        if settings.budget_hard_stop and spent >= budget:
            body += Markup("<p>%s</p>") % self.env._("AI calls are now refused (hard stop).")
        body += Markup('<p><a href="%s">%s</a></p>') % (link, self.env._("Open the usage analysis"))
        return body


def _table(rows):
    return Markup("<table>%s</table>") % Markup("").join(
        Markup('<tr><td style="padding-right:16px">%s</td><td style="text-align:right">%s</td></tr>')
        % (label, value)
        for label, value in rows
    )
