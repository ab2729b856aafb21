"""What users read when an AI call did not happen or failed, keyed by the engine error ``kind``."""

from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

ENGINE_MESSAGES = {
    "configuration": _lt("The AI assistant is not configured: %(details)s Ask an administrator to check "
                         "Settings > Chilean AI."),
    "price_missing": _lt("The Claude model %(model)s has no price in AI assistant > Claude prices, so its "
                         "cost cannot be counted. Ask a manager to add it."),
    "rate_limited": _lt("Too many AI requests in a short time. Try again in %(wait)s seconds."),
    "budget_exceeded": _lt("The AI budget of the company is spent (%(period)s: %(spent)s of %(budget)s USD). "
                           "Ask a manager to raise it or wait for the next period."),
    "cost_ceiling": _lt("This request could cost up to %(cost)s USD, above the limit of %(limit)s USD per "
                        "request. Shorten it or ask a manager to raise the limit."),
    "circuit_open": _lt("Claude failed several times in a row, so AI calls are paused. Try again in "
                        "%(wait)s seconds."),
    "unavailable": _lt("Claude could not be reached or is overloaded right now (%(details)s). Try again "
                       "in a few minutes."),
    "bad_request": _lt("Claude refused the request: %(details)s"),
    "spend_limit": _lt("The Anthropic account reached its spend limit. Ask an administrator to review "
                       "the Anthropic billing settings."),
    "invalid_reply": _lt("Claude's answer could not be understood, even after asking it again."),
}
UNKNOWN_ERROR = _lt("The AI assistant failed unexpectedly: %(details)s")


def engine_error_message(env, error):
    """The translated message for an engine exception, in the user's language."""
    retry_after = getattr(error, "retry_after", None)
    details = dict(getattr(error, "details", {}) or {})
    params = {
        "details": str(error),
        "wait": max(1, round(retry_after)) if retry_after else 1,
        "model": details.get("model", ""),
        "period": details.get("period_label", details.get("period", "")),
        "spent": f"{details.get('spent', 0):.2f}",
        "budget": f"{details.get('budget', 0):.2f}",
        "cost": f"{details.get('estimated_cost_usd', 0):.4f}",
        "limit": f"{details.get('max_cost_usd', 0):.4f}",
    }
    template = ENGINE_MESSAGES.get(getattr(error, "kind", ""), UNKNOWN_ERROR)
    return template._translate(env.lang or "en_US") % params
