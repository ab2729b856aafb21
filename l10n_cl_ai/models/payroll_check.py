"""``l10n_cl_ai.payroll.check``: "Revisar liquidación", a liquidación's inputs (and optionally the amounts a
payroll produced) checked against the period's indicators, its result kept as a report with a chatter.

The form is the wizard: an AI user fills the inputs and presses "Check"; the calculation, each line with
its rule, and the differences with their reason are shown on the record and posted in its chatter. No
name or RUT is asked or stored: a worker's pay and health plan are personal data, so a check is readable
by the user who ran it and by AI managers only (record rules), in its company.

A produced amount left at 0 is "not given" (not compared).
"""

from markupsafe import Markup

from odoo import api, fields, models

from ..services.payroll.numbers import format_pesos

PRODUCED = ("taxable", "afp", "health", "afc_worker", "tax", "net")


def _current_period(env):
    today = fields.Date.context_today(env["l10n_cl_ai.payroll.check"])
    return f"{today.year:04d}-{today.month:02d}"


class L10nClAiPayrollCheck(models.Model):
    _name = "l10n_cl_ai.payroll.check"
    _inherit = ["mail.thread"]
    _description = "Liquidación check"
    _order = "id desc"

    name = fields.Char(compute="_compute_name", store=True)
    user_id = fields.Many2one(
        "res.users", string="Checked by", default=lambda self: self.env.user, readonly=True, index=True
    )
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, required=True, readonly=True, index=True
    )
    state = fields.Selection([("draft", "To check"), ("done", "Checked")], default="draft", required=True)
    period = fields.Char(required=True, default=lambda self: _current_period(self.env), help="YYYY-MM")
    contract = fields.Selection(
        [("indefinido", "Indefinite term"), ("plazo_fijo", "Fixed term"), ("casa_particular", "Household")],
        required=True,
        default="indefinido",
    )
    afc_11_years = fields.Boolean(
        string="11 years or more", help="An indefinite contract of 11 years or more."
    )
    base_wage = fields.Float(string="Base wage", digits=(16, 0), required=True)
    days_worked = fields.Integer(default=30, required=True)
    gratificacion = fields.Selection(
        [("none", "None this month"), ("art50_monthly", "Art. 50, monthly (25 %, capped)")],
        required=True,
        default="art50_monthly",
    )
    overtime_hours = fields.Float(digits=(6, 1))
    taxable_allowances = fields.Float(digits=(16, 0))
    non_taxable_allowances = fields.Float(digits=(16, 0))
    afp = fields.Char(string="AFP", required=True, default="Habitat", help="Its name as Previred writes it.")
    health = fields.Selection([("fonasa", "Fonasa"), ("isapre", "Isapre")], required=True, default="fonasa")
    isapre_plan_uf = fields.Float(string="Isapre plan (UF)", digits=(8, 3))
    apv = fields.Float(string="APV", digits=(16, 0))
    family_charges = fields.Integer()
    produced_taxable = fields.Float(string="Taxable pay (payroll)", digits=(16, 0))
    produced_afp = fields.Float(string="AFP (payroll)", digits=(16, 0))
    produced_health = fields.Float(string="Health (payroll)", digits=(16, 0))
    produced_afc_worker = fields.Float(string="Unemployment insurance (payroll)", digits=(16, 0))
    produced_tax = fields.Float(string="Impuesto único (payroll)", digits=(16, 0))
    produced_net = fields.Float(string="Net pay (payroll)", digits=(16, 0))
    net = fields.Integer(string="Calculated net pay", readonly=True)
    difference_count = fields.Integer(string="Differences", readonly=True)
    result = fields.Json(readonly=True)
    report = fields.Html(readonly=True, sanitize=True)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and not self.env.user.has_group("l10n_cl_ai.group_manager"):
            vals_list = [dict(vals, user_id=self.env.uid) for vals in vals_list]  # one's own checks only
        return super().create(vals_list)

    def write(self, vals):
        if "user_id" in vals and not self.env.su and not self.env.user.has_group("l10n_cl_ai.group_manager"):
            vals = {key: value for key, value in vals.items() if key != "user_id"}
        return super().write(vals)

    @api.depends("period")
    def _compute_name(self):
        for check in self:
            check.name = self.env._("Liquidación %(period)s", period=check.period or "")

    def _inputs(self):
        self.ensure_one()
        return {
            "contract": self.contract,
            "afc_11_years": self.afc_11_years,
            "base_wage": self.base_wage,
            "days_worked": self.days_worked,
            "gratificacion": self.gratificacion,
            "overtime_hours": self.overtime_hours,
            "taxable_allowances": self.taxable_allowances,
            "non_taxable_allowances": self.non_taxable_allowances,
            "afp": self.afp,
            "health": self.health,
            "isapre_plan_uf": self.isapre_plan_uf if self.health == "isapre" else 0,
            "apv": self.apv,
            "family_charges": self.family_charges,
        }

    def _produced(self):
        return {code: int(self[f"produced_{code}"]) for code in PRODUCED if self[f"produced_{code}"]}

    def action_check(self):
        """Calculate the liquidación, compare the amounts given, show and post the report."""
        Indicators = self.env["l10n_cl_ai.payroll.indicators"]
        for check in self:
            inputs = check._inputs()
            result = Indicators.calculate_liquidacion(check.period, inputs)
            produced = check._produced()
            differences = Indicators.check_liquidacion(check.period, inputs, produced) if produced else []
            report = check._render(result, differences, bool(produced))
            check.write(
                {
                    "state": "done",
                    "net": result["net"],
                    "difference_count": len(differences),
                    "result": {
                        "amounts": {k: v for k, v in result.items() if k != "lines"},
                        "lines": result["lines"],
                        "differences": differences,
                    },
                    "report": report,
                }
            )
            check.message_post(body=report, message_type="comment", subtype_xmlid="mail.mt_note")
        return True

    def _render(self, result, differences, compared):
        record = self.env["l10n_cl_ai.payroll.indicators"].sudo()._for_period(self.period)
        rows = Markup("").join(
            Markup("<tr><td>%s</td><td class='text-end'>%s</td><td><small>%s</small></td></tr>")
            % (line["name"], format_pesos(line["amount"]), line["rule"])
            for line in result["lines"]
        )
        body = Markup("<p><strong>%s</strong></p>") % self.env._(
            "Liquidación of %(period)s calculated with Previred's indicators (%(page)s) and the SII's "
            "impuesto único table.",
            period=self.period,
            page=record.source_url or "-",
        )
        body += Markup(
            "<table class='table table-sm'><tr><th>%s</th><th>%s</th><th>%s</th></tr>%s</table>"
        ) % (
            self.env._("Line"),
            self.env._("Amount"),
            self.env._("Rule"),
            rows,
        )
        if not compared:
            return body
        if not differences:
            return body + Markup("<p>%s</p>") % self.env._(
                "Every amount given matches the calculation within one peso."
            )
        items = Markup("").join(
            Markup("<li><strong>%s</strong>: %s %s, %s %s. %s</li>")
            % (
                item["name"],
                self.env._("calculated"),
                format_pesos(item["expected"]),
                self.env._("payroll"),
                format_pesos(item["produced"]),
                item["reason"],
            )
            for item in differences
        )
        return body + Markup("<p><strong>%s</strong></p><ul>%s</ul>") % (
            self.env._("Differences above one peso:"),
            items,
        )
