"""A received DTE as plain values: what ``parse`` returns and what ``checks``/``ted`` read.

Field names are English; each says which SII tag it comes from (*Formato Documentos Tributarios
Electrónicos* v2.2, ``DTE_v10.xsd``). Conventions:

* Amounts, quantities and prices are ``Decimal`` exactly as written (``None`` when the tag is absent);
  CLP amounts are whole numbers.
* Document types are strings (``"33"``), as ``services.dte_rules.type_codes`` writes them; the folio is
  an ``int``.
* The TED's values are kept as the raw strings of the seal, because comparing them with the document is
  the point of :mod:`.ted`.
* ``raw`` is the DTE element serialized alone (ISO-8859-1, with its namespace): what the Odoo layer
  keeps as the bill's attachment when an envelope carries several documents.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

# IndExe (FMT B#5): 1 = exempt item. Other values (2 not billable, 3 deposit guarantee, 4 not a sale,
# 5 rebate, 6 negative not billable) count neither as taxed nor as exempt.
IND_EXE_EXEMPT = 1


@dataclass(frozen=True)
class Line:
    """One ``Detalle`` item."""

    number: int  # NroLinDet
    name: str  # NmbItem
    description: str = ""  # DscItem
    quantity: Decimal | None = None  # QtyItem
    unit_price: Decimal | None = None  # PrcItem
    discount_pct: Decimal | None = None  # DescuentoPct
    discount_amount: Decimal = Decimal(0)  # DescuentoMonto
    surcharge_pct: Decimal | None = None  # RecargoPct
    surcharge_amount: Decimal = Decimal(0)  # RecargoMonto
    amount: Decimal = Decimal(0)  # MontoItem: quantity x price - discount + surcharge
    ind_exe: int | None = None  # IndExe
    uom: str = ""  # UnmdItem

    @property
    def exempt(self):
        return self.ind_exe == IND_EXE_EXEMPT

    @property
    def taxed(self):
        return self.ind_exe is None


@dataclass(frozen=True)
class GlobalDiscount:
    """One ``DscRcgGlobal``: a global discount (``D``) or surcharge (``R``)."""

    number: int  # NroLinDR
    kind: str  # TpoMov: "D" discount | "R" surcharge
    value_type: str  # TpoValor: "%" | "$"
    value: Decimal  # ValorDR
    ind_exe: int | None = None  # IndExeDR: 1 = applies to exempt items, 2 = to non-billable items
    description: str = ""  # GlosaDR


@dataclass(frozen=True)
class Reference:
    """One ``Referencia``. ``doc_type`` may be a tax document ("33", "61") or a commercial one ("801"
    purchase order, "HES" service entry sheet, "HEM" goods entry sheet...)."""

    number: int  # NroLinRef
    doc_type: str  # TpoDocRef
    folio: str = ""  # FolioRef (alphanumeric: purchase orders are not numbers)
    date: datetime.date | None = None  # FchRef
    reason: str = ""  # RazonRef
    code: int | None = None  # CodRef: 1 cancels, 2 corrects text, 3 corrects amounts
    global_ref: bool = False  # IndGlobal = 1


@dataclass(frozen=True)
class TaxLine:
    """One ``ImptoReten``: an additional tax, or a retention (``retained`` is derived from the code)."""

    code: int  # TipoImp
    rate: Decimal | None  # TasaImp
    amount: Decimal  # MontoImp
    retained: bool = False


@dataclass(frozen=True)
class Totals:
    """The ``Totales`` block."""

    total: Decimal  # MntTotal
    net: Decimal | None = None  # MntNeto
    exempt: Decimal | None = None  # MntExe
    vat_rate: Decimal | None = None  # TasaIVA
    vat: Decimal | None = None  # IVA
    other_taxes: tuple[TaxLine, ...] = ()  # ImptoReten
    vat_not_retained: Decimal | None = None  # IVANoRet (informative)
    currency: str = ""  # TpoMoneda (exports)

    @property
    def additional_taxes(self):
        return sum((tax.amount for tax in self.other_taxes if not tax.retained), Decimal(0))

    @property
    def retained(self):
        return sum((tax.amount for tax in self.other_taxes if tax.retained), Decimal(0))


@dataclass(frozen=True)
class OtherCurrency:
    """The ``OtraMoneda`` block (amounts in a second currency)."""

    currency: str  # TpoMoneda
    exchange_rate: Decimal | None = None  # TpoCambio
    total: Decimal | None = None  # MntTotOtrMnda


@dataclass(frozen=True)
class Caf:
    """The CAF (folio authorisation) copied into the seal: ``TED/DD/CAF``."""

    issuer_rut: str  # DA/RE
    issuer_name: str  # DA/RS
    doc_type: str  # DA/TD
    folio_from: str  # DA/RNG/D
    folio_to: str  # DA/RNG/H
    authorised_on: str  # DA/FA
    modulus: str  # DA/RSAPK/M (base64)
    exponent: str  # DA/RSAPK/E (base64)
    key_id: str  # DA/IDK: which SII key signed the CAF
    signature: str  # FRMA: the SII's signature of DA (base64)
    signed_da: bytes = b""  # DA flattened as the SII signs it (see ted.flatten)


@dataclass(frozen=True)
class Ted:
    """The electronic seal (``TED``): ``DD`` values as written, and the issuer's signature ``FRMT``."""

    issuer_rut: str  # DD/RE
    doc_type: str  # DD/TD
    folio: str  # DD/F
    issue_date: str  # DD/FE
    receiver_rut: str  # DD/RR
    receiver_name: str  # DD/RSR
    amount: str  # DD/MNT
    first_item: str  # DD/IT1
    caf: Caf | None  # DD/CAF
    stamped_at: str  # DD/TSTED
    signature: str  # FRMT (base64)
    signature_algorithm: str = ""  # FRMT/@algoritmo
    # DD flattened as the issuer signed it; the second variant writes quotes in text as &quot;/&apos;
    # (LibreDTE's fixEntities) and only differs when the DD's text holds a quote.
    signed_dd: tuple[bytes, ...] = ()


@dataclass(frozen=True)
class ReceivedDte:
    """One received DTE (``DTE/Documento``, ``DTE/Exportaciones`` or ``DTE/Liquidacion``)."""

    doc_type: str  # IdDoc/TipoDTE
    folio: int  # IdDoc/Folio
    issue_date: datetime.date  # IdDoc/FchEmis
    issuer_rut: str  # Emisor/RUTEmisor
    receiver_rut: str  # Receptor/RUTRecep
    totals: Totals
    due_date: datetime.date | None = None  # IdDoc/FchVenc
    payment_form: int | None = None  # IdDoc/FmaPago
    issuer_name: str = ""  # Emisor/RznSoc (RznSocEmisor on boletas)
    issuer_giro: str = ""  # Emisor/GiroEmis (GiroEmisor on boletas)
    issuer_street: str = ""  # Emisor/DirOrigen
    issuer_comuna: str = ""  # Emisor/CmnaOrigen
    issuer_city: str = ""  # Emisor/CiudadOrigen
    receiver_name: str = ""  # Receptor/RznSocRecep
    lines: tuple[Line, ...] = ()
    global_discounts: tuple[GlobalDiscount, ...] = ()
    references: tuple[Reference, ...] = ()
    other_currency: OtherCurrency | None = None
    ted: Ted | None = None
    document_id: str = ""  # Documento/@ID
    index: int = 1  # 1-based position in the envelope
    raw: bytes = field(default=b"", repr=False)

    @property
    def currency(self):
        """The foreign currency's SII name (``TpoMoneda``), or ``""`` for a document in pesos only."""
        if self.totals.currency:
            return self.totals.currency
        return self.other_currency.currency if self.other_currency else ""

    @property
    def key(self):
        """(issuer RUT, type, folio): what identifies the document for the SII."""
        return (self.issuer_rut, self.doc_type, self.folio)


@dataclass(frozen=True)
class Reception:
    """What one file holds: the documents that could be read and the ones that could not."""

    documents: tuple[ReceivedDte, ...]
    errors: tuple = ()  # errors.DteError
    root: str = "DTE"  # "EnvioDTE" | "DTE"
    encoding: str = ""  # the declared encoding (lxml's docinfo)
    envelope_issuer_rut: str = ""  # EnvioDTE/SetDTE/Caratula/RutEmisor
    envelope_receiver_rut: str = ""  # EnvioDTE/SetDTE/Caratula/RutReceptor
