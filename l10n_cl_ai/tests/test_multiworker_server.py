"""A real ``odoo-bin --workers=2`` server (and a cron worker): /health and /metrics answer, every worker's
requests show in /metrics, a dead worker's counts stay, and every name an alert rule uses is scraped."""

import os
import re
import signal
import subprocess
import sys

import yaml

from odoo.tests import tagged

from .fakes.odoo_server import Client
from .server_case import ADMIN, ServerCase

RULES = os.path.join(os.path.dirname(__file__), "..", "..", "deploy", "prometheus", "rules.yml")
HEALTH_200 = ("l10n_cl_ai_http_requests_total", (("code", "200"), ("route", "/health")))


@tagged("post_install", "-at_install")
class TestMultiWorkerServer(ServerCase):
    params = {"chat_rate_per_minute": "2", "daily_budget_usd": "50", "monthly_budget_usd": "500"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = cls.start_server(workers=2, cron_threads=1, prepare=cls._leave_stale_samples)

    @staticmethod
    def _leave_stale_samples(server):
        """Samples of a previous run of the server in its directory, as a real process writes them."""
        addon = os.path.join(os.path.dirname(__file__), "..")
        code = (
            f"import sys; sys.path.insert(0, {addon!r}); from services import metrics;"
            " metrics.HTTP_REQUESTS.labels(route='/stale', code='200').inc(1000)"
        )
        env = dict(os.environ, PROMETHEUS_MULTIPROC_DIR=server.metrics_dir)
        subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)  # noqa: S603
        assert os.listdir(server.metrics_dir)

    def _spread_health_requests(self):
        """Concurrent /health requests until both HTTP workers served some; returns how many were sent."""
        client = Client(self.server)
        sent = 0

        def both_served():
            nonlocal sent
            codes = self.concurrently([lambda: client.get("/health").status_code] * 16)
            sent += len(codes)
            self.assertEqual(set(codes), {200})
            return self.scrape(self.server).get(("l10n_cl_ai_processes", ()), 0) >= 2

        self.wait_until(both_served, 180, "both workers serving /health")
        return sent

    def test_health_and_metrics_answer(self):
        plain = Client(self.server).get("/health")
        self.assertEqual(plain.status_code, 200)
        self.assertIn(plain.json(), ({"status": "pass"}, {"status": "warn"}))
        detail = self.health(self.server)
        self.assertEqual(detail["redis"]["state"], "ok")
        self.assertTrue(detail["claude"]["configured"])
        samples = self.scrape(self.server)
        self.assertNotIn(
            ("l10n_cl_ai_http_requests_total", (("code", "200"), ("route", "/stale"))),
            samples,
            "the server emptied its metrics directory when it started",
        )
        self.assertEqual(samples[("l10n_cl_ai_redis_up", ())], 1)
        self.assertEqual(samples[("l10n_cl_ai_breaker_state", ())], 0)
        self.assertGreater(samples[("l10n_cl_ai_knowledge_chunks", ())], 0)

    def test_requests_served_by_every_worker_are_counted(self):
        before = self.scrape(self.server).get(HEALTH_200, 0)
        sent = self._spread_health_requests()
        self.assertEqual(self.scrape(self.server)[HEALTH_200], before + sent, "no worker's request is lost")

    def test_a_dead_worker_keeps_its_counts_and_leaves_the_live_gauge(self):
        self._spread_health_requests()
        counted = self.scrape(self.server)[HEALTH_200]
        live = [pid for pid in self.server.worker_pids() if os.path.exists(self._gauge_file(pid))]
        self.assertGreaterEqual(len(live), 2, "both HTTP workers marked themselves live")
        os.kill(live[0], signal.SIGKILL)
        self.wait_until(
            lambda: not os.path.exists(self._gauge_file(live[0])), 120, "the reaped worker forgotten"
        )
        self.assertTrue(os.path.exists(self._gauge_file(live[1])), "the live worker's gauge stays")
        self.assertEqual(
            self.scrape(self.server)[HEALTH_200], counted, "the dead worker's requests still count"
        )

    def _gauge_file(self, pid):
        return os.path.join(self.server.metrics_dir, f"gauge_livesum_{pid}.db")

    def test_every_metric_an_alert_uses_is_scraped_after_exercising_the_features(self):
        client = Client(self.server)
        client.login(*ADMIN)
        # DTE validation: queued through RPC, reviewed by Claude (the fake) in the cron worker
        moves = client.call(
            "account.move",
            "search",
            [("move_type", "=", "out_invoice"), ("company_id.account_fiscal_country_id.code", "=", "CL")],
            limit=3,
        )
        self.assertTrue(moves, "the test database has Chilean demo invoices")
        client.call("account.move", "action_l10n_cl_ai_validate_batch", moves)
        # knowledge search, until the rate limit (2 a minute) refuses one
        codes = [client.get("/l10n_cl_ai/knowledge/search?q=tasa%20del%20IVA").status_code for _ in range(3)]
        self.assertEqual(codes, [200, 200, 429])

        def reviewed():  # the latency (cron worker's process) and the usage row (database) both in
            samples = self.scrape(self.server)
            names = {(name, dict(labels).get("feature")) for name, labels in samples}
            wanted = {"l10n_cl_ai_claude_latency_seconds_count", "l10n_cl_ai_claude_requests_total"}
            return samples if all((name, "dte_validation") in names for name in wanted) else None

        samples = self.wait_until(reviewed, 240, "Claude's reviews done by the cron worker")
        self.assertGreaterEqual(samples[("l10n_cl_ai_knowledge_search_latency_seconds_count", ())], 2)
        scraped = {name for name, _labels in samples}
        missing = sorted(self._alert_metric_names() - scraped)
        self.assertEqual(missing, [], "alert rules use names the server does not emit")

    @staticmethod
    def _alert_metric_names():
        with open(RULES, encoding="utf-8") as handle:
            rules = yaml.safe_load(handle)
        names = set()
        for group in rules["groups"]:
            for rule in group["rules"]:
                names.update(re.findall(r"\bl10n_cl_ai_[a-z0-9_]+", rule["expr"]))
        assert len(names) >= 15, names
        return names
