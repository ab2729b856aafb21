"""Plugin registry: discovery of the shipped plugins and registration from another package."""

import os
import subprocess
import sys
import textwrap

import pytest

from services.plugins import Plugin, registry
from services.plugins.base import Keyword, normalize, validate_plugin_class

ADDON_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "l10n_cl_ai")
SHIPPED = {"dte", "account", "payroll", "stock"}


def test_discovery_imports_the_plugin_modules_on_first_use():
    # A fresh interpreter: nothing but the registry module is imported before all() is called.
    script = textwrap.dedent(
        """
        import sys
        sys.path.insert(0, sys.argv[1])
        from services.plugins import registry
        before = sorted(name for name in sys.modules if name.startswith("services.plugins."))
        codes = sorted(plugin.code for plugin in registry.all())
        print(before)
        print(codes)
        """
    )
    result = subprocess.run(  # noqa: S603 - our interpreter, our script
        [sys.executable, "-c", script, ADDON_DIR], capture_output=True, text=True, check=True, timeout=60
    )
    before, codes = result.stdout.strip().splitlines()
    assert "services.plugins.dte" not in before
    assert eval(codes) == sorted(SHIPPED)  # noqa: S307 - our own subprocess' repr of a list of str


def test_the_shipped_plugins_are_registered_and_fetched_by_code():
    codes = {plugin.code for plugin in registry.all()}
    assert SHIPPED <= codes
    for code in SHIPPED:
        plugin = registry.get(code)
        assert plugin.code == code
        assert isinstance(plugin, Plugin)


def test_unknown_code_names_the_known_ones():
    with pytest.raises(KeyError, match=r"known: .*dte"):
        registry.get("nope")


def test_another_package_registers_a_plugin_without_editing_ours(tmp_path, monkeypatch):
    (tmp_path / "acme_pos_plugin.py").write_text(
        textwrap.dedent(
            """
            from services.plugins import Plugin, register

            @register
            class PosPlugin(Plugin):
                code = "acme_pos"
                name = "Punto de venta"
                description = "Ventas en el punto de venta, cajas, arqueos y sesiones de caja."
                keywords = ("punto de venta", "arqueo*", "caja")
                system_prompt = "Eres el experto en punto de venta."
                knowledge_corpora = ("general",)
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        __import__("acme_pos_plugin")
        assert registry.get("acme_pos").name == "Punto de venta"
        assert "acme_pos" in {plugin.code for plugin in registry.all()}
        plugin, scores = registry.select("¿Cómo hago el arqueo de caja del punto de venta?")
        assert plugin.code == "acme_pos"
        assert scores["acme_pos"] > scores["account"]
    finally:
        registry.REGISTRY.unregister("acme_pos")
        sys.modules.pop("acme_pos_plugin", None)
    assert "acme_pos" not in {plugin.code for plugin in registry.all()}


def test_a_taken_code_is_refused_unless_replacing():
    original = type(registry.get("stock"))

    class OtherStock(Plugin):
        code = "stock"
        name = "Otro inventario"
        description = "Inventario alternativo."
        system_prompt = "Eres otro experto en inventario."

    with pytest.raises(ValueError, match="register\\(replace=True\\)"):
        registry.register(OtherStock)
    assert type(registry.get("stock")) is original
    try:
        registry.register(replace=True)(OtherStock)
        assert registry.get("stock").name == "Otro inventario"
    finally:
        registry.REGISTRY.add(original, replace=True)
    assert type(registry.get("stock")) is original
    # Registering the same class again is harmless (a module imported twice).
    assert registry.REGISTRY.add(original) is registry.get("stock")


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        ({"code": "Mal Codigo"}, "code must match"),
        ({"system_prompt": "  "}, "system_prompt"),
        ({"knowledge_corpora": "dte"}, "knowledge_corpora"),
    ],
)
def test_incomplete_plugin_classes_are_refused(attributes, message):
    base = {"code": "ok_code", "name": "N", "description": "D", "system_prompt": "S"}
    plugin_cls = type("Broken", (Plugin,), {**base, **attributes})
    with pytest.raises(TypeError, match=message):
        validate_plugin_class(plugin_cls)


def test_keywords_match_whole_words_accent_and_case_insensitively():
    def found(keyword, text):
        return bool(Keyword.compile(keyword).pattern.search(normalize(text)))

    assert found("Crédito fiscal", "credito fiscal del mes")
    assert found("credito fiscal", "¿Y el CRÉDITO FISCAL?")
    assert not found("caf", "un café")
    assert found("anul*", "la anulación")
    assert not found("anul*", "la nulidad")
    assert Keyword.compile("nota de credito").weight == 2
    assert Keyword.compile("caf").weight == 1
