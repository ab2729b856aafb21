"""``l10n_cl_ai.payroll.source``: one page the payroll numbers are read from (an SII values page of a year,
the SII's impuesto único page, Previred's indicators page), with its last fetch's status.

Fetched with the SII monitor's hardened fetch (deadline, size cap, redirects only to the page's host, the
SII's or Previred's). A failure (unreachable, an HTTP error, a page that cannot be parsed or fails
verification) keeps the values stored before, becomes the source's state and warning, shows in
``/health`` and is posted once per failure streak in the alert channel.
"""

import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)
_logger = logging.getLogger(__name__)

FETCH_TIMEOUT_S = 20.0
MAX_PAGE_BYTES = 5 * 1024 * 1024
FAILURE_MESSAGES = {
    "unreachable": _lt("The page could not be reached (%(detail)s)."),
    "http": _lt("The server answered HTTP %(status)s."),
    "too_large": _lt("The page is larger than %(limit)s MB: it was not read."),
    "redirect": _lt("The page redirects to %(detail)s, which is not an SII or Previred address."),
    "malformed": _lt(
        "The page could not be read (%(detail)s): its layout may have changed. The values stored "
        "before are kept."
    ),
    "invalid": _lt("The indicators failed verification, nothing was stored: %(detail)s"),
    "unexpected": _lt("The page could not be processed (%(detail)s); the details are in the server log."),
}


class L10nClAiPayrollSource(models.Model):
    _name = "l10n_cl_ai.payroll.source"
    _description = "Payroll indicators page"
    _order = "kind, url"
    _rec_name = "url"

    url = fields.Char(string="Address", required=True, index=True)
    kind = fields.Selection(
        [
            ("uf", "SII: UF"),
            ("utm", "SII: UTM and UTA"),
            ("dolar", "SII: dollar"),
            ("impuesto", "SII: impuesto único"),
            ("previred", "Previred: indicators"),
        ],
        required=True,
    )
    state = fields.Selection(
        [("new", "Not fetched yet"), ("ok", "Read"), ("unchanged", "Unchanged"), ("error", "Error")],
        string="Status",
        required=True,
        default="new",
        index=True,
    )
    last_fetch = fields.Datetime(string="Last check")
    last_success = fields.Datetime(string="Last successful read")
    last_error = fields.Text(string="Warning")
    values_read = fields.Integer(string="Values read", help="Values read from the page at the last read.")
    content_hash = fields.Char(help="SHA-256 of the last page read: the same bytes are not parsed again.")
    warning_posted = fields.Boolean(help="The current failure was already posted in the alert channel.")

    _url_unique = models.Constraint("UNIQUE(url)", "This page is already read.")

    @api.model
    def _for_url(self, kind, url):
        source = self.sudo().search([("url", "=", url)], limit=1)
        return source or self.sudo().create({"kind": kind, "url": url})

    @api.model
    def _failing_count(self):
        return self.sudo().search_count([("state", "=", "error")])

    def _fetch(self, missing_ok=False):
        """The ``FetchResult`` of a changed page, ``None`` when it is unchanged since the last read (same
        hash) or could not be fetched (then the failure is recorded). The caller parses the page, then
        calls ``_succeed(count, result.content_hash)`` or ``_fail``. ``missing_ok``: a 404 (a page not
        published yet) leaves the source "not fetched yet", without a warning."""
        from ..services.payroll import sources
        from ..services.sii_monitor import fetch

        self.ensure_one()
        try:
            result = fetch.fetch(
                self.url,
                previous_hash=self.content_hash or "",
                timeout_s=FETCH_TIMEOUT_S,
                max_bytes=MAX_PAGE_BYTES,
                allowed_domains=sources.ALLOWED_DOMAINS,
            )
        except fetch.FetchError as error:
            if missing_ok and error.kind == "http" and error.status == 404:
                self.write({"state": "new", "last_fetch": fields.Datetime.now(), "last_error": False})
                return None
            self._fail(error.kind, detail=str(error), status=error.status)
            return None
        if result.state != "changed":
            self._succeed(state="unchanged")
            return None
        return result

    def _succeed(self, state="ok", count=None, content_hash=None):
        now = fields.Datetime.now()
        values = {
            "state": state,
            "last_fetch": now,
            "last_success": now,
            "last_error": False,
            "warning_posted": False,
        }
        if count is not None:
            values["values_read"] = count
        if content_hash:
            values["content_hash"] = content_hash
        self.write(values)

    def _fail(self, kind, detail="", status=None):
        """Record a failure; post it in the alert channel once per failure streak. The hash is dropped so
        that the next run reads the page again."""
        self.ensure_one()
        publication = self.env["l10n_cl_ai.sii.publication"]
        message = FAILURE_MESSAGES[kind]._translate(publication._channel_lang()) % {
            "detail": detail,
            "status": status,
            "limit": MAX_PAGE_BYTES // (1024 * 1024),
        }
        _logger.warning("Payroll page %s: %s", self.url, message)
        self.write(
            {
                "state": "error",
                "last_fetch": fields.Datetime.now(),
                "last_error": message,
                "content_hash": False,
            }
        )
        if not self.warning_posted:
            env = publication.with_context(lang=publication._channel_lang()).env
            body = Markup("<p><strong>%s</strong> %s</p><p>%s</p>") % (
                env._("Payroll indicators warning:"),
                self.url,
                message,
            )
            self.warning_posted = publication._post_to_channel(body)
