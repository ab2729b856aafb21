"""DTE validation through the ORM, on a database with l10n_cl_ai and its demo company installed.

    .venv/bin/python bench/dte_rules.py --orm-db dte_dev [--orm-invoices 1000]
    .venv/bin/python bench/dte_rules_orm.py dte_dev [--invoices 1000]

Everything happens in one transaction that is rolled back at the end, and the two usage rows the ledger
commits on their own transaction are deleted: the database is left unchanged.

1. A batch of generated invoices (types 33, 34, 39, 61; 1-8 lines; the demo customers, some with
   defects) validated the way the cron does it (``_process_queued``: savepoint, snapshot, rules,
   validation record with its findings, the move's state and fingerprint, one chatter message), Claude's
   review off. Printed: the batch in seconds, per invoice in ms, and the share of it spent building the
   snapshot and running the rules; baseline measured in the same process on the same invoices: l10n_cl's
   own ``_l10n_cl_get_amounts()`` (what its DTE template computes per invoice).
2. Claude's review of two different invoices of the same type, one after the other, against the fake
   Anthropic server (tokens estimated as the API's count endpoint does it in the fake: ~4 characters per
   token): the prompt's input tokens, the share read from the prompt cache on the second validation, and
   the cost of one validation at the default DTE model's prices, cold and warm, against the $0.003 per
   request the replaced service claimed.
"""

import argparse
import os
import random
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [os.path.join(ROOT, "l10n_cl_ai", "tests")]

REPLACED_SERVICE_USD = 0.003
PRODUCTS = [
    ("Resma papel carta 500 hojas", 3990),
    ("Archivador palanca lomo ancho", 1790),
    ("Tóner negro HP 26A", 68990),
    ("Silla ergonómica malla", 129990),
    ("Cuaderno universitario 100 hojas", 1490),
    ("Servicio de mantención", 45000),
    ("Destacador amarillo caja 12", 4990),
    ("Calculadora científica", 15990),
]
REVIEW_REPLY = {
    "confidence": 86,
    "findings": [
        {
            "code": "IA_MONTO_INUSUAL",
            "severity": "info",
            "field": "lines[0].quantity",
            "message": "La cantidad es mayor que en las últimas facturas del cliente; confirme que es "
            "correcta.",
        }
    ],
    "recommendation": "send",
}


def _odoo_env(db, conf):
    import odoo  # noqa: PLC0415 - only the ORM part needs Odoo
    from odoo.modules.registry import Registry  # noqa: PLC0415
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config(["-c", conf, "-d", db])
    registry = Registry(db)
    cr = registry.cursor()
    return odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}), cr


def _setup(env):
    company = env.ref("l10n_cl_ai.demo_company")
    admin = env.ref("base.user_admin")
    env = env(user=admin, context={"allowed_company_ids": company.ids})
    chart = env["account.chart.template"].with_company(company)
    vat = chart.ref("ITAX_19")
    vat_included = vat.copy({"name": "19% IVA incluido (bench)", "price_include_override": "tax_included"})
    journal = env["account.journal"].search(
        [("company_id", "=", company.id), ("type", "=", "sale"), ("l10n_latam_use_documents", "=", True)],
        limit=1,
    )
    partners = {key: env.ref(f"l10n_cl_ai.partner_{key}") for key in ("los_andes", "invalid_rut", "no_giro")}
    consumer = env.ref("l10n_cl_ai.partner_consumer")
    docs = {
        code: env.ref(ref)
        for code, ref in (
            ("33", "l10n_cl.dc_a_f_dte"),
            ("34", "l10n_cl.dc_y_f_dte"),
            ("39", "l10n_cl.dc_b_f_dte"),
            ("61", "l10n_cl.dc_nc_f_dte"),
        )
    }
    return env, company, journal, {"vat": vat, "vat_included": vat_included}, partners, consumer, docs


def _generate(env, count, rng, journal, taxes, partners, consumer, docs):
    from odoo import Command  # noqa: PLC0415

    values = []
    for _ in range(count):
        code = rng.choice(["33"] * 6 + ["34", "39", "39", "61"])
        partner = consumer if code == "39" else rng.choice(list(partners.values()))
        tax = {"34": None, "39": taxes["vat_included"]}.get(code, taxes["vat"])
        lines = []
        for name, price in rng.sample(PRODUCTS, rng.randint(1, 8)):
            line = {"name": name, "quantity": rng.randint(1, 40), "price_unit": price}
            line["tax_ids"] = [Command.set(tax.ids)] if tax else []
            lines.append(Command.create(line))
        if rng.random() < 0.15:
            discount = {"name": "Descuento global", "quantity": 1, "price_unit": -rng.randint(1, 20) * 500}
            discount["tax_ids"] = [Command.set(tax.ids)] if tax else []
            lines.append(Command.create(discount))
        values.append(
            {
                "move_type": "out_refund" if code == "61" else "out_invoice",
                "partner_id": partner.id,
                "journal_id": journal.id,
                "invoice_date": "2026-11-20",
                "l10n_latam_document_type_id": docs[code].id,
                "invoice_line_ids": lines,
            }
        )
    return env["account.move"].create(values)


def _batch(env, moves):
    """Validate ``moves`` as the cron does (minus the commit per document); returns seconds."""
    Validation = env["l10n_cl_ai.validation"]
    validations = Validation._create_for(moves, "queued")
    env.flush_all()
    start = time.perf_counter()
    for validation in validations:
        validation._process_queued()
    env.flush_all()
    elapsed = time.perf_counter() - start
    states = validations.mapped("state")
    assert states.count("done") == len(moves), {s: states.count(s) for s in set(states)}
    return elapsed, validations


def _per_invoice_ms(function, moves):
    start = time.perf_counter()
    for move in moves:
        function(move)
    return (time.perf_counter() - start) * 1000 / len(moves)


def _claude_part(env, company, journal, taxes, partners, docs):
    from odoo import Command  # noqa: PLC0415

    from fakes.fake_anthropic import FakeAnthropic  # noqa: PLC0415

    params = env["ir.config_parameter"].sudo()
    fake = FakeAnthropic(api_key="sk-ant-bench")
    fake.start()
    try:
        for name, value in {
            "api_key": "sk-ant-bench",
            "base_url": fake.base_url,
            "redis_url": "",
            "redis_sentinels": "",
            "dte_ai_review": "True",
            "minimize_personal_data": "True",
            "validate_rate_per_minute": "1000",
            "retry_max_attempts": "1",
            "budget_hard_stop": "False",
        }.items():
            params.set_param(f"l10n_cl_ai.{name}", value)
        settings = env["l10n_cl_ai.engine"]._read_settings()
        usages = []
        for partner, lines in (
            (
                partners["los_andes"],
                [("Resma papel carta 500 hojas", 40, 3990), ("Archivador palanca", 25, 1790)],
            ),
            (
                partners["los_andes"],
                [
                    ("Tóner negro HP 26A", 3, 68990),
                    ("Silla ergonómica malla", 2, 129990),
                    ("Destacador amarillo caja 12", 10, 4990),
                ],
            ),
        ):
            move = env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "journal_id": journal.id,
                    "invoice_date": "2026-11-20",
                    "l10n_latam_document_type_id": docs["33"].id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": n,
                                "quantity": q,
                                "price_unit": p,
                                "tax_ids": [Command.set(taxes["vat"].ids)],
                            }
                        )
                        for n, q, p in lines
                    ],
                }
            )
            fake.reply_json(REVIEW_REPLY)
            move.action_l10n_cl_ai_validate()  # the checks; the review is queued
            validation = move.l10n_cl_ai_last_validation_id
            validation._run_review()  # what the queue's cron runs
            assert validation.ai_status == "done", (validation.ai_status, validation.ai_reason)
            usages.append(_committed_usage(env, validation._call_key()))
        return settings.dte_model, usages
    finally:
        fake.stop()


def _committed_usage(env, call_key):
    """The ledger row of a call, read on its own cursor (the ledger commits it on its own transaction),
    then deleted so that the database is left as it was."""
    from types import SimpleNamespace  # noqa: PLC0415

    fields = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "cost_usd")
    with env.registry.cursor() as cr:
        cr.execute(
            "SELECT input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd "
            "FROM l10n_cl_ai_usage WHERE call_key = %s ORDER BY id DESC LIMIT 1",
            [call_key],
        )
        row = cr.fetchone()
        cr.execute("DELETE FROM l10n_cl_ai_usage WHERE call_key = %s", [call_key])
    return SimpleNamespace(**dict(zip(fields, row, strict=True)))


def run(db, invoices=1000, seed=11, conf=None):
    conf = conf or os.path.join(ROOT, ".run", "odoo.conf")
    env, cr = _odoo_env(db, conf)
    try:
        env, company, journal, taxes, partners, consumer, docs = _setup(env)
        env["ir.config_parameter"].sudo().set_param("l10n_cl_ai.dte_ai_review", "False")
        rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
        start = time.perf_counter()
        quiet = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True))
        moves = _generate(quiet, invoices, rng, journal, taxes, partners, consumer, docs).with_env(env)
        env.flush_all()
        created = time.perf_counter() - start
        lines = statistics.median(len(move.invoice_line_ids) for move in moves)

        Snapshots = env["l10n_cl_ai.dte.snapshot"]
        from odoo.addons.l10n_cl_ai.services.dte_rules import check  # noqa: PLC0415

        env.invalidate_all()
        baseline_ms = _per_invoice_ms(lambda move: move._l10n_cl_get_amounts(), moves)
        env.invalidate_all()
        rules_ms = _per_invoice_ms(lambda move: check(Snapshots._snapshot(move)), moves)
        env.invalidate_all()
        seconds, validations = _batch(env, moves)
        results = validations.mapped("result_state")

        print(
            f"ORM: {invoices} generated invoices (median {lines:g} lines) created in {created:.1f} s;",
            "results:",
            {state: results.count(state) for state in ("ok", "review", "error")},
        )
        print(
            f"batch through the ORM path   {seconds:8.2f} s   ({seconds * 1000 / invoices:.2f} ms/invoice: "
            "snapshot, rules, validation + findings, move state, chatter message)"
        )
        print(f"  snapshot from account.move + rules {rules_ms:6.2f} ms/invoice")
        print(f"baseline l10n_cl _l10n_cl_get_amounts {baseline_ms:6.2f} ms/invoice")
        print(f"ratio snapshot + rules / l10n_cl amounts : {rules_ms / baseline_ms:6.1f}x")
        print(f"ratio full validation / l10n_cl amounts  : {seconds * 1000 / invoices / baseline_ms:6.1f}x")

        model, (cold, warm) = _claude_part(env, company, journal, taxes, partners, docs)

        def prompt_tokens(usage):
            return usage.input_tokens + usage.cache_read_tokens + usage.cache_write_tokens

        print(f"Claude review ({model}, fake server, ~4 chars/token):")
        print(
            f"  prompt input tokens per validation: cold {prompt_tokens(cold):,}, "
            f"warm {prompt_tokens(warm):,}"
            f" (output {cold.output_tokens:,})"
        )
        share = warm.cache_read_tokens / prompt_tokens(warm)
        print(
            f"  second validation (another invoice): {warm.cache_read_tokens:,} tokens read from the cache "
            f"= {share:.0%} of its prompt"
        )
        print(f"  cost of one validation: cold ${cold.cost_usd:.5f}, warm ${warm.cost_usd:.5f}")
        print(
            f"  ratio against the replaced service's ${REPLACED_SERVICE_USD}/request: cold "
            f"{cold.cost_usd / REPLACED_SERVICE_USD:.2f}x, warm {warm.cost_usd / REPLACED_SERVICE_USD:.2f}x"
        )
    finally:
        cr.rollback()
        cr.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db")
    parser.add_argument("--invoices", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--config", default=None)
    args = parser.parse_args()
    run(args.db, args.invoices, args.seed, args.config)


if __name__ == "__main__":
    main()
