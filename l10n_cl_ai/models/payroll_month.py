"""``l10n_cl_ai.payroll.month``: what the SII publishes per month (UTM, UTA, IPC and the monthly impuesto
único brackets), one record per period "YYYY-MM", and the daily scheduled action that reads the SII's
values pages of the year.

Kept apart from Previred's ``l10n_cl_ai.payroll.indicators``: these come from other pages on another
schedule (the SII publishes the UTM and the tax table of a month before Previred's indicators) and are
never "to review"; a period may have SII values and no Previred indicators yet. A liquidación reads its
tax brackets here.
"""

import logging

from odoo import api, fields, models

_logger = logging.getLogger(__name__)


class L10nClAiPayrollMonth(models.Model):
    _name = "l10n_cl_ai.payroll.month"
    _description = "SII monthly values (UTM, UTA, impuesto único)"
    _order = "period desc"
    _rec_name = "period"

    period = fields.Char(required=True, index=True, help="YYYY-MM")
    utm = fields.Float(string="UTM", digits=(16, 0))
    uta = fields.Float(string="UTA", digits=(16, 0))
    ipc = fields.Float(string="IPC index", digits=(16, 2))
    tax_brackets = fields.Json(
        string="Impuesto único brackets",
        help="Monthly brackets: lower, upper, factor, rebate (pesos), as the SII publishes them.",
    )
    tax_bracket_count = fields.Integer(compute="_compute_tax_bracket_count", string="Brackets")
    utm_url = fields.Char(string="UTM source")
    tax_url = fields.Char(string="Impuesto único source")
    fetched_at = fields.Datetime(string="Fetched")

    _period_unique = models.Constraint("UNIQUE(period)", "The SII values of this period are already stored.")

    @api.depends("tax_brackets")
    def _compute_tax_bracket_count(self):
        for month in self:
            month.tax_bracket_count = len(month.tax_brackets or [])

    @api.model
    def _for_period(self, period):
        return self.search([("period", "=", period)], limit=1)

    @api.model
    def _upsert(self, period, values):
        month = self.sudo()._for_period(period)
        values = dict(values, fetched_at=fields.Datetime.now())
        if month:
            month.write(values)
        else:
            month = self.sudo().create(dict(values, period=period))
        return month

    # -- the daily scheduled action -----------------------------------------------------------------------
    @api.model
    def _cron_daily_values(self):
        """Read this year's SII values pages: UF and dollar as currency rates (when their setting is on),
        UTM/UTA and the impuesto único brackets per period. A page that fails keeps what was stored."""
        from ..services.payroll import sources

        settings = self.env["l10n_cl_ai.engine"]._read_settings()
        today = self._today()
        urls = sources.values_urls(settings.sii_values_urls, today.year)
        pages = [
            (kind, urls[kind], today.year, False)
            for kind, wanted in (
                ("uf", settings.payroll_fill_uf),
                ("dolar", settings.payroll_fill_usd),
                ("utm", True),
                ("impuesto", True),
            )
            if wanted
        ]
        if today.month == 12 and settings.payroll_fill_uf:
            # the UF of January 1-9 is published from December 10 on next year's page (absent before)
            ahead = sources.values_urls(settings.sii_values_urls, today.year + 1)["uf"]
            pages.append(("uf", ahead, today.year + 1, True))
        cron = self.env["ir.cron"]
        cron._commit_progress(remaining=len(pages))
        for kind, url, year, missing_ok in pages:
            source = self.env["l10n_cl_ai.payroll.source"]._for_url(kind, url)
            try:
                with self.env.cr.savepoint():
                    self._read_page(source, year, missing_ok=missing_ok)
            except Exception as error:  # noqa: BLE001 - a page never stops the run; shown on the source
                _logger.exception("Payroll page %s could not be processed", source.url)
                source._fail("unexpected", detail=type(error).__name__)
            cron._commit_progress(1)

    @api.model
    def _today(self):
        """Today in the company's time zone (Chile's): the year of the pages read."""
        tz = self.env.company.partner_id.tz or "America/Santiago"
        return fields.Date.context_today(self.with_context(tz=tz))

    @api.model
    def _read_page(self, source, year, missing_ok=False):
        """Fetch and store one SII values page; returns how many values were read (0: nothing new).
        ``missing_ok``: a page not published yet (404) is no failure."""
        from ..services.payroll import errors, sii_values, tax_table

        result = source._fetch(missing_ok=missing_ok)
        if result is None:
            return 0
        try:
            if source.kind in ("uf", "dolar"):
                values = sii_values.parse_daily(result.content, year, result.content_type)
                if any(value <= 0 for value in values.values()):
                    raise errors.PageFormatError("a value that is not positive")
                self.env["l10n_cl_ai.payroll.rates"]._write_rates(
                    "CLF" if source.kind == "uf" else "USD", values
                )
            elif source.kind == "utm":
                values = sii_values.parse_monthly(result.content, year, result.content_type)
                for (y, m), entry in values.items():
                    self._upsert(
                        f"{y:04d}-{m:02d}",
                        {
                            "utm": float(entry["utm"]),
                            "uta": float(entry["uta"]),
                            "ipc": float(entry.get("ipc") or 0.0),
                            "utm_url": source.url,
                        },
                    )
            else:
                values = tax_table.parse(result.content, year, result.content_type)
                for (y, m), brackets in values.items():
                    self._upsert(
                        f"{y:04d}-{m:02d}",
                        {"tax_brackets": [b.as_dict() for b in brackets], "tax_url": source.url},
                    )
        except (errors.PageFormatError, ValueError) as error:
            source._fail("malformed", detail=str(error))
            return 0
        source._succeed(count=len(values), content_hash=result.content_hash)
        return len(values)
