"""One place that turns settings into a redis-py client: a plain URL, or a Sentinel-managed master.

Used by the limiter, the circuit breaker and the caches. Timeouts are short on purpose: every caller
has a local fallback, so a slow Redis must fail fast instead of holding Odoo workers.

The validators (``validate_redis_url``, ``parse_sentinels``, ``validate_sentinel_master``) raise
``ValueError`` with an English message; the settings form translates it.
"""

import re
from urllib.parse import urlparse, urlsplit, urlunsplit

import redis
from redis.backoff import ExponentialWithJitterBackoff
from redis.connection import parse_url
from redis.retry import Retry
from redis.sentinel import Sentinel

from ..claude.errors import ConfigurationError

DEFAULT_SENTINEL_PORT = 26379
HEALTH_CHECK_INTERVAL_S = 15
_URL_SCHEMES = ("redis", "rediss", "unix")
_SENTINEL_SEPARATORS = re.compile(r"[,\s]+")
_MASTER_NAME = re.compile(r"^[A-Za-z0-9._\-]+$")
_HOST_CHARS = re.compile(r"^[A-Za-z0-9._\-]+$")
_IPV6_CHARS = re.compile(r"^[0-9A-Fa-f:.%]+$")


def validate_redis_url(url):
    """Return ``url`` stripped, or raise ``ValueError`` saying what is wrong with it."""
    url = (url or "").strip()
    if not url:
        raise ValueError("The Redis URL is empty.")
    parsed = urlparse(url)
    if parsed.scheme not in _URL_SCHEMES:
        raise ValueError(
            f"The Redis URL must start with redis://, rediss:// or unix:// (got {url!r})."
        )
    if any(char.isspace() for char in url):
        raise ValueError(f"The Redis URL must not contain spaces (got {url!r}).")
    if parsed.scheme == "unix":
        if not parsed.path:
            raise ValueError(f"The Redis URL {url!r} names no socket path (unix:///path/to/redis.sock).")
    else:
        if not parsed.hostname:
            raise ValueError(f"The Redis URL {url!r} names no host (redis://host:6379/0).")
        try:
            port = parsed.port
        except ValueError:
            raise ValueError(f"The Redis URL {url!r} has an invalid port (1 to 65535).") from None
        if port is not None and not 1 <= port <= 65535:
            raise ValueError(f"The Redis URL {url!r} has an invalid port (1 to 65535).")
        db_path = parsed.path.strip("/")
        if db_path and not db_path.isdigit():
            raise ValueError(f"The Redis URL {url!r} has an invalid database number {db_path!r}.")
    try:
        parse_url(url)
    except ValueError as error:
        raise ValueError(f"The Redis URL {url!r} is invalid: {error}") from None
    return url


def _parse_sentinel_address(text):
    if text.startswith("["):  # [IPv6]:port
        host, bracket, rest = text[1:].partition("]")
        if not bracket or not host:
            raise ValueError(f"Invalid Sentinel address {text!r}: unbalanced brackets around an IPv6 host.")
        if rest and not rest.startswith(":"):
            raise ValueError(f"Invalid Sentinel address {text!r}: expected [host]:port.")
        port_text = rest[1:] if rest else ""
        if rest and not port_text:
            raise ValueError(f"Invalid Sentinel address {text!r}: the port is missing after ':'.")
    elif text.count(":") > 1:
        if _IPV6_CHARS.match(text):
            raise ValueError(f"Invalid Sentinel address {text!r}: write IPv6 hosts as [host]:port.")
        raise ValueError(f"Invalid Sentinel address {text!r}: separate addresses with commas.")
    else:
        host, colon, port_text = text.partition(":")
        if colon and not port_text:
            raise ValueError(f"Invalid Sentinel address {text!r}: the port is missing after ':'.")
    if not host:
        raise ValueError(f"Invalid Sentinel address {text!r}: the host is missing.")
    if not (_HOST_CHARS.match(host) or (text.startswith("[") and _IPV6_CHARS.match(host))):
        raise ValueError(f"Invalid Sentinel address {text!r}: the host name has invalid characters.")
    if not port_text:
        return host, DEFAULT_SENTINEL_PORT
    if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
        raise ValueError(f"Invalid Sentinel address {text!r}: the port must be a number from 1 to 65535.")
    return host, int(port_text)


def _check_pair(host, port):
    host = str(host or "").strip().strip("[]")
    if not host:
        raise ValueError("Invalid Sentinel address: the host is missing.")
    try:
        port = int(port)
    except (TypeError, ValueError):
        port = 0
    if not 1 <= port <= 65535:
        raise ValueError(f"Invalid Sentinel address for {host!r}: the port must be a number from 1 to 65535.")
    return host, port


def parse_sentinels(value):
    """``"host:port, host:port"`` (or a list of such strings or of (host, port) pairs) -> [(host, port)].

    Separators are commas, spaces or new lines; a missing port means 26379; IPv6 hosts are written
    ``[::1]:26379``. Duplicates are dropped, order is kept. Raises ``ValueError`` on malformed input.
    """
    if isinstance(value, str):
        items = [item for item in _SENTINEL_SEPARATORS.split(value.strip()) if item]
    else:
        items = list(value or ())
    addresses = []
    for item in items:
        if isinstance(item, str):
            address = _parse_sentinel_address(item.strip())
        else:
            try:
                host, port = item
            except (TypeError, ValueError):
                raise ValueError(f"Invalid Sentinel address {item!r}: expected (host, port).") from None
            address = _check_pair(host, port)
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise ValueError("The Sentinel list is empty: give at least one host:port.")
    return addresses


def validate_sentinel_master(name):
    """Return the Sentinel master (service) name stripped, or raise ``ValueError``."""
    name = (name or "").strip()
    if not name:
        raise ValueError("The Sentinel master name is empty (for example: mymaster).")
    if not _MASTER_NAME.match(name):
        raise ValueError(
            f"The Sentinel master name {name!r} may only hold letters, digits, '.', '_' and '-'."
        )
    return name


def _retry_policy():
    # One quick retry on a connection error only: it reconnects a pooled connection that a Redis
    # restart or a Sentinel failover broke. Timeouts are not retried (the command may have run, and
    # callers fall back locally instead of waiting twice).
    return Retry(ExponentialWithJitterBackoff(cap=0.1, base=0.02), retries=1,
                 supported_errors=(redis.exceptions.ConnectionError,))


def build_redis(redis_url=None, sentinels=None, sentinel_master=None, socket_timeout=0.5,
                connect_timeout=0.5, *, password=None, username=None, db=0, sentinel_password=None,
                client_name=None):
    """A redis-py client from the settings: Sentinel when ``sentinels`` is set, else ``redis_url``.

    ``sentinels``: "host:port,host:port" or a list (see ``parse_sentinels``), with ``sentinel_master``
    the monitored service name; ``password``/``username``/``db`` apply to the data nodes,
    ``sentinel_password`` to the Sentinels. The client reconnects by itself after a restart or a
    failover; it raises ``redis.exceptions.ConnectionError`` / ``TimeoutError`` while Redis is down.
    Raises ``ConfigurationError`` when nothing (or something malformed) is configured.
    """
    options = {
        "socket_timeout": socket_timeout,
        "socket_connect_timeout": connect_timeout,
        "health_check_interval": HEALTH_CHECK_INTERVAL_S,
        "retry": _retry_policy(),
    }
    if client_name:
        options["client_name"] = client_name
    try:
        if sentinels:
            addresses = parse_sentinels(sentinels)
            master = validate_sentinel_master(sentinel_master)
        elif redis_url:
            url = validate_redis_url(redis_url)
        else:
            raise ValueError("Redis is not configured: set a Redis URL or a Sentinel list and master name.")
    except ValueError as error:
        raise ConfigurationError(str(error)) from None

    if not sentinels:
        if password:
            options["password"] = password
        if username:
            options["username"] = username
        return redis.Redis.from_url(url, **options)

    sentinel_options = {"socket_timeout": socket_timeout, "socket_connect_timeout": connect_timeout,
                        "retry": _retry_policy()}
    if sentinel_password:
        sentinel_options["password"] = sentinel_password
    sentinel = Sentinel(addresses, sentinel_kwargs=sentinel_options)
    return sentinel.master_for(master, db=db, password=password, username=username, **options)


def redacted_url(url):
    """``url`` with its password hidden (``redis://user:***@host:6379/0``), for screens and reports."""
    parts = urlsplit(url or "")
    if not parts.password:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))
