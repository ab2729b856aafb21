"""Base class of the tests that run real ``odoo-bin --workers=2`` servers (see fakes/odoo_server.py).

Per class: a copy of the test database (committed, so the servers never wait on a test transaction), its
filestore and knowledge index, a real Redis and the fake Anthropic API; the servers, the copy and the
fakes are removed at the end of the class whatever happened. No test transaction: ``BaseCase``.
"""

import json
import os
import shutil
import uuid
from concurrent.futures import ThreadPoolExecutor

from prometheus_client.parser import text_string_to_metric_families

import odoo
from odoo.tests.common import BaseCase, get_db_name
from odoo.tools import config

from .common import TEST_API_KEY
from .fakes.fake_anthropic import FakeAnthropic, Reply
from .fakes.odoo_server import Client, Database, OdooServer, wait_until
from .fakes.redis_server import RedisServer

METRICS_TOKEN = "multi-worker-scrape-token"
ADMIN = ("admin", "admin")
REVIEW_OK = {"confidence": 90, "findings": [], "recommendation": "send"}


def _addons_path():
    value = config["addons_path"]
    return ",".join(value) if isinstance(value, (list, tuple)) else value


def _knowledge_dir(dbname):
    return os.path.join(config["data_dir"], "l10n_cl_ai", dbname)


class ServerCase(BaseCase):
    """``start_server()`` starts a server on the class' database copy; ``scrape()``, ``health()``."""

    params = {}  # extra l10n_cl_ai.* settings of the copy

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.anthropic = FakeAnthropic(api_key=TEST_API_KEY).start()
        cls.addClassCleanup(cls.anthropic.stop)
        cls.anthropic.default_reply = Reply(content=[{"type": "text", "text": json.dumps(REVIEW_OK)}])
        cls.redis_server = RedisServer().start()
        cls.addClassCleanup(cls.redis_server.close)
        cls.database = Database(
            config["db_host"], config["db_port"], config["db_user"], config["db_password"]
        )
        cls.source_db = get_db_name()
        cls.dbname = f"{cls.source_db}_srv_{uuid.uuid4().hex[:8]}"
        cls.addClassCleanup(cls._drop_copy)
        cls.database.clone(cls.source_db, cls.dbname, lambda: odoo.sql_db.close_db(cls.source_db))
        for source, target in (
            (config.filestore(cls.source_db), config.filestore(cls.dbname)),
            (_knowledge_dir(cls.source_db), _knowledge_dir(cls.dbname)),  # no index rebuild in the servers
        ):
            if os.path.isdir(source):
                shutil.copytree(source, target, dirs_exist_ok=True)
        cls.database.set_params(
            cls.dbname,
            api_key=TEST_API_KEY,
            base_url=cls.anthropic.base_url,
            redis_url=cls.redis_server.url,
            redis_sentinels="",
            metrics_token=METRICS_TOKEN,
            timeout_s="10",
            retry_max_attempts="1",
            dte_ai_review="True",
            dte_ai_review_on_errors="True",
            **cls.params,
        )

    @classmethod
    def _drop_copy(cls):
        cls.database.drop(cls.dbname)
        shutil.rmtree(config.filestore(cls.dbname), ignore_errors=True)
        shutil.rmtree(_knowledge_dir(cls.dbname), ignore_errors=True)

    @classmethod
    def start_server(cls, workers=2, cron_threads=0, prepare=None):
        """A started server; ``prepare(server)`` runs before it starts (e.g. to leave stale samples)."""
        odoo_args = [
            f"--addons-path={_addons_path()}",
            f"--db_host={config['db_host'] or '127.0.0.1'}",
            f"--db_port={config['db_port'] or 5432}",
            f"--db_user={config['db_user']}",
            f"--db_password={config['db_password']}",
            f"--data-dir={config['data_dir']}",
            # this test proves metrics, not memory budgets: no recycling in the middle of a count
            "--limit-memory-soft=8589934592",
            "--limit-memory-hard=12884901888",
        ]
        odoo_bin = os.path.join(os.path.dirname(list(odoo.__path__)[0]), "odoo-bin")
        server = OdooServer(odoo_bin, cls.dbname, odoo_args, workers=workers, cron_threads=cron_threads)
        cls.addClassCleanup(server.stop)
        if prepare:
            prepare(server)
        return server.start()

    # -- reading a server -------------------------------------------------------------------------------
    @staticmethod
    def scrape(server):
        response = Client(server).get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        assert response.status_code == 200, (response.status_code, response.text[:500])
        return {
            (sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.text)
            for sample in family.samples
        }

    @staticmethod
    def health(server):
        response = Client(server).get("/health", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        return response.json()

    @staticmethod
    def concurrently(calls, threads=8):
        """Run the callables at once; their results, in order."""
        with ThreadPoolExecutor(max_workers=threads) as pool:
            return [future.result() for future in [pool.submit(call) for call in calls]]

    @staticmethod
    def wait_until(predicate, timeout, what):
        return wait_until(predicate, timeout, what)
