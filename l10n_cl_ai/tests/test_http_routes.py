import json
import os
import socket
from unittest.mock import patch

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import config

from ..models import health_metrics
from .common import EngineHarnessMixin
from .fakes.redis_server import free_port


@tagged("post_install", "-at_install")
class TestHttpRoutes(EngineHarnessMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_engine_fakes()
        cls.user = new_test_user(
            cls.env, login="ai_http_user", password="ai_http_user_pw", groups="account.group_account_invoice"
        )

    TOKEN = "s3cret-health-token"

    def setUp(self):
        super().setUp()
        health_metrics._STATUS_CACHE.clear()  # each test sees its own status, not the previous test's
        self.addCleanup(health_metrics._STATUS_CACHE.clear)

    def _health(self, token=None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.url_open("/health", headers=headers)

    def test_health_without_a_token_says_only_pass_warn_or_fail(self):
        self.set_engine_params(metrics_token=self.TOKEN)
        for token in (None, "wrong"):
            response = self._health(token)
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response.json(), {"status": "pass"})

    def test_health_without_a_token_runs_a_bounded_number_of_queries(self):
        """30 companies with budgets and 10,000 usage rows cost an unauthenticated /health no query more:
        it computes the status only (no per-company spend, no scan of the ledger), then reuses it."""
        self.set_engine_params(metrics_token=self.TOKEN, daily_budget_usd="100", monthly_budget_usd="1000")
        monitoring = self.env["l10n_cl_ai.health.metrics"]

        def queries(call):
            """Queries of ``call`` without a status to reuse, this worker's other caches (settings,
            services) warm as in production."""
            health_metrics._STATUS_CACHE.clear()
            call()
            health_metrics._STATUS_CACHE.clear()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            result = call()
            return self.cr.sql_log_count - before, result

        def http_call():
            response = self._health()
            return response.status_code, response.json()

        small = queries(monitoring._health), queries(http_call)
        companies = self.env["res.company"].create([{"name": f"Empresa {n}"} for n in range(30)])
        self.env.cr.execute(
            """
            INSERT INTO l10n_cl_ai_usage (company_id, feature, outcome, cost_usd, create_date, write_date)
            SELECT (%s::int[])[1 + n %% 30], 'chat', CASE WHEN n %% 7 = 0 THEN 'error' ELSE 'ok' END, 0.01,
                   now(), now()
              FROM generate_series(1, 10000) AS n
            """,
            [companies.ids],
        )
        large = queries(monitoring._health), queries(http_call)
        self.assertEqual(large, small)
        self.assertEqual([result for _count, result in large], [(200, {"status": "pass"})] * 2)
        self.assertLessEqual(large[0][0], 10)
        self.assertEqual(
            monitoring._health(authorization=f"Bearer {self.TOKEN}")[1]["budgets"]["Empresa 29"]["today_usd"],
            round(10000 // 30 * 0.01, 6),
            "the authenticated detail still has the spend of every company",
        )
        before = self.cr.sql_log_count
        self.assertEqual(monitoring._health(), (200, {"status": "pass"}))
        self.assertEqual(self.cr.sql_log_count - before, 0, "a status of less than 5 s ago: no query at all")

    def test_health_without_a_token_reuses_this_workers_status_for_5_seconds(self):
        self.set_engine_params(metrics_token=self.TOKEN)
        monitoring = self.env["l10n_cl_ai.health.metrics"]
        self.assertEqual(monitoring._health(), (200, {"status": "pass"}))
        self.set_engine_params(api_key="")  # no API key: a warning
        self.assertEqual(monitoring._health(), (200, {"status": "pass"}), "still the status of a moment ago")
        cache = health_metrics._STATUS_CACHE
        code, report, at = cache[self.env.cr.dbname]
        cache[self.env.cr.dbname] = (code, report, at - health_metrics.STATUS_CACHE_S - 0.1)
        self.assertEqual(monitoring._health(), (200, {"status": "warn"}), "older than 5 s: computed again")
        self.set_engine_params(api_key=self.anthropic.api_key)
        status, detail = monitoring._health(f"Bearer {self.TOKEN}")
        self.assertEqual((status, detail["status"], detail["problems"]), (200, "pass", {}), "always fresh")
        self.assertEqual(monitoring._health(), (200, {"status": "pass"}), "the fresher status is reused")

    def test_health_with_the_token_gives_the_detail_and_no_secret(self):
        self.set_engine_params(metrics_token=self.TOKEN)
        response = self._health(self.TOKEN)
        report = response.json()
        self.assertEqual((response.status_code, report["status"], report["problems"]), (200, "pass", {}))
        self.assertGreaterEqual(report["postgresql_ms"], 0)
        self.assertEqual((report["redis"]["state"], report["redis"]["source"]), ("ok", "settings"))
        self.assertGreaterEqual(report["redis"]["ping_ms"], 0)
        self.assertEqual((report["claude"]["configured"], report["claude"]["breaker"]), (True, "closed"))
        self.assertEqual(report["plugins"], ["account", "dte", "payroll", "stock"])
        self.assertGreater(report["knowledge"]["chunks"], report["knowledge"]["documents"] - 1)
        self.assertIn("Chilean AI: run queued DTE validations", report["crons"])
        for secret in (self.anthropic.api_key, self.TOKEN):
            self.assertNotIn(secret, response.text)

    def test_health_warns_when_redis_is_down(self):
        self.set_engine_params(timeout_s="6", metrics_token=self.TOKEN)  # new services: no cached probe
        self.redis_server.stop()
        try:
            plain, detail = self._health(), self._health(self.TOKEN)
        finally:
            self.redis_server.start()
        self.assertEqual((plain.status_code, plain.json()), (200, {"status": "warn"}))
        report = detail.json()
        self.assertEqual((report["redis"]["state"], report["problems"]), ("down", {"redis": "warn"}))
        self.assertTrue(report["redis"]["error"])

    def test_health_warns_while_the_breaker_is_open(self):
        self.set_engine_params(metrics_token=self.TOKEN)
        engine = self.env["l10n_cl_ai.engine"]
        engine._services().redis.flushdb()
        breaker = engine._services().breaker(engine._namespace())
        for _ in range(breaker.failure_threshold):
            breaker.failure()
        try:
            report = self._health(self.TOKEN).json()
        finally:
            engine._services().redis.flushdb()
        self.assertEqual((report["status"], report["claude"]["breaker"]), ("warn", "open"))

    def test_health_warns_when_several_workers_run_without_redis(self):
        self.set_engine_params(redis_url="", metrics_token=self.TOKEN)
        monitoring = self.env["l10n_cl_ai.health.metrics"]
        with patch.dict(os.environ), patch.dict(config.options, {"workers": 0}):
            for name in ("L10N_CL_AI_REDIS_URL", "L10N_CL_AI_REDIS_SENTINELS"):
                os.environ.pop(name, None)
            self.assertEqual(monitoring._health()[1], {"status": "pass"}, "one process: nothing to share")
            config.options["workers"] = 2
            _status, report = monitoring._health(f"Bearer {self.TOKEN}")
        self.set_engine_params(redis_url=self.redis_server.url)
        self.assertEqual((report["status"], report["problems"]), ("warn", {"redis": "warn"}))
        self.assertIn("multi-worker", report["redis"]["note"])

    def test_health_does_not_wait_for_a_hanging_redis_on_every_call(self):
        """A server that accepts connections and never answers: one probe per cache period and back-off
        for the whole worker, not one socket timeout per unauthenticated call."""
        port = free_port()
        with socket.socket() as silent:
            silent.bind(("127.0.0.1", port))
            silent.listen(64)
            self.set_engine_params(
                redis_url=f"redis://:hidden-pw@127.0.0.1:{port}/0", metrics_token=self.TOKEN
            )
            try:
                monitoring = self.env["l10n_cl_ai.health.metrics"]
                reports = [monitoring._health()[1] for _ in range(10)]
                detail = monitoring._health(f"Bearer {self.TOKEN}")[1]
                probe = self.env["l10n_cl_ai.engine"]._services()._built["redis_health"]
            finally:
                self.set_engine_params(redis_url=self.redis_server.url)
        self.assertEqual(probe.probes, 1)
        self.assertEqual(reports, [{"status": "warn"}] * 10)
        self.assertEqual(detail["redis"]["state"], "down")
        self.assertNotIn("hidden-pw", json.dumps(detail))

    def test_metrics_need_the_token(self):
        self.set_engine_params(metrics_token="")  # whatever the database holds
        self.assertEqual(self.url_open("/metrics").status_code, 404, "disabled without a token")
        self.set_engine_params(metrics_token="s3cret-scrape-token")
        self.assertEqual(self.url_open("/metrics").status_code, 401)
        wrong = self.url_open("/metrics", headers={"Authorization": "Bearer nope"})
        self.assertEqual(wrong.status_code, 401)
        self.env["l10n_cl_ai.usage"].create(
            {
                "feature": "chat",
                "model": "claude-sonnet-5-5",
                "cost_usd": 0.25,
                "input_tokens": 1000,
                "outcome": "ok",
            }
        )
        response = self.url_open("/metrics", headers={"Authorization": "Bearer s3cret-scrape-token"})
        self.assertEqual(response.status_code, 200)
        self.assertRegex(
            response.text,
            r'l10n_cl_ai_claude_requests_total\{feature="chat",model="claude-sonnet-5-5",'
            r'outcome="ok"\} [1-9]',
        )
        self.assertIn("l10n_cl_ai_breaker_state", response.text)
        self.assertNotIn("s3cret-scrape-token", response.text)

    def test_knowledge_search_route_is_rate_limited_with_headers(self):
        # the index is built by its scheduled action in production, not inside a search request
        self.env["l10n_cl_ai.knowledge.index"]._get()
        self.set_engine_params(chat_rate_per_minute="2")
        self.authenticate("ai_http_user", "ai_http_user_pw")
        for remaining in ("1", "0"):
            response = self.url_open("/l10n_cl_ai/knowledge/search?q=tasa%20del%20IVA")
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response.headers["X-RateLimit-Limit"], "2")
            self.assertEqual(response.headers["X-RateLimit-Remaining"], remaining)
        self.assertEqual(response.json()["results"][0]["slug"], "iva")
        refused = self.url_open("/l10n_cl_ai/knowledge/search?q=tasa%20del%20IVA")
        self.assertEqual(refused.status_code, 429)
        self.assertGreaterEqual(int(refused.headers["Retry-After"]), 1)
        self.assertEqual(refused.headers["X-RateLimit-Remaining"], "0")
        self.assertEqual(json.loads(refused.text)["error"], "rate_limited")

    def test_a_portal_user_is_refused_the_search_route_before_being_counted(self):
        self.env["l10n_cl_ai.knowledge.index"]._get()
        self.set_engine_params(chat_rate_per_minute="1")  # the company may search 10 times a minute
        new_test_user(
            self.env, login="ai_http_portal", password="ai_http_portal_pw", groups="base.group_portal"
        )
        self.authenticate("ai_http_portal", "ai_http_portal_pw")
        for _attempt in range(11):
            refused = self.url_open("/l10n_cl_ai/knowledge/search?q=tasa%20del%20IVA")
            self.assertEqual((refused.status_code, refused.json()["error"]), (403, "forbidden"))
        new_test_user(
            self.env,
            login="ai_http_user_b",
            password="ai_http_user_b_pw",
            groups="account.group_account_invoice",
        )
        self.authenticate("ai_http_user_b", "ai_http_user_b_pw")
        response = self.url_open("/l10n_cl_ai/knowledge/search?q=tasa%20del%20IVA")
        self.assertEqual(response.status_code, 200, "the company's allowance is intact")
