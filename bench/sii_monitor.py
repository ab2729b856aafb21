"""The SII publication monitor: parse time, the cost of an unchanged run, tokens and cost per summary.

    .venv/bin/python bench/sii_monitor.py SOURCE_DB [--conf .run/odoo.conf] [--repeat 20]

SOURCE_DB is a database with l10n_cl_ai (``make setup``); the runs work on a scratch copy of it
(``createdb -T``), dropped at the end, because the scheduled action commits page by page as in production.

1. Parse time of a 1 MB circulars listing (ISO-8859-1, ~2,800 entries, the fixture layout): decode +
   ``parse_listing``, median of ``--repeat`` runs, against lxml's bare parse of the same text (the
   baseline, same process).
2. Full runs of the scheduled action against a fake SII site (3 pages: circulars, resolutions, news) and
   the fake Anthropic API on 127.0.0.1: the first run (7 new publications, 7 summaries) and then an
   unchanged run (ETag -> 304), and one more with ETags off (same bytes -> same hash): pages fetched,
   Claude calls, time, and the ratio of an unchanged run to the first.
3. Tokens and cost per summary on the configured SII model (``sii_model``), from the usage rows the
   first run wrote. The fake counts tokens as the API's estimate does (characters / 4 of the JSON), so
   the figures are the prompt's size, not a tokenizer's exact count.
"""

import argparse
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [os.path.join(ROOT, "l10n_cl_ai"), os.path.join(ROOT, "l10n_cl_ai", "tests")]

from lxml import html  # noqa: E402
from scratch_db import scratch_registry  # noqa: E402

from fakes import sii_fixtures as fx  # noqa: E402
from fakes.fake_anthropic import FakeAnthropic  # noqa: E402
from fakes.fake_sii import FakeSii  # noqa: E402
from services.sii_monitor import decoding, parse  # noqa: E402

BASE = "https://www.sii.cl/normativa_legislacion/circulares/2025/indcir2025.htm"
TEMPLATES = (
    "/normativa_legislacion/circulares/{year}/indcir{year}.htm",
    "/normativa_legislacion/resoluciones/{year}/res_ind{year}.htm",
    "/noticias/{year}/index.html",
)
REPLY = {
    "summary": "El SII modifica el formato del documento tributario electrónico de las facturas de "
    "exportación y fija un plazo de adecuación de tres meses. Afecta a los emisores electrónicos "
    "que exportan servicios. Las versiones anteriores del esquema se rechazarán desde esa fecha.",
    "areas": ["dte", "comercio_exterior"],
    "priority": 4,
    "actions": [
        "Actualizar el software de facturación al nuevo esquema",
        "Revisar las facturas de exportación emitidas este mes",
        "Informar al equipo de ventas internacionales",
    ],
    "questions": [
        "cambia el xml de la factura de exportacion?",
        "cuanto plazo tengo pa adecuar el sistema de facturacion",
    ],
}


def median_ms(function, repeat):
    function()  # warm up
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def parse_bench(repeat):
    raw, entries = fx.big_listing()
    text, _encoding = decoding.decode(raw, "text/html")
    baseline = median_ms(lambda: html.document_fromstring(text), repeat)
    ours = median_ms(lambda: parse.parse_listing(decoding.decode(raw, "text/html")[0], BASE), repeat)
    found = len(parse.parse_listing(text, BASE))
    print(f"1. parse a {len(raw) / 1024 / 1024:.2f} MB listing ({entries} entries, {found} found)")
    print(f"   lxml document_fromstring (baseline)   {baseline:8.1f} ms")
    print(f"   decode + parse_listing                 {ours:8.1f} ms   ratio {ours / baseline:.2f}x")


def runs_bench(source, conf):
    import odoo  # noqa: PLC0415

    with (
        scratch_registry(source, conf, "sii") as registry,
        FakeSii() as site,
        FakeAnthropic(api_key="sk-ant-bench") as claude,
    ):
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            year = env["l10n_cl_ai.sii.publication"]._current_year()
            paths = [template.format(year=year) for template in TEMPLATES]
            for path, body in zip(
                paths,
                (fx.circulars_html(year), fx.resolutions_html(year), fx.news_html(year)),
                strict=True,
            ):
                site.set_page(path, fx.encoded(body))
            params = env["ir.config_parameter"]
            for key, value in {
                "sii_urls": " ".join(site.url(template) for template in TEMPLATES),
                "api_key": "sk-ant-bench",
                "base_url": claude.base_url,
                "redis_url": "",
                "validate_rate_per_minute": "1000",
                "sii_knowledge": "False",
            }.items():
                params.set_param(f"l10n_cl_ai.{key}", value)
            env["l10n_cl_ai.sii.publication"].search([]).unlink()
            env["l10n_cl_ai.sii.page"].with_context(active_test=False).search([]).unlink()
            model = env["l10n_cl_ai.engine"]._read_settings().sii_model
        claude.default_reply = None
        rows = []
        for label, etags in (("first run", True), ("unchanged (304)", True), ("unchanged (hash)", False)):
            site.etags = etags
            site.clear_requests()
            claude.clear()
            for _ in range(7):
                claude.reply_json(REPLY)
            started = time.perf_counter()
            with registry.cursor() as cr:
                env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
                env["l10n_cl_ai.sii.publication"]._cron_monitor()
            elapsed = (time.perf_counter() - started) * 1000
            with registry.cursor() as cr:
                env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
                stored = env["l10n_cl_ai.sii.publication"].search_count([])
                states = sorted(set(env["l10n_cl_ai.sii.page"].search([]).mapped("state")))
            rows.append((label, len(site.requests), len(claude.messages_requests), stored, states, elapsed))
        print("2. full runs of the scheduled action (3 pages, fake SII and fake Claude on loopback)")
        first_ms = rows[0][-1]
        for label, fetched, calls, stored, states, elapsed in rows:
            print(
                f"   {label:18s} pages fetched {fetched}, Claude calls {calls}, publications {stored}, "
                f"page states {','.join(states)}: {elapsed:7.1f} ms   ratio {elapsed / first_ms:.2f}x"
            )
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            usage = env["l10n_cl_ai.usage"].search([("feature", "=", "sii"), ("outcome", "=", "ok")])
            count = len(usage) or 1
            print(f"3. per summary on {model} ({len(usage)} summaries, prices from l10n_cl_ai.model.price)")
            print(
                f"   input {sum(usage.mapped('input_tokens')) / count:.0f} tokens "
                f"(+{sum(usage.mapped('cache_read_tokens')) / count:.0f} cache read, "
                f"{sum(usage.mapped('cache_write_tokens')) / count:.0f} cache write), "
                f"output {sum(usage.mapped('output_tokens')) / count:.0f} tokens, "
                f"cost {sum(usage.mapped('cost_usd')) / count:.6f} USD"
            )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("source_db")
    parser.add_argument("--conf", default=os.path.join(ROOT, ".run", "odoo.conf"))
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    parse_bench(args.repeat)
    runs_bench(args.source_db, args.conf)


if __name__ == "__main__":
    main()
