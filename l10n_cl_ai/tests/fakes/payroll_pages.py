"""Fixture pages in the shape of the real ones, written here (never downloaded), ISO-8859-1 encoded with
the charset declared in a ``<meta>`` as the SII and Previred do.

Layout "real": the markup of the real pages: the SII's ``div#mes_all`` days × months table
(``table#table_export``, ``<th>`` day cells, ``&nbsp;`` for no value) plus its per-month ``div#mes_julio``
tables; the SII tax page's ``div#mes_julio`` tables with the "Monto de la renta líquida imponible /
Desde / Hasta" two-row header and the period in a rowspan cell; Previred's Liferay portlets
(``journal-content-article``, ``encabezado_tabla_ind`` header cells with rowspan/colspan, "$ 1.234"
amounts, "2,4% R.I." rates). Layout "other": the same labels in another order (tables, columns, rows),
titles as ``<h3>`` headings and ``<thead>``/``<th>`` headers instead of header classes.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

META = '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
ABBR = ["Ene", "Feb", "Mar", "Abr", "May", "Jun", "Jul", "Ago", "Sep", "Oct", "Nov", "Dic"]
NAMES = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]


def cl(value, places=2):
    """Chilean format: 39.485,65 (places=0: 3.466.840)."""
    quant = Decimal(1).scaleb(-places)
    text = f"{Decimal(value).quantize(quant, rounding=ROUND_HALF_UP):,.{places}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def page(body, title="SII"):
    text = (
        f"<!DOCTYPE html><html lang='es'><head>{META}<title>{title}</title></head><body>{body}</body></html>"
    )
    return text.encode("iso-8859-1")


# ------------------------------------------------------------------ SII: UF and dollar by day


def uf_series(year=2025, start=Decimal("38419.17"), until=datetime.date(2025, 8, 9), step=Decimal("4.13")):
    """A UF value for every day from January 1 to ``until`` (published ahead to the 9th)."""
    day, value, out = datetime.date(year, 1, 1), start, {}
    while day <= until:
        out[day] = value
        day += datetime.timedelta(days=1)
        value += step
    return out


def dollar_series(year=2025, until=datetime.date(2025, 7, 31), holidays=(datetime.date(2025, 5, 1),)):
    """Weekdays only (the dólar observado is not published on weekends and holidays)."""
    day, out, value = datetime.date(year, 1, 1), {}, Decimal("990.12")
    while day <= until:
        if day.weekday() < 5 and day not in holidays:
            out[day] = value
            value += Decimal("0.37")
        day += datetime.timedelta(days=1)
    return out


def _cell(values, year, month, day):
    try:
        when = datetime.date(year, month, day)
    except ValueError:
        return "&nbsp;"
    return cl(values[when]) if when in values else "&nbsp;"


def daily_page(values, year=2025, layout="real", title="Valores UF"):
    if layout == "real":
        head = "<tr><th>Día</th>" + "".join(f"<th>{m}</th>" for m in ABBR) + "</tr>"
        body = "".join(
            f"<tr><th style='text-align:center;'>{d}</th>"
            + "".join(f"<td style='text-align:right;'>{_cell(values, year, m, d)}</td>" for m in range(1, 13))
            + "</tr>"
            for d in range(1, 32)
        )
        grid = (
            f"<div class='meses' id='mes_all'><div class='table-responsive'><table class='table "
            f"table-hover table-bordered' id='table_export'><thead>{head}</thead><tbody>{body}"
            "</tbody></table></div></div>"
        )
        months = "".join(_month_div(values, year, m) for m in range(1, 13))
        return page(f"<h2>{title} {year}</h2>{months}{grid}", title)
    # other: per-month tables only, newest month first, titled by a heading, 3 day/value pairs a row
    sections = "".join(_month_pairs(values, year, m) for m in range(12, 0, -1))
    return page(f"<h1>{title} {year}</h1>{sections}", title)


def _month_div(values, year, month):
    rows = []
    for first in range(1, 32, 2):
        cells = "".join(
            f"<th><strong>{d}</strong></th><td>{_cell(values, year, month, d)}</td>"
            for d in (first, first + 1)
            if d <= 31
        )
        rows.append(f"<tr>{cells}</tr>")
    return (
        f"<div class='meses' id='mes_{NAMES[month - 1]}' style='display:none'><h3>"
        f"{NAMES[month - 1].capitalize()} {year}</h3><table>{''.join(rows)}</table></div>"
    )


def _month_pairs(values, year, month):
    rows = []
    for first in range(1, 32, 3):
        cells = "".join(
            f"<td>{d}</td><td>{_cell(values, year, month, d)}</td>" for d in range(first, min(first + 3, 32))
        )
        rows.append(f"<tr>{cells}</tr>")
    return f"<section><h3>{NAMES[month - 1].capitalize()}</h3><table>{''.join(rows)}</table></section>"


# ------------------------------------------------------------------ SII: UTM / UTA by month

UTM_2025 = {1: 67429, 2: 67294, 3: 68034, 4: 68306, 5: 68648, 6: 68785, 7: 68923, 8: 68647}


def utm_page(values=None, year=2025, layout="real"):
    values = values or UTM_2025
    rows = []
    for month in range(1, 13):
        name = NAMES[month - 1].capitalize()
        if month in values:
            utm, uta, ipc = (
                cl(values[month], 0),
                cl(values[month] * 12, 0),
                cl(Decimal("107.5") + month / Decimal(10)),
            )
            cells = {
                "mes": name,
                "utm": utm,
                "uta": uta,
                "ipc": ipc,
                "var": "0,2",
                "acum": "1,9",
                "doce": "4,1",
            }
        else:
            cells = {
                "mes": name,
                "utm": "&nbsp;",
                "uta": "&nbsp;",
                "ipc": "&nbsp;",
                "var": "",
                "acum": "",
                "doce": "",
            }
        order = (
            ("mes", "utm", "uta", "ipc", "var", "acum", "doce")
            if layout == "real"
            else ("mes", "ipc", "uta", "utm", "var", "acum", "doce")
        )
        rows.append("<tr>" + "".join(f"<td>{cells[k]}</td>" for k in order) + "</tr>")
    if layout == "real":
        head = (
            "<tr><th rowspan='2'>Mes</th><th rowspan='2'>UTM</th><th rowspan='2'>UTA</th>"
            "<th colspan='4'>IPC</th></tr><tr><th>Índice</th><th>Var. Mensual (%)</th>"
            "<th>Var. Acumulada (%)</th><th>Var. 12 Meses (%)</th></tr>"
        )
    else:
        head = (
            "<tr><th rowspan='2'>Mes</th><th colspan='1'>IPC</th><th rowspan='2'>UTA</th>"
            "<th rowspan='2'>UTM</th><th colspan='3'>Variación IPC</th></tr><tr><th>Índice</th>"
            "<th>Mensual</th><th>Acumulada</th><th>12 meses</th></tr>"
        )
    table = f"<table class='table'><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"
    return page(f"<h2>UTM - UTA - IPC {year}</h2><div class='table-responsive'>{table}</div>", "UTM")


# ------------------------------------------------------------------ SII: impuesto único

LIMITS_UTM = [Decimal(x) for x in ("13.5", "30", "50", "70", "90", "120", "310")]
FACTORS = [Decimal(x) for x in ("0", "0.04", "0.08", "0.135", "0.23", "0.304", "0.35", "0.40")]
REBATES_UTM = [Decimal(x) for x in ("0", "0.54", "1.74", "4.49", "11.14", "17.8", "23.32", "38.82")]


def brackets_in_pesos(utm, divisor=1):
    """(lower, upper, factor, rebate) in pesos of each bracket for a UTM (divisor 2: quincenal...)."""
    utm = Decimal(utm) / divisor
    out = []
    for index, factor in enumerate(FACTORS):
        lower = None if index == 0 else LIMITS_UTM[index - 1] * utm + Decimal("0.01")
        upper = LIMITS_UTM[index] * utm if index < len(LIMITS_UTM) else None
        out.append((lower, upper, factor, REBATES_UTM[index] * utm))
    return out


def _tax_row(period, rowspan, bracket, layout):
    lower, upper, factor, rebate = bracket
    cells = {
        "lower": "-.-" if lower is None else f"$ {cl(lower)}",
        "upper": "Y MÁS" if upper is None else f"$ {cl(upper)}",
        "factor": "Exento" if not factor else cl(factor, 3 if factor * 1000 % 10 else 2),
        "rebate": "-.-" if not rebate else f"$ {cl(rebate)}",
        "rate": "Exento" if not factor else "2,20%",
    }
    order = (
        ("lower", "upper", "factor", "rebate", "rate")
        if layout == "real"
        else ("factor", "rebate", "lower", "upper", "rate")
    )
    period_cell = f"<td rowspan='{rowspan}'>{period}</td>" if rowspan else ""
    return "<tr>" + period_cell + "".join(f"<td>{cells[k]}</td>" for k in order) + "</tr>"


def tax_page(utms=None, year=2025, layout="real"):
    utms = utms or UTM_2025
    sections = []
    for month, utm in sorted(utms.items()):
        periods = [("MENSUAL", 1), ("QUINCENAL", 2), ("SEMANAL", Decimal("4.3")), ("DIARIO", 30)]
        if layout == "other":
            periods = periods[1:] + periods[:1]  # the monthly rows last
        rows = []
        for period, divisor in periods:
            brackets = brackets_in_pesos(utm, divisor)
            for index, bracket in enumerate(brackets):
                rows.append(_tax_row(period, len(brackets) if index == 0 else 0, bracket, layout))
        if layout == "real":
            head = (
                "<tr><th rowspan='2'>Períodos</th><th colspan='2'>Monto de la renta líquida "
                "imponible</th><th rowspan='2'>Factor</th><th rowspan='2'>Cantidad a rebajar</th>"
                "<th rowspan='2'>Tasa de Impuesto Efectiva, máxima para cada tramo de Renta</th></tr>"
                "<tr><th>Desde</th><th>Hasta</th></tr>"
            )
            sections.append(
                f"<div class='meses' id='mes_{NAMES[month - 1]}'><div class='table-responsive'>"
                f"<table class='table'><thead>{head}</thead><tbody>{''.join(rows)}</tbody>"
                "</table></div></div>"
            )
        else:
            head = (
                "<tr><th>Período</th><th>Factor</th><th>Cantidad a Rebajar</th><th>Renta desde</th>"
                "<th>Renta hasta</th><th>Tasa efectiva</th></tr>"
            )
            sections.append(
                f"<h3>Tabla de {NAMES[month - 1].capitalize()} {year}</h3><table><thead>{head}"
                f"</thead><tbody>{''.join(rows)}</tbody></table>"
            )
    if layout == "other":
        sections.reverse()
    return page("<h2>Impuesto Único de Segunda Categoría</h2>" + "".join(sections), "Impuesto")


# ------------------------------------------------------------------ Previred

PREVIRED = {
    "uf": (datetime.date(2025, 7, 31), Decimal("39485.65")),
    "uf_previous": (datetime.date(2025, 6, 30), Decimal("39267.07")),
    "utm": Decimal("68923"),
    "uta": Decimal("827076"),
    "caps": {  # code: (label, UF)
        "afp": ("Para afiliados a una AFP", Decimal("87.8")),
        "ips": ("Para afiliados al IPS (ex INP)", Decimal("60")),
        "afc": ("Para Seguro de Cesantía", Decimal("131.9")),
    },
    "apv": {"apv_monthly": ("Tope Mensual", Decimal("50")), "apv_yearly": ("Tope Anual", Decimal("600"))},
    "deposito": ("Tope Anual", Decimal("900")),
    "min_wages": (
        ("Trab. Dependientes e Independientes", Decimal("529000")),
        ("Menores de 18 y Mayores de 65", Decimal("394622")),
        ("Trabajadores de Casa Particular", Decimal("529000")),
        ("Para fines no remuneracionales", Decimal("341094")),
    ),
    "afp": {  # name: worker rate (10 % + commission), independent rate
        "Capital": Decimal("11.44"),
        "Cuprum": Decimal("11.44"),
        "Habitat": Decimal("11.27"),
        "PlanVital": Decimal("11.16"),
        "ProVida": Decimal("11.45"),
        "Modelo": Decimal("10.58"),
        "Uno": Decimal("10.46"),
    },
    "sis": Decimal("1.88"),
    "cci": Decimal("0.1"),
    "expectativa_vida": Decimal("0.9"),
    "afc": (  # label, employer, worker
        ("Plazo Indefinido", "2,4% R.I.", "0,6% R.I."),
        ("Plazo Fijo", "3,0% R.I.", "-"),
        ("Plazo Indefinido 11 años o más (*)", "0,8% R.I. ", "-"),
        ("Trabajador de Casa Particular (**)", "3,0% R.I. ", "-"),
    ),
    "family": (  # bracket, amount, requirement
        ("1 (A)", "$ 22.007", "Renta &lt; ó = $ 620.251"),
        ("2 (B)", "$ 13.505", "Renta &gt; $ 620.251 &lt; = $ 905.941"),
        ("3 (C)", "$ 4.267", "Renta &gt; $ 905.941 &lt; = $ 1.412.957"),
        ("4 (D)", "-", "Renta &gt; $ 1.412.957"),
    ),
    "heavy": (
        ("Trabajo pesado", "4%", "2% R.I.", "2% R.I."),
        ("Trabajo menos pesado", "2%", "1% R.I.", "1% R.I."),
    ),
}
MONTH_LABEL = "Julio 2025"


def _pesos(uf_amount, uf=PREVIRED["uf"][1]):
    return "$ " + cl(Decimal(uf_amount) * uf, 0)


def _portlet(inner):
    return (
        "<div class='portlet-boundary portlet-journal-content'><div class='portlet-body'>"
        f"<div class='journal-content-article'>{inner}</div><div class='entry-links'> </div></div></div>"
    )


def _title_table(title, rows, width=2, layout="real"):
    """A two-column table titled ``title`` (Previred's header cell, or a heading + th in "other")."""
    body = "".join(f"<tr><td>{a}</td><td><strong>{b}</strong></td></tr>" for a, b in rows)
    if layout == "real":
        head = f"<tr><td align='center' class='encabezado_tabla_ind' colspan='{width}'><strong>{title}</strong></td></tr>"  # noqa: E501
        return _portlet(f"<table border='0' width='100%'><tbody>{head}{body}</tbody></table>")
    return f"<h3>{title}</h3><table><thead><tr><th>Concepto</th><th>Valor</th></tr></thead><tbody>{body}</tbody></table>"  # noqa: E501


def previred_tables(data=None, layout="real", uf_for_caps=None):
    """Previred's tables as a dict name -> HTML, so a test can drop or alter one."""
    data = data or PREVIRED
    uf_date, uf = data["uf"]
    prev_date, prev = data["uf_previous"]
    caps_uf = uf_for_caps or uf
    real = layout == "real"
    t = {}
    t["uf"] = _title_table(
        "VALOR UF",
        [
            (f"al {uf_date.day} de {NAMES[uf_date.month - 1].capitalize()} {uf_date.year}", f"$ {cl(uf)}"),
            (
                f"al {prev_date.day} de {NAMES[prev_date.month - 1].capitalize()} {prev_date.year}",
                f"$ {cl(prev)}",
            ),
        ][:: 1 if real else -1],
        layout=layout,
    )
    utm, uta = f"$ {cl(data['utm'], 0)}", f"$ {cl(data['uta'], 0)}"
    if real:
        t["utm"] = _portlet(
            "<table><tbody><tr class='encabezado_tabla_ind'><td><strong>VALOR</strong></td><td><strong>UTM"
            f"</strong></td><td><strong>UTA</strong></td></tr><tr><td>{MONTH_LABEL}</td><td><strong>{utm}"
            f"</strong></td><td><strong>{uta}</strong></td></tr></tbody></table>"
        )
    else:
        t["utm"] = (
            f"<h3>Valor UTM y UTA</h3><table><thead><tr><th>UTA</th><th>Mes</th><th>UTM</th></tr></thead>"
            f"<tbody><tr><td>{uta}</td><td>{MONTH_LABEL}</td><td>{utm}</td></tr></tbody></table>"
        )
    caps = [
        (f"{lbl} ({cl(amount, 1)} UF):", _pesos(amount, caps_uf)) for lbl, amount in data["caps"].values()
    ]
    t["caps"] = _title_table("RENTAS TOPES IMPONIBLES", caps if real else caps[::-1], layout=layout)
    mins = [(f"{lbl}:", f"$ {cl(v, 0)}") for lbl, v in data["min_wages"]]
    t["min"] = _title_table("RENTAS MÍNIMAS IMPONIBLES", mins if real else mins[::-1], layout=layout)
    apv = [(f"{lbl} ({cl(amount, 0)} UF):", _pesos(amount, caps_uf)) for lbl, amount in data["apv"].values()]
    t["apv"] = _title_table("AHORRO PREVISIONAL VOLUNTARIO (APV)", apv if real else apv[::-1], layout=layout)
    lbl, amount = data["deposito"]
    t["deposito"] = _title_table(
        "DEPÓSITO CONVENIDO", [(f"{lbl} ({cl(amount, 0)} UF):", _pesos(amount, caps_uf))], layout=layout
    )
    t["afc"] = _afc_table(data, layout)
    t["afp"] = _afp_table(data, layout)
    t["sis"] = (
        _title_table(
            "SEGURO DE INVALIDEZ Y SOBREVIVENCIA (SIS)", [("Tasa SIS", f"{cl(data['sis'])}%")], layout=layout
        )
        if real
        else ""
    )  # fmt: skip  (other: SIS is a column of the AFP table)
    t["social"] = _title_table(
        "SEGURO SOCIAL", [("Expectativa de Vida", f"{cl(data['expectativa_vida'])}%")], layout=layout
    )
    t["family"] = _family_table(data, layout)
    t["heavy"] = _heavy_table(data, layout)
    return t


def _afc_table(data, layout):
    rows = data["afc"] if layout == "real" else data["afc"][::-1]
    if layout == "real":
        head = (
            "<tr><td class='encabezado_tabla_ind' colspan='3'><strong>SEGURO DE CESANTÍA (AFC)</strong>"
            "</td></tr><tr><td class='encabezado_tabla_ind' rowspan='2'><strong>CONTRATO</strong></td>"
            "<td class='encabezado_tabla_ind' colspan='2'><strong>FINANCIAMIENTO</strong></td></tr><tr>"
            "<td class='encabezado_tabla_ind'><strong>EMPLEADOR</strong></td><td class='encabezado_tabla_ind'>"  # noqa: E501
            "<strong>TRABAJADOR</strong></td></tr>"
        )
        body = "".join(
            f"<tr><td>{a}</td><td><strong>{e}</strong></td><td><strong>{w}</strong></td></tr>"
            for a, e, w in rows
        )
        return _portlet(f"<table><tbody>{head}{body}</tbody></table>")
    head = "<tr><th>Contrato</th><th>Trabajador</th><th>Empleador</th></tr>"
    body = "".join(f"<tr><td>{a}</td><td>{w}</td><td>{e}</td></tr>" for a, e, w in rows)
    return f"<h3>Seguro de Cesantía (AFC)</h3><table><thead>{head}</thead><tbody>{body}</tbody></table>"


def _afp_table(data, layout):
    names = list(data["afp"]) if layout == "real" else sorted(data["afp"], reverse=True)
    if layout == "real":
        head = (
            "<tr><td class='encabezado_tabla_ind' rowspan='4'><strong>AFP</strong></td>"
            "<td class='encabezado_tabla_ind' colspan='4'><strong>TASA COTIZACIÓN OBLIGATORIO AFP</strong>"
            "</td></tr><tr><td class='encabezado_tabla_ind' colspan='4'><strong>TASA AFP TRABAJADORES</strong>"  # noqa: E501
            "</td></tr><tr><td class='encabezado_tabla_ind' colspan='3'><strong>DEPENDIENTES</strong></td>"
            "<td class='encabezado_tabla_ind'><strong>INDEPENDIENTES</strong></td></tr><tr>"
            "<td class='encabezado_tabla_ind'><strong>CARGO DEL TRABAJADOR</strong></td>"
            "<td class='encabezado_tabla_ind'><strong>CARGO DEL EMPLEADOR (1)</strong></td>"
            "<td class='encabezado_tabla_ind'><strong>TOTAL A PAGAR</strong></td>"
            "<td class='encabezado_tabla_ind'><strong>TASA AFP (2)</strong></td></tr>"
        )
        body = "".join(
            f"<tr><td>{n}</td><td><strong>{cl(r)}%</strong></td><td><strong>{cl(data['cci'])}%</strong></td>"
            f"<td><strong>{cl(r + data['cci'])}%</strong></td><td><strong>{cl(r + data['sis'])}%</strong></td></tr>"  # noqa: E501
            for n in names
            for r in [data["afp"][n]]
        )
        return _portlet(f"<table><tbody>{head}{body}</tbody></table>")
    head = (
        "<tr><th rowspan='2'>AFP</th><th colspan='3'>Tasa cotización obligatoria AFP, dependientes</th>"
        "<th rowspan='2'>Independientes</th></tr><tr><th>Aporte del empleador</th><th>SIS</th>"
        "<th>Tasa AFP</th></tr>"
    )
    body = "".join(
        f"<tr><td>{n}</td><td>{cl(data['cci'])}%</td><td>{cl(data['sis'])}%</td><td>{cl(r)}%</td>"
        f"<td>{cl(r + data['sis'])}%</td></tr>"
        for n in names
        for r in [data["afp"][n]]
    )
    return f"<h3>Cotización obligatoria AFP</h3><table><thead>{head}</thead><tbody>{body}</tbody></table>"


def _family_table(data, layout):
    rows = data["family"] if layout == "real" else data["family"][::-1]
    if layout == "real":
        head = (
            "<tr><td class='encabezado_tabla_ind' rowspan='2'><strong>TRAMO</strong></td>"
            "<td class='encabezado_tabla_ind' colspan='2'><strong>ASIGNACIÓN FAMILIAR</strong></td></tr>"
            "<tr><td class='encabezado_tabla_ind'><strong>MONTO</strong></td><td class='encabezado_tabla_ind'>"  # noqa: E501
            "<strong>REQUISITO DE RENTA</strong></td></tr>"
        )
        body = "".join(
            f"<tr><td>{b}</td><td><strong>{a}</strong></td><td><strong>{r}</strong></td></tr>"
            for b, a, r in rows
        )
        return _portlet(f"<table><tbody>{head}{body}</tbody></table>")
    head = "<tr><th>Requisito de renta</th><th>Tramo</th><th>Monto</th></tr>"
    body = "".join(f"<tr><td>{r}</td><td>{b}</td><td>{a}</td></tr>" for b, a, r in rows)
    return f"<h3>Asignación Familiar</h3><table><thead>{head}</thead><tbody>{body}</tbody></table>"


def _heavy_table(data, layout):
    rows = data["heavy"] if layout == "real" else data["heavy"][::-1]
    if layout == "real":
        head = (
            "<tr><td class='encabezado_tabla_ind' colspan='4'><strong>COTIZACIÓN PARA TRABAJOS PESADOS"
            "&nbsp;</strong></td></tr><tr><td class='encabezado_tabla_ind' colspan='2'><strong>CALIFICACIÓN"
            "</strong></td><td class='encabezado_tabla_ind' colspan='2'><strong>FINANCIAMIENTO</strong></td></tr>"  # noqa: E501
            "<tr><td class='encabezado_tabla_ind' colspan='2'><strong>PUESTO DE TRABAJO</strong></td>"
            "<td class='encabezado_tabla_ind'><strong>EMPLEADOR</strong></td><td class='encabezado_tabla_ind'>"  # noqa: E501
            "<strong>TRABAJADOR</strong></td></tr>"
        )
        body = "".join(
            f"<tr><td>{n}</td><td>{t}</td><td><strong>{e}</strong></td><td><strong>{w}</strong></td></tr>"
            for n, t, e, w in rows
        )
        return _portlet(f"<table><tbody>{head}{body}</tbody></table>")
    head = "<tr><th>Puesto de trabajo</th><th>Trabajador</th><th>Total</th><th>Empleador</th></tr>"
    body = "".join(f"<tr><td>{n}</td><td>{w}</td><td>{t}</td><td>{e}</td></tr>" for n, t, e, w in rows)
    return (
        f"<h3>Cotización para Trabajos Pesados</h3><table><thead>{head}</thead><tbody>{body}</tbody></table>"
    )


REAL_ORDER = ("uf", "utm", "caps", "min", "apv", "deposito", "afc", "afp", "sis", "social", "family", "heavy")
OTHER_ORDER = ("heavy", "afp", "family", "afc", "social", "deposito", "apv", "min", "caps", "utm", "uf")


def previred_page(layout="real", drop=(), data=None, uf_for_caps=None):
    found = previred_tables(data, layout, uf_for_caps)
    order = REAL_ORDER if layout == "real" else OTHER_ORDER
    body = "".join(found[name] for name in order if name not in drop)
    return page(f"<h1>Indicadores Previsionales</h1><div class='portlet-layout'>{body}</div>", "Previred")
