"""The bot's reply rendering: Markdown becomes a few safe tags; no HTML of the model's survives."""

from html.parser import HTMLParser

import pytest

from services.chat.render import allowed_links, link, render_markdown

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
            assert attrs["href"].startswith(("https://", "/odoo/")), html
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
        "Vea [el SII](https://www.sii.cl/factura_electronica/) y [la factura](/odoo/account.move/7).",
        allowed_links(["SII, https://www.sii.cl/factura_electronica/; Ley 20.727"], [("account.move", [7])]),
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


def test_only_links_the_answer_is_entitled_to_are_clickable():
    """Claude can be led (by a question, a passage or a record) to write any link: only the https URLs of
    the sources used and the records the tools read become links; any other is plain text."""
    allowed = allowed_links(
        [
            "Res. Ex. SII N° 45 de 2003",
            "SII FAQ https://www.sii.cl/preguntas/iva.htm, actualizada 2025.",
            None,
        ],
        [("account.move", [7, 8]), ("res.partner", [3])],
    )
    assert allowed == {
        "https://www.sii.cl/preguntas/iva.htm",
        "/odoo/account.move/7",
        "/odoo/account.move/8",
        "/odoo/res.partner/3",
    }
    html = render_markdown(
        "Vea [la FAQ](https://www.sii.cl/preguntas/iva.htm), [la factura](/odoo/account.move/8), "
        "[pague aquí](https://sii-pagos.example.com/login), [otra](/odoo/account.move/9), "
        "[sin cifrar](http://www.sii.cl/preguntas/iva.htm), [admin](/odoo/action-base.action_res_users) "
        "y [x](/web#id=3&model=res.users).",
        allowed,
    )
    hrefs = [attrs["href"] for tag, attrs in tags_of(html) if tag == "a"]
    assert hrefs == ["https://www.sii.cl/preguntas/iva.htm", "/odoo/account.move/8"]
    assert "pague aquí (https://sii-pagos.example.com/login)" in html
    assert "otra (/odoo/account.move/9)" in html
    assert "sin cifrar (http://www.sii.cl/preguntas/iva.htm)" in html
    assert "x (/web#id=3&amp;model=res.users)" in html
    assert_safe(html)


def test_without_allowed_links_nothing_is_clickable():
    html = render_markdown("[el SII](https://www.sii.cl/) y [https://www.sii.cl/](https://www.sii.cl/)")
    assert "<a" not in html
    assert html == "<p>el SII (https://www.sii.cl/) y https://www.sii.cl/</p>"
