"""Two ``odoo-bin --workers=2`` servers, one deployment: the same database, filestore (sessions included) and
Redis. What one server does, the other sees; the rate limit holds across both, directly and via Sentinel."""

import functools
import itertools

import redis
from redis.sentinel import Sentinel

from odoo.tests import tagged

from .fakes.odoo_server import Client
from .fakes.redis_server import RedisServer
from .server_case import ADMIN, ServerCase

LIMIT = 6  # knowledge searches per user and minute (chat_rate_per_minute)
SEARCH = "/l10n_cl_ai/knowledge/search?q=tasa%20del%20IVA"
SENTINEL_MASTER = "l10n_cl_ai_two_servers"


@tagged("post_install", "-at_install")
class TestTwoServers(ServerCase):
    params = {
        "chat_rate_per_minute": str(LIMIT),
        "breaker_failure_threshold": "2",
        "breaker_cooldown_s": "3600",
    }

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cron_server = cls.start_server(workers=2, cron_threads=1)  # the deployment's one cron server
        cls.other = cls.start_server(workers=2, cron_threads=0)
        cls.session_id = Client(cls.cron_server).login(*ADMIN)

    def setUp(self):
        super().setUp()
        redis.Redis.from_url(self.redis_server.url).flushdb()  # counters and breaker of earlier tests
        self.anthropic.clear()

    def client(self, server):
        """Admin's session, opened on the cron server: the shared filestore makes it valid on both."""
        return Client(server, session_id=self.session_id)

    def test_a_setting_changed_through_one_is_seen_by_the_other(self):
        self.assertEqual(self.health(self.other)["claude"]["model"], "claude-sonnet-5-5")
        self.client(self.cron_server).call(
            "ir.config_parameter", "set_param", "l10n_cl_ai.model", "claude-opus-5"
        )
        self.addCleanup(
            self.client(self.cron_server).call,
            "ir.config_parameter", "set_param", "l10n_cl_ai.model", "claude-sonnet-5-5",
        )  # fmt: skip
        self.wait_until(
            lambda: self.health(self.other)["claude"]["model"] == "claude-opus-5",
            60,
            "the other server's model",
        )

    def test_zz_a_knowledge_document_edited_through_one_is_seen_by_the_other(self):
        # Last of the class (unittest runs tests by name): an edit makes every process that searches, and
        # the cron server, rebuild the index (minutes on a loaded machine), which would slow the others.
        before = self.health(self.other)["knowledge"]["version"]
        client = self.client(self.cron_server)
        document = client.call("l10n_cl_ai.knowledge.document", "search", [], limit=1, order="id")
        client.call(
            "l10n_cl_ai.knowledge.document", "write", document, {"body": "## Regla\n\nTexto editado en A."}
        )
        version = self.wait_until(
            lambda: self.health(self.other)["knowledge"]["version"] != before and self.health(self.other),
            60,
            "the other server's knowledge version",
        )["knowledge"]["version"]
        self.assertEqual(version, self.health(self.cron_server)["knowledge"]["version"])
        content = self.client(self.other).call("l10n_cl_ai.knowledge.document", "read", document, ["body"])
        self.assertIn("Texto editado en A.", content[0]["body"])

    def test_the_breaker_opened_by_failures_on_one_is_open_on_the_other(self):
        self.assertEqual(self.health(self.other)["claude"]["breaker"], "closed")
        for _ in range(10):
            self.anthropic.server_error()  # Claude fails for the cron server's reviews
        client = self.client(self.cron_server)
        moves = client.call(
            "account.move",
            "search",
            [("move_type", "=", "out_invoice"), ("company_id.account_fiscal_country_id.code", "=", "CL")],
            limit=3,
        )
        client.call("account.move", "action_l10n_cl_ai_validate_batch", moves)
        self.wait_until(
            lambda: self.health(self.other)["claude"]["breaker"] == "open",
            240,
            "the breaker open on the other",
        )
        self.assertEqual(self.scrape(self.other)[("l10n_cl_ai_breaker_state", ())], 2)
        self.assertGreaterEqual(len(self.anthropic.messages_requests), 2, "opened by Claude's failures")
        # its state is read at every scrape: once it is closed (here: its shared state reset), no server
        # reports it open any more, whichever worker answers
        self.anthropic.clear()
        shared = redis.Redis.from_url(self.redis_server.url)
        shared.delete(*shared.keys("*:breaker:*"))

        def closed_everywhere():
            return all(
                self.scrape(server)[("l10n_cl_ai_breaker_state", ())] == 0 for server in self.servers()
            )

        self.wait_until(closed_everywhere, 60, "the breaker closed on both servers")

    def servers(self):
        return (self.cron_server, self.other)

    def test_the_rate_limit_consumed_on_one_is_seen_by_the_other(self):
        on_cron_server = self.client(self.cron_server)
        codes = [on_cron_server.get(SEARCH).status_code for _ in range(LIMIT)]
        self.assertEqual(codes, [200] * LIMIT)
        refused = self.client(self.other).get(SEARCH)
        self.assertEqual(refused.status_code, 429)
        self.assertEqual(refused.headers["X-RateLimit-Remaining"], "0")

    def test_the_limiter_admits_exactly_its_limit_across_both_servers(self):
        self._assert_exact_limit()

    def test_the_limiter_admits_exactly_its_limit_across_both_servers_through_sentinel(self):
        master = RedisServer().start()
        self.addCleanup(master.close)
        sentinel = RedisServer(sentinel=True, monitor=(SENTINEL_MASTER, "127.0.0.1", master.port)).start()
        self.addCleanup(sentinel.close)
        watcher = Sentinel([("127.0.0.1", sentinel.port)], socket_timeout=5)
        self.wait_until(
            lambda: watcher.discover_master(SENTINEL_MASTER), 30, "the sentinel to know its master"
        )
        client = self.client(self.cron_server)
        for name, value in (
            ("redis_sentinels", f"127.0.0.1:{sentinel.port}"),
            ("redis_sentinel_master", SENTINEL_MASTER),
            ("redis_url", ""),
        ):
            client.call("ir.config_parameter", "set_param", f"l10n_cl_ai.{name}", value)
        self.addCleanup(self._back_to_plain_redis)
        for server in (self.cron_server, self.other):
            self.assertEqual(self.health(server)["redis"]["state"], "ok")
        self._assert_exact_limit()
        self.assertGreater(
            redis.Redis(port=master.port).dbsize(), 0, "the counters live on the sentinel's master"
        )
        # the cron server may still end a job of an earlier test on the former Redis: only searches count
        self.assertEqual(
            redis.Redis.from_url(self.redis_server.url).keys("*:rl:knowledge_search:*"),
            [],
            "none on the former Redis",
        )

    def _back_to_plain_redis(self):
        client = self.client(self.cron_server)
        client.call("ir.config_parameter", "set_param", "l10n_cl_ai.redis_url", self.redis_server.url)
        client.call("ir.config_parameter", "set_param", "l10n_cl_ai.redis_sentinels", "")

    def _assert_exact_limit(self):
        """3 × LIMIT concurrent searches of one user, alternating servers: exactly LIMIT pass, 0 over."""
        servers = itertools.islice(itertools.cycle((self.cron_server, self.other)), 3 * LIMIT)
        calls = [functools.partial(self._search_status, server) for server in servers]
        codes = self.concurrently(calls, threads=12)
        self.assertEqual(sorted(set(codes)), [200, 429])
        self.assertEqual(codes.count(200), LIMIT, codes)

    def _search_status(self, server):
        return self.client(server).get(SEARCH).status_code
