"""Accuracy of the Discuss tax assistant, measured with your own Anthropic key: the share of answers that
contain the facts a correct answer must contain and cite the knowledge documents it must cite, and the
cost and latency of each answer.

    ANTHROPIC_API_KEY=sk-ant-... .venv/bin/python bench/answer_quality.py [--db l10n_cl_ai_demo]
        [--model claude-...] [--limit N] [--only SLUG] [--json results.json]
    .venv/bin/python bench/answer_quality.py --fake     # dry run of the plumbing, no key, nothing sent

The questions are ``bench/data/answer_quality.json`` (written the way an accountant asks, each with its
facts and documents; scored by ``bench/answer_quality_score.py``, whose docstring says what "contains a
fact" and "cites a document" mean: a document is cited when its title is in the reply's sources footer).
Each question goes through the bot's real path on a scratch copy of ``--db`` (``createdb -T``, dropped at
the end; the database itself is never changed): posted by the admin in the demo company to their direct
chat with the bot, stored as a ``l10n_cl_ai.chat.request``, answered by one run of the queue's cron
(``l10n_cl_ai.chat.answer``: plugin selection, knowledge passages, the plugin's prompt and tools, the Claude
call, the reply with its sources). Each question is asked alone: the copy sends no earlier messages
(``chat_context_messages`` = 0). Cost is the sum of the request's ``l10n_cl_ai.usage`` rows (their price
rows); latency is the time of the cron run that answered it (search, Claude and posting), with Claude's
own share from the usage rows. The shares are over the questions asked: a question the bot could not
answer (refused, failed) counts as wrong; three of them in a row stop the run (a wrong key, model or
budget would fail them all).

The key is read from ``ANTHROPIC_API_KEY`` and written only into the scratch copy's settings; it is never
printed. ``ANTHROPIC_BASE_URL``, when set, becomes the copy's API address. Without ``ANTHROPIC_API_KEY``
the bench says so and exits without touching any database. Every question is one paid request to Claude
(with tool rounds, a few): see the README for an estimate. ``--fake`` runs the same path against the test
suite's fake Messages API (``l10n_cl_ai/tests/fakes/fake_anthropic.py``) scripted with a fixed reply that
answers nothing: it proves the plumbing (requests, usage rows, costs, latencies, scoring) and its figures
are not accuracy. Never run by ``make test``.
"""

import argparse
import json
import logging
import os
import statistics
import sys
import time

from answer_quality_score import score
from scratch_db import demo_admin_env, percentile, scratch_registry

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [os.path.join(ROOT, "l10n_cl_ai", "tests")]
SET_PATH = os.path.join(ROOT, "bench", "data", "answer_quality.json")
FAILURES_IN_A_ROW = 3  # unanswered questions in a row that stop the run (a wrong key, model or budget)
DRY_RUN_REPLY = (
    "Respuesta fija del ensayo de la tubería (API falsa): no responde la pregunta.\n\n"
    "Fuentes: conocimiento general, verificar con el SII"
)
DRY_RUN_BANNER = (
    "DRY RUN against the fake Messages API (l10n_cl_ai/tests/fakes/fake_anthropic.py), scripted with a fixed "
    "reply that answers nothing: these figures check the plumbing, they are NOT the assistant's accuracy."
)


def load_questions(only=None, limit=None):
    """The labelled questions, those citing ``only`` (a slug) when given, the first ``limit`` of them."""
    with open(SET_PATH, encoding="utf-8") as handle:
        questions = json.load(handle)["questions"]
    if only:
        questions = [
            question
            for question in questions
            if any(
                only == entry or (not isinstance(entry, str) and only in entry)
                for entry in question["documents"]
            )
        ]
    return questions[:limit] if limit else questions


def _wire(env, api_key, base_url, model):
    """The scratch copy's settings: the key and address, the model, one question at a time."""
    params = env["ir.config_parameter"].sudo()
    for name, value in {
        "api_key": api_key,
        "base_url": base_url,
        "chat_model": model,
        "chat_bot_enabled": "True",
        "chat_context_messages": "0",  # each question alone, as in a new conversation
        "chat_rate_per_minute": "100000",  # the bench asks one question after the other
        "budget_hard_stop": "False",  # the copy's budgets must not refuse the measurement
        "redis_url": "",  # a per-process limiter: the bench does not count against a shared Redis
    }.items():
        params.set_param(f"l10n_cl_ai.{name}", value)


def _ask(registry, chat_id, question):
    """Post ``question`` to the bot, answer it with one cron run; ``(request id, wall ms)``."""
    with registry.cursor() as cr:
        env = demo_admin_env(cr)
        env["discuss.channel"].browse(chat_id).message_post(body=question, message_type="comment")
        request = env["l10n_cl_ai.chat.request"].search(
            [("channel_id", "=", chat_id)], order="id desc", limit=1
        )
        request_id = request.id
    with registry.cursor() as cr:
        env = demo_admin_env(cr)
        started = time.perf_counter()
        env["l10n_cl_ai.chat.request"]._queue_run(batch_size=1)
        elapsed_ms = (time.perf_counter() - started) * 1000
    return request_id, elapsed_ms


def _outcome(registry, request_id):
    """``(state, answer kind, error, reply body, usage rows)`` of an answered request; one left waiting for
    a retry is closed (the next question must not find it first in the queue)."""
    with registry.cursor() as cr:
        env = demo_admin_env(cr)
        request = env["l10n_cl_ai.chat.request"].sudo().browse(request_id)
        state, kind, error = request.state, request.answer_kind or "", request.error or ""
        body = str(request.reply_message_id.body or "")
        if state in ("queued", "running"):
            request.write({"state": "failed"})
        usage = (
            env["l10n_cl_ai.usage"]
            .sudo()
            .search_read(
                [("res_model", "=", request._name), ("res_id", "=", request_id)],
                ["cost_usd", "latency_ms", "outcome", "model", "input_tokens", "output_tokens"],
            )
        )
    return state, kind, error, body, usage


def _warm_up(registry):
    """Load the embedder, the plugins' descriptions, the index and the Claude client (the SDK's import)
    before the first timed answer, as a running cron worker holds them; no request is sent."""
    from odoo.addons.l10n_cl_ai.services.plugins.registry import REGISTRY  # noqa: PLC0415

    with registry.cursor() as cr:
        env = demo_admin_env(cr)
        engine = env["l10n_cl_ai.engine"]
        services = engine._services(engine._read_settings())
        services.claude(engine._namespace())  # builds the client: imports the SDK
        REGISTRY.select_detailed(
            "IVA de una factura", similarity=services.similarity, min_similarity=services.similarity_floor
        )
        env["l10n_cl_ai.knowledge.document"]._search_knowledge("IVA de una factura")


def _quiet_logs():
    """Warnings and errors only: the per-question lines are the output (Odoo's conf logs at INFO)."""
    logging.disable(logging.INFO)


def _run(registry, questions, api_key, base_url, model_option):
    with registry.cursor() as cr:
        env = demo_admin_env(cr)
        settings = env["l10n_cl_ai.engine"]._read_settings()
        model = model_option or settings.chat_model or settings.model
        _wire(env, api_key, base_url, model)
        documents = env["l10n_cl_ai.knowledge.document"].with_context(active_test=False).search([])
        titles = {document.slug: document.title for document in documents}
        chat_id = env["discuss.channel"]._get_or_create_chat([env.ref("l10n_cl_ai.partner_chat_bot").id]).id
    _warm_up(registry)
    results = []
    for number, item in enumerate(questions, 1):
        request_id, elapsed_ms = _ask(registry, chat_id, item["question"])
        state, kind, error, body, usage = _outcome(registry, request_id)
        result = {
            "id": item["id"],
            "question": item["question"],
            "state": state,
            "answer_kind": kind,
            "error": error,
            "cost_usd": sum(row["cost_usd"] for row in usage),
            "latency_ms": round(elapsed_ms),
            "claude_ms": sum(row["latency_ms"] for row in usage),
            "claude_calls": len(usage),
            "input_tokens": sum(row["input_tokens"] for row in usage),
            "output_tokens": sum(row["output_tokens"] for row in usage),
            "reply_html": body,
        }
        result.update(score(body, item, titles))
        results.append(result)
        print(_line(number, len(questions), result), flush=True)
        recent = results[-FAILURES_IN_A_ROW:]
        if len(recent) == FAILURES_IN_A_ROW and all(row["answer_kind"] != "answer" for row in recent):
            print(
                f"stopped: {FAILURES_IN_A_ROW} questions in a row got no answer from Claude (last: "
                f"{result['error'] or result['answer_kind']}); check the key, the model, its price row and "
                "the budgets"
            )
            break
    return model, results


def _line(number, total, result):
    cites = "yes" if result["cites_sources"] else "no "
    named = "yes" if result["names_sources_in_text"] else "no "
    missing = f"  missing: {', '.join(result['missing_facts'])}" if result["missing_facts"] else ""
    kind = result["answer_kind"]
    if kind != "answer":
        missing = ""
        kind = f"{result['state']}/{kind or '-'} ({(result['error'] or '')[:100]})"
    return (
        f"{number:3d}/{total} {result['id']:<28} facts {result['facts_found']}/{result['facts_total']}"
        f"  cites {cites}  [slug] {named}  ${result['cost_usd']:.5f}  {result['latency_ms']:6d} ms"
        f"  {kind}{missing}"
    )


def totals(results):
    """The shares and the cost and latency figures over ``results`` (one dict per question)."""
    count = len(results)
    costs = [result["cost_usd"] for result in results]
    latencies = [result["latency_ms"] for result in results]

    def share(key):
        return sum(1 for result in results if result[key]) / count

    return {
        "questions": count,
        "answered": sum(1 for result in results if result["answer_kind"] == "answer"),
        "all_facts": share("all_facts"),
        "cites_sources": share("cites_sources"),
        "both": sum(1 for result in results if result["all_facts"] and result["cites_sources"]) / count,
        "facts_found": sum(result["facts_found"] for result in results)
        / max(1, sum(result["facts_total"] for result in results)),
        "names_sources_in_text": share("names_sources_in_text"),
        "cost_usd_mean": statistics.mean(costs),
        "cost_usd_p95": percentile(costs, 0.95),
        "cost_usd_total": sum(costs),
        "latency_ms_mean": statistics.mean(latencies),
        "latency_ms_p95": percentile(latencies, 0.95),
        "claude_ms_mean": statistics.mean(result["claude_ms"] for result in results),
    }


def _print_totals(summary, model, dry_run):
    count = summary["questions"]

    def ratio(key):
        return f"{round(summary[key] * count):3d}/{count} = {summary[key]:.0%}"

    print(f"\nmodel {model}; {summary['answered']}/{count} questions answered by Claude")
    print(f"  answers with all their facts:        {ratio('all_facts')}")
    print(f"  answers citing their documents:      {ratio('cites_sources')}")
    print(f"  both:                                {ratio('both')}")
    print(f"  facts found, all answers together:   {summary['facts_found']:.0%}")
    print(f"  documents named [slug] in the text:  {ratio('names_sources_in_text')}")
    print(
        f"  cost per answer (USD):   mean {summary['cost_usd_mean']:.5f}  p95 {summary['cost_usd_p95']:.5f}"
        f"  total {summary['cost_usd_total']:.4f}"
    )
    print(
        f"  latency per answer (ms): mean {summary['latency_ms_mean']:.0f}"
        f"  p95 {summary['latency_ms_p95']:.0f}  (Claude's share: mean {summary['claude_ms_mean']:.0f})"
    )
    if dry_run:
        print(DRY_RUN_BANNER)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default=os.environ.get("DB", "l10n_cl_ai_demo"), help="source database")
    parser.add_argument("--conf", default=os.path.join(ROOT, ".run", "odoo.conf"))
    parser.add_argument("--model", default="", help="Claude model (default: the settings' chat model)")
    parser.add_argument("--limit", type=int, default=0, help="ask only the first N questions")
    parser.add_argument("--only", default="", help="ask only the questions citing this document slug")
    parser.add_argument("--json", default="", help="write the results and totals to this file")
    parser.add_argument(
        "--fake",
        action="store_true",
        help="dry run of the plumbing against the fake Messages API (not accuracy)",
    )
    args = parser.parse_args()
    questions = load_questions(args.only, args.limit)
    if not questions:
        print(f"no labelled question cites {args.only!r}")
        return 2
    fake = None
    if args.fake:
        from fakes.fake_anthropic import FakeAnthropic, Reply  # noqa: PLC0415

        fake = FakeAnthropic(api_key="sk-ant-dry-run")
        fake.default_reply = Reply(content=[{"type": "text", "text": DRY_RUN_REPLY}])
        fake.start()
        api_key, base_url = fake.api_key, fake.base_url
        print(DRY_RUN_BANNER)
    else:
        api_key = os.environ.get("ANTHROPIC_API_KEY", "").strip()
        if not api_key:
            print(
                f"set ANTHROPIC_API_KEY to run bench/answer_quality.py ({len(questions)} questions to "
                "Claude, billed to that key); nothing was sent and no database was touched"
            )
            return 0
        base_url = os.environ.get("ANTHROPIC_BASE_URL", "").strip()
        print(
            f"asking {len(questions)} question(s) through the Discuss bot, with the key of ANTHROPIC_API_KEY"
        )
        if base_url:
            print(f"API address from ANTHROPIC_BASE_URL: {base_url}")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        with scratch_registry(args.db, args.conf, "answer_quality") as registry:
            _quiet_logs()
            model, results = _run(registry, questions, api_key, base_url, args.model)
    finally:
        if fake is not None:
            fake.stop()
    summary = totals(results)
    _print_totals(summary, model, bool(fake))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(
                {"dry_run": bool(fake), "model": model, "totals": summary, "results": results},
                handle,
                ensure_ascii=False,
                indent=1,
            )
        print(f"results written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
