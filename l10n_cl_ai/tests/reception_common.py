"""Common base of the reception tests: the Chilean company of ``DteTestCommon`` (its RUT is the factory's
buyer), a purchase journal using documents with a mail alias, and the three ways a file arrives."""

import datetime
import email.utils
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

from odoo.tests import RecordCapturer

from .common import DteTestCommon
from .fakes import dte_xml_factory as fx


class ReceptionCase(DteTestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.purchase_journal = cls.company_data["default_journal_purchase"]
        cls.purchase_journal.l10n_latam_use_documents = True
        cls.purchase_journal.alias_name = "facturas-proveedores"
        cls.env["res.partner"].search([("vat", "in", ["96790240-3", "96.790.240-3"])]).write({"vat": False})

    def spec(self, **overrides):
        """A valid factura from the supplier to the company, issued two days ago (Chile)."""
        overrides.setdefault("issue_date", self.issue_date)
        overrides.setdefault("due_date", self.issue_date + datetime.timedelta(days=30))
        return fx.doc_spec(**overrides)

    def bills(self):
        return self.env["account.move"].search(
            [("move_type", "in", ("in_invoice", "in_refund")), ("company_id", "=", self.company.id)]
        )

    def upload(self, data, name="dte.xml", mimetype="application/xml"):
        """The Upload button / drag and drop on the vendor bills list: the journal's entry point."""
        attachment = self.env["ir.attachment"].create({"name": name, "raw": data, "mimetype": mimetype})
        with RecordCapturer(self.env["account.move"], []) as capture:
            self.purchase_journal.with_context(
                default_move_type="in_invoice"
            )._create_document_from_attachment(attachment.ids)
        return capture.records

    def mail(self, files, date=None):
        """An e-mail with ``files`` ({name: bytes}) to the purchase journal's alias, through the gateway."""
        message = MIMEMultipart()
        message["From"] = "dte@proveedora.example.cl"
        message["To"] = self.purchase_journal.alias_id.display_name
        message["Subject"] = "Envio DTE"
        message["Message-Id"] = email.utils.make_msgid()
        message["Date"] = email.utils.format_datetime(date) if date else email.utils.formatdate()
        message.attach(MIMEText("Adjunto DTE", "plain"))
        for name, data in files.items():
            part = MIMEApplication(data, "xml", Name=name)
            part["Content-Disposition"] = f'attachment; filename="{name}"'
            message.attach(part)
        with RecordCapturer(self.env["account.move"], []) as capture:
            self.env["mail.thread"].message_process(
                "account.move",
                message.as_string(),
                custom_values={"move_type": "in_invoice", "journal_id": self.purchase_journal.id},
            )
        return capture.records

    @staticmethod
    def codes(move):
        return sorted(
            f"{f.code}:{f.severity}"
            for f in move.l10n_cl_ai_last_validation_id.finding_ids
            if f.severity != "info"
        )
