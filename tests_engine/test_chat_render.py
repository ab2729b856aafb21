"""The bot's reply rendering: Markdown becomes a few safe tags; no HTML of the model's survives."""

from html.parser import HTMLParser

import pytest

from services.chat.render import link, render_markdown

ALLOWED_TAGS = {"p", "br", "b", "i", "code", "pre", "ul", "ol", "li", "a"}
ALLOWED_ATTRS = {"href", "target", "rel"}


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags_of(html):
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def assert_safe(html):
    for tag, attrs in tags_of(html):
        assert tag in ALLOWED_TAGS, (tag, html)
        assert set(attrs) <= ALLOWED_ATTRS, (attrs, html)
        if tag == "a":
            assert attrs["href"].startswith(("https://", "http://", "/odoo/")), html
            assert attrs["rel"] == "noopener noreferrer"


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert('x')</script>",
        '<img src=x onerror="alert(1)">',
        "<iframe src='https://evil.example'></iframe>",
        "[clic](javascript:alert(1))",
        '[clic](https://a.cl/"onmouseover=alert(1))',
        "**<b onclick=alert(1)>negrita</b>**",
        "- <a href='javascript:x'>item</a>",
        "```\n</code></pre><script>x()</script>\n```",
        "<p style='position:fixed'>overlay</p>",
    ],
)
def test_model_html_never_becomes_markup(hostile):
    html = render_markdown(f"Respuesta:\n\n{hostile}")
    assert_safe(html)
    assert "<script" not in html and "<iframe" not in html and "<img" not in html
    assert "javascript:" not in "".join(attrs.get("href", "") for _t, attrs in tags_of(html))


def test_script_text_is_kept_escaped_for_the_reader():
    html = render_markdown("No uses <script>alert(1)</script> en la glosa")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_markdown_forms_the_bot_uses():
    html = render_markdown(
        "## Respuesta\n\nEmita una **nota de crédito** con *CodRef 1*.\n\n"
        "1. Abra la factura\n2. Pulse `Nota de crédito`\n\n- neto $100.000\n- IVA $19.000\n\n"
        "Vea [el SII](https://www.sii.cl/factura_electronica/) y [la factura](/odoo/account.move/7)."
    )
    assert html.startswith("<p><b>Respuesta</b></p>")
    assert "<b>nota de crédito</b>" in html and "<i>CodRef 1</i>" in html
    assert "<ol><li>Abra la factura</li><li>Pulse <code>Nota de crédito</code></li></ol>" in html
    assert "<ul><li>neto $100.000</li><li>IVA $19.000</li></ul>" in html
    assert (
        '<a href="https://www.sii.cl/factura_electronica/" target="_blank" '
        'rel="noopener noreferrer">el SII</a>' in html
    )
    assert '<a href="/odoo/account.move/7"' in html
    assert_safe(html)


def test_code_spans_are_not_formatted_and_lines_of_a_paragraph_are_kept():
    html = render_markdown("Campo `**vat**` del contacto\nsegunda línea")
    assert "<code>**vat**</code>" in html
    assert "del contacto<br>segunda línea" in html


def test_fenced_code_is_verbatim_even_when_unclosed():
    assert render_markdown("```\n*a* <b>\n```") == "<pre><code>*a* &lt;b&gt;</code></pre>"
    assert render_markdown("```\nsin cierre") == "<pre><code>sin cierre</code></pre>"


def test_link_helper_refuses_other_schemes_and_escapes_text():
    assert link("javascript:alert(1)", "<x>") == "&lt;x&gt;"
    assert link("/odoo/res.partner/3", 'A "B"') == (
        '<a href="/odoo/res.partner/3" target="_blank" rel="noopener noreferrer">A &quot;B&quot;</a>'
    )


def test_empty_reply_renders_nothing():
    assert render_markdown("") == "" and render_markdown(None) == ""
