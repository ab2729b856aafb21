"""A ``ClaudeClient`` wired to the fake Anthropic server, for the engine tests (one definition)."""

import time

from services.claude.client import ClaudeClient, ClaudeSettings
from services.claude.pricing import DEFAULT_PRICES


def make_client(fake, sleep=time.sleep, breaker=None, **options):
    """A client of ``fake``; ``options`` override ``ClaudeSettings`` (5 s timeout, 10 ms back-off)."""
    settings = {"api_key": fake.api_key, "base_url": fake.base_url, "timeout_s": 5, "backoff_base_s": 0.01}
    settings.update(options)
    return ClaudeClient(ClaudeSettings(**settings), DEFAULT_PRICES, breaker=breaker, sleep=sleep)
