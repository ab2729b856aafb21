"""``AiOutcome``: what one Claude step of a queued record produced, for the record to store or post.

One shape for the queue's records: a DTE review (``kind`` done | skipped | unavailable | deferred, with
the verdict and findings) and the bot's answer (``kind`` answer | knowledge_only | refused | apology |
retry, with the message ``body``). ``retry_after`` set: the queue tries again later (``rate_limited``: a
rate-limit wait, else a failed run).
"""

from dataclasses import dataclass, field


@dataclass
class AiOutcome:
    kind: str
    reason: str = ""  # why it was skipped, unavailable, refused or failed (shown to users)
    body: str = ""  # the bot's message (Markup)
    plugin: str = ""  # the expert that answered
    retry_after: float | None = None
    rate_limited: bool = False
    # a DTE review's result
    confidence: int | None = None
    recommendation: str | None = None
    findings: list = field(default_factory=list)
    usage_id: int | None = None
    personal_data_minimized: bool = False
