"""Fetching SII pages over real HTTP from a fake site on 127.0.0.1: conditional GET, hash, failures."""

import socket

import pytest

from fakes import sii_fixtures as fx
from fakes.fake_sii import LAST_MODIFIED, FakeSii
from services.sii_monitor import fetch

PATH = "/normativa_legislacion/circulares/2026/indcir2026.htm"


@pytest.fixture
def site():
    with FakeSii() as server:
        server.set_page(PATH, fx.encoded(fx.circulars_html()))
        yield server


def test_first_fetch_reads_the_page_and_remembers_etag_and_date(site):
    result = fetch.fetch(site.url(PATH))
    assert result.state == "changed"
    assert result.content == fx.encoded(fx.circulars_html())
    assert result.content_hash == fetch.content_hash(result.content)
    assert result.etag.startswith('"') and result.last_modified == LAST_MODIFIED


def test_a_second_fetch_sends_the_validators_and_gets_304(site):
    first = fetch.fetch(site.url(PATH))
    site.clear_requests()
    second = fetch.fetch(
        site.url(PATH), etag=first.etag, last_modified=first.last_modified, previous_hash=first.content_hash
    )
    assert (second.state, second.status, second.content) == ("not_modified", 304, b"")
    assert second.content_hash == first.content_hash
    ((_path, headers),) = site.requests
    assert headers["if-none-match"] == first.etag
    assert headers["if-modified-since"] == LAST_MODIFIED


def test_without_etags_the_content_hash_tells_an_unchanged_page():
    with FakeSii(etags=False) as site:
        site.set_page(PATH, fx.encoded(fx.circulars_html()))
        first = fetch.fetch(site.url(PATH))
        again = fetch.fetch(site.url(PATH), previous_hash=first.content_hash)
        assert again.state == "unchanged"
        site.set_page(PATH, fx.encoded(fx.circulars_html(entries=(*fx.CIRCULARS, fx.NEW_CIRCULAR))))
        changed = fetch.fetch(site.url(PATH), previous_hash=first.content_hash)
        assert changed.state == "changed" and changed.content_hash != first.content_hash


def test_a_changed_page_is_read_again_despite_an_old_etag(site):
    first = fetch.fetch(site.url(PATH))
    site.set_page(PATH, fx.encoded(fx.circulars_html(entries=(*fx.CIRCULARS, fx.NEW_CIRCULAR))))
    result = fetch.fetch(site.url(PATH), etag=first.etag, previous_hash=first.content_hash)
    assert result.state == "changed"
    assert b"circu57.pdf" in result.content


def test_http_errors_are_named(site):
    site.fail(PATH, 503)
    with pytest.raises(fetch.FetchError) as caught:
        fetch.fetch(site.url(PATH))
    assert (caught.value.kind, caught.value.status) == ("http", 503)
    with pytest.raises(fetch.FetchError) as caught:
        fetch.fetch(site.url("/no/such/page.htm"))
    assert (caught.value.kind, caught.value.status) == ("http", 404)


def test_an_unreachable_host_is_named():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(fetch.FetchError) as caught:
        fetch.fetch(f"http://127.0.0.1:{port}/indcir2026.htm", timeout_s=5)
    assert caught.value.kind == "unreachable"
    assert "ConnectionError" in str(caught.value)


def test_a_page_above_the_cap_is_refused(site):
    with pytest.raises(fetch.FetchError) as caught:
        fetch.fetch(site.url(PATH), max_bytes=1000)
    assert caught.value.kind == "too_large"


def test_a_slow_server_times_out():
    import threading

    with socket.socket() as server:  # accepts, never answers
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        accepted = []
        thread = threading.Thread(target=lambda: accepted.append(server.accept()), daemon=True)
        thread.start()
        with pytest.raises(fetch.FetchError) as caught:
            fetch.fetch(f"http://127.0.0.1:{port}/x.htm", timeout_s=0.5)
        assert caught.value.kind == "unreachable"
        assert "Timeout" in str(caught.value)
        for connection, _address in accepted:
            connection.close()
