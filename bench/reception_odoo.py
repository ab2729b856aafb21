"""Odoo's import of received DTEs against its own import of a UBL bill with the same lines.

    .venv/bin/python bench/reception.py --odoo-db l10n_cl_ai_test [--conf .run/odoo.conf] [--single 10]

Runs on a scratch copy of the database (``scratch_db.scratch_registry``: the import commits, as Odoo's
does), as the superuser in the company whose RUT is the factory's buyer (76086428-5), through the entry
point of the Upload button (``account.journal._create_document_from_attachment``):

* one DTE per upload (``--single`` uploads, distinct folios): ms and SQL queries per DTE, median;
* an EnvioDTE of 100 DTEs in one upload (100 draft bills): ms and queries per DTE;
* the baseline, in the same run: ``account_edi_ubl_cii``'s import of a UBL 2.1 (BIS 3) bill with the same
  two lines (exported by Odoo from an invoice of that company), one per upload, then 100 files in one
  upload. Both sides create a draft bill with partner, lines and taxes and keep the file; ours also runs
  the buyer's checks (TED included) and writes the validation record. Claude's review is off.
"""

import statistics
import time

ENVELOPE_SIZE = 100


def _measure(env, journal, attachments_vals):
    """(seconds, queries, bills) of one upload of ``attachments_vals``."""
    attachments = env["ir.attachment"].create(attachments_vals)
    env.cr.commit()  # a scratch database; the import itself commits, as in production
    before = env.cr.sql_log_count
    started = time.perf_counter()
    bills = journal.with_context(default_move_type="in_invoice")._create_document_from_attachment(
        attachments.ids
    )
    elapsed = time.perf_counter() - started
    return elapsed, env.cr.sql_log_count - before, bills


def _setup(env, fx):
    company = env["res.company"].search([("vat", "=", fx.COMPANY_RUT)], limit=1)
    if not company:
        raise SystemExit(f"no company with RUT {fx.COMPANY_RUT} in this database")
    env = env(context={"allowed_company_ids": [company.id]})
    env["ir.config_parameter"].set_param("l10n_cl_ai.dte_ai_review", "False")
    journal = env["account.journal"].search(
        [("type", "=", "purchase"), ("company_id", "=", company.id)], limit=1
    )
    journal.l10n_latam_use_documents = True
    return env, company, journal


def _ubl_bytes(env, company, fx):
    """A UBL BIS 3 invoice of ``company`` with the factory's two default lines, exported by Odoo."""
    partner = env["res.partner"].create({"name": "Cliente UBL", "vat": fx.OTHER_RUT, "is_company": True})
    sale_vat = env["account.tax"].search(
        [("company_id", "=", company.id), ("type_tax_use", "=", "sale"), ("amount", "=", 19)], limit=1
    )
    spec = fx.doc_spec()
    invoice = env["account.move"].create(
        {
            "move_type": "out_invoice",
            "company_id": company.id,
            "partner_id": partner.id,
            "invoice_date": spec.issue_date,
            "journal_id": env["account.journal"]
            .search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
            .id,
            "invoice_line_ids": [
                (
                    0,
                    0,
                    {
                        "name": item.name,
                        "quantity": float(item.quantity),
                        "price_unit": float(item.price),
                        "discount": round(item.discount * 100 / float(item.quantity * item.price), 2),
                        "tax_ids": [(6, 0, [] if item.exempt else sale_vat.ids)],
                    },
                )
                for item in spec.items
            ],
        }
    )
    xml, _errors = env["account.edi.xml.ubl_bis3"]._export_invoice(invoice)
    invoice.unlink()
    return xml


def _report(label, samples, count):
    ms = statistics.median(s for s, _q, _b in samples) * 1000 / count
    queries = statistics.median(q for _s, q, _b in samples) / count
    print(f"   {label:44s} {ms:8.1f} ms/DTE  {queries:7.1f} queries/DTE")
    return ms, queries


def odoo_bench(db, conf, single):
    from scratch_db import scratch_registry  # noqa: PLC0415

    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    from fakes import dte_xml_factory as fx  # noqa: PLC0415

    with scratch_registry(db, conf, "reception") as registry, registry.cursor() as cr:
        env, company, journal = _setup(api.Environment(cr, SUPERUSER_ID, {}), fx)
        ubl = _ubl_bytes(env, company, fx)
        mime = "application/xml"

        def dte(folio):
            return {
                "name": f"F{folio}T33.xml",
                "raw": fx.dte_bytes(fx.doc_spec(folio=folio)),
                "mimetype": mime,
            }

        def ubl_file(n):
            return {"name": f"ubl_{n}.xml", "raw": ubl, "mimetype": mime}

        _measure(env, journal, [dte(1999)])  # warm-up (partner creation, caches)
        _measure(env, journal, [ubl_file(0)])
        ours_one, theirs_one = [], []
        for n in range(single):  # interleaved: a busy machine slows both sides alike
            ours_one.append(_measure(env, journal, [dte(1001 + n)]))
            theirs_one.append(_measure(env, journal, [ubl_file(n)]))
        envelope = fx.envio_bytes([fx.dte_xml(fx.doc_spec(folio=1101 + n)) for n in range(ENVELOPE_SIZE)])
        ours_many = _measure(env, journal, [{"name": "envio.xml", "raw": envelope, "mimetype": mime}])
        theirs_many = _measure(env, journal, [ubl_file(n) for n in range(ENVELOPE_SIZE)])
        assert all(len(b) == 1 for _s, _q, b in ours_one + theirs_one)
        assert len(ours_many[2]) == ENVELOPE_SIZE and len(theirs_many[2]) == ENVELOPE_SIZE
        for _s, _q, bills in [*ours_one, *theirs_one, ours_many, theirs_many]:  # both really decoded
            assert all(len(bill.invoice_line_ids) >= 2 and bill.amount_total > 0 for bill in bills)
        print(f"4. Odoo import through the Upload button (scratch copy of {db})")
        a = _report(f"one DTE per upload (median of {single})", ours_one, 1)
        b = _report(f"one UBL bill per upload (median of {single})", theirs_one, 1)
        c = _report(f"EnvioDTE of {ENVELOPE_SIZE} in one upload", [ours_many], ENVELOPE_SIZE)
        d = _report(f"{ENVELOPE_SIZE} UBL files in one upload", [theirs_many], ENVELOPE_SIZE)
        print(f"   ratio DTE/UBL, one per upload: {a[0] / b[0]:.2f}x time, {a[1] / b[1]:.2f}x queries")
        print(
            f"   ratio DTE/UBL, {ENVELOPE_SIZE} per upload: {c[0] / d[0]:.2f}x time,"
            f" {c[1] / d[1]:.2f}x queries"
        )
