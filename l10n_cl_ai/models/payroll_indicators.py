"""``l10n_cl_ai.payroll.indicators``: Previred's "Indicadores Previsionales" of one period ("YYYY-MM"),
read by label, verified, stored with their source; and the liquidación calculated and checked with them.

The main values are real fields (searchable, shown, corrected by managers with tracking: who, when, the
old value); everything the page gave is kept as read in ``data`` (``Indicators.as_dict()``). A
calculation uses ``data`` with the real fields laid over it, so a manager's correction is what counts.

Status: ``ok`` (verified), ``to_review`` (a value jumped from the month before more than the threshold:
stored, not used until a manager confirms it), ``invalid`` (a manual correction the manager marks as
wrong). A page that fails verification stores nothing: the source says why (``/health``, the alert
channel).
"""

import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.translate import LazyTranslate

from . import payroll_messages
from .manager_actions import trigger_for_managers

_lt = LazyTranslate(__name__)
_logger = logging.getLogger(__name__)

CRON_XMLID = "l10n_cl_ai.ir_cron_payroll_indicators"
# real field -> how it is laid over ``data`` (a top-level key, or a path in a dict)
OVERLAY = {
    "uf": ("uf",),
    "uf_previous": ("uf_previous",),
    "utm": ("utm",),
    "uta": ("uta",),
    "min_wage": ("min_wage",),
    "sis_rate": ("sis_rate",),
    "afp_cap_uf": ("caps", "afp", "uf"),
    "afp_cap": ("caps", "afp", "pesos"),
    "afc_cap_uf": ("caps", "afc", "uf"),
}
MISSING_MESSAGES = {
    "tax_table": _lt("the SII's impuesto único table"),
    "afp": _lt("the rate of the AFP named"),
}


class L10nClAiPayrollIndicators(models.Model):
    _name = "l10n_cl_ai.payroll.indicators"
    _inherit = ["mail.thread"]
    _description = "Payroll indicators (Previred)"
    _order = "period desc"
    _rec_name = "period"

    period = fields.Char(required=True, index=True, readonly=True, help="YYYY-MM")
    status = fields.Selection(
        [("ok", "Verified"), ("to_review", "To review"), ("invalid", "Invalid")],
        required=True,
        default="ok",
        tracking=True,
        index=True,
    )
    uf = fields.Float(string="UF", digits=(16, 2), tracking=True, help="UF of the last day of the month.")
    uf_date = fields.Date(string="UF date")
    uf_previous = fields.Float(string="UF of the previous month", digits=(16, 2), tracking=True)
    utm = fields.Float(string="UTM", digits=(16, 0), tracking=True)
    uta = fields.Float(string="UTA", digits=(16, 0), tracking=True)
    min_wage = fields.Float(string="Minimum wage", digits=(16, 0), tracking=True)
    afp_cap_uf = fields.Float(string="AFP cap (UF)", digits=(8, 1), tracking=True)
    afp_cap = fields.Float(string="AFP cap (pesos)", digits=(16, 0), tracking=True)
    afc_cap_uf = fields.Float(string="Unemployment insurance cap (UF)", digits=(8, 1), tracking=True)
    sis_rate = fields.Float(string="SIS (%)", digits=(6, 2), tracking=True)
    data = fields.Json(string="Indicators as read", readonly=True)
    problems = fields.Text(string="Verification notes", readonly=True)
    source_url = fields.Char(string="Source", readonly=True)
    fetched_at = fields.Datetime(string="Fetched", readonly=True)
    afp_table = fields.Html(string="AFP rates", compute="_compute_afp_table", sanitize=True)

    _period_unique = models.Constraint("UNIQUE(period)", "The indicators of this period are already stored.")

    @api.depends("data")
    def _compute_afp_table(self):
        for record in self:
            afps = (record.data or {}).get("afp") or {}
            rows = Markup("").join(
                Markup("<tr><td>%s</td><td>%s</td><td>%s</td></tr>")
                % (name, entry.get("worker") or "", entry.get("sis") or "")
                for name, entry in sorted(afps.items())
            )
            head = Markup("<tr><th>AFP</th><th>%</th><th>SIS %</th></tr>")
            record.afp_table = (
                Markup("<table class='table table-sm'>%s%s</table>") % (head, rows) if rows else False
            )

    # -- reading --------------------------------------------------------------------------------------------
    @api.model
    def _for_period(self, period):
        """The stored indicators of ``period`` ("YYYY-MM"), empty when none."""
        return self.search([("period", "=", period)], limit=1)

    def _to_indicators(self):
        """The engine's ``Indicators`` of this record: ``data`` with the real fields laid over it."""
        from ..services.payroll.indicators import Indicators

        self.ensure_one()
        values = dict(self.data or {})
        values["caps"] = {key: dict(entry) for key, entry in (values.get("caps") or {}).items()}
        for name, path in OVERLAY.items():
            value = self[name]
            value = str(round(value, 4)) if value else None
            if len(path) == 1:
                values[path[0]] = value
            else:
                values.setdefault(path[0], {}).setdefault(path[1], {})[path[2]] = value
        values["period"] = self.period
        return Indicators.from_dict(values)

    @api.model
    def _usable(self, period):
        """The verified indicators of ``period`` and the period's tax brackets, or a translated UserError
        that says what is missing."""
        record = self.sudo()._for_period(period)
        if not record:
            raise UserError(
                self.env._(
                    "No payroll indicators are stored for %(period)s. An AI manager can fetch them from "
                    "Previred (Payroll indicators > Fetch now).",
                    period=period,
                )
            )
        if record.status != "ok":
            raise UserError(
                self.env._(
                    "The payroll indicators of %(period)s are marked “%(status)s”: an AI manager must check "
                    "and confirm them before they are used.",
                    period=period,
                    status=dict(record._fields["status"]._description_selection(self.env))[record.status],
                )
            )
        month = self.env["l10n_cl_ai.payroll.month"].sudo()._for_period(period)
        if not month.tax_brackets:
            raise UserError(
                self.env._(
                    "The SII's impuesto único table of %(period)s is not stored yet: it is read each day "
                    "from the SII's page.",
                    period=period,
                )
            )
        return record, month.tax_brackets

    def _inputs(self, inputs):
        inputs = dict(inputs or {})
        if inputs.get("mutual_rate") in (None, ""):
            inputs["mutual_rate"] = self.env["l10n_cl_ai.engine"]._read_settings().payroll_mutual_rate
        return inputs

    @api.model
    def _engine_call(self, period, function, *args):
        from ..services.payroll import errors

        record, brackets = self._usable(period)
        try:
            return function(*args, record._to_indicators(), brackets)
        except errors.MissingIndicator as error:
            what = MISSING_MESSAGES.get(error.code)
            raise UserError(
                self.env._(
                    "The payroll indicators of %(period)s lack %(what)s (%(detail)s): the liquidación cannot "
                    "be calculated.",
                    period=period,
                    what=what._translate(self.env.lang or "en_US") if what else error.code,
                    detail=error.detail or error.code,
                )
            ) from error
        except errors.InvalidInput as error:
            raise UserError(self.env._("Invalid liquidación input: %(detail)s", detail=str(error))) from error

    @api.model
    def calculate_liquidacion(self, period, inputs):
        """The liquidación of ``inputs`` in ``period``: whole pesos ``taxable``, ``afp``, ``health``,
        ``afc_worker``, ``tax``, ``net``, ``employer_sis``, ``employer_afc``, ``employer_law_21735`` (and the
        other lines), plus ``lines`` (each with its rule, in the user's language, and the indicators used).
        Raises a translated ``UserError`` when the period's indicators are missing or incomplete."""
        from ..services.payroll import liquidacion

        result = self._engine_call(period, liquidacion.calculate, self._inputs(inputs))
        return payroll_messages.translate_result(self.env.lang or "en_US", result)

    @api.model
    def check_liquidacion(self, period, inputs, produced):
        """The lines of ``produced`` (whole pesos by the codes of ``calculate_liquidacion``: what a payroll,
        an ``hr.payslip`` for one, computed) that differ by more than a peso, each with its reason."""
        from ..services.payroll import liquidacion

        inputs = self._inputs(inputs)
        differences = self._engine_call(period, liquidacion.check, inputs, produced)
        result = self.calculate_liquidacion(period, inputs)
        rules = {line["code"]: line["rule"] for line in result["lines"]}
        return payroll_messages.translate_differences(self.env.lang or "en_US", differences, rules)

    # -- the scheduled action and the button -------------------------------------------------------------
    @api.model
    def action_fetch_now(self):
        """The "Fetch now" button: queue the monthly scheduled action (AI managers only)."""
        return trigger_for_managers(
            self.env,
            CRON_XMLID,
            self.env._("Only AI managers can fetch the payroll indicators."),
            self.env._("Previred's indicators will be read in the background."),
        )

    def action_confirm(self):
        """A manager confirms indicators that were to review (tracked)."""
        self.write({"status": "ok"})

    @api.model
    def _cron_previred(self):
        """Read Previred's page, verify it against the month before, store the period (or say why not)."""
        settings = self.env["l10n_cl_ai.engine"]._read_settings()
        source = self.env["l10n_cl_ai.payroll.source"]._for_url("previred", settings.previred_url)
        try:
            with self.env.cr.savepoint():
                return self._read_previred(source)
        except Exception as error:  # noqa: BLE001 - shown on the source, /health and the alert channel
            _logger.exception("Previred page %s could not be processed", source.url)
            source._fail("unexpected", detail=type(error).__name__)
            return self.browse()

    @api.model
    def _read_previred(self, source):
        from ..services.payroll import errors, previred

        result = source._fetch()
        if result is None:
            return self.browse()
        try:
            indicators = previred.parse(result.content, result.content_type)
            if not indicators.period:
                raise errors.PageFormatError("no period (month and year) on the page")
        except (errors.PageFormatError, ValueError) as error:
            source._fail("malformed", detail=str(error))
            return self.browse()
        indicators.source_url = source.url
        indicators.fetched_at = fields.Datetime.now()
        previous = self.sudo().search(
            [("period", "<", indicators.period), ("status", "=", "ok")], order="period desc", limit=1
        )
        problems = previred.verify(indicators, previous._to_indicators() if previous else None)
        status = previred.status(problems)
        lang = self.env["l10n_cl_ai.sii.publication"]._channel_lang()
        notes = "\n".join(payroll_messages.message(lang, p.code, p.params) for p in problems)
        if status == "invalid":
            source._fail("invalid", detail=notes)
            return self.browse()
        stored = self.sudo()._for_period(indicators.period)
        if stored and _as_read(stored.data) == _as_read(indicators.as_dict()):
            # the page changed (its markup, a banner) but not its values: a manager's corrections and
            # confirmation stay
            source._succeed(count=len(indicators.afp), content_hash=result.content_hash)
            return stored
        record = self._store(indicators, status, notes)
        source._succeed(count=len(indicators.afp), content_hash=result.content_hash)
        return record

    @api.model
    def _store(self, indicators, status, notes):
        caps = indicators.caps
        values = {
            "status": status,
            "uf": float(indicators.uf or 0),
            "uf_date": indicators.uf_date,
            "uf_previous": float(indicators.uf_previous or 0),
            "utm": float(indicators.utm or 0),
            "uta": float(indicators.uta or 0),
            "min_wage": float(indicators.min_wage or 0),
            "afp_cap_uf": float((caps.get("afp") or {}).get("uf") or 0),
            "afp_cap": float((caps.get("afp") or {}).get("pesos") or 0),
            "afc_cap_uf": float((caps.get("afc") or {}).get("uf") or 0),
            "sis_rate": float(indicators.sis_rate or 0),
            "data": indicators.as_dict(),
            "problems": notes or False,
            "source_url": indicators.source_url,
            "fetched_at": indicators.fetched_at,
        }
        record = self.sudo()._for_period(indicators.period)
        if record:
            record.write(values)
        else:
            record = self.sudo().create(dict(values, period=indicators.period))
        return record


def _as_read(data):
    """The values of a page as read, without when and where they were read."""
    return {key: value for key, value in (data or {}).items() if key not in ("fetched_at", "source_url")}
