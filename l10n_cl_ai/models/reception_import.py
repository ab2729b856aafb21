"""Received SII DTE XML through Odoo's own import (``account.document.import.mixin``): the model that
parses, refuses and decodes; the mixin's hooks on ``account.move`` are in ``reception_move.py``.

Registered like ``l10n_it_edi`` / ``l10n_es_edi_facturae``: ``_get_import_file_type`` recognises an SII
file (an ``EnvioDTE`` or a bare ``DTE``), ``_unwrap_attachment`` gives every DTE of an envelope beyond the
first its own attachment (so its own draft bill), and ``_get_edi_decoder`` fills the bill from the
engine's plain document (``services/reception``). Every import path goes through here: the Upload
button and drag and drop (``account.journal._create_document_from_attachment``), an e-mail to a purchase
journal's alias (``message_new`` -> ``_message_post_after_hook``) and a file added to a draft bill.

Hostile files: the bytes are only ever parsed by the engine's hardened parser (``_get_xml_tree`` never
hands a file with a DOCTYPE or an ENTITY, nor an SII file, to Odoo's default parser). An upload of a
refused file raises a translated error before anything is created; by e-mail, the bill Odoo creates for
every message to the alias keeps the e-mail and says in its chatter why the file was not imported.
"""

import hashlib
import re

from markupsafe import Markup

from odoo import api, models
from odoo.exceptions import UserError

from ..services.reception import checks
from ..services.reception import parse as reception_parse
from ..services.reception.errors import ReceptionError
from .reception_messages import reception_message

FILE_TYPE = "l10n_cl_ai.dte"
DECODER_PRIORITY = 20  # as l10n_it_edi: above the generic PDF/OCR importers
_SNIFF_BYTES = 4096
_SII_ROOT = re.compile(rb"<(?:[\w.-]+:)?(?:EnvioDTE|DTE)[\s>/]")
_SII_NAMESPACE = b"www.sii.cl/SiiDte"
_FORBIDDEN = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_CACHE_KEY = "l10n_cl_ai_reception"
_CACHE_SIZE = 8  # files kept parsed per cursor


def looks_like_sii_file(file_data):
    """An XML file whose first bytes name an SII root or the SII namespace (cheap: no parsing)."""
    raw = file_data.get("raw") or b""
    mimetype = file_data.get("mimetype") or ""
    name = (file_data.get("name") or "").lower()
    if not (name.endswith(".xml") or "xml" in mimetype or "text/plain" in mimetype):
        return False
    head = bytes(raw[:_SNIFF_BYTES])
    return bool(_SII_ROOT.search(head) or _SII_NAMESPACE in head)


class L10nClAiReceptionImport(models.AbstractModel):
    _name = "l10n_cl_ai.reception.import"
    _description = "Received DTE import (parse, refuse, decode)"

    # -- parsing ---------------------------------------------------------------------------------------
    @api.model
    def _parse(self, raw):
        """The engine's reading of ``raw`` (cached on the cursor: an envelope is read once per import)."""
        raw = bytes(raw or b"")
        cache = self.env.cr.cache.setdefault(_CACHE_KEY, {})
        key = hashlib.sha256(raw).hexdigest()
        if key not in cache:
            if len(cache) >= _CACHE_SIZE:  # a cron's cursor may read many mails: keep the last ones
                cache.pop(next(iter(cache)))
            try:
                cache[key] = reception_parse.parse(raw)
            except ReceptionError as error:
                cache[key] = error
        result = cache[key]
        if isinstance(result, ReceptionError):
            raise result
        return result

    @api.model
    def _refuse_unreadable(self, attachments):
        problems = []
        for attachment in attachments:
            file_data = {"name": attachment.name, "raw": attachment.raw, "mimetype": attachment.mimetype}
            if not looks_like_sii_file(file_data):
                continue
            try:
                reception = self._parse(file_data["raw"])
            except ReceptionError as error:
                problems.append(
                    self.env._(
                        "%(file)s: %(reason)s",
                        file=attachment.name,
                        reason=reception_message(self.env, error.code, error.params),
                    )
                )
                continue
            documents, refused = self._receivable(reception)
            if not documents:
                problems += [
                    self.env._("%(file)s: %(reason)s", file=attachment.name, reason=reason)
                    for reason in self._error_lines(reception) + refused
                ]
        if problems:
            raise UserError(
                "\n".join([self.env._("The SII file was not imported; nothing was created."), *problems])
            )

    @api.model
    def _error_lines(self, reception):
        return [reception_message(self.env, error.code, error.params) for error in reception.errors]

    @api.model
    def _receivable(self, reception):
        """``(documents, refused)``: the DTEs of ``reception`` the buyer records as vendor bills, and a
        translated line for each one of a type refused as a bill (a boleta, a guía, the buyer's own 46,
        an export document: ``REC_TIPO`` of the checks), by type and folio."""
        documents, refused = [], []
        for doc in reception.documents:
            findings = []
            checks.tipo(doc, findings)
            if not findings:
                documents.append(doc)
                continue
            refused.append(
                self.env._(
                    "Document type %(doc_type)s folio %(folio)s was not imported as a vendor bill: "
                    "%(reason)s",
                    doc_type=doc.doc_type,
                    folio=doc.folio,
                    reason=reception_message(self.env, findings[0].code, findings[0].params),
                )
            )
        return documents, refused

    # -- the decoder ---------------------------------------------------------------------------------
    @api.model
    def _decode(self, invoice, file_data, new=False):
        """Fill ``invoice`` from the first readable DTE of the file. Returns ``None`` when done, or the
        translated reason it was not imported (Odoo posts it in the bill's chatter)."""
        try:
            reception = self._parse(file_data["raw"])
        except ReceptionError as error:
            return reception_message(invoice.env, error.code, error.params)
        documents, refused = self._receivable(reception)
        errors = self._error_lines(reception) + refused
        if not documents:
            return "; ".join(errors)
        if invoice.state != "draft" or invoice.invoice_line_ids:
            return invoice.env._("the bill already has lines; import the XML on a new bill.")
        doc = documents[0]
        invoice.env["l10n_cl_ai.reception.bill"]._fill(invoice, doc, file_data)
        if errors:
            invoice.message_post(
                body=Markup("<p>%s</p><ul>%s</ul>")
                % (
                    invoice.env._(
                        "Some documents of %(file)s were not imported:", file=file_data.get("name") or ""
                    ),
                    Markup("").join(Markup("<li>%s</li>") % line for line in errors),
                ),
                subtype_xmlid="mail.mt_note",
            )
        invoice._l10n_cl_ai_after_import()  # purchase orders (bridge), then account suggestions
        invoice._l10n_cl_ai_validate_received()
        return None
