"""Two cron workers answer the tax assistant's questions at once, through Odoo's own cron machinery, and no
question is answered twice; one conversation is answered one question at a time, in order; the setting
"Workers answering questions" activates and archives the workers' scheduled actions, and a question wakes
them all.

The race runs on real cursors (the registry is NOT in test mode), like ``test_budget_race.py``: the
questions are committed, then two threads each do what a cron thread of ``odoo-bin --max-cron-threads=2``
does (``ir.cron._process_jobs_loop``: acquire a ready job with ``FOR NO KEY UPDATE SKIP LOCKED``, run
it). Everything committed is deleted when the test ends.
"""

import threading

from odoo import SUPERUSER_ID, api
from odoo.tests import tagged

from .chat_common import ChatBotCase
from .common import TEST_API_KEY, CommittedRowsCase
from .fakes.fake_anthropic import Reply

WORKERS = ("l10n_cl_ai.ir_cron_chat_queue", "l10n_cl_ai.ir_cron_chat_queue_2")
LATENCY = 0.4  # of the fake Claude: the two workers' calls overlap


def _question_of(body):
    content = body["messages"][-1]["content"]
    text = content if isinstance(content, str) else content[-1]["text"]
    return text.rsplit("Pregunta: ", 1)[1]


def answer_naming_the_question(body):
    """The fake Claude's reply: says which question it answers (the history then shows it)."""
    return Reply(content=[{"type": "text", "text": f"Respuesta a: {_question_of(body)}"}], delay=LATENCY)


@tagged("post_install", "-at_install")
class TestTwoWorkersRace(CommittedRowsCase):
    channel_ids, cron_ids, saved_params = (), (), {}  # set by _commit_setup

    def _delete_more_committed(self, cr):
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["discuss.channel"].browse(self.channel_ids).exists().unlink()  # its requests and messages too
        if self.cron_ids:
            cr.execute("DELETE FROM ir_cron_trigger WHERE cron_id IN %s", [tuple(self.cron_ids)])
        params = env["ir.config_parameter"]
        for name, value in self.saved_params.items():
            params.set_param(f"l10n_cl_ai.{name}", value)

    def _commit_setup(self):
        """Settings wired to the fakes, three conversations with the bot, two questions in each: all
        committed, as a server would have them."""
        self.channel_ids, self.cron_ids, self.saved_params = [], [], {}
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            params = env["ir.config_parameter"]
            values = {
                "api_key": TEST_API_KEY,
                "base_url": self.anthropic.base_url,
                "redis_url": self.redis_server.url,
                "model": "claude-sonnet-5-5",
                "timeout_s": "10",
                "retry_max_attempts": "1",
                "chat_bot_enabled": "True",
                "chat_rate_per_minute": "100000",
                "chat_max_open_requests": "20",
                "chat_max_tool_rounds": "0",
                "chat_context_messages": "6",
                "chat_queue_workers": "2",
            }
            for name, value in values.items():
                self.saved_params[name] = params.get_param(f"l10n_cl_ai.{name}")  # False: removed again
                params.set_param(f"l10n_cl_ai.{name}", value)
            env["l10n_cl_ai.chat.request"]._sync_queue_workers()
            self.cron_ids = [env.ref(xmlid).id for xmlid in WORKERS]
            cr.execute("DELETE FROM ir_cron_trigger WHERE cron_id IN %s", [tuple(self.cron_ids)])
            admin = env.ref("base.user_admin")
            bot = env.ref("l10n_cl_ai.partner_chat_bot")
            self.started = env.cr.now()
            questions = {}
            for index in range(3):
                channel = (
                    env["discuss.channel"]
                    .with_user(admin)
                    ._create_group(partners_to=bot.ids, name=f"workers-race-{index}")
                )
                self.channel_ids.append(channel.id)
                for turn in ("¿Qué es el CAF?", "¿Y cuánto dura?"):
                    question = f"{turn} (conversación {index})"
                    channel.message_post(
                        body=question,
                        message_type="comment",
                        subtype_xmlid="mail.mt_comment",
                        partner_ids=bot.ids,
                    )
                    questions[question] = channel.id
            requests = env["l10n_cl_ai.chat.request"].search([("channel_id", "in", self.channel_ids)])
            self.assertEqual(len(requests), 6)
            cr.execute(
                "SELECT DISTINCT cron_id FROM ir_cron_trigger WHERE cron_id IN %s", [tuple(self.cron_ids)]
            )
            woken = {row[0] for row in cr.fetchall()}
            env["l10n_cl_ai.chat.answer"]._passages("¿Qué es el CAF?")  # load the index once
        return requests.ids, questions, woken

    def test_two_cron_workers_answer_in_parallel_and_never_twice(self):
        request_ids, questions, woken = self._commit_setup()
        self.assertEqual(woken, set(self.cron_ids), "a question wakes every worker")
        unheld = []  # running requests another connection could lock while Claude answers: none

        def answer_and_look_at_the_locks(body):
            with self.registry.cursor() as cr:
                cr.execute(
                    "SELECT id FROM l10n_cl_ai_chat_request WHERE id IN %s AND state = 'running'"
                    " FOR UPDATE SKIP LOCKED",
                    [tuple(request_ids)],
                )
                unheld.extend(row[0] for row in cr.fetchall())
                cr.rollback()
            return answer_naming_the_question(body)

        self.anthropic.default_reply = answer_and_look_at_the_locks
        cron_class = type(self.env["ir.cron"])
        start = threading.Barrier(2, timeout=30)
        errors = []

        def cron_thread():
            try:
                start.wait()
                with self.registry.cursor() as cron_cr:
                    cron_class._process_jobs_loop(cron_cr, job_ids=self.cron_ids)
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(repr(error))

        threads = [threading.Thread(target=cron_thread) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)

        self.assertEqual(errors, [])
        self.assertEqual(unheld, [], "a live worker holds the row of the request it answers")
        sent = self.anthropic.messages_requests
        self.assertEqual(
            sorted(_question_of(r.body) for r in sent), sorted(questions), "one call per question"
        )
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            requests = env["l10n_cl_ai.chat.request"].browse(request_ids)
            self.assertEqual(set(requests.mapped("state")), {"done"})
            self.assertEqual(set(requests.mapped("answer_kind")), {"answer"})
            self.assertEqual(len(requests.reply_message_id), 6, "one reply message per question")
            bot = env.ref("l10n_cl_ai.partner_chat_bot")
            for channel in env["discuss.channel"].browse(self.channel_ids):
                replies = channel.message_ids.filtered(lambda m: m.author_id == bot)
                self.assertEqual(len(replies), 2, channel.name)
            cr.execute(
                "SELECT res_id, COUNT(*) FROM l10n_cl_ai_usage WHERE id >= %s AND res_model = %s"
                " GROUP BY res_id",
                [self.first_new_id, "l10n_cl_ai.chat.request"],
            )
            self.assertEqual(dict(cr.fetchall()), dict.fromkeys(request_ids, 1), "one Claude call each")
            cr.execute(
                "SELECT cron_id, SUM(done) FROM ir_cron_progress WHERE cron_id IN %s AND create_date >= %s"
                " GROUP BY cron_id",
                [tuple(self.cron_ids), self.started],
            )
            done = dict(cr.fetchall())
        self.assertEqual(sum(done.values()), 6)
        self.assertEqual(set(done), set(self.cron_ids), f"both workers answered: {done}")
        self.assertTrue(all(done.values()), f"both workers answered: {done}")
        arrived = {_question_of(request.body): request.at for request in sent}
        for question, channel_id in questions.items():  # one question of a conversation at a time
            if question.startswith("¿Y cuánto dura?"):
                first = question.replace("¿Y cuánto dura?", "¿Qué es el CAF?")
                self.assertGreaterEqual(arrived[question] - arrived[first], LATENCY * 0.9, channel_id)

    def test_a_request_another_worker_is_recovering_is_left_to_it(self):
        """Every worker recovers the requests a killed worker left running when its run starts: one that
        another worker holds (recovering it now) is skipped, not waited for (nor written twice)."""
        from datetime import timedelta  # noqa: PLC0415

        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.cron_ids = env["l10n_cl_ai.chat.request"]._queue_worker_crons().ids
            admin = env.ref("base.user_admin")
            channel = (
                env["discuss.channel"]
                .with_user(admin)
                ._create_group(
                    partners_to=env.ref("l10n_cl_ai.partner_chat_bot").ids, name="workers-recovery"
                )
            )
            self.channel_ids = [channel.id]
            request = env["l10n_cl_ai.chat.request"].create(
                {
                    "channel_id": channel.id,
                    "question": "¿Qué es el CAF?",
                    "user_id": admin.id,
                    "company_id": admin.company_id.id,
                    "state": "running",
                    "started_at": env.cr.now() - timedelta(minutes=30),
                }
            )
        with self.registry.cursor() as other_worker:
            other_worker.execute(
                "SELECT id FROM l10n_cl_ai_chat_request WHERE id = %s FOR UPDATE", [request.id]
            )
            with self.registry.cursor() as cr:
                cr.execute("SET lock_timeout = '3s'")
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["l10n_cl_ai.chat.request"]._queue_recover_interrupted()  # must not wait for the lock
                env.flush_all()  # what the run's commit writes
                cr.rollback()
            other_worker.rollback()  # the other worker gave it up: the next run recovers it
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["l10n_cl_ai.chat.request"]._queue_recover_interrupted()
            request = env["l10n_cl_ai.chat.request"].browse(request.id)
            self.assertEqual((request.state, request.attempts), ("queued", 1))


    def test_a_request_whose_worker_died_is_recovered_within_a_minute_a_live_ones_is_not(self):
        """A live worker holds its request's row for the whole answer; a killed worker's lock dies with its
        connection: a request running for two minutes is recovered when nobody holds it (after a
        restart, its conversation waits a minute, not twenty), and left alone while its worker lives."""
        from datetime import timedelta  # noqa: PLC0415

        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.cron_ids = env["l10n_cl_ai.chat.request"]._queue_worker_crons().ids
            admin = env.ref("base.user_admin")
            bot = env.ref("l10n_cl_ai.partner_chat_bot")
            requests = env["l10n_cl_ai.chat.request"]
            for name in ("worker-alive", "worker-dead"):
                channel = env["discuss.channel"].with_user(admin)._create_group(
                    partners_to=bot.ids, name=name
                )
                self.channel_ids = [*self.channel_ids, channel.id]
                requests |= requests.create(
                    {
                        "channel_id": channel.id,
                        "question": "¿Qué es el CAF?",
                        "user_id": admin.id,
                        "company_id": admin.company_id.id,
                        "state": "running",
                        "started_at": env.cr.now() - timedelta(minutes=2),
                    }
                )
        alive, dead = requests.ids
        with self.registry.cursor() as live_worker:  # answering ``alive`` now (as _queue_commit_and_hold)
            live_worker.execute(
                "SELECT id FROM l10n_cl_ai_chat_request WHERE id = %s FOR NO KEY UPDATE", [alive]
            )
            with self.registry.cursor() as cr:
                cr.execute("SET lock_timeout = '3s'")
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["l10n_cl_ai.chat.request"]._queue_recover_interrupted()
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                found = env["l10n_cl_ai.chat.request"].browse([alive, dead])
                self.assertEqual(found.mapped("state"), ["running", "queued"])
                self.assertEqual(found.mapped("attempts"), [0, 1])
            live_worker.rollback()


@tagged("post_install", "-at_install")
class TestQueueWorkers(ChatBotCase):
    def _crons(self):
        return self.env["l10n_cl_ai.chat.request"]._queue_worker_crons()

    def test_the_setting_activates_and_archives_the_workers(self):
        self.assertEqual(len(self._crons()), 4)
        self.env["res.config.settings"].create({"l10n_cl_ai_chat_queue_workers": 4}).execute()
        self.assertEqual(self._crons().mapped("active"), [True, True, True, True])
        self.env["res.config.settings"].create({"l10n_cl_ai_chat_queue_workers": 1}).execute()
        self.assertEqual(self._crons().mapped("active"), [True, False, False, False])
        self.env["res.config.settings"].create({"l10n_cl_ai_chat_queue_workers": 2}).execute()
        self.assertEqual(self._crons().mapped("active"), [True, True, False, False])
        for value in (0, 5):
            with self.assertRaisesRegex(Exception, "Workers answering questions must be between 1 and 4"):
                self.env["res.config.settings"].create({"l10n_cl_ai_chat_queue_workers": value}).execute()

    def test_a_question_wakes_every_active_worker(self):
        self.env["res.config.settings"].create({"l10n_cl_ai_chat_queue_workers": 3}).execute()
        triggers = self.env["ir.cron.trigger"].sudo()
        before = triggers.search([])
        self._ask("¿Qué es el CAF?")
        woken = (triggers.search([]) - before).cron_id
        self.assertEqual(woken, self._crons()[:3])

    def test_a_worker_beyond_the_setting_answers_nothing(self):
        self.set_engine_params(chat_queue_workers="2")
        channel = self._ask("¿Qué es el CAF?")
        request = self._requests(channel)
        self.assertEqual(self.env["l10n_cl_ai.chat.request"]._queue_run_worker(3), 0)
        self.assertEqual(request.state, "queued")
        self.assertEqual(self.anthropic.messages_requests, [])

    def test_a_conversation_is_answered_one_question_at_a_time(self):
        """Another worker answering a question of this conversation holds its next question back; the
        other conversations go on."""
        self.anthropic.default_reply = Reply(content=[{"type": "text", "text": "El CAF autoriza folios."}])
        busy = self._ask("¿Qué es el CAF?")
        self._ask("¿Y cuánto dura?", channel=busy)
        other = self._ask("¿Qué es el CAF?", user=self._second_user())
        first, second = self._requests(busy)
        first.sudo().write({"state": "running"})  # another worker is on it
        self._run_queue()
        self.assertEqual(self._requests(other).state, "done")
        self.assertEqual((first.state, second.state), ("running", "queued"))
        self.assertEqual(len(self.anthropic.messages_requests), 1)
        first.sudo().write({"state": "queued"})  # the first is due again: answered before the second
        self._run_queue()
        self.assertEqual((first.state, second.state), ("done", "done"))
        self.assertLess(first.reply_message_id.id, second.reply_message_id.id)

    def _second_user(self):
        return self.company_user(
            "chat_second", "account.group_account_invoice,l10n_cl_ai.group_user", self.company
        )
