"""Claude through the official ``anthropic`` SDK: the client (``client``: prompt caching, token pre-count,
cost ceiling, retries, structured replies), its prompt cache (``prompt_cache``), what a call costs
(``pricing``) and which models exist (``model_catalog``), the circuit breaker (``breaker``) and the
engine's named errors (``errors``)."""
