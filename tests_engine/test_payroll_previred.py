"""Previred's indicators page read by label (two layouts), and its verification before storing."""

import datetime
from decimal import Decimal

import pytest

from fakes import payroll_pages as pp
from services.payroll import previred
from services.payroll.errors import PageFormatError
from services.payroll.indicators import Indicators


@pytest.fixture(scope="module")
def real():
    return previred.parse(pp.previred_page())


def test_values_read_by_their_labels(real):
    assert real.period == "2025-07"  # the UTM row "Julio 2025"
    assert (real.uf_date, real.uf) == (datetime.date(2025, 7, 31), Decimal("39485.65"))
    assert (real.uf_previous_date, real.uf_previous) == (datetime.date(2025, 6, 30), Decimal("39267.07"))
    assert (real.utm, real.uta) == (Decimal(68923), Decimal(827076))
    assert real.min_wage == Decimal(529000)
    assert real.min_wage_under18_over65 == Decimal(394622)
    assert real.min_wage_casa_particular == Decimal(529000)
    assert real.min_wage_non_remunerative == Decimal(341094)
    # "Para afiliados a una AFP (87,8 UF):" | "$ 3.466.840" (87,8 × 39.485,65 = 3.466.840,07)
    assert real.caps["afp"] == {"uf": Decimal("87.8"), "pesos": Decimal(3466840)}
    assert real.caps["ips"]["uf"] == Decimal(60)
    assert real.caps["afc"] == {"uf": Decimal("131.9"), "pesos": Decimal(5208157)}
    assert real.caps["apv_monthly"]["uf"] == Decimal(50) and real.caps["apv_yearly"]["uf"] == Decimal(600)
    # "Tope Anual (900 UF)" is told apart from the APV's "Tope Anual" by its table's title
    assert real.caps["deposito_convenido"]["uf"] == Decimal(900)
    assert {name: e["worker"] for name, e in real.afp.items()} == pp.PREVIRED["afp"]
    assert real.sis_rate == Decimal("1.88")
    assert real.afc["indefinido"] == {"employer": Decimal("2.4"), "worker": Decimal("0.6")}
    assert real.afc["plazo_fijo"] == {"employer": Decimal("3.0"), "worker": Decimal(0)}
    assert real.afc["indefinido_11"]["employer"] == Decimal("0.8")
    assert real.afc["casa_particular"]["employer"] == Decimal("3.0")
    # Ley 21.735: 0,1 % to the account (AFP table's employer column) + 0,9 % expectativa de vida
    assert real.law_21735 == {"cci": Decimal("0.10"), "expectativa_vida": Decimal("0.90")}
    assert real.employer_law_21735_rate == Decimal("1.00")
    assert real.family_allowance[1] == {
        "bracket": "B",
        "amount": Decimal(13505),
        "income_from": Decimal(620251),
        "income_to": Decimal(905941),
    }
    assert real.family_allowance[3]["amount"] == 0 and real.family_allowance[3]["income_to"] is None
    assert real.heavy_work["pesado"] == {"total": Decimal(4), "employer": Decimal(2), "worker": Decimal(2)}
    assert real.heavy_work["menos_pesado"]["employer"] == Decimal(1)


def test_another_layout_with_the_same_labels_reads_the_same(real):
    other = previred.parse(pp.previred_page("other"))
    mine, theirs = real.as_dict(), other.as_dict()
    for entry in mine["afp"].values():
        entry.pop("sis")  # the real layout has a SIS table, the other a SIS column
    for entry in theirs["afp"].values():
        entry.pop("sis")
    assert mine == theirs


def test_verify_accepts_the_good_page(real):
    assert previred.verify(real) == []
    assert previred.status([]) == "ok"


def codes(problems):
    return [code for code, _detail in problems]


def test_a_missing_afp_is_reported_and_invalid():
    data = dict(pp.PREVIRED, afp={k: v for k, v in pp.PREVIRED["afp"].items() if k != "Modelo"})
    problems = previred.verify(previred.parse(pp.previred_page(data=data)))
    assert codes(problems) == ["VERIFY_AFP_MISSING"]
    assert problems[0].detail == "Falta la AFP Modelo en la tabla de cotización obligatoria."
    assert previred.status(problems) == "invalid"


def test_a_rate_out_of_range_is_reported():
    data = dict(pp.PREVIRED, afp=dict(pp.PREVIRED["afp"], Uno=Decimal("1.46")))  # commission without the 10 %
    problems = previred.verify(previred.parse(pp.previred_page(data=data)))
    assert codes(problems) == ["VERIFY_RATE_RANGE"]
    assert problems[0].params["field"] == "AFP Uno"


def test_caps_not_matching_the_month_uf_are_reported():
    # caps computed with last month's UF: 87,8 × 39.267,07 = 3.447.648,75 ≠ 3.466.840,07
    page = pp.previred_page(uf_for_caps=pp.PREVIRED["uf_previous"][1])
    problems = previred.verify(previred.parse(page))
    assert set(codes(problems)) == {"VERIFY_CAP_MISMATCH"}
    assert {p.params["field"] for p in problems} == {
        "afp",
        "ips",
        "afc",
        "apv_monthly",
        "apv_yearly",
        "deposito_convenido",
    }


def test_utm_not_above_uf_is_reported():
    data = dict(pp.PREVIRED, utm=Decimal(30000), uta=Decimal(360000))
    assert codes(previred.verify(previred.parse(pp.previred_page(data=data)))) == ["VERIFY_UTM_NOT_ABOVE_UF"]


def test_a_missing_table_is_reported_as_missing_values():
    problems = previred.verify(previred.parse(pp.previred_page(drop=("afc",))))
    assert {p.params["field"] for p in problems} == {
        "cesantía indefinido",
        "cesantía plazo_fijo",
        "cesantía indefinido_11",
        "cesantía casa_particular",
    }


def test_a_jump_from_last_month_is_to_review_not_invalid(real):
    previous = Indicators.from_dict(real.as_dict())
    previous.sis_rate = Decimal("1.49")  # 1,49 % -> 1,88 %: +26 %
    problems = previred.verify(real, previous=previous)
    assert codes(problems) == ["VERIFY_JUMP"]
    assert previred.status(problems) == "to_review"
    assert "SIS" in problems[0].detail
    assert previred.verify(real, previous=previous, jump_threshold=Decimal("0.30")) == []


def test_a_page_with_no_previred_table_raises():
    with pytest.raises(PageFormatError):
        previred.parse(pp.page("<p>Mantención programada</p><table><tr><td>x</td></tr></table>"))


def test_dict_round_trip_keeps_decimals_and_dates(real):
    real.source_url = previred.DEFAULT_URL
    real.fetched_at = datetime.datetime(2025, 8, 1, 9, 30)
    again = Indicators.from_dict(real.as_dict())
    assert again == real
