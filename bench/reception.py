"""The received-DTE engine: TED verification per document, parse time per DTE, the buyer's checks.

    .venv/bin/python bench/reception.py [--repeat 30]

Plain Python, no database: documents come from ``l10n_cl_ai/tests/fakes/dte_xml_factory.py`` (ISO-8859-1, a
CAF with a 512-bit RSA key as the SII issues them, a valid TED). Each figure is the median of ``--repeat``
runs next to a baseline measured in the same process:

1. TED verification (``ted.verify``), µs per document: with the CAF key cached (an issuer's documents
   share one CAF), with the cache cleared, and with the SII's CAF signature checked too; baseline: one
   bare RSA PKCS#1 v1.5 SHA-1 verification of the same DD bytes (the cryptographic floor).
2. Parse, ms per DTE, for a bare DTE and for an EnvioDTE of 100 DTEs: ``parse.parse`` (size and DOCTYPE
   checks, hardened lxml parse, extraction into dataclasses, DD/DA flattening, each DTE's raw bytes)
   against lxml's plain ``etree.fromstring`` of the same bytes.
3. The buyer's checks (``checks.check``, TED included), µs per document, against ``ted.verify`` alone.

4. With ``--odoo-db DB``: the import into Odoo (vendor bills, ms and queries per DTE, one per upload and
   an EnvioDTE of 100) against ``account_edi_ubl_cii``'s import of a UBL bill with the same lines, in the
   same run, on a scratch copy of DB (``bench/reception_odoo.py``).
"""

import argparse
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [os.path.join(ROOT, "l10n_cl_ai"), os.path.join(ROOT, "l10n_cl_ai", "tests")]

from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import padding  # noqa: E402
from lxml import etree  # noqa: E402

from fakes import dte_xml_factory as fx  # noqa: E402
from services.reception import checks, parse, ted  # noqa: E402

ENVELOPE_SIZE = 100


def median_seconds(function, repeat):
    function()  # warm up
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def per_item(function, items, repeat):
    """Median seconds per item of ``function`` applied to every item (one sample = one pass)."""
    return median_seconds(lambda: [function(item) for item in items], repeat) / len(items)


def documents(count):
    specs = [fx.doc_spec(folio=1001 + n) for n in range(count)]
    return [fx.dte_xml(spec) for spec in specs]


def ted_bench(docs, repeat):
    keys = {fx.KEY_ID: fx.sii_public_pem()}
    caf = docs[0].ted.caf
    public_key = ted.caf_public_key(caf.modulus, caf.exponent)
    signature = ted._b64(docs[0].ted.signature)  # noqa: SLF001 - the same bytes verify() decodes
    signed = docs[0].ted.signed_dd[0]

    def bare(_doc):
        public_key.verify(signature, signed, padding.PKCS1v15(), hashes.SHA1())  # noqa: S303

    def uncached(doc):
        ted.caf_public_key.cache_clear()
        ted.verify(doc)

    baseline = per_item(bare, docs, repeat) * 1e6
    cached = per_item(ted.verify, docs, repeat) * 1e6
    cold = per_item(uncached, docs, repeat) * 1e6
    with_sii = per_item(lambda doc: ted.verify(doc, keys), docs, repeat) * 1e6
    print(f"1. TED verification ({len(docs)} documents, {public_key.key_size}-bit CAF key)")
    print(f"   RSA verify of the DD only (baseline)   {baseline:8.1f} µs/doc")
    for label, value in (
        ("ted.verify, CAF key cached", cached),
        ("ted.verify, CAF key rebuilt", cold),
        ("ted.verify + SII signature of the CAF", with_sii),
    ):
        print(f"   {label:38s} {value:8.1f} µs/doc   ratio {value / baseline:5.2f}x")


def parse_bench(dtes, repeat):
    print("2. parse (ISO-8859-1, TED with CAF, 2 lines each)")
    for label, data, count in (
        ("bare DTE", fx.dte_bytes(fx.doc_spec()), 1),
        (f"EnvioDTE of {len(dtes)}", fx.envio_bytes(dtes), len(dtes)),
    ):
        reception = parse.parse(data)
        assert len(reception.documents) == count and not reception.errors
        baseline = median_seconds(lambda d=data: etree.fromstring(d), repeat) * 1000 / count  # noqa: S320
        ours = median_seconds(lambda d=data: parse.parse(d), repeat) * 1000 / count
        print(
            f"   {label:17s} ({len(data) / 1024:6.1f} KiB)  lxml fromstring (baseline) "
            f"{baseline:7.3f} ms/DTE   parse.parse {ours:7.3f} ms/DTE   ratio {ours / baseline:5.1f}x"
        )


def checks_bench(docs, repeat):
    ctx = checks.Context(company_rut=fx.COMPANY_RUT, today=fx.TODAY)
    baseline = per_item(ted.verify, docs, repeat) * 1e6
    ours = per_item(lambda doc: checks.check(doc, ctx), docs, repeat) * 1e6
    print(f"3. buyer's checks ({len(docs)} documents)")
    print(f"   ted.verify alone (baseline)            {baseline:8.1f} µs/doc")
    print(f"   checks.check (all REC_* codes)         {ours:8.1f} µs/doc   ratio {ours / baseline:5.2f}x")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--odoo-db", help="also measure the Odoo import on a scratch copy of this database")
    parser.add_argument("--conf", default=os.path.join(ROOT, ".run", "odoo.conf"))
    parser.add_argument("--single", type=int, default=10, help="single-DTE uploads measured (Odoo part)")
    args = parser.parse_args()
    dtes = documents(ENVELOPE_SIZE)
    docs = list(parse.parse(fx.envio_bytes(dtes)).documents)
    ted_bench(docs, args.repeat)
    parse_bench(dtes, args.repeat)
    checks_bench(docs, args.repeat)
    if args.odoo_db:
        from reception_odoo import odoo_bench  # noqa: PLC0415 - imports Odoo only when asked

        odoo_bench(args.odoo_db, args.conf, args.single)


if __name__ == "__main__":
    main()
