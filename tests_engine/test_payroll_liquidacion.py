"""Liquidaciones with known results, each amount worked out by hand below (not copied from the code),
and the check of a given liquidación with its reasons.

Indicators of the period (July 2025 fixture): UF 39.485,65; AFP cap 87,8 UF -> 87,8 × 39.485,65 =
3.466.840,07 -> $3.466.840; AFC cap 131,9 UF -> $5.208.157; minimum wage $529.000; SIS 1,88 %;
Ley 21.735 0,1 % + 0,9 % = 1,0 %; AFC indefinido 2,4 % / 0,6 %, plazo fijo 3,0 % / 0 %.
Monthly tax table of a UTM of $68.923: exempt up to $930.460,50; 4 % − $37.218,42 up to $2.067.690;
8 % − $119.926,02 up to $3.446.150.
"""

import datetime
from decimal import Decimal

import pytest

from services.payroll import liquidacion
from services.payroll.errors import InvalidInput, MissingIndicator
from services.payroll.indicators import Indicators
from services.payroll.tax_table import Bracket

D = Decimal


def indicators():
    return Indicators(
        period="2025-07",
        uf=D("39485.65"),
        uf_date=datetime.date(2025, 7, 31),
        utm=D(68923),
        uta=D(827076),
        min_wage=D(529000),
        min_wage_under18_over65=D(394622),
        min_wage_casa_particular=D(529000),
        min_wage_non_remunerative=D(341094),
        caps={
            "afp": {"uf": D("87.8"), "pesos": D(3466840)},
            "afc": {"uf": D("131.9"), "pesos": D(5208157)},
            "apv_monthly": {"uf": D(50), "pesos": D(1974283)},
        },
        afp={
            "Capital": {"worker": D("11.44")},
            "Habitat": {"worker": D("11.27")},
            "Modelo": {"worker": D("10.58")},
            "ProVida": {"worker": D("11.45")},
            "Uno": {"worker": D("10.46")},
        },
        sis_rate=D("1.88"),
        afc={
            "indefinido": {"employer": D("2.4"), "worker": D("0.6")},
            "plazo_fijo": {"employer": D("3.0"), "worker": D(0)},
            "indefinido_11": {"employer": D("0.8"), "worker": D(0)},
            "casa_particular": {"employer": D("3.0"), "worker": D(0)},
        },
        law_21735={"cci": D("0.1"), "expectativa_vida": D("0.9")},
        family_allowance=[
            {"bracket": "A", "amount": D(22007), "income_from": None, "income_to": D(620251)},
            {"bracket": "B", "amount": D(13505), "income_from": D(620251), "income_to": D(905941)},
            {"bracket": "C", "amount": D(4267), "income_from": D(905941), "income_to": D(1412957)},
            {"bracket": "D", "amount": D(0), "income_from": D(1412957), "income_to": None},
        ],
    )


BRACKETS = [
    Bracket(D(0), D("930460.50"), D(0), D(0)),
    Bracket(D("930460.51"), D("2067690.00"), D("0.04"), D("37218.42")),
    Bracket(D("2067690.01"), D("3446150.00"), D("0.08"), D("119926.02")),
    Bracket(D("3446150.01"), D("4824610.00"), D("0.135"), D("309464.27")),
    Bracket(D("4824610.01"), None, D("0.23"), D("767802.22")),
]


def inputs(**values):
    base = {
        "contract": "indefinido",
        "base_wage": 1_000_000,
        "gratificacion": "none",
        "taxable_allowances": 0,
        "non_taxable_allowances": 0,
        "afp": "Capital",
        "health": "fonasa",
        "isapre_plan_uf": None,
        "days_worked": 30,
    }
    base.update(values)
    return base


def amounts(result, *codes):
    return {code: result[code] for code in codes}


MAIN = (
    "taxable",
    "afp",
    "health",
    "afc_worker",
    "tax",
    "net",
    "employer_sis",
    "employer_afc",
    "employer_law_21735",
)


def test_under_the_afp_cap():
    result = liquidacion.calculate(inputs(), indicators(), BRACKETS)
    assert amounts(result, *MAIN) == {
        "taxable": 1_000_000,
        "afp": 114_400,  # 1.000.000 × 11,44 %
        "health": 70_000,  # 1.000.000 × 7 %
        "afc_worker": 6_000,  # 1.000.000 × 0,6 %
        "tax": 0,  # 1.000.000 − 114.400 − 70.000 − 6.000 = 809.600 <= 930.460,50: exempt
        "net": 809_600,  # 1.000.000 − 114.400 − 70.000 − 6.000 − 0
        "employer_sis": 18_800,  # 1.000.000 × 1,88 %
        "employer_afc": 24_000,  # 1.000.000 × 2,4 %
        "employer_law_21735": 10_000,  # 1.000.000 × (0,1 % + 0,9 %)
    }


def test_over_the_afp_cap_and_tax_in_the_third_bracket():
    result = liquidacion.calculate(inputs(base_wage=4_000_000, afp="Habitat"), indicators(), BRACKETS)
    assert amounts(result, *MAIN) == {
        "taxable": 4_000_000,
        "afp": 390_713,  # cap 3.466.840 × 11,27 % = 390.712,87
        "health": 242_679,  # 3.466.840 × 7 % = 242.678,80
        "afc_worker": 24_000,  # 4.000.000 < AFC cap 5.208.157: 4.000.000 × 0,6 %
        # 4.000.000 − 390.713 − 242.679 − 24.000 = 3.342.608; × 0,08 − 119.926,02 = 147.482,62
        "tax": 147_483,
        "net": 3_195_125,  # 4.000.000 − 390.713 − 242.679 − 24.000 − 147.483
        "employer_sis": 65_177,  # 3.466.840 × 1,88 % = 65.176,59
        "employer_afc": 96_000,  # 4.000.000 × 2,4 %
        "employer_law_21735": 34_668,  # 3.466.840 × 1 % = 34.668,40
    }


def test_plazo_fijo_has_no_worker_afc_and_gratificacion_under_its_cap():
    result = liquidacion.calculate(
        inputs(contract="plazo_fijo", base_wage=800_000, gratificacion="art50_monthly", afp="Modelo"),
        indicators(),
        BRACKETS,
    )
    # gratificación: 25 % × 800.000 = 200.000 < 4,75 × 529.000 / 12 = 209.395,83
    assert result["gratificacion"] == 200_000
    assert amounts(result, *MAIN) == {
        "taxable": 1_000_000,  # 800.000 + 200.000
        "afp": 105_800,  # 1.000.000 × 10,58 %
        "health": 70_000,
        "afc_worker": 0,  # plazo fijo: 0 % for the worker
        "tax": 0,  # 1.000.000 − 105.800 − 70.000 = 824.200: exempt
        "net": 824_200,
        "employer_sis": 18_800,
        "employer_afc": 30_000,  # plazo fijo: 3,0 % for the employer
        "employer_law_21735": 10_000,
    }


def test_isapre_plan_above_seven_percent_and_tax_in_the_second_bracket():
    result = liquidacion.calculate(
        inputs(base_wage=1_500_000, afp="Uno", health="isapre", isapre_plan_uf="4.5"), indicators(), BRACKETS
    )
    assert amounts(result, *MAIN) == {
        "taxable": 1_500_000,
        "afp": 156_900,  # 1.500.000 × 10,46 %
        "health": 177_685,  # plan 4,5 UF × 39.485,65 = 177.685,43 > 7 % legal 105.000
        "afc_worker": 9_000,  # 1.500.000 × 0,6 %
        # only the legal 7 % is deductible: 1.500.000 − 156.900 − 105.000 − 9.000 = 1.229.100
        # × 0,04 − 37.218,42 = 11.945,58
        "tax": 11_946,
        "net": 1_144_469,  # 1.500.000 − 156.900 − 177.685 − 9.000 − 11.946
        "employer_sis": 28_200,  # 1.500.000 × 1,88 %
        "employer_afc": 36_000,  # 1.500.000 × 2,4 %
        "employer_law_21735": 15_000,  # 1.500.000 × 1 %
    }
    assert result["tributable"] == 1_229_100


def test_a_partial_month_with_capped_gratificacion_and_family_allowance():
    result = liquidacion.calculate(
        inputs(
            base_wage=900_000, days_worked=20, gratificacion="art50_monthly", afp="ProVida", family_charges=2
        ),
        indicators(),
        BRACKETS,
    )
    assert result["base_wage"] == 600_000  # 900.000 × 20 / 30
    # 25 % × 600.000 = 150.000 > cap 4,75 × 529.000 / 12 × 20 / 30 = 139.597,22
    assert result["gratificacion"] == 139_597
    # taxable 739.597 is in bracket B (620.251 < 739.597 <= 905.941): 2 × 13.505
    assert result["family_allowance"] == 27_010
    assert amounts(result, *MAIN) == {
        "taxable": 739_597,  # 600.000 + 139.597
        "afp": 84_684,  # 739.597 × 11,45 % = 84.683,86
        "health": 51_772,  # 739.597 × 7 % = 51.771,79
        "afc_worker": 4_438,  # 739.597 × 0,6 % = 4.437,58
        "tax": 0,  # 739.597 − 84.684 − 51.772 − 4.438 = 598.703: exempt
        "net": 625_713,  # 598.703 + 27.010
        "employer_sis": 13_904,  # 739.597 × 1,88 % = 13.904,42
        "employer_afc": 17_750,  # 739.597 × 2,4 % = 17.750,33
        "employer_law_21735": 7_396,  # 739.597 × 1 % = 7.395,97
    }


def test_rates_come_from_the_indicators_not_constants():
    changed = indicators()
    changed.afc["indefinido"] = {"employer": D("2.2"), "worker": D("0.8")}
    changed.law_21735 = {"cci": D("0.1"), "rentabilidad_protegida": D("0.9"), "expectativa_vida": D("0.72")}
    result = liquidacion.calculate(inputs(), changed, BRACKETS)
    assert result["afc_worker"] == 8_000  # 1.000.000 × 0,8 %
    assert result["employer_afc"] == 22_000  # 1.000.000 × 2,2 %
    assert result["employer_law_21735"] == 17_200  # 1.000.000 × (0,1 + 0,9 + 0,72) %


def test_each_line_carries_its_rule_and_the_indicators_it_used():
    result = liquidacion.calculate(inputs(base_wage=4_000_000, afp="Habitat"), indicators(), BRACKETS)
    afp = next(line for line in result["lines"] if line["code"] == "afp")
    assert afp["amount"] == result["afp"]
    assert afp["rule"] == (
        "AFP Habitat: 11,27 % (10 % + comisión) sobre $3.466.840 (imponible con tope de 87,8 UF × UF "
        "39.485,65 = $3.466.840)."
    )
    assert afp["indicators"] == {"uf": "39485.65", "cap_afp_uf": "87.8", "afp_Habitat": "11.27"}
    tax = next(line for line in result["lines"] if line["code"] == "tax")
    assert tax["params"]["bracket"] == 3


def test_indicators_and_brackets_as_dicts_give_the_same_result():
    plain = liquidacion.calculate(inputs(), indicators().as_dict(), [b.as_dict() for b in BRACKETS])
    assert plain == liquidacion.calculate(inputs(), indicators(), BRACKETS)


def test_missing_indicators_and_invalid_inputs_raise():
    with pytest.raises(MissingIndicator) as caught:
        liquidacion.calculate(inputs(afp="Futura"), indicators(), BRACKETS)
    assert caught.value.code == "afp"
    with pytest.raises(MissingIndicator):
        liquidacion.calculate(inputs(), indicators(), [])
    with pytest.raises(InvalidInput):
        liquidacion.calculate(inputs(contract="honorarios"), indicators(), BRACKETS)
    with pytest.raises(InvalidInput):
        liquidacion.calculate(inputs(health="isapre"), indicators(), BRACKETS)


# ---------------------------------------------------------------- check


def produced_from(result, **changes):
    values = {code: result[code] for code in liquidacion.AMOUNTS if code in result}
    values.update(changes)
    return values


def reasons(differences):
    return {d["code"]: d["reason"] for d in differences}


def test_check_finds_nothing_within_one_peso():
    data = inputs()
    result = liquidacion.calculate(data, indicators(), BRACKETS)
    produced = produced_from(result, afp=result["afp"] + 1, net=result["net"] - 1)
    assert liquidacion.check(data, produced, indicators(), BRACKETS) == []


def test_check_afp_on_a_base_above_the_cap():
    data = inputs(base_wage=4_000_000, afp="Habitat")
    result = liquidacion.calculate(data, indicators(), BRACKETS)
    # the payroll took 4.000.000 × 11,27 % = 450.800 instead of the capped 390.713
    produced = produced_from(result, afp=450_800, net=result["net"] - (450_800 - 390_713))
    differences = liquidacion.check(data, produced, indicators(), BRACKETS)
    assert [(d["code"], d["expected"], d["produced"], d["difference"]) for d in differences] == [
        ("afp", 390_713, 450_800, 60_087),
        ("net", 3_195_125, 3_135_038, -60_087),
    ]
    assert reasons(differences) == {
        "afp": "AFP calculado sobre una base superior al tope de 87,8 UF",
        "net": "Líquido: diferencia que arrastran las líneas anteriores",
    }


def test_check_worker_afc_on_a_fixed_term_contract():
    data = inputs(contract="plazo_fijo", base_wage=800_000, gratificacion="art50_monthly", afp="Modelo")
    result = liquidacion.calculate(data, indicators(), BRACKETS)
    produced = produced_from(result, afc_worker=6_000)  # 1.000.000 × 0,6 % of an indefinido contract
    assert reasons(liquidacion.check(data, produced, indicators(), BRACKETS)) == {
        "afc_worker": "Seguro de cesantía descontado al trabajador en un contrato a plazo fijo: es de "
        "cargo exclusivo del empleador",
    }


def test_check_tax_that_deducted_the_whole_isapre_plan():
    data = inputs(base_wage=1_500_000, afp="Uno", health="isapre", isapre_plan_uf="4.5")
    result = liquidacion.calculate(data, indicators(), BRACKETS)
    # 1.500.000 − 156.900 − 177.685 − 9.000 = 1.156.415; × 0,04 − 37.218,42 = 9.038,18
    produced = produced_from(result, tax=9_038, net=result["net"] + (11_946 - 9_038))
    differences = liquidacion.check(data, produced, indicators(), BRACKETS)
    assert reasons(differences)["tax"] == (
        "Impuesto único calculado rebajando el plan de salud completo; solo es rebajable el 7 % legal con tope"  # noqa: E501
    )
    assert differences[0]["reason_code"] == "DIFF_TAX_FULL_PLAN"


def test_check_health_without_the_isapre_plan_and_gratificacion_above_its_cap():
    data = inputs(
        base_wage=1_500_000, afp="Uno", health="isapre", isapre_plan_uf="4.5", gratificacion="art50_monthly"
    )
    result = liquidacion.calculate(data, indicators(), BRACKETS)
    # taxable with the capped gratificación: 1.500.000 + 209.396 = 1.709.396; the payroll took the 7 %
    # legal (1.709.396 × 7 % = 119.657,72 -> 119.658) instead of the plan of 177.685, and an uncapped
    # gratificación of 25 % × 1.500.000 = 375.000
    assert (result["taxable"], result["health"]) == (1_709_396, 177_685)
    produced = produced_from(result, health=119_658, gratificacion=375_000, taxable=1_500_000 + 375_000)
    found = reasons(liquidacion.check(data, produced, indicators(), BRACKETS))
    assert found["health"] == "Salud: se descontó el 7 % legal, pero el plan de 4,500 UF ($177.685) es mayor"
    assert found["gratificacion"] == "Gratificación sobre el tope de 4,75 ingresos mínimos / 12 ($209.396)"
    assert found["taxable"] == found["gratificacion"]


def test_check_an_unexplained_difference_shows_both_amounts_and_the_rule():
    data = inputs()
    result = liquidacion.calculate(data, indicators(), BRACKETS)
    (difference,) = liquidacion.check(
        data, produced_from(result, employer_sis=12_345), indicators(), BRACKETS
    )
    assert difference["reason_code"] == "DIFF_OTHER"
    assert difference["reason"] == (
        "SIS del empleador: calculado $18.800, informado $12.345 (regla: SIS de cargo del empleador: 1,88 % "
        "sobre $1.000.000.)"
    )
