"""services.redis_conn: settings validators, and the client built from a URL against a real redis-server."""

import pytest

from fakes.redis_server import RedisServer
from services.claude.errors import ConfigurationError
from services.redis_state.connection import (
    build_redis,
    parse_sentinels,
    validate_redis_url,
    validate_sentinel_master,
)


@pytest.fixture(scope="module")
def redis_server():
    with RedisServer() as server:
        yield server


@pytest.mark.parametrize(
    "url",
    [
        "redis://127.0.0.1:6379/0",
        "redis://localhost",
        "rediss://user:secret@redis.example.cl:6380/2",
        "redis://:p%40ss@10.0.0.5:6379/15?socket_keepalive=true",
        "unix:///var/run/redis/redis.sock?db=1",
        "  redis://127.0.0.1:6379/0  ",
    ],
)
def test_valid_urls_are_accepted_and_stripped(url):
    assert validate_redis_url(url) == url.strip()


@pytest.mark.parametrize(
    "url, message",
    [
        ("", "empty"),
        ("   ", "empty"),
        ("http://127.0.0.1:6379", "must start with"),
        ("127.0.0.1:6379", "must start with"),
        ("redis://", "no host"),
        ("redis://:6379/0", "no host"),
        ("redis://127.0.0.1:port/0", "invalid port"),
        ("redis://127.0.0.1:70000/0", "invalid port"),
        ("redis://127.0.0.1:6379/zero", "invalid database"),
        ("redis://127.0.0.1 :6379/0", "spaces"),
        ("redis://127.0.0.1:6379/0?socket_timeout=soon", "invalid"),
        ("unix://", "no socket path"),
    ],
)
def test_malformed_urls_are_rejected_with_a_clear_message(url, message):
    with pytest.raises(ValueError, match=message):
        validate_redis_url(url)


def test_sentinel_lists_accept_commas_spaces_ipv6_default_port_and_pairs():
    assert parse_sentinels("10.0.0.1:26379, 10.0.0.2:26380\nsentinel-3") == [
        ("10.0.0.1", 26379),
        ("10.0.0.2", 26380),
        ("sentinel-3", 26379),
    ]
    assert parse_sentinels("[::1]:26379,[fe80::1]") == [("::1", 26379), ("fe80::1", 26379)]
    assert parse_sentinels([("127.0.0.1", "26379"), "127.0.0.1:26379", "h:1"]) == [
        ("127.0.0.1", 26379),
        ("h", 1),
    ]


@pytest.mark.parametrize(
    "value, message",
    [
        ("", "empty"),
        (" , ,", "empty"),
        ([], "empty"),
        ("host:", "port is missing"),
        (":26379", "host is missing"),
        ("host:abc", "port must be"),
        ("host:0", "port must be"),
        ("host:65536", "port must be"),
        ("a:1;b:2", "separate addresses with commas"),
        ("a;b:2", "invalid characters"),
        ("::1:26379", "IPv6"),
        ("[::1:26379", "brackets"),
        ("[::1]26379", r"\[host\]:port"),
        ([("", 26379)], "host is missing"),
        ([("h", "x")], "port must be"),
        ([("h",)], "expected"),
    ],
)
def test_malformed_sentinel_lists_are_rejected(value, message):
    with pytest.raises(ValueError, match=message):
        parse_sentinels(value)


def test_sentinel_master_name_is_validated():
    assert validate_sentinel_master(" mymaster ") == "mymaster"
    for bad in ("", "  ", "my master", "master/1"):
        with pytest.raises(ValueError):
            validate_sentinel_master(bad)


def test_build_redis_from_url_talks_to_the_server_with_short_timeouts(redis_server):
    client = build_redis(redis_server.url, socket_timeout=0.3, connect_timeout=0.2)
    try:
        client.set("l10n_cl_ai:test:conn", "ok")
        assert client.get("l10n_cl_ai:test:conn") == b"ok"
        options = client.connection_pool.connection_kwargs
        assert options["socket_timeout"] == 0.3
        assert options["socket_connect_timeout"] == 0.2
        assert options["health_check_interval"] > 0
    finally:
        client.close()


def test_build_redis_reconnects_after_a_restart(redis_server):
    client = build_redis(redis_server.url)
    try:
        assert client.ping()
        redis_server.stop()
        redis_server.start()
        assert client.ping()  # the pooled connection broke; the client reconnected by itself
    finally:
        client.close()


def test_build_redis_refuses_missing_or_malformed_settings():
    with pytest.raises(ConfigurationError, match="not configured"):
        build_redis()
    with pytest.raises(ConfigurationError, match="must start with"):
        build_redis("http://127.0.0.1:6379")
    with pytest.raises(ConfigurationError, match="master name is empty"):
        build_redis(sentinels="127.0.0.1:26379")
    with pytest.raises(ConfigurationError, match="port must be"):
        build_redis(sentinels="127.0.0.1:x", sentinel_master="mymaster")


def test_a_url_is_shown_without_its_password():
    from services.redis_state.connection import redacted_url

    assert redacted_url("redis://:s3cret@10.0.0.5:6380/1") == "redis://:***@10.0.0.5:6380/1"
    assert redacted_url("rediss://app:pw@cache.example:6379/0") == "rediss://app:***@cache.example:6379/0"
    assert redacted_url("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"


def test_redis_settings_come_from_the_database_then_the_environment_then_the_configuration_file():
    from services.settings import redis_source

    conf = {"l10n_cl_ai_redis_url": "redis://conf:6379/0"}
    env = {"L10N_CL_AI_REDIS_SENTINELS": "s1:26379,s2:26379", "L10N_CL_AI_REDIS_SENTINEL_MASTER": "m"}
    assert redis_source({"redis_url": "redis://db:6379/0"}, env, conf)[0] == "settings"
    source, values = redis_source({"redis_url": False}, env, conf)
    assert (source, values["redis_sentinels"], values["redis_url"]) == (
        "environment",
        "s1:26379,s2:26379",
        "",
    )
    assert redis_source({}, {}, conf) == (
        "server configuration",
        {"redis_url": "redis://conf:6379/0", "redis_sentinels": "", "redis_sentinel_master": ""},
    )
    assert redis_source({}, {}, {})[0] == "none"
