"""The catalogue of ``ToolSpec``s: the read-only tools the plugins may offer Claude in the chat bot,
described abstractly (their implementations are ``models/chat_tool_impls.py``).

Each tool reads one Odoo model as the asking user (record rules and access rights apply); the Odoo
layer implements it under the same name and returns plain JSON. Names and descriptions are Spanish
because Claude answers Spanish-speaking users with them; arguments are all optional filters.
"""

from .base import ToolSpec

_LIMIT = {"type": "integer", "description": "Máximo de resultados (1 a 50; por defecto 10)."}
_DATE_FROM = {"type": "string", "format": "date", "description": "Fecha inicial, AAAA-MM-DD."}
_DATE_TO = {"type": "string", "format": "date", "description": "Fecha final, AAAA-MM-DD."}
_PARTNER = {
    "type": "string",
    "description": "Nombre o RUT (o parte de ellos) del cliente o proveedor.",
}
_MOVE_KIND = {
    "type": "string",
    "enum": ["venta", "compra"],
    "description": "Documentos de venta (emitidos) o de compra (recibidos).",
}
_MOVE_STATE = {"type": "string", "enum": ["borrador", "publicado", "anulado"]}


def _schema(**properties):
    return {"type": "object", "properties": properties, "additionalProperties": False}


BUSCAR_FACTURAS = ToolSpec(
    name="buscar_facturas",
    description=(
        "Busca documentos contables (facturas, boletas, notas de crédito y débito, de venta o compra) "
        "y devuelve por cada uno: id, tipo de documento SII, folio, fecha, contacto, neto, IVA, total, "
        "estado y estado de validación IA. Úsala para encontrar documentos antes de opinar sobre ellos."
    ),
    input_schema=_schema(
        contacto=_PARTNER,
        tipo_documento={
            "type": "string",
            "description": "Código SII del tipo de documento, p. ej. '33' o '61'.",
        },
        folio={"type": "string", "description": "Folio (número) del documento."},
        movimiento=_MOVE_KIND,
        estado=_MOVE_STATE,
        fecha_desde=_DATE_FROM,
        fecha_hasta=_DATE_TO,
        limite=_LIMIT,
    ),
    model="account.move",
)

OBTENER_FACTURA = ToolSpec(
    name="obtener_factura",
    description=(
        "Devuelve el detalle de un documento contable por su id: encabezado, líneas (producto, cantidad, "
        "precio, impuestos), totales, documento de origen o referencias, y los hallazgos de su última "
        "validación. Úsala cuando el usuario pregunte por un documento concreto."
    ),
    input_schema={
        **_schema(id={"type": "integer", "description": "Id del documento (account.move)."}),
        "required": ["id"],
    },
    model="account.move",
)

HISTORIAL_CONTACTO = ToolSpec(
    name="historial_contacto",
    description=(
        "Resume los últimos documentos de un cliente o proveedor: tipos, fechas, totales y notas de "
        "crédito asociadas. Sirve para detectar montos o tipos de documento inusuales."
    ),
    input_schema=_schema(contacto=_PARTNER, limite=_LIMIT),
    model="account.move",
)

BUSCAR_APUNTES = ToolSpec(
    name="buscar_apuntes",
    description=(
        "Busca apuntes contables (líneas de asiento publicadas): fecha, diario, cuenta, contacto, glosa, "
        "debe y haber. Filtra por prefijo de código de cuenta, diario, contacto y fechas."
    ),
    input_schema=_schema(
        cuenta={"type": "string", "description": "Código de cuenta o su prefijo, p. ej. '1105'."},
        diario={"type": "string", "description": "Nombre o código corto del diario."},
        contacto=_PARTNER,
        fecha_desde=_DATE_FROM,
        fecha_hasta=_DATE_TO,
        limite=_LIMIT,
    ),
    model="account.move.line",
)

SALDOS_CUENTAS = ToolSpec(
    name="saldos_cuentas",
    description=(
        "Devuelve el saldo (debe, haber y saldo) de las cuentas cuyos códigos empiezan por los prefijos "
        "indicados, a una fecha, considerando solo asientos publicados."
    ),
    input_schema=_schema(
        cuentas={
            "type": "array",
            "items": {"type": "string"},
            "description": "Prefijos de código de cuenta.",
        },
        fecha_hasta=_DATE_TO,
    ),
    model="account.move.line",
)

BUSCAR_STOCK = ToolSpec(
    name="buscar_stock",
    description=(
        "Consulta las existencias por producto y ubicación (cantidad disponible, reservada y valor si "
        "existe). Permite pedir solo las cantidades negativas para diagnosticar descuadres."
    ),
    input_schema=_schema(
        producto={"type": "string", "description": "Nombre o referencia interna del producto."},
        ubicacion={"type": "string", "description": "Nombre de la bodega o ubicación."},
        solo_negativos={"type": "boolean", "description": "Solo cantidades negativas."},
        limite=_LIMIT,
    ),
    model="stock.quant",
)

BUSCAR_MOVIMIENTOS_STOCK = ToolSpec(
    name="buscar_movimientos_stock",
    description=(
        "Busca movimientos de inventario: fecha, producto, cantidad, ubicación de origen y destino, "
        "referencia y estado. Sirve para reconstruir por qué una existencia quedó como está."
    ),
    input_schema=_schema(
        producto={"type": "string", "description": "Nombre o referencia interna del producto."},
        ubicacion={"type": "string", "description": "Ubicación de origen o destino."},
        estado={"type": "string", "enum": ["borrador", "en_espera", "reservado", "hecho", "cancelado"]},
        fecha_desde=_DATE_FROM,
        fecha_hasta=_DATE_TO,
        limite=_LIMIT,
    ),
    model="stock.move",
)

BUSCAR_TRANSFERENCIAS = ToolSpec(
    name="buscar_transferencias",
    description=(
        "Busca transferencias de inventario (recepciones, despachos y traslados internos): referencia, "
        "tipo, contacto, fecha prevista y efectiva, estado y documento de origen."
    ),
    input_schema=_schema(
        tipo={"type": "string", "enum": ["recepcion", "despacho", "interna"]},
        contacto=_PARTNER,
        estado={"type": "string", "enum": ["borrador", "en_espera", "preparado", "hecho", "cancelado"]},
        fecha_desde=_DATE_FROM,
        fecha_hasta=_DATE_TO,
        limite=_LIMIT,
    ),
    model="stock.picking",
)

RESUMEN_DOCUMENTOS = ToolSpec(
    name="resumen_documentos",
    description=(
        "Cuenta y suma documentos contables por tipo de documento SII y por mes en un período: cantidad, "
        "neto, IVA y total, y cuántos están sin validar o con errores en la validación IA. Úsala para "
        "preguntas como «¿cuántas facturas 33 emití este mes?» o «¿cuánto facturé en marzo?»."
    ),
    input_schema=_schema(
        tipo_documento={
            "type": "string",
            "description": "Código SII del tipo de documento, p. ej. '33'; vacío para todos.",
        },
        movimiento=_MOVE_KIND,
        estado=_MOVE_STATE,
        fecha_desde=_DATE_FROM,
        fecha_hasta=_DATE_TO,
    ),
    model="account.move",
)

BUSCAR_CONTACTO = ToolSpec(
    name="buscar_contacto",
    description=(
        "Busca clientes o proveedores por RUT (con o sin puntos y guion) o por nombre y devuelve: id, "
        "nombre, RUT, giro, tipo de contribuyente SII, comuna y correo."
    ),
    input_schema=_schema(
        rut={"type": "string", "description": "RUT, p. ej. 76.086.428-5 o 760864285."},
        nombre={"type": "string", "description": "Nombre o parte del nombre."},
        limite=_LIMIT,
    ),
    model="res.partner",
)

CONSUMO_IA = ToolSpec(
    name="consumo_ia",
    description=(
        "Consumo del asistente IA de la empresa del usuario (solo administradores de IA): gasto en USD y "
        "consultas de hoy y del mes, presupuestos diario y mensual, y el gasto por función."
    ),
    input_schema=_schema(),
    model="l10n_cl_ai.usage",
)

_PERIOD = {"type": "string", "description": "Período AAAA-MM, p. ej. 2026-11 (por defecto, el mes actual)."}
_PESOS = {"type": "number", "minimum": 0}

VALOR_UF = ToolSpec(
    name="valor_uf",
    description=(
        "Valor de la UF de un día, según el SII (guardado a diario en Odoo como tasa de la moneda CLF), "
        "con su fuente. Úsala siempre que necesites la UF: no la pidas al usuario ni la supongas."
    ),
    input_schema=_schema(
        fecha={"type": "string", "format": "date", "description": "Día, AAAA-MM-DD (hoy por defecto)."}
    ),
    model="res.currency.rate",
)

INDICADORES_PREVISIONALES = ToolSpec(
    name="indicadores_previsionales",
    description=(
        "Indicadores previsionales de un período leídos de Previred y verificados (UF, UTM, UTA, ingreso "
        "mínimo, topes imponibles en UF y pesos, tasa de cada AFP, SIS, seguro de cesantía por tipo de "
        "contrato, cotización Ley 21.735, asignación familiar) y la tabla mensual del impuesto único del "
        "SII, con la fuente y la fecha de lectura."
    ),
    input_schema=_schema(periodo=_PERIOD),
    model="l10n_cl_ai.payroll.indicators",
)

CALCULAR_LIQUIDACION = ToolSpec(
    name="calcular_liquidacion",
    description=(
        "Calcula en Odoo una liquidación de sueldo mensual con los indicadores guardados del período: "
        "imponible, AFP, salud, seguro de cesantía, impuesto único, líquido y costos del empleador, cada "
        "línea con su regla. Devuelve montos en pesos enteros que debes citar tal cual, sin recalcular. "
        "No envíes nombres ni RUT: solo montos y condiciones del contrato."
    ),
    input_schema={
        **_schema(
            periodo=_PERIOD,
            contrato={"type": "string", "enum": ["indefinido", "plazo_fijo", "casa_particular"]},
            sueldo_base={**_PESOS, "description": "Sueldo base mensual (30 días), en pesos."},
            gratificacion={"type": "string", "enum": ["none", "art50_monthly"]},
            haberes_imponibles=_PESOS,
            haberes_no_imponibles=_PESOS,
            afp={
                "type": "string",
                "description": "Nombre de la AFP como la escribe Previred, p. ej. Habitat.",
            },
            salud={"type": "string", "enum": ["fonasa", "isapre"]},
            plan_isapre_uf={"type": "number", "minimum": 0, "description": "Valor del plan Isapre en UF."},
            dias_trabajados={"type": "integer", "minimum": 0, "maximum": 30},
            horas_extra={"type": "number", "minimum": 0},
            cargas_familiares={"type": "integer", "minimum": 0},
            apv=_PESOS,
        ),
        "required": ["sueldo_base", "afp"],
    },
    model="l10n_cl_ai.payroll.indicators",
)

PAYROLL_TOOLS = (VALOR_UF, INDICADORES_PREVISIONALES, CALCULAR_LIQUIDACION)

# what the bot may offer besides each plugin's own tools (the Odoo layer filters by access)
CHAT_COMMON = (BUSCAR_FACTURAS, OBTENER_FACTURA, RESUMEN_DOCUMENTOS, BUSCAR_CONTACTO, CONSUMO_IA)

# the knowledge base, offered in every conversation (it reads no books: shared documents only outside
# the asker's direct chat); implemented in ``models/chat_tool_knowledge.py``
BUSCAR_NORMATIVA = ToolSpec(
    name="buscar_normativa",
    description=(
        "Busca en la base de conocimiento tributario (documentos del SII, normativa chilena y guías de "
        "uso) y devuelve los 3 documentos más pertinentes con un pasaje de cada uno y su fuente. Úsala "
        "cuando los pasajes recibidos no responden la pregunta: busca con tus propias palabras, con el "
        "término técnico (p. ej. «nota de débito», «boleta electrónica», «factura de exportación»). "
        "Cita los documentos que uses como los pasajes iniciales: [slug]."
    ),
    input_schema={
        **_schema(
            consulta={"type": "string", "description": "Qué buscar, en pocas palabras técnicas."},
            tema={
                "type": "string",
                "enum": ["dte", "account", "payroll", "stock", "general"],
                "description": (
                    "Opcional: limitar a un tema (dte: documentos electrónicos; account: contabilidad, "
                    "RCV y F29; payroll: remuneraciones; stock: guías y traslados; general: RUT, giro, "
                    "uso del asistente)."
                ),
            },
        ),
        "required": ["consulta"],
    },
    model="l10n_cl_ai.knowledge.document",
)
