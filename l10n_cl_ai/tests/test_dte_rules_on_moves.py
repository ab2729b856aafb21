"""Every DTE rule code on real Chilean moves (l10n_cl chart and document types), and for every document
type a correct move on which all the rules stay silent.

The findings come from the snapshot of the real ``account.move`` and ``dte_rules.check``, as
``l10n_cl_ai.validation._run_checks`` computes them; the correct moves also go through the Validate (AI)
button with Claude's review turned off. Each failing case mutates a correct move (inside a savepoint rolled
back after it) so that it triggers its code and nothing else.

Codes (or parts of codes) that no real Community move can produce, hence absent from the table:

- ``EMAIL_DTE``, ``FOLIO_CAF``, ``CAF_VIGENCIA`` and the ACTECO / SII resolution / certificate parts of
  ``EMISOR_CONFIG``: they need enterprise-only data (DTE e-mail, CAF, resolution, certificate, ACTECO).
  In Community they are skipped and listed once in the ``VERIFICACION_OMITIDA`` info, which is asserted.
- ``DOC_TIPO`` with a document type contradicting the move type (a credit-note type on an invoice):
  ``l10n_latam_invoice_document``'s constraint refuses to store such a move. Its other parts (a documents
  journal move without a document type, a debit note from the wizard typed as an invoice) are covered.
- ``REF_CODREF`` "invalid code": the reference code is a selection of 1, 2 and 3. The missing code is
  covered.
- ``REF_CAMPOS`` empty folio or missing date: both reference fields are required. Its other parts (folio
  too long, date after the document, RUTOtr on a 33, reason too long) are covered.
- ``DSCRCG`` "mixed additional taxes" (warning): it needs additional sale taxes (ILA...) on the lines,
  and the l10n_cl chart ships none for sales (its only sale tax is the 19 % VAT).
"""

import datetime
from collections.abc import Callable, Collection
from typing import NamedTuple

from odoo import Command
from odoo.tests import tagged

from ..services import dte_rules
from .common import DteTestCommon

ERROR, WARNING, INFO = dte_rules.ERROR, dte_rules.WARNING, dte_rules.INFO
# What Community cannot check (enterprise-only data): skipped, said once as info, never an error.
SKIPPED_IN_COMMUNITY = {"EMISOR_CONFIG", "EMAIL_DTE", "FOLIO_CAF", "CAF_VIGENCIA"}
USD_RATE = 950.0  # CLP per USD
# Every catalogue code a real Community move can produce (the others: module docstring).
CODES_ON_COMMUNITY_MOVES = {
    *("RUT_RECEPTOR", "GIRO_RECEPTOR", "DIR_RECEPTOR", "EMISOR_CONFIG"),
    *("TIPO_CONTRIBUYENTE", "DOC_EXTRANJERO", "DOC_VS_CONTRIBUYENTE", "DOC_TIPO"),
    *("LINEAS_MAX", "LINEA_DATOS", "DSCRCG"),
    *("IVA_TASA", "IVA_MONTO", "TOTALES", "REDONDEO_GLOBAL", "EXENTO_EN_33", "AFECTO_EN_EXENTO"),
    *("REF_OBLIGATORIA", "REF_CODREF", "REF_UNICA", "NC_TEXTO_CERO", "NC_ANULA_TOTAL", "NC_EXCEDE"),
    *("REF_CAMPOS", "NC_PLAZO"),
    *("BOLETA_RESTRICCION", "BOLETA_RECEPTOR", "BOLETA_TOTALES"),
    *("EXP_MONEDA", "EXP_RECEPTOR"),
    *("FECHA_EMISION", "FECHA_ANTIGUA", dte_rules.SKIPPED_CODE),
}


class Case(NamedTuple):
    """A real move on which ``code`` fires (with ``reason`` when given); ``also``: the other errors or
    warnings that move legitimately carries."""

    code: str
    severity: str
    build: Callable
    also: Collection[str] = ()
    reason: str | None = None


@tagged("post_install", "-at_install")
class TestDteRulesOnMoves(DteTestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.set_engine_params(dte_ai_review="False")
        cls.today = cls.env["l10n_cl_ai.dte.snapshot"]._today()
        cls.issue = cls.today - datetime.timedelta(days=2)
        cls.sale_date = cls.today - datetime.timedelta(days=12)
        cls.usd = cls.setup_other_currency("USD", rates=[("2000-01-01", 1 / USD_RATE)])
        cls.no_tax = cls.env["account.tax"]
        chile = cls.env.ref("base.cl")
        cls.buyer_abroad = cls.env["res.partner"].create(
            {
                "name": "Andes Wine Imports LLC",
                "is_company": True,
                "l10n_latam_identification_type_id": cls.env.ref("l10n_latam_base.it_fid").id,
                "l10n_cl_sii_taxpayer_type": "4",
                "street": "1200 Brickell Ave, Suite 300",
                "city": "Miami",
                "country_id": cls.env.ref("base.us").id,
                "email": "purchasing@andeswine.example.com",
            }
        )
        cls.walk_in = cls.env["res.partner"].create(
            {
                "name": "Cliente mesón",
                "is_company": False,
                "l10n_cl_sii_taxpayer_type": "3",
                "country_id": chile.id,
            }
        )
        # posted origins of the notes, issued ten days before the notes
        cls.invoice_33 = cls._move(invoice_date=cls.sale_date, post=True)
        cls.invoice_110 = cls._export(invoice_date=cls.sale_date, post=True)
        cls.correct = {
            "33": cls._move(
                [
                    ("Resma papel carta 500 hojas", 40, 3990, cls.vat),
                    ("Tóner HP 85A negro", 2, 45990, cls.vat),
                    ("Descuento por volumen 5%", 1, -12579, cls.vat),
                ],
                post=True,
            ),
            "34": cls._move(
                [("Asesoría contable mensual (exenta, art. 12 E N°8)", 1, 350000, cls.no_tax)],
                doc="34",
                post=True,
            ),
            "39": cls._move(
                [
                    ("Cuaderno universitario 100 hojas", 3, 1990, cls.vat_included),
                    ("Lápiz pasta azul", 5, 350, cls.vat_included),
                    ("Descuento cliente frecuente", 1, -500, cls.vat_included),
                ],
                doc="39",
                partner=cls.consumer,
                post=True,
            ),
            "41": cls._move(
                [("Matrícula taller de pintura (exenta)", 1, 45000, cls.no_tax)],
                doc="41",
                partner=cls.consumer,
                post=True,
            ),
            "61": cls._credit_note(cls._move(invoice_date=cls.sale_date, post=True), post=True),
            "56": cls._move(
                [("Intereses por mora factura", 1, 12000, cls.vat)],
                doc="56",
                debit_origin_id=cls.invoice_33.id,
                post=True,
            ),
            "110": cls._export(post=True),
            "112": cls._credit_note(cls.invoice_110, doc="112", post=True),
        }

    # -- builders -----------------------------------------------------------------------------------------
    @classmethod
    def _move(cls, lines=None, doc="33", partner=None, move_type="out_invoice", post=False, **values):
        values.setdefault("invoice_date", cls.issue)
        return cls._invoice(lines, doc=doc, partner=partner, move_type=move_type, post=post, **values)

    @classmethod
    def _export(cls, doc="110", post=False, **values):
        values.setdefault("currency_id", cls.usd.id)
        values.setdefault("partner", cls.buyer_abroad)
        lines = [
            ("Vino Carménère Gran Reserva, caja 12 x 750 ml", 100, 48.5, cls.no_tax),
            ("Flete interno a puerto de San Antonio", 1, 320, cls.no_tax),
        ]
        return cls._move(lines, doc=doc, post=post, **values)

    @classmethod
    def _credit_note(cls, origin, doc="61", post=False, **values):
        note = origin._reverse_moves(
            [
                {
                    "invoice_date": cls.issue,
                    "journal_id": cls.journal.id,
                    "l10n_latam_document_type_id": cls._doc(doc).id,
                    **values,
                }
            ]
        )
        if post:
            note.action_post()
        return note

    @classmethod
    def _doc(cls, code):
        """Any Chilean document type by its SII code (the shared helper knows the common ones only)."""
        return cls.env["l10n_latam.document.type"].search(
            [("country_id.code", "=", "CL"), ("code", "=", code)], limit=1
        )

    def _reference(self, move, **values):
        values.setdefault("document_type_id", self._doc("33").id)
        values.setdefault("folio", "1523")
        values.setdefault("date", self.sale_date)
        move.l10n_cl_ai_reference_ids = [Command.create(values)]
        return move

    # -- checks -------------------------------------------------------------------------------------------
    def _findings(self, move):
        """The deterministic findings on ``move``, computed as the validation computes them."""
        snapshot = self.env["l10n_cl_ai.dte.snapshot"]._snapshot(move, today=self.today)
        return dte_rules.check(snapshot)

    def _assert_silent(self, move, infos=()):
        findings = self._findings(move)
        problems = [(f.code, f.severity, f.params) for f in findings if f.severity != INFO]
        self.assertEqual(problems, [], f"{move.l10n_latam_document_type_id.code}: a correct move")
        self.assertEqual(sorted(f.code for f in findings), sorted({dte_rules.SKIPPED_CODE, *infos}))
        skipped = next(f for f in findings if f.code == dte_rules.SKIPPED_CODE)
        self.assertLessEqual(set(skipped.params["checks"]), SKIPPED_IN_COMMUNITY)
        self.assertIn("FOLIO_CAF", skipped.params["checks"])

    # -- correct moves --------------------------------------------------------------------------------------
    def test_correct_moves_of_every_document_type_are_silent(self):
        for code, move in self.correct.items():
            with self.subTest(doc=code):
                self.assertEqual(move.l10n_latam_document_type_id.code, code)
                self.assertEqual(move.state, "posted", "Odoo itself accepts the correct move")
                self._assert_silent(move)

    def test_correct_moves_validate_as_send(self):
        """The same moves through the Validate (AI) button (Claude's review off): nothing to fix."""
        for code, move in self.correct.items():
            with self.subTest(doc=code):
                move.action_l10n_cl_ai_validate()
                validation = move.l10n_cl_ai_last_validation_id
                self.assertEqual(validation.state, "done")
                self.assertEqual(self._codes(validation, "deterministic"), {dte_rules.SKIPPED_CODE})
                self.assertEqual((validation.recommendation, move.l10n_cl_ai_state), ("send", "ok"))
        self.assertFalse(self.anthropic.requests)

    def test_correct_amounts_are_the_sii_ones(self):
        """The correct moves are correct for the right reason: Odoo's amounts are the SII's."""
        invoice, boleta, export = self.correct["33"], self.correct["39"], self.correct["110"]
        self.assertEqual(
            (invoice.amount_untaxed, invoice.amount_tax, invoice.amount_total), (239001, 45410, 284411)
        )
        self.assertEqual((boleta.amount_total, boleta.amount_tax), (7220, 1153))  # 7220 - round(7220 / 1.19)
        snapshot = self.env["l10n_cl_ai.dte.snapshot"]._snapshot(export, today=self.today)
        self.assertEqual((snapshot["currency"], snapshot["currency_sii_name"]), ("USD", "DOLAR USA"))
        self.assertAlmostEqual(snapshot["exchange_rate"], USD_RATE, places=6)
        self.assertEqual(snapshot["totals"]["amount_total"], 5170)

    def test_boleta_without_customer_rut_only_informs(self):
        boleta = self._move(
            [("Café americano", 2, 2200, self.vat_included)], doc="39", partner=self.walk_in, post=True
        )
        self._assert_silent(boleta, infos=("BOLETA_RECEPTOR",))

    # -- every code on a real move ---------------------------------------------------------------------------
    def _cases(self):
        """The table: ``build()`` creates or changes real moves and returns the one to check."""
        customer, company = self.customer, self.company
        vat, vat_included, no_tax = self.vat, self.vat_included, self.no_tax

        def partner_write(partner, **values):
            def build():
                partner.with_context(no_vat_validation=True).write(values)
                return self._move()

            return build

        def per_line_rounding(build):
            def wrapped():
                company.tax_calculation_rounding_method = "round_per_line"
                return build()

            return wrapped

        def cash_rounded():
            return self._move([("Resma", 1, 1003, vat)], invoice_cash_rounding_id=self._cash_rounding().id)

        def without_document_type():
            move = self._move()
            move.l10n_latam_document_type_id = False
            return move

        def debit_note_typed_as_invoice():
            """The debit note wizard, then the type left at (or set back to) 33, as the origin."""
            wizard = (
                self.env["account.debit.note"]
                .with_context(active_model="account.move", active_ids=self.invoice_33.ids)
                .create({"reason": "Intereses por mora", "copy_lines": True, "journal_id": self.journal.id})
            )
            note = self.env["account.move"].browse(wizard.create_debit()["res_id"])
            note.write({"l10n_latam_document_type_id": self._doc("33").id, "invoice_date": self.issue})
            self.assertEqual(note.debit_origin_id, self.invoice_33)
            return note

        def second_full_credit_note():
            self._credit_note(self.invoice_33, post=True)
            return self._credit_note(self.invoice_33)

        def credit_note_of_an_old_sale():
            old = self._move(invoice_date=self.today - datetime.timedelta(days=230), post=True)
            return self._credit_note(old)

        def credit_note_correcting_amounts_two_periods_later():
            note = self._move([("Diferencia de precio", 1, 5000, vat)], doc="61", move_type="out_refund")
            return self._reference(note, codref="3", date=self.today - datetime.timedelta(days=75))

        def export_without_city():
            self.buyer_abroad.city = False
            return self._export()

        def country_without_customs_code():
            country = self.env["res.country"].search([("l10n_cl_customs_code", "=", False)], limit=1)
            self.buyer_abroad.country_id = country
            return self._export()

        sixty_one = [(f"Artículo de oficina {n}", 1, 1000, vat) for n in range(1, 62)]
        three_toners = [(name, 1, 1003, vat) for name in ("Tóner negro", "Tóner cian", "Tóner magenta")]
        three_gross = [(name, 1, 1000, vat_included) for name in ("Cuaderno", "Lápiz", "Regla")]
        rate_10 = vat.copy({"name": "IVA 10%", "amount": 10})
        long_name = "Resma papel carta 500 hojas 75 g/m2 blancura 146 CIE certificación FSC caja de 10 un."
        return [
            # A. parties and issuer
            Case("RUT_RECEPTOR", ERROR, partner_write(customer, vat="77123456-0"), reason="invalid"),
            Case(
                "RUT_RECEPTOR",
                ERROR,
                partner_write(customer, vat=False),
                also={"TIPO_CONTRIBUYENTE"},
                reason="missing",
            ),
            Case(
                "GIRO_RECEPTOR",
                ERROR,
                partner_write(customer, l10n_cl_activity_description=False),
                reason="missing",
            ),
            Case(
                "GIRO_RECEPTOR",
                WARNING,
                partner_write(
                    customer,
                    l10n_cl_activity_description="Construcción de edificios y obras civiles de ingeniería",
                ),
                reason="too_long",
            ),
            Case("DIR_RECEPTOR", ERROR, partner_write(customer, street=False), reason="street_missing"),
            Case("DIR_RECEPTOR", ERROR, partner_write(customer, city=False), reason="comuna_missing"),
            Case(
                "DIR_RECEPTOR",
                WARNING,
                partner_write(customer, city="Pedro Aguirre Cerda Sur"),
                reason="comuna_too_long",
            ),
            Case(
                "EMISOR_CONFIG",
                ERROR,
                partner_write(company.partner_id, l10n_cl_activity_description=False),
                reason="giro_missing",
            ),
            Case("EMISOR_CONFIG", ERROR, partner_write(company.partner_id, vat="76086428-6"), reason="rut"),
            Case("EMISOR_CONFIG", ERROR, partner_write(company.partner_id, street=False), reason="address"),
            # B. document type
            Case("TIPO_CONTRIBUYENTE", ERROR, partner_write(customer, l10n_cl_sii_taxpayer_type=False)),
            # a 33 also needs the receiver's giro, which a foreign buyer does not have
            Case(
                "DOC_EXTRANJERO", ERROR, lambda: self._move(partner=self.buyer_abroad), also={"GIRO_RECEPTOR"}
            ),
            Case(
                "DOC_VS_CONTRIBUYENTE",
                WARNING,
                lambda: self._move(three_gross, doc="39", partner=customer),
                reason="company_on_boleta",
            ),
            Case(
                "DOC_VS_CONTRIBUYENTE",
                WARNING,
                lambda: self._move(partner=self.consumer),
                also={"GIRO_RECEPTOR", "DIR_RECEPTOR"},
                reason="consumer_on_invoice",
            ),
            Case("DOC_TIPO", ERROR, without_document_type, reason="missing"),
            Case("DOC_TIPO", ERROR, debit_note_typed_as_invoice, reason="invoice_on_debit_note"),
            # C. lines
            Case("LINEAS_MAX", ERROR, lambda: self._move(sixty_one)),
            Case(
                "LINEA_DATOS",
                ERROR,
                lambda: self._move([("Resma", 1, 3990, vat), ("Resma (regalo)", 0, 3990, vat)]),
                reason="quantity",
            ),
            Case(
                "LINEA_DATOS",
                WARNING,
                lambda: self._move([(long_name, 1, 39900, vat)]),
                reason="name_too_long",
            ),
            Case(
                "DSCRCG",
                ERROR,
                lambda: self._move(
                    [("Servicio de mantención", 1, 45000, vat), ("Descuento", 1, -45000, vat)]
                ),
                reason="exceeds_taxed",
            ),
            Case(
                "DSCRCG",
                ERROR,
                lambda: self._move(
                    [("Servicio de mantención anual", 1, 450000, vat)]
                    + [(f"Descuento cupón {n}", 1, -1000, vat) for n in range(1, 22)]
                ),
                reason="too_many",
            ),
            # D. amounts and VAT
            Case("IVA_TASA", ERROR, lambda: self._move([("Resma", 10, 3990, rate_10)])),
            Case(
                "IVA_MONTO",
                ERROR,
                per_line_rounding(lambda: self._move(three_toners)),
                also={"REDONDEO_GLOBAL"},
            ),
            Case("TOTALES", ERROR, cash_rounded, reason="net"),
            Case("REDONDEO_GLOBAL", WARNING, per_line_rounding(lambda: self._move())),
            Case("EXENTO_EN_33", ERROR, lambda: self._move([("Asesoría contable", 1, 350000, no_tax)])),
            Case("AFECTO_EN_EXENTO", ERROR, lambda: self._move(doc="34")),
            Case(
                "AFECTO_EN_EXENTO",
                ERROR,
                lambda: self._move(three_gross, doc="41", partner=self.consumer),
            ),
            # E. references and notes
            Case(
                "REF_OBLIGATORIA",
                ERROR,
                lambda: self._move(doc="61", move_type="out_refund"),
                reason="missing",
            ),
            Case(
                "REF_OBLIGATORIA",
                ERROR,
                lambda: self._reference(self._export(doc="112", move_type="out_refund"), codref="1"),
                reason="export",
            ),
            Case(
                "REF_CODREF",
                ERROR,
                lambda: self._reference(self._move(doc="61", move_type="out_refund"), codref=False),
                reason="missing",
            ),
            Case(
                "REF_UNICA",
                ERROR,
                lambda: self._reference(self._credit_note(self.invoice_33), folio="1524", codref="3"),
            ),
            Case(
                "NC_TEXTO_CERO",
                ERROR,
                lambda: self._credit_note(self.invoice_33, l10n_cl_ai_origin_codref="2"),
            ),
            Case("NC_ANULA_TOTAL", WARNING, self._partial_credit_note),
            Case("NC_EXCEDE", WARNING, second_full_credit_note),
            Case(
                "REF_CAMPOS",
                ERROR,
                lambda: self._reference(
                    self._credit_note(self.invoice_33),
                    document_type_id=self._doc("801").id,
                    folio="OC-2026-000000012345",
                ),
                reason="folio",
            ),
            Case(
                "REF_CAMPOS",
                ERROR,
                lambda: self._reference(
                    self._credit_note(self.invoice_33),
                    folio=self.invoice_33.l10n_latam_document_number,
                    date=self.today,
                ),
                reason="date_after_issue",
            ),
            Case(
                "REF_CAMPOS",
                ERROR,
                lambda: self._reference(
                    self._move(),
                    document_type_id=self._doc("801").id,
                    folio="4500012",
                    rut_other="77123456-9",
                ),
                reason="rut_other_doc",
            ),
            Case(
                "REF_CAMPOS",
                WARNING,
                lambda: self._reference(
                    self._move(),
                    document_type_id=self._doc("801").id,
                    folio="4500012",
                    reason="Orden de compra N° 4500012 emitida por el departamento de adquisiciones de la "
                    "constructora, obra Torre Mirador",
                ),
                reason="reason_too_long",
            ),
            Case("NC_PLAZO", WARNING, credit_note_of_an_old_sale, reason="six_months"),
            Case("NC_PLAZO", WARNING, credit_note_correcting_amounts_two_periods_later, reason="period"),
            # F. boletas
            Case(
                "BOLETA_RESTRICCION",
                ERROR,
                lambda: self._move(three_gross, doc="39", partner=self.consumer, currency_id=self.usd.id),
                reason="currency",
            ),
            Case("BOLETA_RECEPTOR", INFO, lambda: self._move(three_gross, doc="39", partner=self.walk_in)),
            Case(
                "BOLETA_TOTALES",
                ERROR,
                per_line_rounding(lambda: self._move(three_gross, doc="39", partner=self.consumer)),
                also={"REDONDEO_GLOBAL"},
            ),
            # G. exports
            Case("EXP_MONEDA", ERROR, lambda: self._export(currency_id=company.currency_id.id), reason="clp"),
            Case("EXP_RECEPTOR", ERROR, export_without_city, reason="city"),
            Case("EXP_RECEPTOR", WARNING, country_without_customs_code, reason="customs_code"),
            # H. dates
            Case(
                "FECHA_EMISION",
                ERROR,
                lambda: self._move(invoice_date=self.today + datetime.timedelta(days=3)),
                reason="future",
            ),
            Case(
                "FECHA_ANTIGUA",
                WARNING,
                lambda: self._move(invoice_date=self.today - datetime.timedelta(days=120)),
            ),
            Case("VERIFICACION_OMITIDA", INFO, lambda: self._move()),
        ]

    def _partial_credit_note(self):
        note = self._credit_note(self.invoice_33)
        note.invoice_line_ids.quantity = 10  # 10 of the 40 reams returned, still "cancels" (CodRef 1)
        return note

    def test_every_code_fires_on_a_real_move(self):
        covered = set()
        for case in self._cases():
            with self.subTest(code=case.code, severity=case.severity, reason=case.reason):
                savepoint = self.env.cr.savepoint()
                try:
                    findings = self._findings(case.build())
                finally:
                    savepoint.close(rollback=True)
                    self.env.invalidate_all(flush=False)
                found = {
                    (f.code, f.severity, f.params.get("reason") if case.reason else None) for f in findings
                }
                self.assertIn((case.code, case.severity, case.reason), found)
                others = {f.code for f in findings if f.severity != INFO and f.code != case.code}
                self.assertLessEqual(others, set(case.also), f"{case.code}: only this code fires")
                covered.add(case.code)
        self.assertEqual(covered, CODES_ON_COMMUNITY_MOVES)
