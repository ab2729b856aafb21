"""Fetching SII pages over real HTTP from a fake site on 127.0.0.1: conditional GET, hash, failures."""

import gzip
import socket
import time
import tracemalloc
import zlib

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


def _gzip_of_zeros(megabytes):
    """A gzip stream of ``megabytes`` MiB of zero bytes, built without holding them (about 1 KB per MB)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1024 * 1024)
    return b"".join([*(packer.compress(block) for _ in range(megabytes)), packer.flush()])


def _peak_bytes_while(action):
    tracemalloc.start()
    try:
        action()
    finally:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak


def test_a_gzip_page_is_inflated(site):
    page = fx.encoded(fx.circulars_html())
    site.set_page("/gz.htm", gzip.compress(page), headers={"Content-Encoding": "gzip"})
    assert fetch.fetch(site.url("/gz.htm")).content == page
    (_path, headers), *_rest = site.requests[-1:]
    assert headers["accept-encoding"] == "gzip, deflate"  # only what the fetch inflates itself


@pytest.mark.parametrize("layers", [1, 2], ids=["gzip", "double-gzip"])
def test_a_gzip_bomb_is_stopped_at_the_cap_before_it_is_inflated_in_memory(site, layers):
    """200 MB of zeros in a few hundred KB (or, gzipped twice, a few KB): refused as too large, and the
    fetch never holds much more than the 5 MB cap in memory."""
    body = _gzip_of_zeros(200)
    if layers == 2:
        body = gzip.compress(body)
    site.set_page("/bomb.htm", body, headers={"Content-Encoding": ", ".join(["gzip"] * layers)})
    caught = []

    def attempt():
        with pytest.raises(fetch.FetchError) as error:
            fetch.fetch(site.url("/bomb.htm"))
        caught.append(error.value)

    peak = _peak_bytes_while(attempt)
    assert caught[0].kind == "too_large"
    assert peak < 16 * 1024 * 1024, f"{peak / 2**20:.0f} MB held while reading a 5 MB capped page"


def test_a_redirect_on_the_same_host_is_followed(site):
    site.redirect("/old.htm", PATH)
    assert fetch.fetch(site.url("/old.htm")).content == fx.encoded(fx.circulars_html())


@pytest.mark.parametrize("other_host", ["127.0.0.2", "localhost"])
def test_a_redirect_to_another_host_is_the_pages_error_and_not_followed(site, other_host):
    with FakeSii(host=other_host) as elsewhere:
        elsewhere.set_page(PATH, fx.encoded(fx.circulars_html()))
        site.redirect("/moved.htm", elsewhere.url(PATH))
        with pytest.raises(fetch.FetchError) as caught:
            fetch.fetch(site.url("/moved.htm"))
        assert caught.value.kind == "redirect"
        assert elsewhere.url(PATH) in str(caught.value)
        assert elsewhere.requests == []


def test_redirects_may_go_to_the_same_host_or_to_an_sii_host_only():
    origin = "http://127.0.0.1:8000/indcir2026.htm"
    for target in (
        "http://127.0.0.1:9000/x.htm",
        "https://www.sii.cl/x.htm",
        "https://SII.CL/x",
        "https://a.b.sii.cl/",
    ):
        assert fetch.redirect_allowed(origin, target), target
    for target in (
        "http://127.0.0.2/x.htm",
        "http://localhost:8000/x.htm",
        "https://www.sii.cl.example.com/x",
        "https://evilsii.cl/x",
        "ftp://www.sii.cl/x",
        "file:///etc/passwd",
    ):
        assert not fetch.redirect_allowed(origin, target), target


def test_a_trickling_server_is_stopped_by_the_deadline_for_the_whole_download(site):
    """One byte every 0.2 s for 8 s: each read is quick, the download is not. A 1 s deadline ends it."""
    site.set_page("/slow.htm", b"x" * 40)
    site.trickle("/slow.htm", 0.2)
    started = time.monotonic()
    with pytest.raises(fetch.FetchError) as caught:
        fetch.fetch(site.url("/slow.htm"), timeout_s=1.0)
    elapsed = time.monotonic() - started
    assert (caught.value.kind, "Timeout" in str(caught.value)) == ("unreachable", True)
    assert elapsed < 5, f"stopped after {elapsed:.1f} s"
