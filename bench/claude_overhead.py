"""Claude client overhead and prompt-cache savings, against the fake Anthropic server (zero latency).

    .venv/bin/python bench/claude_overhead.py [--calls 200]

1. Overhead per call of ``ClaudeClient.create()`` (price lookup, breaker, token pre-count, cost ceiling,
   breakpoint placement, retries wrapper, usage and cost) against a raw SDK ``messages.create`` baseline
   measured in the same process, on the same loopback server. The pre-count is a second HTTP request, so
   a raw "count_tokens + create" baseline is printed too; with redis-server installed, the breaker shared
   through a real Redis is measured as well.
2. A typical DTE validation call at the default model's prices: input tokens billed at full price vs read
   from the cache on the second identical-prefix call, and the cost cold and warm (and without caching,
   as the replaced service paid: its marker sat on a prefix below the minimum).
"""

import argparse
import os
import shutil
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [os.path.join(ROOT, "l10n_cl_ai"), os.path.join(ROOT, "l10n_cl_ai", "tests")]

import anthropic  # noqa: E402

from fakes.fake_anthropic import FakeAnthropic  # noqa: E402
from fakes.redis_server import RedisServer  # noqa: E402
from services.claude.breaker import CircuitBreaker  # noqa: E402
from services.claude.client import ClaudeClient, ClaudeSettings, Prompt  # noqa: E402
from services.claude.model_catalog import DEFAULT_MODEL  # noqa: E402
from services.claude.pricing import DEFAULT_PRICES, DEFAULT_PRICES_BY_MODEL, Usage, cost_usd  # noqa: E402

QUESTION = [
    {"role": "user", "content": "Valida el DTE 33 N° 1520 de 76.086.428-5: neto 1.000.000, IVA 190.000."}
]
SYSTEM = ["Eres un experto en documentos tributarios electrónicos del SII de Chile. " * 140]  # ~2,600 tokens
PASSAGES = ["Resolución Ex. SII N° 80: formato y validación de los DTE. " * 100]  # ~1,500 tokens
REPLY = (
    '{"verdict": "review", "score": 62, "findings": ["' + "IVA calculado sobre neto erróneo. " * 45 + '"]}'
)


def per_call_ms(function, calls):
    for _ in range(min(20, calls)):  # warm up: imports, connection pool
        function()
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def overhead(fake, calls):
    raw = anthropic.Anthropic(api_key=fake.api_key, base_url=fake.base_url, max_retries=0)
    body = {"model": DEFAULT_MODEL, "max_tokens": 256, "system": SYSTEM[0], "messages": QUESTION}

    def raw_create():
        raw.messages.create(**body)

    def raw_count_and_create():
        raw.messages.count_tokens(model=DEFAULT_MODEL, system=SYSTEM[0], messages=QUESTION)
        raw.messages.create(**body)

    settings = ClaudeSettings(api_key=fake.api_key, base_url=fake.base_url, max_cost_per_request_usd=1.0)
    prompt = Prompt(system=SYSTEM, messages=QUESTION)
    ours_local = ClaudeClient(settings, DEFAULT_PRICES)
    rows = [
        ("raw SDK messages.create (baseline)", per_call_ms(raw_create, calls)),
        ("raw SDK count_tokens + messages.create", per_call_ms(raw_count_and_create, calls)),
        ("ClaudeClient.create, per-process breaker", per_call_ms(lambda: ours_local.create(prompt), calls)),
    ]
    if shutil.which("redis-server"):
        import redis

        with RedisServer() as server:
            client = redis.Redis.from_url(server.url, socket_timeout=1, socket_connect_timeout=1)
            ours_redis = ClaudeClient(settings, DEFAULT_PRICES, breaker=CircuitBreaker(redis_client=client))
            rows.append(
                ("ClaudeClient.create, Redis breaker", per_call_ms(lambda: ours_redis.create(prompt), calls))
            )
    baseline = rows[0][1]
    print(f"Client overhead per call, fake server with zero latency, median of {calls} calls")
    for label, ms in rows:
        print(f"  {label:<44} {ms:7.3f} ms   x{ms / baseline:5.2f}   +{ms - baseline:6.3f} ms")
    print()


def caching(fake):
    price = DEFAULT_PRICES_BY_MODEL[DEFAULT_MODEL]
    client = ClaudeClient(ClaudeSettings(api_key=fake.api_key, base_url=fake.base_url), DEFAULT_PRICES)
    prompt = Prompt(system=SYSTEM + PASSAGES, messages=QUESTION)
    fake.reset_cache()
    fake.reply_text(REPLY)
    fake.reply_text(REPLY)
    cold = client.create(prompt, max_tokens=1024)
    warm = client.create(prompt, max_tokens=1024)
    total_input = cold.usage.prompt_tokens
    uncached = Usage(input_tokens=total_input, output_tokens=cold.usage.output_tokens)
    print(
        f"Typical DTE validation call on {DEFAULT_MODEL} (USD/MTok: input {price.input}, 5m write "
        f"{price.cache_write_5m}, hit {price.cache_read}, output {price.output})"
    )
    print(
        f"  prompt {total_input} tokens, output {cold.usage.output_tokens} tokens, "
        f"{cold.cache_breakpoints} cache breakpoints"
    )
    for label, result in (("cold (1st call)", cold), ("warm (2nd call)", warm)):
        usage = result.usage
        print(
            f"  {label}: full price {usage.input_tokens:5d}, cache write {usage.cache_write_tokens:5d}, "
            f"cache read {usage.cache_read_tokens:5d} tokens -> {result.cost_usd:.6f} USD"
        )
    no_cache = cost_usd(uncached, price)
    print(f"  without caching (replaced service): {total_input} tokens at full price -> {no_cache:.6f} USD")
    warm_ratio, cold_ratio = warm.cost_usd / no_cache, cold.cost_usd / no_cache
    print(f"  warm / uncached cost: {warm_ratio:.3f}   cold / uncached: {cold_ratio:.3f}")
    print(f"  input billed at full price on the warm call: {warm.usage.input_tokens / total_input:.1%}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    with FakeAnthropic() as fake:
        overhead(fake, args.calls)
        caching(fake)


if __name__ == "__main__":
    main()
