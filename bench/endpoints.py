"""Benchmark: /health and /metrics latency under 20 concurrent clients, against Odoo's own /web/health.

Starts a real ``odoo-bin --workers=2`` server (with a Redis of its own and ``PROMETHEUS_MULTIPROC_DIR``) on a
copy of the database (``CREATE DATABASE ... TEMPLATE``: the source must have no open session; the copy is
dropped at the end), then, in alternating rounds, 20 client threads each send requests to one endpoint:

- ``/web/health``: Odoo's own health route (no database work), the baseline;
- ``/health``: the addon's load-balancer answer (PostgreSQL round trip, cached Redis probe, breaker);
- ``/health`` with the token: the detail (crons, knowledge, budgets);
- ``/metrics`` with the token: the scrape (usage ledger, queues, crons, budgets, every worker's samples).

Prints p50 / p95 latency (ms) over all rounds, requests per second, and the ratios to ``/web/health``.

    .venv/bin/python bench/endpoints.py [--config .run/odoo.conf] [--db l10n_cl_ai_demo] [--rounds 5]
"""

import argparse
import configparser
import os
import statistics
import sys
import threading
import time
import uuid

import requests
from scratch_db import percentile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "l10n_cl_ai", "tests"))

from fakes.odoo_server import Database, OdooServer  # noqa: E402 - after the path set-up above
from fakes.redis_server import RedisServer  # noqa: E402

CLIENTS = 20
TOKEN = "bench-endpoints-token"  # noqa: S105 - a throwaway token of the copy
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ENDPOINTS = (
    ("/web/health", "/web/health", {}),
    ("/health", "/health", {}),
    ("/health (detail)", "/health", AUTH),
    ("/metrics", "/metrics", AUTH),
)


def _round(url, headers, per_client):
    """CLIENTS threads started together, ``per_client`` requests each; (latencies in s, wall time)."""
    latencies, errors, lock = [], [], threading.Lock()
    barrier = threading.Barrier(CLIENTS)

    def client():
        session = requests.Session()
        barrier.wait()
        for _ in range(per_client):
            started = time.perf_counter()
            response = session.get(url, headers=headers, timeout=120)
            elapsed = time.perf_counter() - started
            with lock:
                (latencies if response.status_code == 200 else errors).append(elapsed)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if errors:
        raise SystemExit(f"{url}: {len(errors)} requests did not answer 200")
    return latencies, wall


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--config", default=os.path.join(ROOT, ".run", "odoo.conf"))
    parser.add_argument("--db", default=os.environ.get("DB", "l10n_cl_ai_demo"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--per-client", type=int, default=10, help="requests per client and round")
    args = parser.parse_args()

    conf = configparser.ConfigParser()
    conf.read(args.config)
    options = conf["options"]
    database = Database(
        options.get("db_host"), options.get("db_port"), options.get("db_user"), options.get("db_password")
    )
    copy = f"{args.db}_bench_{uuid.uuid4().hex[:8]}"
    redis_server = RedisServer().start()
    server = None
    try:
        database.clone(args.db, copy, lambda: None, timeout=30)
        database.set_params(copy, metrics_token=TOKEN, redis_url=redis_server.url, redis_sentinels="")
        odoo_bin = os.path.join(os.environ.get("ODOO_PATH", "/opt/odoo19"), "odoo-bin")
        odoo_args = [
            f"--addons-path={options.get('addons_path')}",
            f"--db_host={options.get('db_host') or '127.0.0.1'}",
            f"--db_port={options.get('db_port') or 5432}",
            f"--db_user={options.get('db_user')}",
            f"--db_password={options.get('db_password')}",
            f"--data-dir={options.get('data_dir')}",
        ]
        server = OdooServer(odoo_bin, copy, odoo_args, workers=2, cron_threads=0).start()
        results = {name: [] for name, _path, _headers in ENDPOINTS}
        walls = {name: 0.0 for name, _path, _headers in ENDPOINTS}
        for _name, path, headers in ENDPOINTS:  # warm-up: every worker loads what the endpoint needs
            _round(server.url + path, headers, 2)
        for _ in range(args.rounds):
            for name, path, headers in ENDPOINTS:  # alternating, so load drifts hit every endpoint alike
                latencies, wall = _round(server.url + path, headers, args.per_client)
                results[name] += latencies
                walls[name] += wall
    finally:
        if server:
            server.stop()
        redis_server.close()
        database.drop(copy)

    base = results["/web/health"]
    base_p50, base_p95 = statistics.median(base), percentile(base, 0.95)
    print(
        f"{CLIENTS} concurrent clients, --workers=2, {args.rounds} rounds x {args.per_client} requests each"
    )
    print(f"{'endpoint':<18} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} {'p50 ratio':>10} {'p95 ratio':>10}")
    for name, _path, _headers in ENDPOINTS:
        values = results[name]
        p50, p95 = statistics.median(values), percentile(values, 0.95)
        print(
            f"{name:<18} {p50 * 1000:8.1f} {p95 * 1000:8.1f} {len(values) / walls[name]:8.1f}"
            f" {p50 / base_p50:10.2f} {p95 / base_p95:10.2f}"
        )
    print("ratio = endpoint / Odoo's /web/health, measured in the same run")


if __name__ == "__main__":
    main()
