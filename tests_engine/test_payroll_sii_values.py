"""SII "valores y fechas" pages: UF and dólar by day, UTM/UTA by month, read by label (two layouts)."""

import datetime
from decimal import Decimal

import pytest

from fakes import payroll_pages as pp
from services.payroll import html_tables, sii_values
from services.payroll.errors import PageFormatError
from services.payroll.numbers import number

D = datetime.date


def test_uf_grid_page_gives_every_published_day_with_its_chilean_number():
    series = pp.uf_series()
    values = sii_values.parse_uf(pp.daily_page(series), 2025)
    assert values == series
    # 38.419,17 + 4,13 a day: January 1 is the first value, "39.485,65"-style text is read as a Decimal
    assert values[D(2025, 1, 1)] == Decimal("38419.17")
    assert values[D(2025, 1, 2)] == Decimal("38423.30")


def test_uf_per_month_tables_in_another_order_read_the_same():
    series = pp.uf_series()
    assert sii_values.parse_uf(pp.daily_page(series, layout="other"), 2025) == series


def test_uf_published_ahead_to_the_ninth_and_nothing_after():
    values = sii_values.parse_uf(pp.daily_page(pp.uf_series(until=D(2025, 8, 9))), 2025)
    assert sii_values.published_until(values) == D(2025, 8, 9)
    assert sii_values.value_on(values, D(2025, 8, 9)) is not None
    assert sii_values.value_on(values, D(2025, 8, 10)) is None  # an empty cell, not a zero


def test_dollar_weekends_and_holidays_are_empty_cells_and_carry_the_last_value():
    series = pp.dollar_series()
    values = sii_values.parse_dollar(pp.daily_page(series, title="Dolar observado"), 2025)
    assert values == series
    assert D(2025, 5, 3) not in values  # a Saturday
    assert D(2025, 5, 1) not in values  # a holiday
    # Sunday May 4 carries Friday May 2's value (Odoo's rate convention: a rate holds until the next one)
    assert sii_values.last_on_or_before(values, D(2025, 5, 4)) == (D(2025, 5, 2), series[D(2025, 5, 2)])
    assert sii_values.last_on_or_before(values, D(2024, 12, 31)) is None


def test_page_bytes_decoded_by_the_declared_charset():
    raw = pp.daily_page(pp.uf_series())
    assert "Día".encode("iso-8859-1") in raw and "Día".encode() not in raw
    assert html_tables.decode(raw, "text/html; charset=ISO-8859-1").count("Día") == 1
    # without a header the <meta> charset decides
    assert "Día" in html_tables.decode(raw)
    assert sii_values.parse_uf(raw.decode("iso-8859-1"), 2025) == pp.uf_series()


def test_chilean_numbers():
    assert number("39.485,65") == Decimal("39485.65")
    assert number("$ 3.466.840") == Decimal("3466840")
    assert number("11,44%") == Decimal("11.44")
    assert number("2,4% R.I.") == Decimal("2.4")
    assert number("\xa0") is None and number("-.-") is None
    with pytest.raises(ValueError):
        number("Exento")


def test_utm_uta_columns_found_by_their_labels_in_both_orders():
    real = sii_values.parse_utm(pp.utm_page(), 2025)
    other = sii_values.parse_utm(pp.utm_page(layout="other"), 2025)
    assert real == other
    assert real[(2025, 7)]["utm"] == Decimal(68923)
    assert real[(2025, 7)]["uta"] == Decimal(68923 * 12)  # 827.076
    assert (2025, 9) not in real  # months not yet published are empty rows


def test_a_page_without_the_table_raises():
    with pytest.raises(PageFormatError):
        sii_values.parse_uf(pp.page("<p>Servicio no disponible</p>"), 2025)
    with pytest.raises(PageFormatError):
        sii_values.parse_utm(pp.daily_page(pp.uf_series()), 2025)


def test_the_years_table_with_nothing_published_yet_is_empty_not_an_error():
    """January 1: the dollar page of the new year holds its table and no value (a holiday)."""
    assert sii_values.parse_dollar(pp.daily_page({}, 2026, title="Dólar observado"), 2026) == {}
    with pytest.raises(PageFormatError):
        sii_values.parse_dollar(pp.daily_page({}, 2026, layout="other"), 2026)


def test_urls_have_a_year_placeholder():
    assert sii_values.url("uf", 2025) == "https://www.sii.cl/valores_y_fechas/uf/uf2025.htm"
    assert sii_values.url("dolar", 2026) == "https://www.sii.cl/valores_y_fechas/dolar/dolar2026.htm"
    assert (
        sii_values.url("utm", 2025, "http://127.0.0.1:8069/utm{year}.htm")
        == "http://127.0.0.1:8069/utm2025.htm"
    )
    with pytest.raises(ValueError):
        sii_values.url("uf", 2025, "https://www.sii.cl/uf.htm")


def test_a_wrong_utf8_header_on_latin1_bytes_falls_back_to_the_meta_charset():
    raw = pp.daily_page(pp.uf_series())
    assert "Día" in html_tables.decode(raw, "text/html; charset=utf-8")
