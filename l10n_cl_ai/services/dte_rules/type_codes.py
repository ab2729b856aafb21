"""SII document type codes and the groups the rules use (``l10n_cl/data/l10n_latam.document.type.csv``)."""

FACTURA = "33"
FACTURA_EXENTA = "34"
BOLETA = "39"
BOLETA_EXENTA = "41"
LIQUIDACION_FACTURA = "43"
FACTURA_COMPRA = "46"
GUIA_DESPACHO = "52"
NOTA_DEBITO = "56"
NOTA_CREDITO = "61"
FACTURA_EXPORTACION = "110"
NOTA_DEBITO_EXPORTACION = "111"
NOTA_CREDITO_EXPORTACION = "112"

BOLETAS = frozenset({BOLETA, BOLETA_EXENTA})
EXPORTS = frozenset({FACTURA_EXPORTACION, NOTA_DEBITO_EXPORTACION, NOTA_CREDITO_EXPORTACION})
NOTES = frozenset({NOTA_DEBITO, NOTA_CREDITO, NOTA_DEBITO_EXPORTACION, NOTA_CREDITO_EXPORTACION})
CREDIT_NOTES = frozenset({"60", NOTA_CREDITO, NOTA_CREDITO_EXPORTACION})
DEBIT_NOTES = frozenset({"55", NOTA_DEBITO, NOTA_DEBITO_EXPORTACION})
# Documents that may carry VAT (IVA_TASA); the exempt ones must not (AFECTO_EN_EXENTO).
TAXED = frozenset(
    {FACTURA, BOLETA, LIQUIDACION_FACTURA, FACTURA_COMPRA, GUIA_DESPACHO, NOTA_DEBITO, NOTA_CREDITO}
)
EXEMPT = frozenset({FACTURA_EXENTA, BOLETA_EXENTA}) | EXPORTS

# Reference types that are commercial documents, not tax documents: they carry no CodRef and do not
# count as "the referenced document" of a note (l10n_latam.document.type codes 300, 801-815, HES...).
COMMERCIAL_REFERENCES = frozenset(
    {"300", "SET", "CHQ", "HEM", "HES", "MIG", "PAG"} | {str(code) for code in range(801, 816)}
)


def internal_type(code):
    """``l10n_latam.document.type.internal_type`` of a sale document code."""
    if code in CREDIT_NOTES:
        return "credit_note"
    if code in DEBIT_NOTES:
        return "debit_note"
    return "invoice"


def is_tax_reference(doc_type):
    """True when a reference points at a tax document (one a note can cancel or correct)."""
    return bool(doc_type) and doc_type not in COMMERCIAL_REFERENCES
