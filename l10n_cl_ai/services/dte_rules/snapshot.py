"""The plain snapshot of one Chilean DTE (invoice, boleta, credit or debit note) that the rules read.

The Odoo layer builds it from an ``account.move`` (or hands a dict to :func:`Snapshot.from_dict`); the
rules never see a record, never read the clock and never touch the network. Each field says where it
comes from in Odoo 19 Community (CE) or in an electronic-invoicing module (EE-only data).

Conventions:

* Amounts are in the document currency, as Odoo stores them (positive on invoices *and* credit notes).
* Strings that may be empty are ``""`` (or ``None``) when empty; the rules treat both alike.
* **EE-only data** (ACTECO codes, SII resolution, certificate, CAF/folios, DTE e-mail) is ``None`` when
  no installed module provides it: the rules that need it are then skipped and reported once as
  ``VERIFICACION_OMITIDA`` (info). An installed module with nothing configured passes an *empty* value
  instead (``[]``, ``""``, ``Resolution()``...), which the rules do report as errors.
* Dates are ``datetime.date``; :func:`Snapshot.from_dict` also accepts ISO strings.
"""

import datetime
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Union, get_args, get_origin, get_type_hints


@dataclass
class Tax:
    """One tax of a line (``account.move.line.tax_ids``)."""

    sii_code: int | None = (
        None  # account.tax.l10n_cl_sii_code: 14 = IVA, 24-27/271 = ILA, 15-19 = withholdings
    )
    amount_type: str = "percent"  # account.tax.amount_type: percent | fixed | division | group
    rate: float = 0.0  # account.tax.amount: 19.0 for 19 %; negative for withholdings
    price_include: bool = False  # the line's price_unit includes this tax
    name: str = ""  # account.tax.name, for messages


@dataclass
class Line:
    """One invoice line (``invoice_line_ids`` with ``display_type == 'product'``).

    A line whose ``subtotal`` is negative is a global discount (DscRcgGlobal), as in Odoo's ``l10n_cl``
    and in the enterprise DTE: it is not a Detalle item. Surcharges are not modelled (CE has none).
    """

    name: str = ""  # what is sent as NmbItem (product name, or the line label when there is no product)
    description: str = ""  # what is sent as DscItem (the line label beyond the product name); "" if none
    quantity: float = 1.0  # quantity (QtyItem)
    price_unit: float = 0.0  # price_unit (PrcItem), tax included when a price_include tax applies
    discount: float = 0.0  # discount, percent (DescuentoPct)
    subtotal: float = 0.0  # price_subtotal: net amount (MontoItem on facturas)
    total: float = 0.0  # price_total: gross amount (MontoItem on boletas)
    taxes: list[Tax] = field(default_factory=list)
    is_exempt: bool | None = None  # True when the line carries no VAT (IndExe); None = derive from taxes


@dataclass
class TaxGroupTotal:
    """One tax group of the move's tax totals (``tax_totals`` subtotals)."""

    name: str = ""
    sii_code: int | None = None  # SII code of the group's taxes (14 = IVA); None when unknown
    base: float = 0.0
    amount: float = 0.0  # signed: withholdings are negative


@dataclass
class Totals:
    """The move's totals (document currency)."""

    amount_untaxed: float = 0.0  # account.move.amount_untaxed
    amount_tax: float = 0.0  # account.move.amount_tax
    amount_total: float = 0.0  # account.move.amount_total
    tax_groups: list[TaxGroupTotal] = field(default_factory=list)


@dataclass
class Reference:
    """One Referencia of the DTE, entered by the user (the addon's own reference lines)."""

    doc_type: str | None = None  # TpoDocRef: document type code ("33", "801" for a purchase order...)
    folio: str | None = None  # FolioRef
    date: datetime.date | None = None  # FchRef
    codref: int | None = None  # CodRef: 1 cancels, 2 corrects text, 3 corrects amounts; None = not set
    reason: str = ""  # RazonRef
    rut_other: str | None = None  # RUTOtr: RUT of another taxpayer, only on 46, 56, 61, 110-112


@dataclass
class Origin:
    """The document a credit/debit note modifies, from ``reversed_entry_id`` (credit notes) or
    ``debit_origin_id`` (debit notes, ``account_debit_note``). Treated as a reference when no explicit
    reference points at the same document."""

    doc_type: str | None = None  # origin's l10n_latam_document_type_id.code
    folio: str | None = None  # origin's l10n_latam_document_number
    date: datetime.date | None = None  # origin's invoice_date
    amount_total: float = 0.0  # origin's amount_total (same currency as this move)
    codref: int | None = None  # CodRef this move states for its origin (the addon's field on the move)
    credited_total: float = 0.0  # amount_total of the OTHER posted credit notes against the origin
    debit: bool = False  # True when this move is a debit note of its origin (``debit_origin_id``)


@dataclass
class Resolution:
    """SII authorisation to issue DTEs (EE-only)."""

    number: str | None = None
    date: datetime.date | None = None


@dataclass
class Certificate:
    """The company's digital signature certificate (EE-only)."""

    found: bool = False  # a certificate usable by the current user exists
    valid_until: datetime.date | None = None


@dataclass
class Caf:
    """One in-use CAF (folio authorisation file) of this document type (EE-only)."""

    folio_from: int = 0
    folio_to: int = 0
    rut: str | None = None  # RUT the SII authorised the folios for
    authorised_on: datetime.date | None = None  # FA: date of authorisation


@dataclass
class CafInfo:
    """The folio this document has or will get, and the in-use CAFs of its document type (EE-only)."""

    next_folio: int | None = None
    cafs: list[Caf] = field(default_factory=list)


@dataclass
class Company:
    """The issuer (``company_id`` and its partner)."""

    rut: str | None = None  # company vat
    name: str = ""  # razón social
    giro: str = ""  # l10n_cl_activity_description (GiroEmis)
    street: str = ""
    city: str = ""  # the comuna (CmnaOrigen); Odoo's city field
    tax_rounding: str = "round_globally"  # tax_calculation_rounding_method
    acteco: list[str] | None = None  # EE-only: ACTECO codes (l10n_cl_company_activity_ids)
    resolution: Resolution | None = None  # EE-only
    certificate: Certificate | None = None  # EE-only
    caf: CafInfo | None = None  # EE-only
    dte_email: str | None = None  # EE-only: DTE exchange e-mail ("" = module installed, not set)


@dataclass
class Partner:
    """The receiver (``partner_id``, commercial fields)."""

    name: str = ""  # razón social (RznSocRecep)
    rut: str | None = None  # vat, any Odoo format ("76.086.428-5", "76086428-5")
    country_code: str | None = None  # country_id.code; None is taken as Chile
    taxpayer_type: str | None = (
        None  # l10n_cl_sii_taxpayer_type: "1" VAT taxpayer, "2" fees, "3" end consumer,
    )
    #                                   "4" foreigner
    giro: str = ""  # l10n_cl_activity_description (GiroRecep)
    street: str = ""  # street (DirRecep)
    city: str = ""  # city: sent as the comuna (CmnaRecep), and as CiudadRecep on exports
    is_natural_person: bool = False  # not is_company: personal data (Ley 21.719) for the AI layer
    dte_email: str | None = None  # EE-only: l10n_cl_dte_email ("" = module installed, not set)
    customs_code: str | None = None  # country_id.l10n_cl_customs_code (exports)


@dataclass
class Snapshot:
    """Everything the rules read about one document."""

    today: datetime.date  # today in America/Santiago, computed by the caller
    document_type: str | None = None  # l10n_latam_document_type_id.code, e.g. "33"
    document_internal_type: str | None = None  # ...internal_type; None = derived from the code
    uses_documents: bool = True  # journal's l10n_latam_use_documents
    move_type: str = "out_invoice"  # out_invoice | out_refund (in_invoice for 46, purchase invoice)
    state: str = "draft"  # draft | posted
    issue_date: datetime.date | None = None  # invoice_date (FchEmis); None = today at posting
    currency: str = "CLP"  # currency_id.name (ISO 4217)
    currency_decimals: int | None = None  # currency_id.decimal_places; None = 0 for CLP, 2 otherwise
    currency_sii_name: str | None = None  # currency_id.l10n_cl_short_name (customs name, e.g. "DOLAR USA")
    exchange_rate: float | None = None  # CLP per unit of the currency on the issue date (TpoCambio)
    company: Company = field(default_factory=Company)
    partner: Partner = field(default_factory=Partner)
    lines: list[Line] = field(default_factory=list)
    totals: Totals = field(default_factory=Totals)
    references: list[Reference] = field(default_factory=list)
    origin: Origin | None = None

    @property
    def decimals(self):
        """Decimal places amounts are rounded to (0 for CLP)."""
        if self.currency_decimals is not None:
            return self.currency_decimals
        return 0 if self.currency == "CLP" else 2

    @classmethod
    def from_dict(cls, data):
        """Build a snapshot from plain (JSON-like) values: nested dicts and lists, ISO date strings."""
        return _build(cls, data)


def _build(cls, data):
    if isinstance(data, cls):
        return data
    return _builder(cls)(data)


_BUILDERS = {}


def _builder(cls):
    """A function dict -> ``cls``, compiled once per dataclass from its type hints."""
    builder = _BUILDERS.get(cls)
    if builder is None:
        hints = get_type_hints(cls)
        converters = [(f.name, _converter(hints[f.name])) for f in fields(cls)]

        def builder(data):
            return cls(**{name: convert(data[name]) for name, convert in converters if name in data})

        _BUILDERS[cls] = builder
    return builder


def _identity(value):
    return value


def _converter(hint):
    """Converter of one plain value to ``hint``. Odoo's ``False`` for an empty field becomes ``""`` for
    text (an installed module's empty value, not "unavailable") and ``None`` for dates and numbers."""
    origin = get_origin(hint)
    if origin is Union or (origin is not None and type(None) in get_args(hint)):
        (inner,) = [a for a in get_args(hint) if a is not type(None)]
        convert = _converter(inner)
        empty = "" if inner is str else None

        def optional(value):
            if value is None:
                return None
            if value is False and inner is not bool:
                return empty
            return convert(value)

        return optional
    if origin is list:
        (item,) = get_args(hint)
        convert = _converter(item)
        return lambda value: None if value is None else [convert(v) for v in value]
    if is_dataclass(hint):
        return lambda value: None if value is None else _build(hint, value)
    if hint is datetime.date:
        return _date
    if hint is str:
        return lambda value: "" if value is False else value
    return _identity


def _date(value):
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10]) if value else None
    if isinstance(value, datetime.datetime):
        return value.date()
    return value or None
