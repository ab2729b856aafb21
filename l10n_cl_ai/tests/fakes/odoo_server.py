"""Real ``odoo-bin --workers=N`` servers for tests, on a copy of the test database. Plain Python, no odoo.

The copy is made with ``CREATE DATABASE ... TEMPLATE`` once the test process closed its own connections to
the test database, so the servers never wait on the test's transaction and their commits never reach the
test database. Servers run in their own process group; ``stop()`` ends the group (master, workers and the
gevent process), gracefully first.
"""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import psycopg2
import requests
from psycopg2 import sql

from .redis_server import free_port

READY_TIMEOUT = 300  # seconds; a loaded 2-core machine preloads the registry slowly
REQUEST_TIMEOUT = 120


def wait_until(predicate, timeout, what, interval=0.25):
    """Poll ``predicate`` until it returns a truthy value (returned) or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except (requests.RequestException, OSError, ValueError, KeyError) as error:
            last_error = error
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last error: {last_error!r})")


class Database:
    """Connection parameters (from Odoo's configuration) and the copy/drop of a database."""

    def __init__(self, host, port, user, password):
        self.params = {"host": host or "127.0.0.1", "port": port or 5432, "user": user, "password": password}

    def connect(self, dbname):
        connection = psycopg2.connect(dbname=dbname, **self.params)
        connection.autocommit = True
        return connection

    def clone(self, source, target, close_source_connections, timeout=120):
        """``target`` as a copy of ``source``; ``close_source_connections()`` is called before each try
        (a template must have no other session)."""

        def attempt():
            close_source_connections()
            try:
                with contextlib.closing(self.connect("postgres")) as connection, connection.cursor() as cr:
                    cr.execute(
                        sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                            sql.Identifier(target), sql.Identifier(source)
                        )
                    )
                return True
            except psycopg2.errors.ObjectInUse:
                return False

        wait_until(attempt, timeout, f"a copy of {source} (other sessions on it)", interval=1)

    def drop(self, dbname):
        with contextlib.closing(self.connect("postgres")) as connection, connection.cursor() as cr:
            cr.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))

    def set_params(self, dbname, **values):
        """Write ``l10n_cl_ai.<name>`` system parameters directly (before the servers start)."""
        with contextlib.closing(self.connect(dbname)) as connection, connection.cursor() as cr:
            for name, value in values.items():
                cr.execute(
                    "INSERT INTO ir_config_parameter"
                    " (key, value, create_uid, write_uid, create_date, write_date)"
                    " VALUES (%s, %s, 1, 1, now(), now())"
                    " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, write_date = now()",
                    [f"l10n_cl_ai.{name}", str(value)],
                )


class OdooServer:
    """One ``odoo-bin`` server: ``workers`` HTTP workers, ``cron_threads`` cron workers, its own port and
    ``PROMETHEUS_MULTIPROC_DIR``; ``odoo_args`` are the connection/addons options shared by all servers."""

    def __init__(self, odoo_bin, dbname, odoo_args, workers=2, cron_threads=0, env=None):
        self.dbname = dbname
        self.port = free_port()
        self.metrics_dir = tempfile.mkdtemp(prefix="l10n_cl_ai_metrics_")
        self.log_path = self.metrics_dir + ".log"
        self.command = [
            sys.executable, odoo_bin, *odoo_args, "-d", dbname, f"--db-filter=^{dbname}$",
            f"--workers={workers}", f"--max-cron-threads={cron_threads}",
            "--http-interface=127.0.0.1", f"--http-port={self.port}", f"--gevent-port={free_port()}",
            "--limit-time-real=600", "--limit-time-cpu=300", "--log-level=info", "--no-database-list",
        ]  # fmt: skip
        self.env = dict(os.environ, PROMETHEUS_MULTIPROC_DIR=self.metrics_dir, **(env or {}))
        for name in (
            "L10N_CL_AI_REDIS_URL",
            "L10N_CL_AI_REDIS_SENTINELS",
            "L10N_CL_AI_REDIS_SENTINEL_MASTER",
        ):
            self.env.pop(name, None)  # the database's settings decide, as the tests write them
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - odoo-bin with fixed arguments, test-only
                self.command, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        wait_until(
            self._ready, READY_TIMEOUT, f"odoo-bin on port {self.port} ({self.log_tail()})", interval=1
        )
        return self

    def _ready(self):
        if self.process.poll() is not None:
            raise AssertionError(f"odoo-bin exited with {self.process.returncode}: {self.log_tail()}")
        return requests.get(f"{self.url}/web/health", timeout=10).status_code == 200

    def worker_pids(self):
        """The HTTP/cron worker processes (children of the master, the gevent process excluded)."""
        import psutil

        children = psutil.Process(self.process.pid).children()
        return sorted(child.pid for child in children if "gevent" not in child.cmdline())

    def log_tail(self, lines=40):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as log:
                return "".join(log.readlines()[-lines:])
        except OSError:
            return ""

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):  # then killed below
                self.process.wait(timeout=60)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # workers left behind, if any
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=30)
        shutil.rmtree(self.metrics_dir, ignore_errors=True)
        if not os.environ.get("L10N_CL_AI_KEEP_SERVER_LOGS"):  # set it to read the servers' logs after a run
            with contextlib.suppress(OSError):
                os.remove(self.log_path)


class Client:
    """A logged-in (or anonymous) HTTP client of one server; ``session_id`` can be shared between servers."""

    def __init__(self, server, session_id=None):
        self.server = server
        self.http = requests.Session()
        if session_id:
            self.http.cookies.set("session_id", session_id)

    def login(self, login, password):
        reply = self._jsonrpc(
            "/web/session/authenticate", {"db": self.server.dbname, "login": login, "password": password}
        )
        assert reply.get("uid"), reply
        return self.http.cookies.get("session_id")

    def call(self, model, method, *args, **kwargs):
        params = {"model": model, "method": method, "args": list(args), "kwargs": kwargs}
        return self._jsonrpc(f"/web/dataset/call_kw/{model}/{method}", params)

    def _jsonrpc(self, path, params):
        response = self.http.post(
            f"{self.server.url}{path}",
            json={"jsonrpc": "2.0", "method": "call", "id": 1, "params": params},
            timeout=REQUEST_TIMEOUT,
        )
        response.raise_for_status()
        body = response.json()
        if body.get("error"):
            raise AssertionError(f"{path}: {body['error']}")
        return body["result"]

    def get(self, path, **options):
        options.setdefault("timeout", REQUEST_TIMEOUT)
        return self.http.get(f"{self.server.url}{path}", **options)
