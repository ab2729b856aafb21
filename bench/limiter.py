"""Benchmark: the one-call Lua limiter (services.limiter) vs a naive four-command limiter.

The naive one is what the replaced service did: ZREMRANGEBYSCORE, ZCARD, ZADD, EXPIRE as four separate
commands on every check, admitting when the count read before the ZADD was under the limit. Both run
against the same redis-server (started here on a free loopback port), from 32 threads started together,
in alternating rounds:

- burst: one key, limit 50, 60 s window, 32 threads x 60 checks. Admitted must be exactly 50; the naive
  limiter admits more because several threads read the same count before any of them adds.
- under limit: 32 threads x 60 checks on keys that never fill up (every check admitted).

Prints checks per second (median of the rounds), admitted counts and the ratio Lua / naive.

    .venv/bin/python bench/limiter.py [--rounds 7]
"""

import argparse
import math
import os
import statistics
import sys
import threading
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
THREADS = 32
CHECKS_PER_THREAD = 60
LIMIT = 50
WINDOW_S = 60


class NaiveLimiter:
    """The replaced service's limiter: check then act, in four separate round trips."""

    def __init__(self, client):
        self.client = client

    def allowed(self, key, limit, window_s):
        now = time.time()
        self.client.zremrangebyscore(key, 0, now - window_s)
        count = self.client.zcard(key)
        self.client.zadd(key, {uuid.uuid4().hex: now})
        self.client.expire(key, math.ceil(window_s))
        return count < limit


def lua_allowed(limiter):
    def allowed(key, limit, window_s):
        result = limiter.check(key, limit, window_s)
        assert result.backend == "redis", "Redis went away during the benchmark"
        return result.allowed
    return allowed


def run_round(allowed, key_for_thread, limit):
    """32 threads x 60 checks started together; returns (checks per second, admitted)."""
    barrier = threading.Barrier(THREADS + 1)
    admitted = [0] * THREADS

    def worker(index):
        key = key_for_thread(index)
        barrier.wait()
        count = 0
        for _ in range(CHECKS_PER_THREAD):
            count += allowed(key, limit, WINDOW_S)
        admitted[index] = count

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return THREADS * CHECKS_PER_THREAD / elapsed, sum(admitted)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    rounds = parser.parse_args().rounds
    # The engine and the test fakes, importable by name as in tests_engine/conftest.py.
    sys.path[:0] = [os.path.join(ROOT, "l10n_cl_ai"), os.path.join(ROOT, "l10n_cl_ai", "tests")]
    from fakes.redis_server import RedisServer
    from services.redis_state.connection import build_redis
    from services.redis_state.limiter import RateLimiter

    with RedisServer() as server:
        client = build_redis(server.url, socket_timeout=5.0, connect_timeout=2.0)
        contenders = {"lua": lua_allowed(RateLimiter(client)), "naive": NaiveLimiter(client).allowed}
        for allowed in contenders.values():  # warm up connections and the script cache
            run_round(allowed, lambda i: f"bench:warmup:{uuid.uuid4().hex}", LIMIT)
        burst = {name: [] for name in contenders}
        open_rate = {name: [] for name in contenders}
        for round_no in range(rounds):
            for name, allowed in contenders.items():
                key = f"bench:burst:{name}:{round_no}"
                burst[name].append(run_round(allowed, lambda _i, key=key: key, LIMIT))
                prefix = f"bench:open:{name}:{round_no}"
                open_rate[name].append(run_round(allowed, lambda i, prefix=prefix: f"{prefix}:{i}", 10**9))
        client.close()

    print(f"redis-server {server.port}; {THREADS} threads x {CHECKS_PER_THREAD} checks; {rounds} rounds; "
          f"limit {LIMIT} per {WINDOW_S} s")
    medians = {}
    for name in contenders:
        rates = [rate for rate, _ in burst[name]]
        admitted = [count for _, count in burst[name]]
        open_rates = [rate for rate, _ in open_rate[name]]
        medians[name] = (statistics.median(rates), statistics.median(open_rates))
        over = [count - LIMIT for count in admitted]
        print(f"{name:>5}: burst {medians[name][0]:8,.0f} checks/s "
              f"(range {min(rates):,.0f}-{max(rates):,.0f}), "
              f"admitted {min(admitted)}-{max(admitted)} of {LIMIT} (over limit: max {max(over)}, "
              f"total {sum(over)}); under limit {medians[name][1]:8,.0f} checks/s")
    print(f"ratio lua/naive checks/s: burst {medians['lua'][0] / medians['naive'][0]:.2f}x, "
          f"under limit {medians['lua'][1] / medians['naive'][1]:.2f}x")
    lua_over = max(count for _, count in burst["lua"]) - LIMIT
    print("lua admitted over the limit:", lua_over, "(must be 0)")
    return 1 if lua_over or min(count for _, count in burst["lua"]) != LIMIT else 0


if __name__ == "__main__":
    sys.exit(main())
