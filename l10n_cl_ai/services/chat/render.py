"""Claude's Markdown reply as HTML that is safe to post in a channel.

Escape first, then build: every character of the reply is HTML-escaped before the few Markdown forms
the bot uses (paragraphs, headings, lists, code, bold, italics, links) become tags, so no HTML from the
model (a ``<script>``, an ``onerror`` attribute, an ``<iframe>``) ever reaches the channel as markup.
Links keep only ``http(s)`` URLs and the database's own relative ``/odoo/...`` paths.
"""

import html
import re

_FENCE = re.compile(r"^```")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_BULLET = re.compile(r"^\s*[-*•]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*(\d{1,3})[.)]\s+(.*)$")
_CODE = re.compile(r"`([^`\n]+)`")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![*\w])")
# applied to escaped text: the URL cannot hold a quote or "<" (they are entities by then)
_LINK = re.compile(r"\[([^\]\n]+)\]\(((?:https?://|/odoo/)[^\s()]+)\)")
_SAFE_URL = re.compile(r"^(?:https?://[^\s]+|/odoo/[^\s]*)$")


def link(url, text):
    """An ``<a>`` to ``url`` (http(s) or ``/odoo/...`` only) with escaped ``text``; plain text otherwise."""
    if not _SAFE_URL.match(url or ""):
        return html.escape(text)
    href = html.escape(url, quote=True)
    return f'<a href="{href}" target="_blank" rel="noopener noreferrer">{html.escape(text)}</a>'


def _inline(text):
    """Inline Markdown of one escaped line: code spans are kept verbatim, then links, bold, italics."""
    pieces = []
    last = 0
    for match in _CODE.finditer(text):
        pieces.append(_emphasis(text[last : match.start()]))
        pieces.append(f"<code>{match.group(1)}</code>")
        last = match.end()
    pieces.append(_emphasis(text[last:]))
    return "".join(pieces)


def _emphasis(text):
    text = _LINK.sub(
        lambda m: f'<a href="{m.group(2)}" target="_blank" rel="noopener noreferrer">{m.group(1)}</a>', text
    )
    text = _BOLD.sub(r"<b>\1</b>", text)
    return _ITALIC.sub(r"<i>\1</i>", text)


def render_markdown(markdown):
    """HTML of ``markdown`` (a model's reply). Unknown forms stay as escaped text."""
    lines = html.escape(markdown or "", quote=True).replace("\r\n", "\n").split("\n")
    blocks, paragraph, items, list_tag, code = [], [], [], None, None

    def close_paragraph():
        if paragraph:
            blocks.append("<p>" + "<br>".join(_inline(line) for line in paragraph) + "</p>")
            paragraph.clear()

    def close_list():
        nonlocal list_tag
        if items:
            blocks.append(
                f"<{list_tag}>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + f"</{list_tag}>"
            )
            items.clear()
        list_tag = None

    for line in lines:
        if code is not None:
            if _FENCE.match(line):
                blocks.append("<pre><code>" + "\n".join(code) + "</code></pre>")
                code = None
            else:
                code.append(line)
            continue
        if _FENCE.match(line):
            close_paragraph()
            close_list()
            code = []
            continue
        if not line.strip():
            close_paragraph()
            close_list()
            continue
        heading, bullet, numbered = _HEADING.match(line), _BULLET.match(line), _NUMBERED.match(line)
        if heading:
            close_paragraph()
            close_list()
            blocks.append(f"<p><b>{_inline(heading.group(2).strip())}</b></p>")
        elif bullet or numbered:
            close_paragraph()
            tag = "ul" if bullet else "ol"
            if list_tag and list_tag != tag:
                close_list()
            list_tag = tag
            items.append((bullet or numbered).group(1) if bullet else numbered.group(2))
        else:
            close_list()
            paragraph.append(line.strip())
    if code is not None:  # an unclosed fence: keep its text
        blocks.append("<pre><code>" + "\n".join(code) + "</code></pre>")
    close_paragraph()
    close_list()
    return "".join(blocks)
