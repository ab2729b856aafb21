"""Claude's Markdown reply as HTML that is safe to post in a channel.

Escape first, then build: every character of the reply is HTML-escaped before the few Markdown forms
the bot uses (paragraphs, headings, lists, code, bold, italics, links) become tags, so no HTML from the
model (a ``<script>``, an ``onerror`` attribute, an ``<iframe>``) ever reaches the channel as markup.

A Markdown link becomes an ``<a>`` only when its URL is one the answer is entitled to (``allowed_links``):
an ``https://`` URL of a knowledge document's source used in the answer, or ``/odoo/<model>/<id>`` of a
record the tools read. Any other link (one the model made up, or copied from a record or a question) is
shown as plain text, never clickable.
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
_LINK = re.compile(r"\[([^\]\n]+)\]\(([^\s()]+)\)")
_SAFE_URL = re.compile(r"^(?:https://[^\s]+|/odoo/[\w.]+/\d+)$")
_HTTPS_IN_TEXT = re.compile(r"https://[^\s<>\"'()\[\];,]+")


def allowed_links(sources=(), records=()):
    """The URLs an answer may link to: the ``https://`` URLs written in ``sources`` (the knowledge
    documents' ``source`` texts of the passages used) and ``/odoo/<model>/<id>`` of ``records``
    (``(model, ids)`` pairs the tools read)."""
    urls = {url.rstrip(".") for source in sources if source for url in _HTTPS_IN_TEXT.findall(str(source))}
    urls.update(f"/odoo/{model}/{record_id}" for model, ids in records for record_id in ids)
    return frozenset(urls)


def link(url, text):
    """An ``<a>`` to ``url`` (``https://`` or ``/odoo/<model>/<id>`` only) with escaped ``text``; plain text
    otherwise."""
    if not _SAFE_URL.match(url or ""):
        return html.escape(text)
    href = html.escape(url, quote=True)
    return f'<a href="{href}" target="_blank" rel="noopener noreferrer">{html.escape(text)}</a>'


def _inline(text, allowed):
    """Inline Markdown of one escaped line: code spans are kept verbatim, then links, bold, italics."""
    pieces = []
    last = 0
    for match in _CODE.finditer(text):
        pieces.append(_emphasis(text[last : match.start()], allowed))
        pieces.append(f"<code>{match.group(1)}</code>")
        last = match.end()
    pieces.append(_emphasis(text[last:], allowed))
    return "".join(pieces)


def _link_markup(match, allowed):
    """A Markdown link of escaped text: an ``<a>`` when its URL is allowed, else ``text (url)`` as text."""
    text, url = match.group(1), match.group(2)
    if html.unescape(url) in allowed and _SAFE_URL.match(html.unescape(url)):
        return f'<a href="{url}" target="_blank" rel="noopener noreferrer">{text}</a>'
    return text if html.unescape(text) == html.unescape(url) else f"{text} ({url})"


def _emphasis(text, allowed):
    text = _LINK.sub(lambda match: _link_markup(match, allowed), text)
    text = _BOLD.sub(r"<b>\1</b>", text)
    return _ITALIC.sub(r"<i>\1</i>", text)


def render_markdown(markdown, allowed=frozenset()):
    """HTML of ``markdown`` (a model's reply). Unknown forms stay as escaped text; a link is an ``<a>``
    only when its URL is in ``allowed`` (see ``allowed_links``), plain text otherwise."""
    lines = html.escape(markdown or "", quote=True).replace("\r\n", "\n").split("\n")
    blocks, paragraph, items, list_tag, code = [], [], [], None, None

    def close_paragraph():
        if paragraph:
            blocks.append("<p>" + "<br>".join(_inline(line, allowed) for line in paragraph) + "</p>")
            paragraph.clear()

    def close_list():
        nonlocal list_tag
        if items:
            blocks.append(
                f"<{list_tag}>" + "".join(f"<li>{_inline(i, allowed)}</li>" for i in items) + f"</{list_tag}>"
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
            blocks.append(f"<p><b>{_inline(heading.group(2).strip(), allowed)}</b></p>")
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
