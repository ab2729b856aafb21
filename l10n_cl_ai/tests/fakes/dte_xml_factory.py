"""Received DTE XML for tests: EnvioDTE/DTE files in ISO-8859-1, stamped with a CAF whose RSA key the
test generates, so the seal verifies and can be tampered with. No pytest here: engine tests, Odoo tests
and bench/reception.py import it (as ``fakes.dte_xml_factory``).

    spec = doc_spec(items=[item("Lámina PC Alveolar Bronce", 2, 197540)])
    data = dte_bytes(spec)                              # a bare DTE, seal valid
    data = dte_bytes(spec, tamper_total=1)              # MntTotal changed after stamping
    data = envio_bytes([dte_xml(spec), dte_xml(doc_spec(folio=1524))])

Amounts are computed as the SII format defines them (MontoItem = qty x price - discount, half-up to the
peso; MntNeto/MntExe after global discounts; IVA = round(MntNeto x 19 %)); any total can be overridden to
build a wrong document. The TED's DD is signed over a flattening written here by hand (string
concatenation, as LibreDTE's timbrar output looks), NOT with ``services.reception.ted.flatten``: the
seal check is tested against an independent construction of the signed bytes.
"""

import base64
import dataclasses
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

SII_NS = "http://www.sii.cl/SiiDte"
TODAY = date(2025, 6, 16)
COMPANY_RUT = "76086428-5"  # the buyer (RUTRecep)
ISSUER_RUT = "96790240-3"  # the supplier (RUTEmisor)
OTHER_RUT = "77123456-9"
KEY_ID = "100"  # IDK of the (test) SII key that signs the CAF


def _esc(text):
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _quote_entities(text):
    return text.replace('"', "&quot;").replace("'", "&apos;")


def _round(value):
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _b64_int(number):
    return base64.b64encode(number.to_bytes((number.bit_length() + 7) // 8, "big")).decode()


def _sign(private_key, data):
    return base64.b64encode(private_key.sign(data, padding.PKCS1v15(), hashes.SHA1())).decode()  # noqa: S303


def _generate(exponent, size):
    try:
        return rsa.generate_private_key(public_exponent=exponent, key_size=size)
    except ValueError:  # newer cryptography refuses 512-bit keys
        return rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505 - test keys


@lru_cache(maxsize=1)
def sii_key():
    """The test's stand-in for the SII's key that signs CAFs (IDK :data:`KEY_ID`)."""
    return _generate(65537, 1024)


def sii_public_pem():
    return (
        sii_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


@dataclasses.dataclass(frozen=True)
class TestCaf:
    """A CAF as the SII issues it: a folio range, the issuer's RSA key pair (512 bits, e = 3, like the
    SII's), ``DA`` signed by :func:`sii_key` into ``FRMA``."""

    __test__ = False  # not a pytest class

    issuer_rut: str
    doc_type: str
    folio_from: int
    folio_to: int
    private_key: object
    issuer_name: str = "PROVEEDORA ÑUÑOA SPA"
    authorised_on: str = "2025-03-03"
    key_id: str = KEY_ID

    def da_flat(self, modulus=None):
        numbers = self.private_key.public_key().public_numbers()
        return (
            f"<DA><RE>{self.issuer_rut}</RE><RS>{_esc(self.issuer_name)}</RS><TD>{self.doc_type}</TD>"
            f"<RNG><D>{self.folio_from}</D><H>{self.folio_to}</H></RNG><FA>{self.authorised_on}</FA>"
            f"<RSAPK><M>{modulus or _b64_int(numbers.n)}</M><E>{_b64_int(numbers.e)}</E></RSAPK>"
            f"<IDK>{self.key_id}</IDK></DA>"
        )

    def frma(self):
        return _sign(sii_key(), self.da_flat().encode("iso-8859-1"))

    def flat(self, frma=None, modulus=None):
        frma = frma or self.frma()
        return f'<CAF version="1.0">{self.da_flat(modulus)}<FRMA algoritmo="SHA1withRSA">{frma}</FRMA></CAF>'

    def pretty(self, indent, frma=None, modulus=None):
        """The CAF as it sits in a DTE: one tag per line, indented (whitespace the flattening drops)."""
        return self.flat(frma, modulus).replace("><", ">\n" + indent + "<")


@lru_cache(maxsize=32)
def caf(issuer_rut=ISSUER_RUT, doc_type="33", folio_from=1001, folio_to=2000):
    """A CAF (cached: one key per range, like the SII's)."""
    return TestCaf(issuer_rut, doc_type, folio_from, folio_to, _generate(3, 512))


@dataclasses.dataclass
class ItemSpec:
    name: str
    quantity: Decimal = Decimal(1)
    price: Decimal = Decimal(0)
    discount: int = 0  # DescuentoMonto
    exempt: bool = False
    description: str = ""

    @property
    def amount(self):
        return _round(Decimal(self.quantity) * Decimal(self.price)) - self.discount


def item(name, quantity=1, price=0, discount=0, exempt=False, description=""):
    return ItemSpec(name, Decimal(str(quantity)), Decimal(str(price)), discount, exempt, description)


@dataclasses.dataclass
class DocSpec:
    """A received document. ``None`` totals are computed from the items; set one to make it wrong."""

    doc_type: str = "33"
    folio: int = 1523
    issue_date: date = date(2025, 6, 10)
    due_date: date | None = date(2025, 7, 10)
    issuer_rut: str = ISSUER_RUT
    issuer_name: str = "Proveedora Ñuñoa SpA"
    issuer_giro: str = "Venta de materiales de construcción"
    issuer_street: str = "Av. Irarrázaval 1234"
    issuer_comuna: str = "Ñuñoa"
    receiver_rut: str = COMPANY_RUT
    receiver_name: str = "Compradora Ltda."
    items: list = dataclasses.field(
        default_factory=lambda: [
            item("Lámina PC Alveolar Bronce 6mm 2,10x5,80 m", 2, 150000, discount=10000),
            item("Flete a obra", 1, 25000, exempt=True),
        ]
    )
    global_discounts: list = dataclasses.field(default_factory=list)  # (TpoMov, TpoValor, ValorDR, IndExeDR)
    references: list = dataclasses.field(default_factory=list)  # dicts of Referencia tags
    vat_rate: Decimal = Decimal(19)
    other_taxes: list = dataclasses.field(default_factory=list)  # (TipoImp, TasaImp, MontoImp)
    net: int | None = None
    exempt: int | None = None
    vat: int | None = None
    total: int | None = None
    currency: str = ""  # Totales/TpoMoneda
    caf: TestCaf | None = None  # None: caf(issuer_rut, doc_type) covering 1001-2000

    def computed(self):
        """(MntNeto, MntExe, IVA, MntTotal) as the SII format defines them, unless overridden."""
        taxed = sum(i.amount for i in self.items if not i.exempt)
        exempt = sum(i.amount for i in self.items if i.exempt)
        for kind, value_type, value, ind_exe in self.global_discounts:  # in order, % on what is left
            base = exempt if ind_exe == 1 else taxed
            amount = _round(Decimal(base) * Decimal(str(value)) / 100) if value_type == "%" else int(value)
            sign = -1 if kind == "D" else 1
            if ind_exe == 1:
                exempt += sign * amount
            else:
                taxed += sign * amount
        net = taxed if self.net is None else self.net
        exe = exempt if self.exempt is None else self.exempt
        vat = _round(Decimal(net) * self.vat_rate / 100) if self.vat is None else self.vat
        retained = {15, 30, 31, 32, 33, 34, 36, 37, 38, 39, 41, 46, 47, 48, 53, 60}
        others = sum(-amount if code in retained else amount for code, _rate, amount in self.other_taxes)
        total = net + exe + vat + others if self.total is None else self.total
        return net, exe, vat, total


def doc_spec(**overrides):
    return DocSpec(**overrides)


def _tag(name, value, indent):
    return f"{indent}<{name}>{_esc(value)}</{name}>\n" if value not in (None, "") else ""


def _lines_xml(spec):
    out = []
    for n, it in enumerate(spec.items, 1):
        out.append("    <Detalle>\n")
        out.append(_tag("NroLinDet", n, "      "))
        out.append(_tag("IndExe", 1 if it.exempt else None, "      "))
        out.append(_tag("NmbItem", it.name, "      "))
        out.append(_tag("DscItem", it.description, "      "))
        out.append(_tag("QtyItem", it.quantity, "      "))
        out.append(_tag("PrcItem", it.price, "      "))
        out.append(_tag("DescuentoMonto", it.discount or None, "      "))
        out.append(_tag("MontoItem", it.amount, "      "))
        out.append("    </Detalle>\n")
    for n, (kind, value_type, value, ind_exe) in enumerate(spec.global_discounts, 1):
        out.append("    <DscRcgGlobal>\n")
        out.append(_tag("NroLinDR", n, "      "))
        out.append(_tag("TpoMov", kind, "      "))
        out.append(_tag("GlosaDR", "Descuento comercial" if kind == "D" else "Recargo", "      "))
        out.append(_tag("TpoValor", value_type, "      "))
        out.append(_tag("ValorDR", value, "      "))
        out.append(_tag("IndExeDR", ind_exe, "      "))
        out.append("    </DscRcgGlobal>\n")
    for n, ref in enumerate(spec.references, 1):
        out.append("    <Referencia>\n")
        out.append(_tag("NroLinRef", n, "      "))
        for name in ("TpoDocRef", "IndGlobal", "FolioRef", "FchRef", "CodRef", "RazonRef"):
            out.append(_tag(name, ref.get(name), "      "))
        out.append("    </Referencia>\n")
    return "".join(out)


def _totals_xml(spec, total):
    net, exe, vat, _computed_total = spec.computed()
    out = ["      <Totales>\n"]
    out.append(_tag("TpoMoneda", spec.currency, "        "))
    out.append(_tag("MntNeto", net or None, "        "))
    out.append(_tag("MntExe", exe or None, "        "))
    if net:
        out.append(_tag("TasaIVA", spec.vat_rate, "        "))
        out.append(_tag("IVA", vat, "        "))
    for code, rate, amount in spec.other_taxes:
        out.append("        <ImptoReten>\n")
        out.append(_tag("TipoImp", code, "          "))
        out.append(_tag("TasaImp", rate, "          "))
        out.append(_tag("MontoImp", amount, "          "))
        out.append("        </ImptoReten>\n")
    out.append(_tag("MntTotal", total, "        "))
    out.append("      </Totales>\n")
    return "".join(out)


def dd_values(spec, stamped_at="2025-06-10T10:38:25"):
    """The DD's values for ``spec`` (what the issuer stamps), in SII order."""
    first = spec.items[0].name if spec.items else ""
    return {
        "RE": spec.issuer_rut,
        "TD": spec.doc_type,
        "F": str(spec.folio),
        "FE": spec.issue_date.isoformat(),
        "RR": spec.receiver_rut,
        "RSR": spec.receiver_name[:40],
        "MNT": str(spec.computed()[3]),
        "IT1": first[:40].strip(),
        "TSTED": stamped_at,
    }


def _dd_flat(values, the_caf, quote_entities, frma=None):
    def text(value):
        return _quote_entities(_esc(value)) if quote_entities else _esc(value)

    head = "".join(
        f"<{name}>{text(values[name])}</{name}>"
        for name in ("RE", "TD", "F", "FE", "RR", "RSR", "MNT", "IT1")
    )
    return f"<DD>{head}{the_caf.flat(frma)}<TSTED>{values['TSTED']}</TSTED></DD>"


def ted_xml(
    spec, stamp=None, forge=None, quote_entities=False, bad_frma=False, bad_modulus=None, signer=None
):
    """The TED element text (indented). ``stamp``: DD values changed BEFORE signing (a seal that is
    genuine but says something else); ``forge``: DD values changed AFTER signing (the signature breaks);
    ``quote_entities``: sign the LibreDTE flattening (quotes as entities); ``bad_frma``: a CAF whose SII
    signature is wrong; ``bad_modulus``: RSAPK/M replaced (not base64...); ``signer``: another private key."""
    the_caf = spec.caf or caf(spec.issuer_rut, spec.doc_type)
    values = {**dd_values(spec), **(stamp or {})}
    frma = base64.b64encode(b"\0" * 128).decode() if bad_frma else None
    signed = _dd_flat(values, the_caf, quote_entities, frma).encode("iso-8859-1")
    frmt = _sign(signer or the_caf.private_key, signed)
    values = {**values, **(forge or {})}
    ind = "        "
    head = "".join(
        _tag(name, values[name], ind) for name in ("RE", "TD", "F", "FE", "RR", "RSR", "MNT", "IT1")
    )
    return (
        '    <TED version="1.0">\n      <DD>\n'
        f"{head}{ind}{the_caf.pretty(ind, frma=frma, modulus=bad_modulus)}\n"
        f"{_tag('TSTED', values['TSTED'], ind)}      </DD>\n"
        f'      <FRMT algoritmo="SHA1withRSA">{frmt}</FRMT>\n    </TED>\n'
    )


def dte_xml(spec=None, tamper_total=None, ted=True, **ted_options):
    """The ``<DTE>`` element of ``spec`` (text). ``tamper_total``: MntTotal written in the document after
    stamping; ``ted=False``: no seal; other options go to :func:`ted_xml`."""
    spec = spec or doc_spec()
    total = spec.computed()[3] if tamper_total is None else tamper_total
    seal = ted_xml(spec, **ted_options) if ted else ""
    return (
        f'<DTE xmlns="{SII_NS}" version="1.0">\n'
        f'  <Documento ID="F{spec.folio}T{spec.doc_type}">\n'
        "    <Encabezado>\n"
        "      <IdDoc>\n"
        f"{_tag('TipoDTE', spec.doc_type, '        ')}"
        f"{_tag('Folio', spec.folio, '        ')}"
        f"{_tag('FchEmis', spec.issue_date.isoformat(), '        ')}"
        f"{_tag('FmaPago', 2, '        ')}"
        f"{_tag('FchVenc', spec.due_date.isoformat() if spec.due_date else None, '        ')}"
        "      </IdDoc>\n"
        "      <Emisor>\n"
        f"{_tag('RUTEmisor', spec.issuer_rut, '        ')}"
        f"{_tag('RznSoc', spec.issuer_name, '        ')}"
        f"{_tag('GiroEmis', spec.issuer_giro, '        ')}"
        f"{_tag('Acteco', 462020, '        ')}"
        f"{_tag('DirOrigen', spec.issuer_street, '        ')}"
        f"{_tag('CmnaOrigen', spec.issuer_comuna, '        ')}"
        f"{_tag('CiudadOrigen', 'Santiago', '        ')}"
        "      </Emisor>\n"
        "      <Receptor>\n"
        f"{_tag('RUTRecep', spec.receiver_rut, '        ')}"
        f"{_tag('RznSocRecep', spec.receiver_name, '        ')}"
        f"{_tag('GiroRecep', 'Construcción', '        ')}"
        f"{_tag('DirRecep', 'Los Leones 100', '        ')}"
        f"{_tag('CmnaRecep', 'Providencia', '        ')}"
        "      </Receptor>\n"
        f"{_totals_xml(spec, total)}"
        "    </Encabezado>\n"
        f"{_lines_xml(spec)}"
        f"{seal}"
        f"    <TmstFirma>2025-06-10T10:38:26</TmstFirma>\n"
        "  </Documento>\n"
        "</DTE>"
    )


DECLARATION = '<?xml version="1.0" encoding="ISO-8859-1"?>\n'


def dte_bytes(spec=None, **options):
    """A bare DTE file, ISO-8859-1 with its declaration."""
    return (DECLARATION + dte_xml(spec, **options)).encode("iso-8859-1")


def envio_bytes(dtes, issuer_rut=ISSUER_RUT, receiver_rut=COMPANY_RUT):
    """An EnvioDTE file holding the ``<DTE>`` texts ``dtes`` (ISO-8859-1). The envelope's XML signature
    is left out: the reception engine does not verify XMLDSig (see the report)."""
    body = "\n".join(dte.replace(f' xmlns="{SII_NS}"', "") for dte in dtes)
    return (
        DECLARATION + f'<EnvioDTE xmlns="{SII_NS}" version="1.0">\n<SetDTE ID="SetDoc">\n'
        f'<Caratula version="1.0">\n<RutEmisor>{issuer_rut}</RutEmisor>\n<RutEnvia>12345678-5</RutEnvia>\n'
        f"<RutReceptor>{receiver_rut}</RutReceptor>\n<FchResol>2014-08-22</FchResol>\n<NroResol>80</NroResol>\n"
        f"<TmstFirmaEnv>2025-06-10T10:40:00</TmstFirmaEnv>\n<SubTotDTE><TpoDTE>33</TpoDTE>"
        f"<NroDTE>{len(dtes)}</NroDTE></SubTotDTE>\n</Caratula>\n{body}\n</SetDTE>\n</EnvioDTE>\n"
    ).encode("iso-8859-1")
