"""The SII's impuesto único page: monthly brackets by month, read by label; tax_for by hand."""

from decimal import Decimal

import pytest

from fakes import payroll_pages as pp
from services.payroll import tax_table
from services.payroll.errors import PageFormatError
from services.payroll.tax_table import Bracket, tax_for


def test_monthly_brackets_of_each_month_in_both_layouts():
    real = tax_table.parse(pp.tax_page(), 2025)
    other = tax_table.parse(pp.tax_page(layout="other"), 2025)
    assert real == other
    assert sorted(real) == [(2025, month) for month in range(1, 9)]
    july = real[(2025, 7)]
    assert len(july) == 8  # only the MENSUAL rows, not the quincenal/semanal/diario ones
    # UTM of July 68.923: exempt up to 13,5 UTM = $ 930.460,50 ("-.-" from, "Exento" factor)
    assert july[0] == Bracket(Decimal(0), Decimal("930460.50"), Decimal(0), Decimal(0))
    # 13,5 to 30 UTM, factor 0,04, cantidad a rebajar 0,54 UTM = $ 37.218,42
    assert july[1] == Bracket(
        Decimal("930460.51"), Decimal("2067690.00"), Decimal("0.04"), Decimal("37218.42")
    )
    # 50 to 70 UTM: factor 0,135 (three decimals)
    assert july[3].factor == Decimal("0.135")
    # the top bracket is open ("Y MÁS"): 310 UTM = 21.366.130, factor 0,40, rebate 38,82 UTM
    assert july[-1] == Bracket(Decimal("21366130.01"), None, Decimal("0.40"), Decimal("2675590.86"))


def test_tax_for_in_two_brackets_worked_by_hand():
    july = tax_table.parse(pp.tax_page(), 2025)[(2025, 7)]
    # exempt bracket: 900.000 <= 930.460,50 -> 0
    assert tax_for(Decimal(900000), july) == 0
    # bracket 2: 1.229.100 × 0,04 − 37.218,42 = 49.164 − 37.218,42 = 11.945,58 -> 11.946
    assert tax_for(Decimal(1229100), july) == 11946
    # bracket 3: 3.342.608 × 0,08 − 119.926,02 = 267.408,64 − 119.926,02 = 147.482,62 -> 147.483
    assert tax_for(Decimal(3342608), july) == 147483
    assert tax_for(Decimal(0), july) == 0 and tax_for(Decimal(-5), july) == 0


def test_brackets_out_of_order_or_a_page_without_the_table_raise():
    with pytest.raises(PageFormatError):
        tax_table.parse(pp.page("<table><tr><td>nada</td></tr></table>"), 2025)
    broken = pp.tax_page().replace(b"$ 2.067.690,01", b"$ 1,00")
    with pytest.raises(PageFormatError):
        tax_table.parse(broken, 2025)


def test_bracket_dict_round_trip():
    july = tax_table.parse(pp.tax_page(), 2025)[(2025, 7)]
    assert [Bracket.from_dict(b.as_dict()) for b in july] == july
