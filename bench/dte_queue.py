"""Claude off the request path: the Validate (AI) click, and a storm of queued reviews.

    .venv/bin/python bench/dte_queue.py SOURCE_DB [--clicks 20] [--documents 1000] [--rate 20]

SOURCE_DB is a database with l10n_cl_ai and its demo data (``make setup``). The benchmark works on a
scratch copy of it (``createdb -T``), dropped at the end: the queue commits one document at a time, as
the real cron does.

1. Click-to-response. The server work of one click on Validate (AI) (``action_l10n_cl_ai_validate``:
   snapshot, SII checks, validation record, badge, chatter, the review queued) with a fake Claude that
   takes 5 s to answer, against the same click with Claude's review turned off, measured in the same
   process on the same kind of invoice: p50/p95 and their ratio (goal ≈ 1). For reference, the time the
   review itself takes (what a click would have cost with Claude inline).
2. Queue storm. ``--documents`` invoices queued at once (the list action) by one user whose limit is
   ``--rate`` reviews per minute. The queue's scheduled action is run the way Odoo's cron runner would
   (each time the next slot is due), on a simulated clock (``fields.Datetime.now`` and the per-process
   limiter's clock; Redis is left out so that its server clock does not have to be simulated): Claude
   calls, deferrals and usage rows per document, and the simulated total against the ideal
   (documents / rate minutes).
"""

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from unittest import mock

from scratch_db import percentile, scratch_registry

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [os.path.join(ROOT, "l10n_cl_ai", "tests")]

REVIEW = {"confidence": 90, "findings": [], "recommendation": "send"}


def _env(cr):
    import odoo  # noqa: PLC0415

    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    company = env.ref("l10n_cl_ai.demo_company")
    admin = env.ref("base.user_admin")
    return env(user=admin, context={"allowed_company_ids": company.ids}), company


def _params(env, **values):
    params = env["ir.config_parameter"].sudo()
    for name, value in values.items():
        params.set_param(f"l10n_cl_ai.{name}", value)


def _wire(env, fake, **values):
    """The engine talks to ``fake``: one attempt per call, no budget stop; ``values`` add settings."""
    _params(
        env,
        api_key=fake.api_key,
        base_url=fake.base_url,
        retry_max_attempts="1",
        budget_hard_stop="False",
        **values,
    )


def _invoices(env, company, count):
    from odoo import Command  # noqa: PLC0415

    journal = env["account.journal"].search(
        [("company_id", "=", company.id), ("type", "=", "sale"), ("l10n_latam_use_documents", "=", True)],
        limit=1,
    )
    vat = env["account.chart.template"].with_company(company).ref("ITAX_19")
    today = env["l10n_cl_ai.dte.snapshot"]._today() - datetime.timedelta(days=1)
    return env["account.move"].create(
        [
            {
                "move_type": "out_invoice",
                "partner_id": env.ref("l10n_cl_ai.partner_los_andes").id,
                "journal_id": journal.id,
                "invoice_date": today,
                "l10n_latam_document_type_id": env.ref("l10n_cl.dc_a_f_dte").id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Resma papel carta",
                            "quantity": 10 + n % 7,
                            "price_unit": 3990,
                            "tax_ids": [Command.set(vat.ids)],
                        }
                    )
                ],
            }
            for n in range(count)
        ]
    )


def _clicks(registry, fake, redis_url, count):
    """Click-to-response, review on (Claude at 5 s) and off, in ms."""
    from fakes.fake_anthropic import Reply  # noqa: PLC0415

    fake.default_reply = Reply(content=[{"type": "text", "text": json.dumps(REVIEW)}], delay=5.0)
    timings = {}
    with registry.cursor() as cr:
        env, company = _env(cr)
        _wire(env, fake, redis_url=redis_url, validate_rate_per_minute="100000")
        moves = _invoices(env, company, 2 * count + 3)
        for mode, review in (("off", "False"), ("queued", "True"), ("off", "False"), ("queued", "True")):
            _params(env, dte_ai_review=review)
            env.flush_all()
            samples = timings.setdefault(mode, [])
            for move in moves[:count] if mode == "off" else moves[count : 2 * count]:
                started = time.perf_counter()
                move.action_l10n_cl_ai_validate()
                env.flush_all()
                samples.append((time.perf_counter() - started) * 1000)
        _params(env, dte_ai_review="True")
        inline = []
        for move in moves[2 * count :]:
            move.action_l10n_cl_ai_validate()
            validation = move.l10n_cl_ai_last_validation_id
            started = time.perf_counter()
            validation._run_review()
            inline.append((time.perf_counter() - started) * 1000)
        cr.rollback()
    for mode in timings:
        timings[mode] = timings[mode][len(timings[mode]) // 2 :]  # the second round: warm
    return timings, inline


def _storm(registry, fake, documents, rate):
    """The queue under a rate limit on a simulated clock; returns the figures."""
    from odoo import fields  # noqa: PLC0415

    from fakes.fake_anthropic import Reply  # noqa: PLC0415

    fake.default_reply = Reply(content=[{"type": "text", "text": json.dumps(REVIEW)}])
    start = datetime.datetime(2030, 1, 1, 12, 0, 0)
    clock = {"now": start}

    def now(*_args, **_kwargs):
        return clock["now"]

    with registry.cursor() as cr:
        env, company = _env(cr)
        _wire(
            env,
            fake,
            redis_url="",
            redis_sentinels="",
            dte_ai_review="True",
            validate_rate_per_minute=str(rate),
            minimize_personal_data="False",
        )
        moves = _invoices(env, company, documents)
        cr.commit()
        engine = env["l10n_cl_ai.engine"]
        limiter = engine._services().limiter(engine._namespace())
        limiter.local.clock = lambda: (clock["now"] - start).total_seconds()
        requests_before = len(fake.messages_requests)
        usage_before = env["l10n_cl_ai.usage"].search_count([])
        Validation = env["l10n_cl_ai.validation"]
        with mock.patch.object(fields.Datetime, "now", now):
            moves.action_l10n_cl_ai_validate_batch()
            cr.commit()
            passes = 0
            wall = time.perf_counter()
            while True:
                queued = Validation.search([("state", "=", "queued"), ("move_id", "in", moves.ids)])
                if not queued:
                    break
                due = min((v.not_before for v in queued if v.not_before), default=clock["now"])
                clock["now"] = max(clock["now"], due)
                Validation._queue_run()
                passes += 1
            wall = time.perf_counter() - wall
        validations = Validation.search([("move_id", "in", moves.ids)])
        figures = {
            "documents": documents,
            "claude_calls": len(fake.messages_requests) - requests_before,
            "usage_rows": env["l10n_cl_ai.usage"].search_count([]) - usage_before,
            "deferrals": sum(validations.mapped("deferrals")),
            "unavailable": validations.filtered(lambda v: v.ai_status == "unavailable").__len__(),
            "done": validations.filtered(lambda v: v.ai_status == "done").__len__(),
            "passes": passes,
            "simulated_s": (clock["now"] - start).total_seconds(),
            "ideal_s": documents / rate * 60,
            "wall_s": wall,
        }
    return figures


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("db")
    parser.add_argument("--conf", default=os.path.join(ROOT, ".run", "odoo.conf"))
    parser.add_argument("--clicks", type=int, default=20)
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--rate", type=int, default=20)
    args = parser.parse_args()

    from fakes.fake_anthropic import FakeAnthropic  # noqa: PLC0415
    from fakes.redis_server import RedisServer  # noqa: PLC0415

    for name in ("L10N_CL_AI_REDIS_URL", "L10N_CL_AI_REDIS_SENTINELS"):
        os.environ.pop(name, None)  # the storm runs without Redis (its clock is simulated)
    fake = FakeAnthropic(api_key="sk-ant-bench")
    fake.start()
    redis_server = RedisServer().start()
    try:
        with scratch_registry(args.db, args.conf, "queue") as registry:
            timings, inline = _clicks(registry, fake, redis_server.url, args.clicks)
            off, queued = timings["off"], timings["queued"]
            print(f"click-to-response, {len(off)} warm clicks each (ms):")
            print(f"  review off:        p50 {statistics.median(off):7.1f}  p95 {percentile(off, 0.95):7.1f}")
            print(
                f"  review queued:     p50 {statistics.median(queued):7.1f}"
                f"  p95 {percentile(queued, 0.95):7.1f}"
                f"  (fake Claude answers in 5 s)"
            )
            print(
                f"  ratio queued/off:  p50 {statistics.median(queued) / statistics.median(off):.2f}"
                f"  p95 {percentile(queued, 0.95) / percentile(off, 0.95):.2f}"
            )
            print(
                "  the review itself (what an inline click would add):"
                f" p50 {statistics.median(inline):.0f} ms,"
                f" {statistics.median(inline) / statistics.median(off):.0f}x a click"
            )
            storm = _storm(registry, fake, args.documents, args.rate)
            n = storm["documents"]
            print(f"queue storm: {n} documents at {args.rate} reviews/minute (simulated clock):")
            print(
                f"  Claude calls per document {storm['claude_calls'] / n:.3f}, usage rows per document "
                f"{storm['usage_rows'] / n:.3f}, deferrals per document {storm['deferrals'] / n:.3f}"
            )
            print(
                f"  reviews done {storm['done']}, unavailable {storm['unavailable']}, "
                f"queue passes {storm['passes']}"
            )
            print(
                f"  simulated total {storm['simulated_s'] / 60:.1f} min against the ideal "
                f"{storm['ideal_s'] / 60:.1f} min: ratio {storm['simulated_s'] / storm['ideal_s']:.3f}"
                f" (wall clock {storm['wall_s']:.0f} s)"
            )
    finally:
        redis_server.close()
        fake.stop()


if __name__ == "__main__":
    main()
