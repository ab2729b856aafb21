"""Fetching the payroll pages: the SII monitor's hardened fetch, redirects allowed to Previred's hosts too
(``www.previred.com`` -> ``previred.com``) and to no other host; the sources setting."""

import pytest

from fakes.fake_sii import FakeSii
from services.payroll import sources
from services.sii_monitor import fetch


def test_previred_hosts_are_allowed_for_the_payroll_pages_only():
    origin = "https://www.previred.com/indicadores-previsionales/"
    for target in ("https://previred.com/indicadores/", "https://cdn.previred.com/x", "https://www.sii.cl/x"):
        assert fetch.redirect_allowed(origin, target, sources.ALLOWED_DOMAINS), target
    for target in ("https://previred.com.evil.cl/x", "https://evilprevired.com/x", "http://127.0.0.2/x"):
        assert not fetch.redirect_allowed(origin, target, sources.ALLOWED_DOMAINS), target
    sii_origin = "https://www.sii.cl/valores_y_fechas/uf/uf2026.htm"
    assert not fetch.redirect_allowed(sii_origin, "https://previred.com/x"), "the SII monitor is unchanged"


def test_a_refused_redirect_is_not_followed():
    with FakeSii() as site:
        site.redirect("/indicadores/", "https://example.com/indicadores/")
        with pytest.raises(fetch.FetchError) as caught:
            fetch.fetch(site.url("/indicadores/"), allowed_domains=sources.ALLOWED_DOMAINS)
        assert caught.value.kind == "redirect"


def test_a_redirect_on_the_same_host_is_followed():
    with FakeSii() as site:
        site.set_page("/new/", b"<html>ok</html>")
        site.redirect("/old/", site.url("/new/"))
        result = fetch.fetch(site.url("/old/"), allowed_domains=sources.ALLOWED_DOMAINS)
        assert result.content == b"<html>ok</html>"


def test_the_values_setting_keeps_the_order_and_fills_the_defaults():
    urls = sources.values_urls("https://a.cl/uf{year}.htm", 2026)
    assert urls["uf"] == "https://a.cl/uf2026.htm"
    assert urls["impuesto"].endswith("/impuesto2026.htm")
    assert sources.invalid_values_setting("https://a.cl/uf.htm https://a.cl/{month}/x{year}") == [
        "https://a.cl/uf.htm",
        "https://a.cl/{month}/x{year}",
    ]
    five = " ".join(f"https://a.cl/{n}{{year}}" for n in range(5))
    assert sources.invalid_values_setting(five) == ["https://a.cl/4{year}"]
