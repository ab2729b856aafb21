"""The translated messages of the DTE rules: every code and variant the rules emit has an English message
with its fix and a Chilean Spanish translation that Odoo loads, with the same named placeholders."""

import importlib.util
import os
import re
from datetime import date

import pytest

from dte_rules_factory import (
    Caf,
    CafInfo,
    Reference,
    company,
    company_ee,
    customer,
    document,
    foreigner,
    line,
)
from services.dte_rules import SKIPPED_CODE, check

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RULES_DIR = os.path.join(ROOT, "l10n_cl_ai", "services", "dte_rules")
MESSAGES_PY = os.path.join(ROOT, "l10n_cl_ai", "models", "dte_rule_messages.py")
PO_FILE = os.path.join(ROOT, "i18n_src", "dte_rules.po")

# The catalogue's codes (shared/reference/dte-rules.md), plus the skipped-checks info.
CATALOGUE = [
    "RUT_RECEPTOR", "GIRO_RECEPTOR", "DIR_RECEPTOR", "EMISOR_CONFIG", "EMAIL_DTE",
    "TIPO_CONTRIBUYENTE", "DOC_EXTRANJERO", "DOC_VS_CONTRIBUYENTE", "DOC_TIPO",
    "LINEAS_MAX", "LINEA_DATOS", "DSCRCG",
    "IVA_TASA", "IVA_MONTO", "TOTALES", "REDONDEO_GLOBAL", "EXENTO_EN_33", "AFECTO_EN_EXENTO",
    "REF_OBLIGATORIA", "REF_CODREF", "REF_UNICA", "NC_TEXTO_CERO", "NC_ANULA_TOTAL", "NC_EXCEDE",
    "REF_CAMPOS", "NC_PLAZO",
    "BOLETA_RESTRICCION", "BOLETA_RECEPTOR", "BOLETA_TOTALES",
    "EXP_MONEDA", "EXP_RECEPTOR",
    "FOLIO_CAF", "CAF_VIGENCIA", "FECHA_EMISION", "FECHA_ANTIGUA",
    SKIPPED_CODE,
]  # fmt: skip

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@pytest.fixture(scope="module")
def messages():
    """The table module, loaded under its addon name (so LazyTranslate binds it to l10n_cl_ai)."""
    name = "odoo.addons.l10n_cl_ai.models.dte_rule_messages"
    spec = importlib.util.spec_from_file_location(name, MESSAGES_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def es_cl():
    """The es_CL translations exactly as Odoo loads Python code translations (``odoo-python`` entries)."""
    from odoo.tools.translate import CodeTranslations

    with open(PO_FILE, "rb") as po:
        return CodeTranslations._read_code_translations_file(
            po, lambda row: row.get("value") and "odoo-python" in row["comments"]
        )


def english(lazy):
    return lazy._translate("en_US")


def emitted_params():
    """Each ``code`` / ``code.reason`` an ``out.add(...)`` of the rules can produce -> its param names."""
    found = {SKIPPED_CODE: {"checks"}}
    for filename in os.listdir(RULES_DIR):
        if not filename.endswith(".py"):
            continue
        source = open(os.path.join(RULES_DIR, filename), encoding="utf-8").read()
        for match in re.finditer(r"out\.add\(", source):
            depth, end = 1, match.end()
            while depth:
                depth += {"(": 1, ")": -1}.get(source[end], 0)
                end += 1
            call = source[match.end() : end]
            code = re.match(r'\s*"(\w+)"', call).group(1)
            reason = re.search(r'reason="(\w+)"', call)
            names = set(re.findall(r"(\w+)=", call))
            if "**_ref_params(" in call or "**params" in call:  # references.py: the referenced document
                names |= {"ref_doc_type", "folio"}
            found.setdefault(f"{code}.{reason.group(1)}" if reason else code, set()).update(names)
    return found


def emitted_keys():
    return set(emitted_params())


def test_every_catalogue_code_has_a_message_and_no_other_code_exists(messages):
    codes = {key.split(".")[0] for key in messages.DTE_RULE_MESSAGES}
    assert codes == set(CATALOGUE)
    assert {key.split(".")[0] for key in emitted_keys()} == set(CATALOGUE)


def test_every_emitted_variant_has_a_message_and_every_message_is_used(messages):
    assert emitted_keys() == set(messages.DTE_RULE_MESSAGES)


def test_every_placeholder_is_a_param_the_rule_passes(messages):
    for key, names in emitted_params().items():
        placeholders = set(PLACEHOLDER.findall(english(messages.DTE_RULE_MESSAGES[key])))
        assert placeholders <= names, (key, placeholders - names)


def test_messages_use_named_placeholders_only(messages):
    for lazy in [*messages.DTE_RULE_MESSAGES.values(), messages.UNKNOWN_FINDING]:
        text = english(lazy)
        assert "%" not in PLACEHOLDER.sub("", text).replace("%%", ""), text
        assert text.endswith("."), text


def test_every_message_is_translated_to_chilean_spanish_with_the_same_placeholders(messages, es_cl):
    for key, lazy in [*messages.DTE_RULE_MESSAGES.items(), ("unknown", messages.UNKNOWN_FINDING)]:
        source = english(lazy)
        assert es_cl.get(source), f"{key} is not translated"
        translation = es_cl[source]
        assert sorted(PLACEHOLDER.findall(translation)) == sorted(PLACEHOLDER.findall(source)), key
        assert translation.count("%%") == source.count("%%"), key
    assert len(es_cl) == len(messages.DTE_RULE_MESSAGES) + 1


def test_po_entries_carry_the_module_and_code_comments():
    text = open(PO_FILE, encoding="utf-8").read()
    entries = [
        block
        for block in text.split("\n\n")
        if "msgid" in block and 'msgid ""\nmsgstr ""\n"Project' not in block
    ]
    assert entries
    for block in entries:
        assert block.startswith(
            "#. module: l10n_cl_ai\n#. odoo-python\n#: code:addons/l10n_cl_ai/models/dte_rule_messages.py:0\n"
        ), block[:120]


def scenario_findings():
    """Findings with real params from documents that break many rules at once."""
    old_caf = CafInfo(2500, [Caf(1001, 2000, "96790240-3", date(2024, 1, 3))])
    snapshots = [
        document(
            "33",
            partner=customer(
                rut="77.123.456-0", giro="G" * 41, street="", city="C" * 21, taxpayer_type=None, dte_email=""
            ),
            company=company_ee(giro="", acteco=[], caf=old_caf, dte_email=""),
            lines=[line("", 0, 1000), line("Arena", 1, 1000, taxes=[])],
            issue_date=date(2025, 7, 1),
        ),
        document(
            "61",
            lines=[line("Devolución", 1, 54990)],
            issue_date=date(2025, 1, 2),
            references=[Reference("33", "9" * 19, date(2025, 1, 3), 7, "R" * 91)],
            company=company(tax_rounding="round_per_line"),
        ),
        document("39", currency="USD", partner=customer(rut="")),
        document("110", currency="KRW", exchange_rate=None, partner=foreigner(customs_code=None, city="")),
    ]
    return [finding for snapshot in snapshots for finding in check(snapshot)]


def test_rendering_real_findings_in_english_and_spanish(messages, es_cl):
    findings = scenario_findings()
    assert len({f.code for f in findings}) >= 20
    for finding in findings:
        template = messages.message_template(finding.code, finding.params)
        assert template is not None, finding
        values = messages.display_params(
            finding.params, lambda v: f"${v:,.0f}", lambda d: d[8:] + "/" + d[5:7]
        )
        for text in (english(template), es_cl[english(template)]):
            rendered = messages.fill(text, values, english(template))
            assert "%(" not in rendered and "%%" not in rendered, rendered


def test_display_params_formats_amounts_dates_and_lists(messages):
    values = messages.display_params(
        {
            "actual": 570,
            "expected": 571.5,
            "date": "2025-06-17",
            "checks": ["FOLIO_CAF", "EMAIL_DTE"],
            "line": 1234,
            "folio": None,
        },
        lambda v: f"<{v}>",
        lambda d: f"[{d}]",
    )
    assert values == {
        "actual": "<570>",
        "expected": "<571.5>",
        "date": "[2025-06-17]",
        "checks": "FOLIO_CAF, EMAIL_DTE",
        "line": 1234,
        "folio": "",
    }


def test_message_with_a_percent_sign_renders_it_once(messages):
    text = english(messages.DTE_RULE_MESSAGES["IVA_MONTO"])
    rendered = messages.fill(text, {"actual": "570", "expected": "571", "net": "3.003", "rate": 19}, text)
    assert "19% of the net amount 3.003" in rendered


def test_a_broken_translation_falls_back_to_english(messages):
    source = "The VAT is %(actual)s."
    assert messages.fill("El IVA es %(actuel)s.", {"actual": "570"}, source) == "The VAT is 570."


def test_unknown_variant_uses_the_code_message_and_unknown_code_has_no_template(messages):
    assert (
        messages.message_template("IVA_MONTO", {"reason": "new"}) is messages.DTE_RULE_MESSAGES["IVA_MONTO"]
    )
    assert messages.message_template("GIRO_RECEPTOR", {"reason": "new"}) is None
    assert messages.message_template("NO_SUCH_RULE", {}) is None
    assert "%(code)s" in english(messages.UNKNOWN_FINDING)
