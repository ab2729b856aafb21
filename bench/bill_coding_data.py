"""Generated books of a Chilean construction company for ``bench/bill_coding.py`` (seeded, deterministic).

- 40 vendors (hardware stores, a telco, fuel, rent, fees, subcontractors, a supermarket, small vendors
  with a handful of bills, two vendors first seen in the last month), each with its descriptions written
  the way suppliers write them on facturas (upper case, abbreviations, missing accents, typos, codes,
  billing periods) and a consistent use of the chart of accounts: some vendors split over two or three
  accounts depending on what was bought (a hardware store: tools, materials, maintenance, PPE; a telco:
  mobile vs internet; an office supplier: supplies vs computer equipment vs cleaning).
- Analytic distribution by project: construction sites ("Obra Las Condes", "Obra Quilicura", "Obra
  Lampa" until June 2026, "Obra Ñuñoa" from March 2026) named in the description in several ways (site,
  street address, abbreviation) or implied by a vehicle plate or a subcontract; overheads to
  "Administración"; a warehouse rent and a telco plan split 50/50; a share of site purchases whose
  description names no site (the accountant knew it from elsewhere: not predictable from the line).
- Each item catalogue keeps items that appear only from the tuning-test months on and items that appear
  only in the held-out month: their descriptions never occurred before.
- Purchase orders and 300 bills against them (with and without the PO reference, partial deliveries,
  price changes, lines not on any PO, a second open PO of the same vendor with the same products).
"""

import random
from dataclasses import dataclass, field
from datetime import date

COMPANY = 1
FIRST_MONTH = (2025, 1)
TUNE_TEST_MONTHS = ((2026, 9), (2026, 10))
HELD_OUT_MONTH = (2026, 11)

ACCOUNTS = {
    5101: "Materiales de construcción",
    5102: "Herramientas menores",
    5103: "Mantención y reparaciones",
    5104: "Combustibles y lubricantes",
    5105: "Arriendo de inmuebles",
    5106: "Arriendo de maquinaria y equipos",
    5107: "Honorarios y asesorías",
    5108: "Telefonía móvil",
    5109: "Internet y enlaces de datos",
    5110: "Materiales de oficina",
    5111: "Equipos computacionales menores",
    5112: "Electricidad",
    5113: "Agua potable",
    5114: "Aseo y limpieza",
    5115: "Elementos de protección personal",
    5116: "Fletes y transportes",
    5117: "Seguros",
    5118: "Subcontratos de obra",
    5119: "Alimentación del personal",
    5120: "Software y licencias",
    5121: "Vigilancia y seguridad",
    5122: "Capacitación",
    5123: "Peajes y gastos de vehículos",
    5124: "Publicidad y letreros",
    5125: "Correspondencia y courier",
}
JOURNAL_DEFAULT_ACCOUNT = 5101  # the purchase journal's default expense account (materials, for a builder)
ADMIN, LAS_CONDES, QUILICURA, LAMPA, NUNOA = "1", "2", "3", "4", "5"
SITES = {  # analytic account -> (first month, last month) active
    LAS_CONDES: ((2025, 1), (2027, 12)),
    QUILICURA: ((2025, 1), (2027, 12)),
    LAMPA: ((2025, 1), (2026, 6)),
    NUNOA: ((2026, 3), (2027, 12)),
}
SITE_NAMES = {
    LAS_CONDES: [
        "OBRA LAS CONDES",
        "Obra Las Condes",
        "LAS CONDES",
        "OBRA APOQUINDO 5400",
        "Apoquindo 5400",
        "obra LC",
        "Ob. Las Condes",
        "Edif. Apoquindo",
    ],
    QUILICURA: [
        "OBRA QUILICURA",
        "Obra Quilicura",
        "QUILICURA",
        "San Luis 1250 Quilicura",
        "Ob. Quilicura",
        "obra QLC",
        "Bodegas Quilicura",
    ],
    LAMPA: ["OBRA LAMPA", "Obra Lampa", "LAMPA", "Camino Lo Echevers Lampa", "Ob Lampa"],
    NUNOA: ["OBRA ÑUÑOA", "Obra Ñuñoa", "NUNOA", "Irarrazaval 3300", "Ob. Ñuñoa", "obra Nunoa"],
}
PLATES = {
    "KXRT-21": QUILICURA,
    "HJLW-54": LAS_CONDES,
    "GZPB-87": LAMPA,
    "LBCX-16": NUNOA,
    "FRTS-30": ADMIN,
    "JKDV-72": LAS_CONDES,
}
MONTHS_ES = [
    "ENERO",
    "FEBRERO",
    "MARZO",
    "ABRIL",
    "MAYO",
    "JUNIO",
    "JULIO",
    "AGOSTO",
    "SEPTIEMBRE",
    "OCTUBRE",
    "NOVIEMBRE",
    "DICIEMBRE",
]
ABBREVIATIONS = [
    ("servicio", "serv."),
    ("mantención", "mant."),
    ("mantencion", "mantenc."),
    ("unidades", "un"),
    ("con ", "c/"),
    ("para ", "p/"),
    ("metros", "mts"),
    ("kilos", "kg"),
    ("galón", "gl"),
    ("arriendo", "arr."),
    ("eléctrico", "elect."),
    ("reparación", "reparac."),
    ("departamento", "depto"),
    ("honorarios", "hon."),
]


# -- item catalogues: (description, account), some items seen only late ----------------------------


@dataclass
class Catalogue:
    """Items of one kind: ``base`` appear in every month, ``tune`` from the tuning-test months on, ``held``
    only in the held-out month."""

    account: int
    base: list
    tune: list = field(default_factory=list)
    held: list = field(default_factory=list)

    def items(self, period):
        if period == "held":
            return self.base + self.tune + self.held * 3  # new items are frequent in the held-out month
        if period == "tune":
            return self.base + self.tune * 2
        return self.base


TOOLS = Catalogue(
    5102,
    [
        "Taladro percutor Bosch GSB 13 RE 650W",
        "Esmeril angular Makita 4 1/2 pulg",
        "Set brocas concreto 5 pzs",
        "Huincha medir Stanley 8m",
        "Nivel aluminio 60 cm",
        "Martillo carpintero 16 oz",
        "Alicate universal 8 pulg",
        "Sierra circular DeWalt 7 1/4",
        "Disco corte metal 115mm",
        "Llave francesa 10 pulg",
        "Carretilla 90 lts",
        "Pala punta huevo mango largo",
        "Serrucho carpintero 22 pulg",
        "Atornillador inalambrico 12V",
        "Escalera tijera aluminio 6 peldaños",
        "Juego destornilladores 6 pzs",
    ],
    tune=["Rotomartillo SDS plus 800W", "Pistola calor 2000W", "Caladora Bosch 500W"],
    held=[
        "Tronzadora metal 14 pulg 2200W",
        "Taladro magnetico 1100W",
        "Cizalla cortapernos 24 pulg",
        "Multimetro digital Fluke 115",
        "Sierra sable inalambrica 18V",
        "Remachadora pop manual",
    ],
)
MATERIALS = Catalogue(
    5101,
    [
        "Cemento Melon especial 25kg",
        "Yeso carton 10mm 1.2x2.4",
        "Fierro estriado 10mm x 6m",
        "Arena gruesa m3",
        "Grava 3/4 m3",
        "Ladrillo fiscal",
        "Perfil metalcon 60x38",
        "Tornillo roscalata 8x1/2 caja 100",
        "Malla acma C92",
        "Alambre negro recocido 14",
        "Plancha OSB 11.1mm",
        "Tubo PVC sanitario 110mm",
        "Clavo corriente 4 pulg kg",
        "Pino dimensionado 2x4 3.2m",
        "Adhesivo ceramico bekron 25kg",
    ],
    tune=["Mortero predosificado 25kg", "Hormigon premezclado bolsa 25kg"],
    held=[
        "Bloque hormigon 14x19x39",
        "Plancha fibrocemento 6mm",
        "Aislapol 50mm 1x0.5",
        "Membrana asfaltica 4mm rollo",
        "Cañeria cobre 1/2 tira 6m",
    ],
)
MAINTENANCE = Catalogue(
    5103,
    [
        "Pintura latex blanco galon",
        "Silicona transparente 280ml",
        "Cerradura sobreponer Scanavini",
        "Llave paso 1/2 bronce",
        "Flexible lavamanos 40cm",
        "Ampolleta LED 9W",
        "Enchufe triple embutido",
        "Fluorescente LED 18W",
        "Bisagra acero 3 pulg par",
        "Sifon lavaplatos PVC",
    ],
    tune=["Interruptor 9/12 blanco", "Cinta teflon 3/4"],
    held=[
        "Manilla puerta acero inox",
        "Tapagoteras sellador 1 galon",
        "Estanque WC repuesto valvula",
        "Rejilla ventilacion 20x20",
    ],
)
PPE = Catalogue(
    5115,
    [
        "Casco seguridad blanco c/ barbiquejo",
        "Guante cabritilla",
        "Zapato seguridad punta acero",
        "Lente seguridad claro",
        "Chaleco reflectante geologo",
        "Protector auditivo fono",
        "Arnes seguridad 4 argollas",
        "Mascarilla 3M 8210 N95",
        "Buzo desechable Tyvek",
    ],
    tune=["Guante nitrilo caja 100"],
    held=["Bloqueador solar 1 litro faena", "Careta soldar fotosensible", "Legionario casco"],
)
OFFICE = Catalogue(
    5110,
    [
        "Resma papel carta Chamex 500h",
        "Toner HP 85A",
        "Archivador palanca oficio",
        "Lapiz pasta bic azul caja 50",
        "Corchetera Isofit",
        "Post-it 76x76",
        "Cuaderno universitario 100h",
        "Carpeta colgante caja 25",
        "Toner Brother TN-1060",
        "Sobre americano caja 100",
    ],
    tune=["Cinta embalaje transparente 48mm"],
    held=["Destructora papel 8 hojas", "Calculadora Casio escritorio", "Pizarra blanca 90x60"],
)
COMPUTER = Catalogue(
    5111,
    [
        "Mouse inalambrico Logitech M170",
        "Teclado USB Genius",
        "Disco duro externo 1TB Seagate",
        "Monitor 24 pulg Samsung",
        "Pendrive Kingston 64GB",
        "Cable HDMI 3mts",
        "Notebook Lenovo IdeaPad 15",
        "Router TP-Link",
        "Impresora multifuncional Epson L3250",
    ],
    tune=["Webcam Logitech C920"],
    held=["Docking station USB-C", "Tablet Samsung Galaxy Tab A9", "Audifonos con microfono Jabra"],
)
CLEANING = Catalogue(
    5114,
    [
        "Cloro gel 900ml",
        "Papel higienico 4 rollos x 12",
        "Bolsa basura 80x110 x10",
        "Lavaloza 750ml",
        "Desinfectante Lysol aerosol",
        "Toalla nova 3 rollos",
        "Escobillon",
        "Detergente liquido 3L",
    ],
    tune=["Limpiavidrios gatillo 500ml"],
    held=["Dispensador jabon pared", "Trapero microfibra con balde", "Paño multiuso x 10"],
)
CAFETERIA = Catalogue(
    5119,
    [
        "Cafe Nescafe tradicion 400g",
        "Azucar Iansa 1kg",
        "Te Supremo 100 bolsitas",
        "Agua mineral bidon 20L",
        "Galletas surtidas",
        "Leche en polvo 800g",
        "Endulzante Stevia 200 sobres",
    ],
    tune=["Vasos cafe carton 100 un"],
    held=["Cafe grano 1kg", "Hervidor electrico 1.7L"],
)


# -- writing like a supplier -----------------------------------------------------------------------


def _typo(rng, text):
    letters = [i for i, char in enumerate(text) if char.isalpha()]
    if len(letters) < 6:
        return text
    i = rng.choice(letters[1:-1])
    kind = rng.random()
    if kind < 0.4:
        return text[:i] + text[i + 1 :]
    if kind < 0.7 and i + 1 < len(text):
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + text[i] + text[i:]


def _unaccent(text):
    for a, b in zip("áéíóúÁÉÍÓÚ", "aeiouAEIOU", strict=True):
        text = text.replace(a, b)
    return text


def scribble(rng, text, upper=0.5, typo=0.12, code=0.2):
    """``text`` as a supplier's system prints it: case, abbreviations, accents, a typo, a code."""
    for long, short in ABBREVIATIONS:
        if long in text.lower() and rng.random() < 0.4:
            start = text.lower().index(long)
            text = text[:start] + short + text[start + len(long) :]
    if rng.random() < 0.5:
        text = _unaccent(text)
    if rng.random() < typo:
        text = _typo(rng, text)
    if rng.random() < code:
        text = (
            rng.choice(
                [
                    f"COD {rng.randint(10000, 99999)} ",
                    f"{rng.randint(100000, 999999)}-",
                    f"SKU{rng.randint(1000, 9999)} ",
                ]
            )
            + text
        )
    roll = rng.random()
    if roll < upper:
        text = text.upper()
    elif roll < upper + 0.1:
        text = text.lower()
    return " ".join(text.split())


def _site_name(rng, site):
    return rng.choice(SITE_NAMES[site])


def _period(rng, month):
    year, number = month
    return rng.choice(
        [
            f"{MONTHS_ES[number - 1]} {year}",
            f"{MONTHS_ES[number - 1][:3]}-{year}",
            MONTHS_ES[number - 1].capitalize(),
            f"{number:02d}/{year}",
            f"periodo {number:02d}-{year}",
            MONTHS_ES[number - 1].lower(),
        ]
    )


# -- vendors ---------------------------------------------------------------------------------------


@dataclass
class Context:
    rng: random.Random
    month: tuple
    period: str  # "train" | "tune" | "held"

    def sites(self):
        return [site for site, (first, last) in SITES.items() if first <= self.month <= last]


def site_line(ctx, catalogues, weights, mention=0.85, qty=True):
    """A purchase for a construction site: an item of one catalogue, the site named (or not) in the text."""
    rng = ctx.rng
    catalogue = rng.choices(catalogues, weights)[0]
    item = rng.choice(catalogue.items(ctx.period))
    site = rng.choice(ctx.sites())
    text = item
    if qty and rng.random() < 0.35:
        text += rng.choice(
            [f" x {rng.randint(2, 40)} UN", f" {rng.randint(2, 12)} unid", f" cant {rng.randint(1, 9)}"]
        )
    if rng.random() < mention:
        text = rng.choice(
            [
                f"{text} {_site_name(rng, site)}",
                f"{text} - {_site_name(rng, site)}",
                f"{text} despacho {_site_name(rng, site)}",
            ]
        )
    return scribble(rng, text), catalogue.account, {site: 100.0}


def admin_line(ctx, catalogues, weights):
    rng = ctx.rng
    catalogue = rng.choices(catalogues, weights)[0]
    text = rng.choice(catalogue.items(ctx.period))
    if rng.random() < 0.3:
        text += rng.choice([" oficina central", " of. Providencia", " OFICINA", ""])
    return scribble(rng, text), catalogue.account, {ADMIN: 100.0}


def monthly(ctx, text, account, distribution, typo=0.05):
    return (
        scribble(ctx.rng, f"{text} {_period(ctx.rng, ctx.month)}", typo=typo, code=0.05),
        account,
        distribution,
    )


@dataclass
class Vendor:
    vendor_id: int
    name: str
    per_month: float  # mean lines per month
    make: object  # Context -> (description, account, distribution)
    first: tuple = FIRST_MONTH
    last: tuple = (2027, 12)
    product_share: float = 0.0  # share of lines that carry an Odoo product (with its own account)


def _hardware(ctx):  # a big hardware store: tools, materials, maintenance, PPE, by description
    return site_line(ctx, [TOOLS, MATERIALS, MAINTENANCE, PPE], [3, 4, 2, 1])


def _small_hardware(ctx):  # tools vs maintenance materials, some for the office
    if ctx.rng.random() < 0.25:
        return admin_line(ctx, [MAINTENANCE], [1])
    return site_line(ctx, [TOOLS, MAINTENANCE], [1, 1], mention=0.8)


def _telco(ctx):  # mobile vs internet; the mobile plan split between two sites
    rng = ctx.rng
    kind = rng.random()
    if kind < 0.45:
        text = rng.choice(
            [
                "Telefonía móvil plan empresa 25 líneas",
                "PLAN MOVIL EMPRESA 25 LINEAS",
                "Servicio telefonia movil multilinea",
                "Cargo fijo plan smart empresa",
                "Bolsa de datos moviles adicional 50GB",
            ]
        )
        return monthly(ctx, text, 5108, {LAS_CONDES: 50.0, QUILICURA: 50.0})
    if kind < 0.8:
        text = rng.choice(
            [
                "Internet fibra empresa 600 Mbps oficina",
                "ENLACE DEDICADO FIBRA 300MB",
                "Servicio internet oficina central",
                "IP fija enlace datos",
            ]
        )
        return monthly(ctx, text, 5109, {ADMIN: 100.0})
    site = rng.choice(ctx.sites())
    text = rng.choice(["Internet movil 4G faena", "Modem 4G instalacion faena", "Enlace satelital faena"])
    return monthly(ctx, f"{text} {_site_name(rng, site)}", 5109, {site: 100.0})


def _telco2(ctx):
    rng = ctx.rng
    if rng.random() < 0.6:
        return monthly(
            ctx,
            rng.choice(
                [
                    "Linea telefonica fija + internet 200 Mb",
                    "PACK FIBRA + TELEFONIA",
                    "Servicio internet hogar empresa",
                ]
            ),
            5109,
            {ADMIN: 100.0},
        )
    return monthly(
        ctx,
        rng.choice(
            [
                "Equipo celular Samsung A15 cuotas",
                "Telefonia movil 5 lineas gerencia",
                "Roaming internacional gerencia",
            ]
        ),
        5108,
        {ADMIN: 100.0},
    )


def _fuel(ctx):  # diesel by vehicle plate: the plate tells the site
    rng = ctx.rng
    plate = rng.choice(list(PLATES))
    if PLATES[plate] not in ctx.sites() + [ADMIN]:
        plate = "FRTS-30"
    site = PLATES[plate]
    if rng.random() < 0.85:
        text = rng.choice(
            [
                f"COMBUSTIBLE DIESEL PATENTE {plate}",
                f"Petroleo diesel {rng.randint(30, 80)} lts {plate}",
                f"DIESEL {plate}",
                f"Carga combustible vehiculo {plate}",
                f"Gasolina 95 patente {plate}",
            ]
        )
        return scribble(rng, text, code=0.0, typo=0.03), 5104, {site: 100.0}
    text = rng.choice(
        [
            f"Lubricante motor 15W40 balde 20L {plate}",
            f"ACEITE HIDRAULICO 68 {plate}",
            f"Lavado vehiculo {plate}",
            f"Aditivo AdBlue 10L {plate}",
        ]
    )
    account = 5123 if "avado" in text else 5104
    return scribble(rng, text, code=0.0, typo=0.03), account, {site: 100.0}


def _vehicle_shop(ctx):  # maintenance by plate, tyres are maintenance too
    rng = ctx.rng
    plate = rng.choice(list(PLATES))
    if PLATES[plate] not in ctx.sites() + [ADMIN]:
        plate = "JKDV-72"
    text = rng.choice(
        [
            f"Mantencion 10.000 km camioneta {plate}",
            f"Cambio pastillas freno {plate}",
            f"Neumaticos 265/70 R16 x4 {plate}",
            f"Reparacion embrague {plate}",
            f"Alineacion y balanceo {plate}",
            f"Revision tecnica {plate}",
        ]
    )
    return scribble(rng, text, typo=0.05, code=0.0), 5103, {PLATES[plate]: 100.0}


def _toll(ctx):
    rng = ctx.rng
    plate = rng.choice(list(PLATES))
    if PLATES[plate] not in ctx.sites() + [ADMIN]:
        plate = "FRTS-30"
    return monthly(
        ctx,
        rng.choice(
            [f"Peajes TAG {plate}", f"TRANSITO AUTOPISTA PATENTE {plate}", f"Uso autopista urbana {plate}"]
        ),
        5123,
        {PLATES[plate]: 100.0},
    )


def _fixed(texts, account, distribution, period=True):
    def make(ctx):
        text = ctx.rng.choice(texts)
        if period:
            return monthly(ctx, text, account, distribution)
        return scribble(ctx.rng, text, typo=0.04, code=0.0), account, distribution

    return make


def _by_site(texts, account, period=True, mention=0.9):
    def make(ctx):
        rng = ctx.rng
        site = rng.choice(ctx.sites())
        text = rng.choice(texts)
        if rng.random() < mention:
            text = f"{text} {_site_name(rng, site)}"
        if period:
            return monthly(ctx, text, account, {site: 100.0})
        return scribble(rng, text, typo=0.06, code=0.05), account, {site: 100.0}

    return make


def _subcontract(site, texts):
    def make(ctx):
        rng = ctx.rng
        text = f"{rng.choice(texts)} EP N{rng.randint(1, 30)}"
        if rng.random() < 0.5:
            text += " " + _site_name(rng, site)
        return scribble(rng, text, typo=0.05, code=0.0), 5118, {site: 100.0}

    return make


def _formwork(ctx):  # rent of formwork vs accessories bought: two accounts
    rng = ctx.rng
    site = rng.choice(ctx.sites())
    if rng.random() < 0.6:
        text = rng.choice(
            [
                "Arriendo moldaje muro",
                "ARRIENDO ALZAPRIMAS METALICAS",
                "Arriendo andamio multidireccional",
                "Arr. moldaje losa",
                "Arriendo puntales 3m",
            ]
        )
        account = 5106
    else:
        text = rng.choice(
            [
                "Desmoldante 20 lts",
                "Tensor moldaje con tuerca",
                "Conos PVC 22mm bolsa 500",
                "Barra dywidag 15mm",
                "Cuña metalica moldaje",
            ]
        )
        account = 5101
    text = f"{text} {_site_name(rng, site)}" if rng.random() < 0.85 else text
    return scribble(rng, text), account, {site: 100.0}


def _machinery(ctx):  # rent of machines vs their transport
    rng = ctx.rng
    site = rng.choice(ctx.sites())
    if rng.random() < 0.75:
        text = rng.choice(
            [
                "Arriendo retroexcavadora 8 hrs",
                "ARRIENDO MINICARGADOR BOBCAT",
                "Arriendo grua horquilla mes",
                "Arriendo generador 20 KVA",
                "Arriendo placa compactadora",
                "Arriendo rodillo vibratorio",
            ]
        )
        account = 5106
    else:
        text = rng.choice(
            ["Traslado equipo cama baja", "FLETE MAQUINARIA IDA Y VUELTA", "Transporte maquina a faena"]
        )
        account = 5116
    text = f"{text} {_site_name(rng, site)}" if rng.random() < 0.9 else text
    return scribble(rng, text), account, {site: 100.0}


def _office_supplier(ctx):  # supplies vs computer equipment vs cleaning, mostly office, some sites
    if ctx.rng.random() < 0.7:
        return admin_line(ctx, [OFFICE, COMPUTER, CLEANING], [5, 2, 2])
    return site_line(ctx, [OFFICE, CLEANING], [1, 1], mention=0.9, qty=False)


def _supermarket(ctx):  # cafeteria vs cleaning vs office
    if ctx.rng.random() < 0.5:
        return admin_line(ctx, [CAFETERIA, CLEANING, OFFICE], [4, 3, 1])
    return site_line(ctx, [CAFETERIA, CLEANING], [2, 1], mention=0.85, qty=False)


def _marketplace(ctx):  # anything: tools, computer, office
    if ctx.rng.random() < 0.5:
        return admin_line(ctx, [COMPUTER, OFFICE], [2, 1])
    return site_line(ctx, [TOOLS, PPE], [2, 1], mention=0.7, qty=False)


def _printer(ctx):  # site signs vs printed forms
    rng = ctx.rng
    if rng.random() < 0.5:
        site = rng.choice(ctx.sites())
        text = rng.choice(
            [
                "Letrero obra 3x2 mts impreso",
                "Gigantografia lona obra",
                "Señaletica seguridad obra x10",
                "Pendon roller publicitario",
            ]
        )
        return scribble(rng, f"{text} {_site_name(rng, site)}"), 5124, {site: 100.0}
    text = rng.choice(
        [
            "Talonario guias despacho x 50",
            "Impresion tarjetas presentacion 500 un",
            "Formularios autocopiativos",
            "Timbre automatico",
        ]
    )
    return scribble(rng, text), 5110, {ADMIN: 100.0}


def _lone(texts, account, distribution):
    return lambda ctx: (scribble(ctx.rng, ctx.rng.choice(texts), typo=0.05), account, distribution)


def _utilities(account, site_texts, office_texts):
    def make(ctx):
        rng = ctx.rng
        if rng.random() < 0.6:
            site = rng.choice(ctx.sites())
            return monthly(ctx, f"{rng.choice(site_texts)} {_site_name(rng, site)}", account, {site: 100.0})
        return monthly(ctx, rng.choice(office_texts), account, {ADMIN: 100.0})

    return make


def vendors():
    """The 40 vendors of the company."""
    late = HELD_OUT_MONTH
    return [
        Vendor(1, "Sodimac S.A.", 26, _hardware, product_share=0.1),
        Vendor(
            2, "Construmart S.A.", 14, lambda c: site_line(c, [MATERIALS, TOOLS], [5, 1]), product_share=0.2
        ),
        Vendor(3, "Ferretería El Clavo Ltda.", 8, _small_hardware),
        Vendor(4, "Entel PCS Telecomunicaciones", 3, _telco),
        Vendor(5, "Telefónica Chile (Movistar Empresas)", 1.5, _telco2),
        Vendor(6, "Copec S.A.", 14, _fuel, product_share=0.3),
        Vendor(7, "Enex S.A. (Shell)", 5, _fuel, product_share=0.3),
        Vendor(
            8,
            "Contadores Asociados Ltda.",
            1,
            _fixed(
                [
                    "Honorarios asesoría contable",
                    "Servicio contabilidad mensual",
                    "HONORARIOS CONTABLES",
                    "Asesoria tributaria F29",
                ],
                5107,
                {ADMIN: 100.0},
            ),
        ),
        Vendor(
            9,
            "Estudio Jurídico Pérez y Cía.",
            0.6,
            _fixed(
                ["Honorarios asesoría legal", "Redaccion contrato subcontrato", "Asesoria laboral juicio"],
                5107,
                {ADMIN: 100.0},
                False,
            ),
        ),
        Vendor(
            10,
            "Inmobiliaria Los Leones SpA",
            1,
            _fixed(
                [
                    "Arriendo oficina Los Leones 382 of. 501",
                    "ARRIENDO OFICINA PROVIDENCIA",
                    "Arriendo estacionamientos x2",
                ],
                5105,
                {ADMIN: 100.0},
            ),
        ),
        Vendor(
            11,
            "Bodegas Lampa SpA",
            1,
            _fixed(
                ["Arriendo bodega 12 Lampa", "ARRIENDO BODEGA N°12", "Gastos comunes bodega 12"],
                5105,
                {LAS_CONDES: 50.0, QUILICURA: 50.0},
            ),
        ),
        Vendor(
            12,
            "Enel Distribución Chile",
            3,
            _utilities(
                5112,
                ["Empalme provisorio consumo", "Consumo electrico faena"],
                ["Consumo electrico oficina", "ENERGIA ELECTRICA Los Leones 382"],
            ),
        ),
        Vendor(
            13,
            "Aguas Andinas S.A.",
            2,
            _utilities(
                5113,
                ["Consumo agua potable faena", "Arranque provisorio agua"],
                ["Consumo agua oficina central"],
            ),
        ),
        Vendor(
            14,
            "Ascensores Otis Chile",
            1,
            _fixed(
                ["SERV. MANTENCION ASCENSOR", "Mantencion preventiva ascensor oficina"], 5103, {ADMIN: 100.0}
            ),
        ),
        Vendor(
            15,
            "Guardias del Pacífico Ltda.",
            3,
            _by_site(
                ["Servicio guardia nocturno", "VIGILANCIA 24/7 FAENA", "Servicio seguridad turno 12x12"], 5121
            ),
        ),
        Vendor(16, "Maquinarias del Sur SpA", 6, _machinery),
        Vendor(
            17,
            "Transportes Rápido Ltda.",
            5,
            _by_site(
                ["Flete camion 3/4", "FLETE MATERIALES", "Retiro escombros tolva", "Despacho camion pluma"],
                5116,
                period=False,
            ),
        ),
        Vendor(
            18,
            "Instalaciones Eléctricas Volta SpA",
            2,
            _subcontract(LAS_CONDES, ["Estado de pago instalaciones electricas", "EEPP OBRAS ELECTRICAS"]),
        ),
        Vendor(19, "Moldajes Andinos S.A.", 6, _formwork),
        Vendor(
            20,
            "Hormigones Polpaico",
            6,
            _by_site(
                [
                    "Hormigon H30 m3",
                    "HORMIGON G25 BOMBEABLE",
                    "Servicio bomba hormigon",
                    "Hormigon H20 90% NC",
                ],
                5101,
                period=False,
            ),
        ),
        Vendor(
            21,
            "Aceros AZA S.A.",
            3,
            _by_site(
                ["Fierro A630 12mm", "FIERRO ESTRIADO 16MM X 12M", "Malla electrosoldada"], 5101, period=False
            ),
        ),
        Vendor(22, "Dimerc S.A.", 10, _office_supplier, product_share=0.2),
        Vendor(23, "PC Factory", 2, lambda c: admin_line(c, [COMPUTER], [1])),
        Vendor(
            24,
            "Microsoft Chile",
            1,
            _fixed(
                ["Microsoft 365 Business Standard 20 licencias", "LICENCIAS OFFICE 365"], 5120, {ADMIN: 100.0}
            ),
        ),
        Vendor(
            25,
            "Defontana SpA",
            1,
            _fixed(["Suscripcion ERP mensual", "Servicio ERP cloud plan pyme"], 5120, {ADMIN: 100.0}),
        ),
        Vendor(
            26,
            "Alimentos Cordillera Ltda.",
            4,
            _by_site(
                ["Servicio alimentacion trabajadores", "COLACIONES PERSONAL", "Casino faena almuerzos"], 5119
            ),
        ),
        Vendor(
            27,
            "HDI Seguros S.A.",
            0.6,
            _fixed(
                ["Poliza todo riesgo construccion", "Seguro vehiculos flota", "POLIZA RESPONSABILIDAD CIVIL"],
                5117,
                {},
            ),
        ),
        Vendor(28, "Segurycel EPP Ltda.", 5, lambda c: site_line(c, [PPE, TOOLS], [6, 1])),
        Vendor(
            29,
            "Aseo Industrial Brillante",
            2,
            _by_site(["Servicio aseo oficina", "Aseo final departamentos", "LIMPIEZA FAENA"], 5114),
        ),
        Vendor(
            30,
            "Chilexpress S.A.",
            2,
            _lone(
                ["Envio documentos", "ENCOMIENDA SANTIAGO-CONCEPCION", "Courier sobre express"],
                5125,
                {ADMIN: 100.0},
            ),
        ),
        Vendor(31, "Autopista Central (TAG)", 3, _toll),
        Vendor(
            32,
            "OTEC Capacita Ltda.",
            0.4,
            _lone(
                [
                    "Curso trabajo en altura 8 hrs",
                    "Capacitacion operador grua horquilla",
                    "Curso primeros auxilios",
                ],
                5122,
                {ADMIN: 100.0},
            ),
        ),
        Vendor(33, "Imprenta Gráfica Central", 1.5, _printer),
        Vendor(34, "Taller Mecánico Hnos. Soto", 3, _vehicle_shop),
        Vendor(35, "Supermercados Lider", 5, _supermarket),
        Vendor(36, "MercadoLibre Chile", 4, _marketplace),
        Vendor(
            37,
            "Baños Químicos Sanitarios SpA",
            3,
            _by_site(
                ["Arriendo baño quimico", "ARRIENDO BANOS QUIMICOS X4", "Mantencion baños quimicos"], 5106
            ),
        ),
        Vendor(
            38,
            "Cerrajería Don Luis",
            0.15,
            _lone(["Copia llaves x5", "Cambio cilindro cerradura", "Apertura puerta"], 5103, {ADMIN: 100.0}),
        ),
        Vendor(
            39, "Ferretería Lo Valledor", 6, lambda c: site_line(c, [TOOLS, MAINTENANCE], [1, 1]), first=late
        ),
        Vendor(
            40,
            "Vidriería y Aluminios San Pablo",
            3,
            lambda c: site_line(
                c,
                [
                    Catalogue(
                        5103, ["Cambio vidrio ventana", "Reparacion ventana corredera", "Espejo baño 60x80"]
                    )
                ],
                [1],
                mention=0.9,
            ),
            first=(2026, 10),
        ),
    ]


# -- products (an Odoo product with its own expense account on some lines) -------------------------

PRODUCT_ACCOUNTS = {101: 5104, 102: 5101, 103: 5110}  # diesel, cement, toner


def _product_for(vendor, description):
    text = description.lower()
    if vendor.vendor_id in (6, 7) and ("diesel" in text or "petroleo" in text):
        return 101
    if "cemento" in text:
        return 102
    if "toner" in text:
        return 103
    return None


def _month_range(first, last):
    year, month = first
    while (year, month) <= last:
        yield year, month
        month += 1
        if month == 13:
            year, month = year + 1, 1


def period_of(month):
    if month == HELD_OUT_MONTH:
        return "held"
    if month in TUNE_TEST_MONTHS:
        return "tune"
    return "train"


def _poisson(rng, mean):
    if mean <= 0:
        return 0
    count, threshold, product = 0, pow(2.718281828459045, -mean), rng.random()
    while product > threshold:
        count += 1
        product *= rng.random()
    return count


def history(seed=7, months_to=HELD_OUT_MONTH):
    """Posted lines as dicts, oldest first: line_id, vendor_id, description, account_id,
    analytic_distribution, date, product_id, month, period."""
    rng = random.Random(seed)  # noqa: S311 - reproducible bench data, not security
    lines = []
    for month in _month_range(FIRST_MONTH, months_to):
        ctx = Context(rng, month, period_of(month))
        for vendor in vendors():
            if not vendor.first <= month <= vendor.last:
                continue
            count = _poisson(rng, vendor.per_month)
            if vendor.vendor_id == 38 and month not in ((2025, 4), (2025, 11), (2026, 5), HELD_OUT_MONTH):
                count = 0  # a vendor with a handful of bills
            for _ in range(count):
                description, account, distribution = vendor.make(ctx)
                product = _product_for(vendor, description) if rng.random() < 0.9 else None
                lines.append(
                    {
                        "line_id": len(lines) + 1,
                        "vendor_id": vendor.vendor_id,
                        "description": description,
                        "account_id": PRODUCT_ACCOUNTS.get(product, account),
                        "analytic_distribution": distribution,
                        "date": date(month[0], month[1], rng.randint(1, 28)),
                        "product_id": product,
                        "month": month,
                        "period": ctx.period,
                    }
                )
    lines.sort(key=lambda line: (line["date"], line["line_id"]))
    return lines


def scaled_history(count, seed=11):
    """``count`` posted lines for the build-time run: the generated books of successive seeds (another
    company's worth each), ids renumbered; descriptions repeat as much as real recurring bills do."""
    lines = []
    while len(lines) < count:
        for line in history(seed=seed):
            if len(lines) >= count:
                break
            lines.append(dict(line, line_id=len(lines) + 1))
        seed += 1
    return lines
