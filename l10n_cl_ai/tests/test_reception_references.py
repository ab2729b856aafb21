"""References of a received DTE are kept on the bill whatever their type: 801 purchase orders, HES/HEM entry
sheets, and a TpoDocRef that is not a document type in Odoo (kept with its code as written)."""

from odoo.tests import tagged

from .fakes import dte_xml_factory as fx
from .reception_common import ReceptionCase


def _ref(doc_type, folio, reason, date="2025-06-01"):
    return {"TpoDocRef": doc_type, "FolioRef": folio, "FchRef": date, "RazonRef": reason}


@tagged("post_install", "-at_install")
class TestReceptionReferences(ReceptionCase):
    def test_purchase_order_hes_hem_and_unknown_types_are_kept(self):
        spec = self.spec(
            folio=1801,
            references=[
                _ref("801", "OC-4500123", "Orden de compra"),
                _ref("HES", "1000456", "Hoja de entrada de servicios"),
                _ref("HEM", "2000789", "Hoja de entrada de materiales"),
                _ref("ZZZ", "77", "Contrato marco"),
            ],
        )
        bill = self.upload(fx.dte_bytes(spec))
        references = bill.l10n_cl_ai_reference_ids
        self.assertEqual(
            [(r.reference_code, r.folio, r.reason) for r in references],
            [
                ("801", "OC-4500123", "Orden de compra"),
                ("HES", "1000456", "Hoja de entrada de servicios"),
                ("HEM", "2000789", "Hoja de entrada de materiales"),
                ("ZZZ", "77", "Contrato marco"),
            ],
        )
        self.assertEqual(
            references.mapped("document_type_id.code"), ["801", "HES", "HEM"], "ZZZ is no type in Odoo"
        )
        self.assertEqual(str(references[0].date), "2025-06-01")
        # the purchase bridge finds them like any reference line: by code and folio
        found = self.env["l10n_cl_ai.dte.reference"].search(
            [("move_id", "=", bill.id), ("reference_code", "in", ("801", "HES", "HEM"))]
        )
        self.assertEqual(sorted(found.mapped("folio")), ["1000456", "2000789", "OC-4500123"])
        self.assertEqual(self.codes(bill), [])
