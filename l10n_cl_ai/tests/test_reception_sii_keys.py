"""The SII's public keys in Settings: the CAF's own signature (FRMA) of a received DTE is verified when the
key of its IDK is configured, and reported "not checked" without it."""

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .fakes import dte_xml_factory as fx
from .reception_common import ReceptionCase


def _other_pem():
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505 - a test key
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


@tagged("post_install", "-at_install")
class TestReceptionSiiKeys(ReceptionCase):
    def _ted(self, folio):
        bill = self.upload(fx.dte_bytes(self.spec(folio=folio)))
        findings = bill.l10n_cl_ai_last_validation_id.finding_ids.filtered(lambda f: f.code == "REC_TED")
        return bill, [(f.severity, f.message) for f in findings]

    def test_caf_signature_checked_with_the_configured_key(self):
        bill, ted = self._ted(1701)
        self.assertEqual([severity for severity, _message in ted], ["info"])
        self.assertIn("was not checked", ted[0][1])

        self.set_engine_params(reception_sii_keys=f"{fx.KEY_ID}: {fx.sii_public_pem().decode()}")
        bill, ted = self._ted(1702)
        self.assertEqual(ted, [], "the test SII key signed the CAF: verified, nothing to say")
        self.assertEqual(self.codes(bill), [])

        self.set_engine_params(reception_sii_keys=f"{fx.KEY_ID}: {_other_pem()}")
        bill, ted = self._ted(1703)
        self.assertEqual([severity for severity, _message in ted], ["error"])
        self.assertIn("not signed by the SII", ted[0][1])
        self.assertEqual(bill.l10n_cl_ai_state, "error")

    def test_settings_form_stores_valid_keys_and_refuses_bad_text(self):
        text = f"{fx.KEY_ID}: {fx.sii_public_pem().decode()}"
        self.env["res.config.settings"].create({"l10n_cl_ai_reception_sii_keys": text}).execute()
        stored = self.env["ir.config_parameter"].sudo().get_param("l10n_cl_ai.reception_sii_keys")
        self.assertEqual(stored.strip(), text.strip())
        self.assertEqual(
            self.env["l10n_cl_ai.engine"]._read_settings().reception_sii_keys.strip(), text.strip()
        )
        form = self.env["res.config.settings"].create({"l10n_cl_ai_reception_sii_keys": "300: not a key"})
        with self.assertRaises(ValidationError) as caught:
            form.execute()
        self.assertIn("SII public keys (CAF)", str(caught.exception))
        self.assertIn("IDK", str(caught.exception))
