"""The Discuss tax assistant: posting costs no Claude latency, one cron worker's throughput, and the tokens
and cost of an answer, cold and warm.

    .venv/bin/python bench/chat.py SOURCE_DB [--posts 30] [--answers 30] [--latency 0.5]

SOURCE_DB is a database with l10n_cl_ai and its demo data (``make setup``). The benchmark works on a
scratch copy of it (``createdb -T``), dropped at the end; Claude is the test suite's fake Messages API
on 127.0.0.1 (its usage counts cached prefixes as the API does).

1. Post-to-stored. The server work of posting a question to the bot (``message_post`` in the direct
   chat: the hook stores the request and wakes the cron; flushed and committed), against a plain
   ``message_post`` in a direct chat with a colleague, same process, same text: p50/p95 and their ratio.
   Claude is scripted to take 5 s: any Claude call on this path would show.
2. Throughput. ``--answers`` questions queued, then the queue's scheduled action run once, as one cron
   worker would, with a fake Claude of fixed ``--latency`` seconds: answers per minute against the ideal
   ``60 / latency``.
3. Tokens and cost of a typical answer (no tool round), at the ``claude-sonnet-5-5`` price row: a first
   question with the prompt cache cold, then a second question in the same conversation (warm): input,
   cache write, cache read and output tokens, cost, and the share of the prompt read from the cache.
4. Time to first text. A fake Claude streaming ``FIRST_TEXT_EVENTS`` text deltas 50 ms apart (about 2.3 s
   for the whole answer); from the moment the cron picks the question (the request committed as running)
   to the first bot message with text committed (read by another connection, polled every 5 ms), and to
   the request committed as answered; median of ``--first-text-runs`` questions, streamed
   (``chat_streaming`` on) and not (off: the answer posted at the end), in the same run.
5. Cron workers (``bench_workers``). ``--answers`` questions, each in its own conversation, answered by
   Odoo's own cron machinery: two threads, each on its own cursor, doing what a cron thread of
   ``odoo-bin --max-cron-threads=2`` does (``ir.cron._process_jobs_loop`` over the queue's scheduled
   actions: acquire a ready job with ``FOR NO KEY UPDATE SKIP LOCKED``, run it, poll again), fake Claude
   at ``--latency``; with ``chat_queue_workers`` = 1 (one scheduled action: the second thread finds it
   locked) and = 2. Answers per minute, their ratio, and a check that no question got two replies or two
   Claude calls.
"""

import argparse
import math
import os
import statistics
import sys
import threading
import time

from scratch_db import demo_admin_env, percentile, scratch_registry

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [os.path.join(ROOT, "l10n_cl_ai", "tests")]

QUESTIONS = [
    "¿Cómo anulo una factura electrónica que ya envié al SII?",
    "¿Qué significa que el SII dejó un documento con reparos?",
    "¿Cuándo debo usar una boleta exenta en vez de una afecta?",
    "¿Qué plazo tiene mi cliente para reclamar una factura en el registro de compras?",
    "¿Cómo se calcula el IVA de una boleta de 11.900 pesos?",
    "¿Qué es el CAF y qué pasa si se me acaban los folios?",
]
# a typical answer: direct reply, three steps, sources (about 120 output tokens)
ANSWER = (
    "Se anula emitiendo una **nota de crédito electrónica (61)** que referencia la factura con CodRef 1.\n\n"
    "1. Abra la factura y pulse *Nota de crédito*.\n"
    "2. Elija «Anular documento» y confirme.\n"
    "3. Envíe la nota al SII como cualquier DTE.\n\n"
    "Fuentes: [notas-credito-debito] Res. Ex. SII N° 45 de 2003."
)


def _wire(env, fake):
    params = env["ir.config_parameter"].sudo()
    for name, value in {
        "api_key": fake.api_key,
        "base_url": fake.base_url,
        "retry_max_attempts": "1",
        "budget_hard_stop": "False",
        "chat_rate_per_minute": "100000",
        "chat_bot_enabled": "True",
        "chat_context_messages": "6",
        "chat_max_open_requests": "50",  # the admin asks all the questions: no refusal past the default 5
        "model": "claude-sonnet-5-5",
        "chat_model": "",
        "redis_url": "",  # per-process limiter: the throughput measured is the queue's, not Redis'
    }.items():
        params.set_param(f"l10n_cl_ai.{name}", value)


def _post_timings(registry, fake, count):
    """(bot chat samples, plain channel samples) in ms, interleaved in rounds."""
    from fakes.fake_anthropic import Reply  # noqa: PLC0415

    fake.default_reply = Reply(content=[{"type": "text", "text": ANSWER}], delay=5.0)
    with registry.cursor() as cr:
        env = demo_admin_env(cr)
        _wire(env, fake)
        bot = env.ref("l10n_cl_ai.partner_chat_bot")
        chat = env["discuss.channel"]._get_or_create_chat([bot.id])
        colleague = env["res.users"].create({"name": "Colega de bench", "login": "bench_colleague"})
        plain = env["discuss.channel"]._get_or_create_chat([colleague.partner_id.id])
    samples = {"bot": [], "plain": []}
    for index in range(2 * count + 4):
        kind = "bot" if index % 2 else "plain"
        with registry.cursor() as cr:
            env = demo_admin_env(cr)
            channel = env["discuss.channel"].browse((chat if kind == "bot" else plain).id)
            started = time.perf_counter()
            channel.message_post(body=QUESTIONS[index % len(QUESTIONS)], message_type="comment")
            env.flush_all()
            cr.commit()
            if index >= 4:  # the first rounds warm the caches of both paths
                samples[kind].append((time.perf_counter() - started) * 1000)
    with registry.cursor() as cr:
        env = demo_admin_env(cr)
        stored = env["l10n_cl_ai.chat.request"].search_count([("state", "=", "queued")])
    return samples, stored, len(fake.messages_requests)


def _throughput(registry, fake, count, latency):
    from fakes.fake_anthropic import Reply  # noqa: PLC0415

    fake.default_reply = Reply(content=[{"type": "text", "text": ANSWER}], delay=latency)
    with registry.cursor() as cr:
        env = demo_admin_env(cr)
        env["l10n_cl_ai.chat.request"].search([]).sudo().write({"state": "done"})  # drop part 1's questions
        bot = env.ref("l10n_cl_ai.partner_chat_bot")
        chat = env["discuss.channel"]._get_or_create_chat([bot.id])
        for index in range(count):
            chat.message_post(body=QUESTIONS[index % len(QUESTIONS)], message_type="comment")
    with registry.cursor() as cr:  # warm-up: one answer loads the embedder and the index
        env = demo_admin_env(cr)
        env["l10n_cl_ai.chat.request"]._queue_run(batch_size=1)
    calls_before = len(fake.messages_requests)
    with registry.cursor() as cr:
        env = demo_admin_env(cr)
        started = time.perf_counter()
        env["l10n_cl_ai.chat.request"]._queue_run(batch_size=count)
        elapsed = time.perf_counter() - started
        done = env["l10n_cl_ai.chat.request"].search_count(
            [("state", "=", "done"), ("answer_kind", "=", "answer")]
        )
    answered = len(fake.messages_requests) - calls_before
    return answered, elapsed, done


def _cost(registry, fake):
    """Usage rows of a cold then a warm answer in one conversation."""
    from fakes.fake_anthropic import Reply  # noqa: PLC0415

    fake.default_reply = Reply(content=[{"type": "text", "text": ANSWER}])
    fake.reset_cache()
    rows = []
    with registry.cursor() as cr:
        env = demo_admin_env(cr)
        bot = env.ref("l10n_cl_ai.partner_chat_bot")
        chat = env["discuss.channel"]._create_group(partners_to=bot.ids, name="bench-cost")
    for question in QUESTIONS[:2]:
        with registry.cursor() as cr:
            env = demo_admin_env(cr)
            channel = env["discuss.channel"].browse(chat.id)
            channel.message_post(body=question, message_type="comment", partner_ids=bot.ids)
            env.flush_all()
            cr.commit()
            env["l10n_cl_ai.chat.request"]._queue_run()
        with registry.cursor() as cr:
            env = demo_admin_env(cr)
            rows.append(
                env["l10n_cl_ai.usage"]
                .sudo()
                .search([("feature", "=", "chat")], order="id desc", limit=1)
                .read(
                    ["input_tokens", "cache_write_tokens", "cache_read_tokens", "output_tokens", "cost_usd"]
                )[0]
            )
    return rows


FIRST_TEXT_EVENTS = 40
FIRST_TEXT_DELAY_S = 0.05
POLL_S = 0.005


def _first_text_once(registry, channel_id, bot_id):
    """Post one question to the bot in ``channel_id``, run the queue once; (to first text, to the whole
    answer) in seconds from the request committed as running, both as another connection sees them."""
    request_model = registry["l10n_cl_ai.chat.request"]
    original_mark = request_model._queue_mark_running
    marks, seen, stop = [], {}, threading.Event()

    def mark_running(self):
        original_mark(self)  # commits
        marks.append(time.monotonic())

    with registry.cursor() as cr:
        env = demo_admin_env(cr)
        cr.execute("SELECT COALESCE(MAX(id), 0) FROM mail_message")
        last_message = cr.fetchone()[0]
        channel = env["discuss.channel"].browse(channel_id)
        channel.message_post(body=QUESTIONS[0], message_type="comment", partner_ids=[bot_id])
        env.flush_all()
        request_id = env["l10n_cl_ai.chat.request"].search([], order="id desc", limit=1).id

    def poll():
        while not stop.is_set():
            with registry.cursor() as cr:
                if "text" not in seen:
                    cr.execute(
                        "SELECT 1 FROM mail_message WHERE id > %s AND res_id = %s"
                        " AND model = 'discuss.channel' AND author_id = %s AND body != '' LIMIT 1",
                        [last_message, channel_id, bot_id],
                    )
                    if cr.fetchone():
                        seen["text"] = time.monotonic()
                cr.execute("SELECT state FROM l10n_cl_ai_chat_request WHERE id = %s", [request_id])
                if cr.fetchone()[0] in ("done", "failed"):
                    seen["done"] = time.monotonic()
                    return
            time.sleep(POLL_S)

    poller = threading.Thread(target=poll, daemon=True)
    request_model._queue_mark_running = mark_running
    try:
        poller.start()
        with registry.cursor() as cr:
            demo_admin_env(cr)["l10n_cl_ai.chat.request"]._queue_run(batch_size=1)
        poller.join(timeout=30)
    finally:
        stop.set()
        request_model._queue_mark_running = original_mark
    return seen["text"] - marks[0], seen["done"] - marks[0]


def _print_first_text(registry, fake, runs):
    """Section 4: time to first text, streamed and not (see the module docstring)."""
    from fakes.fake_anthropic import Reply  # noqa: PLC0415

    fake.default_reply = Reply(
        content=[{"type": "text", "text": ANSWER}],
        event_delay=FIRST_TEXT_DELAY_S,
        chunk_size=math.ceil(len(ANSWER) / FIRST_TEXT_EVENTS),
    )
    with registry.cursor() as cr:
        env = demo_admin_env(cr)
        _wire(env, fake)
        env["l10n_cl_ai.chat.request"].search([("state", "!=", "done")]).sudo().write({"state": "done"})
        bot = env.ref("l10n_cl_ai.partner_chat_bot")
        channel_id = env["discuss.channel"]._create_group(partners_to=bot.ids, name="bench-first-text").id
    results = {}
    for streaming in ("True", "False"):
        with registry.cursor() as cr:
            demo_admin_env(cr)["ir.config_parameter"].sudo().set_param("l10n_cl_ai.chat_streaming", streaming)
        _first_text_once(registry, channel_id, bot.id)  # warm-up (embedder, index, settings)
        results[streaming] = [_first_text_once(registry, channel_id, bot.id) for _ in range(runs)]
    print(
        f"time to first text, fake Claude streaming {FIRST_TEXT_EVENTS} text deltas"
        f" {FIRST_TEXT_DELAY_S * 1000:.0f} ms apart, median of {runs} (s):"
    )
    for label, streaming in (("streamed", "True"), ("not streamed", "False")):
        first = statistics.median(run[0] for run in results[streaming])
        whole = statistics.median(run[1] for run in results[streaming])
        print(
            f"  {label:13s} first text {first:6.3f}  whole answer {whole:6.3f}"
            f"  first/whole {first / whole:.2f}"
        )
    streamed = statistics.median(run[0] for run in results["True"])
    unstreamed = statistics.median(run[0] for run in results["False"])
    print(f"  first text, streamed / not streamed: {streamed / unstreamed:.2f} (goal: first text <= 0.3 s)")


def _post_in_own_conversations(registry, count, tag):
    """``count`` questions of the admin, each in a new conversation with the bot (mentioned); committed.
    Returns the ids of their requests."""
    with registry.cursor() as cr:
        env = demo_admin_env(cr)
        requests = env["l10n_cl_ai.chat.request"]
        requests.search([("state", "in", ("queued", "running"))]).sudo().write({"state": "done"})
        bot = env.ref("l10n_cl_ai.partner_chat_bot")
        ids = []
        for index in range(count):
            channel = env["discuss.channel"]._create_group(partners_to=bot.ids, name=f"bench-{tag}-{index}")
            channel.message_post(
                body=QUESTIONS[index % len(QUESTIONS)], message_type="comment", partner_ids=bot.ids
            )
            ids.append(requests.search([("channel_id", "=", channel.id)]).id)
        return ids


def _cron_threads(registry, cron_ids, request_ids, threads=2, limit_s=600.0):
    """Run the queue's scheduled actions as ``threads`` cron threads would, until every request of
    ``request_ids`` is answered; returns the seconds it took."""
    from odoo.addons.base.models.ir_cron import IrCron  # noqa: PLC0415

    def pending():
        with registry.cursor() as cr:
            cr.execute(
                "SELECT COUNT(*) FROM l10n_cl_ai_chat_request"
                " WHERE id IN %s AND state IN ('queued', 'running')",
                [tuple(request_ids)],
            )
            return cr.fetchone()[0]

    deadline = time.monotonic() + limit_s

    def cron_thread():
        while pending() and time.monotonic() < deadline:
            with registry.cursor() as cron_cr:  # one poll of a cron thread: every ready job it can lock
                IrCron._process_jobs_loop(cron_cr, job_ids=cron_ids)
            time.sleep(0.02)

    started = time.perf_counter()
    workers = [threading.Thread(target=cron_thread) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return time.perf_counter() - started


def _duplicates(registry, fake, request_ids, calls_before):
    """(requests not answered once, requests with other than one reply in their conversation, Claude
    calls minus requests)."""
    with registry.cursor() as cr:
        env = demo_admin_env(cr)
        requests = env["l10n_cl_ai.chat.request"].sudo().browse(request_ids)
        bot = env.ref("l10n_cl_ai.partner_chat_bot")
        unanswered = len(requests.filtered(lambda r: r.state != "done" or r.answer_kind != "answer"))
        domain = [
            ("model", "=", "discuss.channel"),
            ("res_id", "in", requests.channel_id.ids),
            ("author_id", "=", bot.id),
        ]
        replies = env["mail.message"].sudo()._read_group(domain, ["res_id"], ["__count"])
        not_once = len(requests) - sum(1 for _channel, count in replies if count == 1)
    return unanswered, not_once, len(fake.messages_requests) - calls_before - len(request_ids)


def bench_workers(registry, fake, count, latency):
    """Section 4: answers per minute with one, then two, queue workers on two cron threads."""
    from fakes.fake_anthropic import Reply  # noqa: PLC0415

    fake.default_reply = Reply(content=[{"type": "text", "text": ANSWER}], delay=latency)
    _post_in_own_conversations(registry, 1, "warm-up")  # the embedder and the index load outside the timing
    with registry.cursor() as cr:
        demo_admin_env(cr)["l10n_cl_ai.chat.request"]._queue_run()
    rates = {}
    print(
        f"cron workers, {count} questions in their own conversations, two cron threads, fake Claude at"
        f" {latency * 1000:.0f} ms:"
    )
    for workers in (1, 2):
        with registry.cursor() as cr:
            env = demo_admin_env(cr)
            params = env["ir.config_parameter"].sudo()
            params.set_param("l10n_cl_ai.chat_queue_workers", str(workers))
            params.set_param("l10n_cl_ai.chat_max_open_requests", "50")
            env["l10n_cl_ai.chat.request"].sudo()._sync_queue_workers(workers)
            cron_ids = env["l10n_cl_ai.chat.request"].sudo()._queue_worker_crons().ids
        request_ids = _post_in_own_conversations(registry, count, f"w{workers}")
        calls_before = len(fake.messages_requests)
        elapsed = _cron_threads(registry, cron_ids, request_ids)
        unanswered, not_once, extra_calls = _duplicates(registry, fake, request_ids, calls_before)
        rates[workers] = len(request_ids) / elapsed * 60
        print(
            f"  {workers} worker(s): {len(request_ids)} answered in {elapsed:.1f} s"
            f" = {rates[workers]:.1f}/min; unanswered {unanswered}, without exactly one reply {not_once},"
            f" extra Claude calls {extra_calls}"
        )
    print(f"  ratio two workers / one: {rates[2] / rates[1]:.2f}")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("db")
    parser.add_argument("--conf", default=os.path.join(ROOT, ".run", "odoo.conf"))
    parser.add_argument("--posts", type=int, default=30)
    parser.add_argument("--answers", type=int, default=30)
    parser.add_argument("--latency", type=float, default=0.5)
    parser.add_argument("--first-text-runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from fakes.fake_anthropic import FakeAnthropic  # noqa: PLC0415

    fake = FakeAnthropic(api_key="sk-ant-bench")
    fake.start()
    try:
        with scratch_registry(args.db, args.conf, "chat") as registry:
            samples, stored, calls = _post_timings(registry, fake, args.posts)
            bot, plain = samples["bot"], samples["plain"]
            print(f"post-to-stored, {len(bot)} posts each (ms; Claude scripted at 5 s):")
            p50, p95 = statistics.median(plain), percentile(plain, 0.95)
            print(f"  chat with a colleague: p50 {p50:7.1f}  p95 {p95:7.1f}")
            p50, p95 = statistics.median(bot), percentile(bot, 0.95)
            print(f"  question to the bot:   p50 {p50:7.1f}  p95 {p95:7.1f}")
            print(
                f"  ratio bot/plain:       p50 {statistics.median(bot) / statistics.median(plain):.2f}"
                f"  p95 {percentile(bot, 0.95) / percentile(plain, 0.95):.2f}"
                f"   requests stored: {stored}, Claude calls while posting: {calls}"
            )
            answered, elapsed, done = _throughput(registry, fake, args.answers, args.latency)
            per_minute = answered / elapsed * 60
            ideal = 60 / args.latency
            print(f"throughput, one cron worker, fake Claude at {args.latency * 1000:.0f} ms:")
            print(
                f"  {answered} answered in {elapsed:.1f} s = {per_minute:.1f}/min"
                f" (ideal {ideal:.0f}/min, ratio {per_minute / ideal:.2f});"
                f" answered requests in total: {done}"
            )
            bench_workers(registry, fake, args.answers, args.latency)
            cold, warm = _cost(registry, fake)
            print("tokens and cost of a typical answer (claude-sonnet-5-5 price row):")
            for label, row in (("cold", cold), ("warm", warm)):
                prompt = row["input_tokens"] + row["cache_write_tokens"] + row["cache_read_tokens"]
                print(
                    f"  {label}: input {row['input_tokens']}, cache write {row['cache_write_tokens']},"
                    f" cache read {row['cache_read_tokens']}, output {row['output_tokens']};"
                    f" ${row['cost_usd']:.5f}; prompt from cache {row['cache_read_tokens'] / prompt:.0%}"
                )
            _print_first_text(registry, fake, args.first_text_runs)
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
