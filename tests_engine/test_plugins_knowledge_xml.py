"""The shipped Spanish knowledge corpus (data/knowledge_documents.xml) and its fit with the plugins."""

import os
import re
from collections import Counter

import pytest
from lxml import etree

from services.plugins import registry
from services.plugins.base import CORPORA

XML_PATH = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    "l10n_cl_ai",
    "data",
    "knowledge_documents.xml",
)
MODEL = "l10n_cl_ai.knowledge.document"
SLUGS = (
    "dte-tipos",
    "rut",
    "iva",
    "notas-credito-debito",
    "caf-folios",
    "timbre-electronico",
    "estados-rechazos-sii",
    "boletas",
    "guias-despacho",
    "exportacion",
    "factura-compra",
    "rcv-acuse-recibo",
    "f29-ppm",
    "remuneraciones",
    "contribuyentes-giro",
    "uso-asistente",
)
REQUIRED_FIELDS = ("slug", "title", "corpus", "tags", "source", "body")


def load_records():
    tree = etree.parse(XML_PATH)  # raises on malformed XML
    root = tree.getroot()
    assert root.tag == "odoo"
    data = root.find("data")
    assert data is not None and data.get("noupdate") == "1"
    records = []
    for record in data.findall("record"):
        fields = {field.get("name"): field for field in record.findall("field")}
        records.append((record, fields))
    return records


RECORDS = load_records()
BY_SLUG = {fields["slug"].text: (record, fields) for record, fields in RECORDS}


def test_every_slug_appears_exactly_once():
    counts = Counter(fields["slug"].text for _, fields in RECORDS)
    assert counts == Counter(SLUGS)


@pytest.mark.parametrize("slug", SLUGS)
def test_record_is_complete(slug):
    record, fields = BY_SLUG[slug]
    assert record.get("model") == MODEL
    assert record.get("id") == "kb_" + slug.replace("-", "_")
    for name in REQUIRED_FIELDS:
        assert name in fields and (fields[name].text or "").strip(), f"{slug}: empty {name}"
        assert fields[name].get("type") is None, f"{slug}: {name} must be plain text"
    assert fields["corpus"].text in CORPORA


@pytest.mark.parametrize("slug", SLUGS)
def test_body_is_a_spanish_markdown_document_of_useful_size(slug):
    body = BY_SLUG[slug][1]["body"].text
    words = re.findall(r"\w+", body)
    assert 300 <= len(words) <= 900, f"{slug}: {len(words)} words"
    assert re.search(r"^## \S", body, re.MULTILINE), f"{slug}: no ## heading"
    lowered = f" {body.lower()} "
    assert sum(lowered.count(word) for word in (" de ", " la ", " el ", " que ", " en ")) >= 30
    assert " the " not in lowered and " and " not in lowered


@pytest.mark.parametrize("slug", SLUGS)
def test_source_names_a_legal_or_official_reference(slug):
    source = BY_SLUG[slug][1]["source"].text
    assert re.search(
        r"\b(Ley|DL|Res\. Ex\.|Resolución|Circular|SII|Código|Decreto|Superintendencia|README)\b", source
    )


def test_tags_are_comma_separated_and_lowercase_friendly():
    for slug, (_, fields) in BY_SLUG.items():
        tags = [tag.strip() for tag in fields["tags"].text.split(",")]
        assert len(tags) >= 3 and all(tags), slug


def test_every_corpus_plugin_has_documents_and_every_plugin_finds_some():
    corpus = Counter(fields["corpus"].text for _, fields in RECORDS)
    assert set(corpus) == set(CORPORA)
    for plugin in registry.all():
        if plugin.code in {"dte", "account", "payroll", "stock"}:
            assert sum(corpus[code] for code in plugin.knowledge_corpora) >= 2, plugin.code


def test_key_facts_are_where_users_will_look():
    # Figures the brief asks for, each in the document that must carry it.
    expectations = {
        "dte-tipos": ("33", "34", "39", "41", "43", "46", "52", "56", "61", "110", "111", "112"),
        "rut": ("2, 3, 4, 5, 6, 7", "12.345.678-5", "60.803.000-K"),
        "iva": ("19 %", "artículo 14"),
        "notas-credito-debito": ("CodRef", "seis meses"),
        "boletas": ("66.666.666-6",),
        "guias-despacho": ("Traslados internos", "Venta para exportación"),
        "rcv-acuse-recibo": ("8 días corridos", "19.983", "20.956"),
        "f29-ppm": ("día 12", "día 20", "artículo 84"),
        "remuneraciones": ("10 %", "7 %", "0,6 %", "2,4 %", "Previred", "UTM", "UF"),
        "contribuyentes-giro": ("l10n_cl_sii_taxpayer_type", "l10n_cl_activity_description"),
        "uso-asistente": ("Validar (IA)",),
    }
    for slug, needles in expectations.items():
        body = BY_SLUG[slug][1]["body"].text
        for needle in needles:
            assert needle in body, (slug, needle)
