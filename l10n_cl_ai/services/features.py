"""The engine's features in one table: what each is called in the ledger, which per-user rate limits it,
which Claude model serves it, and whether its reply is kept for a replayed call."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Feature:
    code: str
    label: str  # in the usage ledger (English; translated by Odoo)
    rate_setting: str  # the ``EngineSettings`` field of its per-user rate (requests per minute)
    model_setting: str = ""  # the ``EngineSettings`` field of its own model ("" or empty value: the main one)
    # the reply is kept in the ledger and given back when the same call is replayed (a retried review or
    # summary); not the chat's: its answer carries what the tools read with the asker's rights
    replayed: bool = False
    claude: bool = True  # a Claude call with a ledger row (the knowledge search is rate-limited only)


FEATURES = (
    Feature("dte_validation", "DTE validation", "validate_rate_per_minute", "dte_model", replayed=True),
    Feature("chat", "Discuss bot", "chat_rate_per_minute", "chat_model"),
    # a background batch, limited like the validation queue
    Feature("sii", "SII publications", "validate_rate_per_minute", "sii_model", replayed=True),
    # Claude's account for a vendor-bill line no posted line is close to (a background queue)
    Feature("bill_coding", "Bill coding", "validate_rate_per_minute", "dte_model", replayed=True),
    Feature("knowledge_search", "Knowledge search", "chat_rate_per_minute", claude=False),
    Feature("other", "Other", "chat_rate_per_minute"),
)
BY_CODE = {feature.code: feature for feature in FEATURES}
LEDGER_SELECTION = [(feature.code, feature.label) for feature in FEATURES if feature.claude]
REPLAYED = frozenset(feature.code for feature in FEATURES if feature.replayed)


def _feature(code):
    return BY_CODE.get(code, BY_CODE["other"])


def rate_per_minute(code, settings):
    """The per-user rate of ``code`` (an unknown feature is limited like ``other``)."""
    return getattr(settings, _feature(code).rate_setting)


def model_for(code, settings):
    """The Claude model of ``code``: its own setting when set, else the main model."""
    own = _feature(code).model_setting
    return (getattr(settings, own) if own else "") or settings.model
