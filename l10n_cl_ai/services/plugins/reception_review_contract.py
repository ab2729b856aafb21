"""The review contract of a RECEIVED vendor bill: the invoice review's (``dte_review_contract``: same reply
schema, same verdict rule, Claude raises to "review" at most), with a reception instruction appended to the
cached system part: the document comes from a supplier, and the question is whether its amount, products
or prices are unusual for that supplier given the history sent with it. The buyer's deterministic codes
(``REC_*``) are listed so Claude does not repeat them.
"""

from .dte_review_contract import ReviewPrompt, build_review_prompt

RECEPTION_CATALOGUE = (
    ("REC_RECEPTOR", "documento dirigido a otro RUT que el de la compañía"),
    ("REC_EMISOR", "RUT del emisor inválido o distinto del proveedor de la factura"),
    ("REC_TIPO", "tipo de documento que no se registra como factura de proveedor"),
    ("REC_FOLIO_DUPLICADO", "mismo emisor, tipo y folio ya registrado"),
    ("REC_TOTALES", "neto, exento, impuestos o líneas que no cuadran con el total"),
    ("REC_IVA", "tasa de IVA distinta de 19 % o IVA mal calculado"),
    ("REC_FECHA", "fecha de emisión futura o fuera del plazo del crédito fiscal"),
    ("REC_TED", "timbre electrónico ausente, alterado o con CAF que no calza"),
    ("REC_BILL_TOTAL", "total de la factura en Odoo distinto del MntTotal del XML"),
)

RECEPTION_INSTRUCTION = (
    """\
## Factura RECIBIDA de un proveedor
Este documento no lo emite la compañía: es un DTE que un proveedor le envió y que se registra como \
factura de proveedor. En la instantánea, «partner» es el proveedor que lo emitió y «company» es la \
compañía que lo recibe. \
La recomendación se refiere a si la compañía puede registrarlo y aceptarlo tal como está \
("send"), si alguien debe revisarlo antes de aceptarlo o reclamarlo dentro de los ocho días \
("review"), o si debería reclamarse ("reject").
- Compara con el historial del proveedor (sus facturas anteriores con sus líneas: glosas, cantidades y \
precios unitarios): ¿es inusual el monto total, un producto o servicio que nunca había facturado, un \
precio unitario muy distinto del habitual para el mismo producto, o una cantidad fuera de lo normal? \
Indica la cifra habitual y la de este documento en el mensaje (código IA_MONTO_INUSUAL, \
IA_PRODUCTO_NUEVO, IA_PRECIO_INUSUAL o IA_CANTIDAD_INUSUAL).
- Sin historial no hay comparación posible: no inventes una; a lo más un hallazgo «info».
- No repitas los hallazgos de las verificaciones del comprador ya ejecutadas:
"""
    + "\n".join(f"  - {code}: {text}." for code, text in RECEPTION_CATALOGUE)
    + "\n"
)


def build_reception_review_prompt(snapshot, history=(), passages=(), deterministic_findings=()):
    """The review prompt of a received bill: the invoice review's, with :data:`RECEPTION_INSTRUCTION`
    after its system instructions (still one stable, cached prefix for every received bill)."""
    review = build_review_prompt(snapshot, history, passages, deterministic_findings)
    return ReviewPrompt(
        system=review.system + "\n" + RECEPTION_INSTRUCTION,
        knowledge=review.knowledge,
        variable=review.variable,
    )
