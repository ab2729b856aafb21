"""``l10n_cl_ai.sii.page``: one SII listing page the monitor follows, with its last fetch's status.

The pages are those of the ``sii_urls`` setting with the current year filled in; the scheduled action
creates them and archives the pages no longer followed (last year's). A failure (unreachable, an HTTP
error, a page too large, HTML that cannot be read, a page whose structure yields no publication any more)
is a state and a warning on the record, in ``/health`` and, once per failure streak, in the alert
channel; never a crash of the run.
"""

import logging

from lxml import etree

from odoo import api, fields, models
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)
_logger = logging.getLogger(__name__)

FETCH_TIMEOUT_S = 20.0
MAX_PAGE_BYTES = 5 * 1024 * 1024
FAILING_STATES = ("error", "empty")
FAILURE_MESSAGES = {
    "unreachable": _lt("The page could not be reached (%(detail)s)."),
    "http": _lt("The SII answered HTTP %(status)s."),
    "too_large": _lt("The page is larger than %(limit)s MB: it was not read."),
    "redirect": _lt(
        "The page redirects to %(detail)s, which is not an SII address: the redirect was not followed."
    ),
    "malformed": _lt("The page's HTML could not be read (%(detail)s)."),
    "unexpected": _lt("The page could not be processed (%(detail)s); the details are in the server log."),
    "empty": _lt(
        "No publication was found on the page: its layout may have changed, or it is empty. "
        "Check the address in the settings."
    ),
}


class L10nClAiSiiPage(models.Model):
    _name = "l10n_cl_ai.sii.page"
    _description = "SII publication page"
    _order = "url"
    _rec_name = "url"

    url = fields.Char(string="Address", required=True, index=True)
    active = fields.Boolean(default=True)
    state = fields.Selection(
        [
            ("new", "Not fetched yet"),
            ("ok", "New content read"),
            ("not_modified", "Not modified (304)"),
            ("unchanged", "Unchanged"),
            ("empty", "No publication found"),
            ("error", "Error"),
        ],
        string="Status",
        required=True,
        default="new",
        index=True,
    )
    last_fetch = fields.Datetime(string="Last check")
    last_success = fields.Datetime(string="Last successful check")
    last_error = fields.Text(string="Warning")
    item_count = fields.Integer(string="Publications on the page")
    new_count = fields.Integer(string="New at the last read")
    etag = fields.Char(string="ETag", help="Sent back as If-None-Match: an unchanged page answers 304.")
    last_modified = fields.Char(help="Sent back as If-Modified-Since.")
    content_hash = fields.Char(help="SHA-256 of the last page read: the same bytes are not parsed again.")
    encoding = fields.Char(help="How the last page read was decoded.")
    warning_posted = fields.Boolean(help="The current failure was already posted in the alert channel.")
    company_id = fields.Many2one("res.company", index=True, help="Empty: shared by every company.")
    publication_ids = fields.One2many("l10n_cl_ai.sii.publication", "page_id", string="Publications")

    _url_unique = models.Constraint("UNIQUE(url)", "This SII page is already followed.")

    @api.model
    def _failing_count(self):
        """Pages followed whose last fetch failed or yielded no publication (for /health and /metrics)."""
        return self.sudo().search_count([("state", "in", FAILING_STATES)])

    @api.model
    def _sync(self, urls):
        """The page records of ``urls`` (created, or unarchived), in that order; other pages archived."""
        pages = self.sudo().with_context(active_test=False)
        existing = {page.url: page for page in pages.search([("url", "in", urls)])}
        missing = [url for url in urls if url not in existing]
        for page in pages.create([{"url": url} for url in missing]):
            existing[page.url] = page
        followed = pages.browse([existing[url].id for url in urls])
        followed.filtered(lambda page: not page.active).active = True
        pages.search([("active", "=", True), ("id", "not in", followed.ids)]).active = False
        return followed

    def _check(self):
        """Fetch this page (conditionally) and store its new publications; returns how many were new.
        Never raises for a page problem: it becomes the page's state and warning."""
        from ..services.sii_monitor import decoding, fetch, parse

        self.ensure_one()
        now = fields.Datetime.now()
        try:
            result = fetch.fetch(
                self.url,
                etag=self.etag or "",
                last_modified=self.last_modified or "",
                previous_hash=self.content_hash or "",
                timeout_s=FETCH_TIMEOUT_S,
                max_bytes=MAX_PAGE_BYTES,
            )
        except fetch.FetchError as error:
            self._fail("error", error.kind, detail=str(error), status=error.status)
            return 0
        ok = {"last_fetch": now, "last_success": now, "last_error": False, "warning_posted": False}
        if result.state != "changed":
            self.write(dict(ok, state=result.state, etag=result.etag, last_modified=result.last_modified))
            return 0
        text, encoding = decoding.decode(result.content, result.content_type)
        try:
            items = parse.parse_listing(text, self.url)
        except (etree.ParserError, ValueError) as error:
            self._fail("error", "malformed", detail=type(error).__name__)
            return 0
        if not items:
            self._fail("empty", "empty")  # no hash kept: the next run reads the page again
            return 0
        created = self.env["l10n_cl_ai.sii.publication"]._store_new(items, self)
        self.write(
            dict(
                ok,
                state="ok",
                etag=result.etag,
                last_modified=result.last_modified,
                content_hash=result.content_hash,
                encoding=encoding,
                item_count=len(items),
                new_count=len(created),
            )
        )
        return len(created)

    def _fail(self, state, kind, detail="", status=None):
        """Record a failure on the page; post it in the alert channel once per failure streak."""
        self.ensure_one()
        lang = self.env["l10n_cl_ai.sii.publication"]._channel_lang()
        message = FAILURE_MESSAGES[kind]._translate(lang) % {
            "detail": detail,
            "status": status,
            "limit": MAX_PAGE_BYTES // (1024 * 1024),
        }
        _logger.warning("SII page %s: %s", self.url, message)
        self.write({"state": state, "last_fetch": fields.Datetime.now(), "last_error": message})
        if not self.warning_posted:
            posted = self.env["l10n_cl_ai.sii.publication"]._post_page_warning(self, message)
            self.warning_posted = posted

    def action_check_now(self):
        """The "Check now" button: queue the monitor's scheduled action (managers only)."""
        return self.env["l10n_cl_ai.sii.publication"].action_check_now()
