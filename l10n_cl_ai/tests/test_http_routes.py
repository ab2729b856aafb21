import json
import socket

from odoo.tests import HttpCase, new_test_user, tagged

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

    def test_health_reports_components_without_secrets(self):
        response = self.url_open("/health")
        self.assertEqual(response.status_code, 200)
        report = response.json()
        self.assertEqual(report["database"], "ok")
        self.assertEqual(report["redis"], "ok")
        self.assertEqual(report["breaker"], "closed")
        self.assertTrue(report["claude"]["configured"])
        self.assertNotIn(self.anthropic.api_key, response.text)

    def test_health_degraded_when_redis_is_down(self):
        self.set_engine_params(timeout_s="6")  # new settings, new services: no cached Redis probe
        self.redis_server.stop()
        try:
            report = self.url_open("/health").json()
        finally:
            self.redis_server.start()
        self.assertEqual(report["status"], "degraded")
        self.assertTrue(report["redis"].startswith("down"))

    def test_health_degraded_while_the_breaker_is_open(self):
        engine = self.env["l10n_cl_ai.engine"]
        engine._services().redis.flushdb()
        breaker = engine._services().breaker(engine._namespace())
        for _ in range(breaker.failure_threshold):
            breaker.failure()
        try:
            report = self.url_open("/health").json()
        finally:
            engine._services().redis.flushdb()
        self.assertEqual((report["status"], report["breaker"]), ("degraded", "open"))

    def test_health_does_not_wait_for_a_hanging_redis_on_every_call(self):
        """A server that accepts connections and never answers: one probe per cache period and back-off
        for the whole worker, not one socket timeout per unauthenticated call."""
        port = free_port()
        with socket.socket() as silent:
            silent.bind(("127.0.0.1", port))
            silent.listen(64)
            self.set_engine_params(redis_url=f"redis://127.0.0.1:{port}/0")
            try:
                monitoring = self.env["l10n_cl_ai.health.metrics"]
                reports = [monitoring._health()[1] for _ in range(10)]
                probe = self.env["l10n_cl_ai.engine"]._services()._built["redis_health"]
            finally:
                self.set_engine_params(redis_url=self.redis_server.url)
        self.assertEqual(probe.probes, 1)
        self.assertTrue(all(report["redis"].startswith("down") for report in reports), reports[0])
        self.assertEqual(reports[-1]["status"], "degraded")

    def test_metrics_need_the_token(self):
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
