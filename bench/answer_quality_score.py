"""How ``bench/answer_quality.py`` scores one answer of the Discuss bot: plain functions, no Odoo, no API.

- **Facts.** A fact is a list of acceptable variants (``["19 %", "diecinueve por ciento"]``); it is
  present when one variant occurs in the answer's text, both normalised by :func:`normalise` (case,
  accents, thousands separators ``1.000`` = ``1000``, decimal point = comma, spaces before ``%`` and
  after ``$``, Markdown emphasis and quotation marks) and matched as whole tokens (``19%`` is not found
  in ``119%``, ``8 dias`` not in ``18 dias``, ``4,5`` not in ``14,5``). Only the answer itself counts,
  never the sources footer (a document title such as «IVA: tasa del 19 %» must not supply the fact).
- **Citations.** Each required citation is a slug, or a list of slugs any one of which will do. A
  document is *cited* when its title heads an item of the reply's sources footer (the «Sources» list
  the bot appends: the documents whose passages the answer was given, also those found by the
  ``buscar_normativa`` tool); that is what the user sees as the answer's sources. Whether Claude also
  named it in its text (``[slug]``, as the prompt asks in its «Fuentes:» line) is reported apart.
"""

import re
import unicodedata

SOURCES_CLASS = "o_l10n_cl_ai_sources"  # models/chat_answer.py: the footer with the sources

_THOUSANDS = re.compile(r"(?<=\d)[.\u202f](?=\d{3}(?!\d))")
_DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)")
_PERCENT = re.compile(r"\s+%")
_DOLLAR = re.compile(r"\$\s+")
_DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2212]")
_EMPHASIS = re.compile('[*`\u00ab\u00bb\u201c\u201d"]')  # Markdown emphasis, quotation marks
_SPACES = re.compile(r"\s+")
_SLUG_IN_TEXT = re.compile(r"\[([a-z0-9][a-z0-9-]*)\]")


def normalise(text):
    """``text`` lower-cased and without accents, numbers and spacing written one way."""
    text = unicodedata.normalize("NFKD", (text or "").replace("\u00ba", "\u00b0"))
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    text = text.replace("\u00a0", " ")
    text = _THOUSANDS.sub("", text)
    text = _DECIMAL_POINT.sub(",", text)
    text = _PERCENT.sub("%", text)
    text = _DOLLAR.sub("$", text)
    text = _DASHES.sub("-", text)
    text = _EMPHASIS.sub("", text)
    return _SPACES.sub(" ", text).strip()


def _variant_pattern(variant):
    # a whole token: no letter or digit on either side, and no decimal part glued to a number
    return re.compile(r"(?<![0-9a-z])(?<![0-9],)" + re.escape(normalise(variant)) + r"(?![0-9a-z])(?!,[0-9])")


def fact_present(normalised_text, variants):
    """Whether one of ``variants`` occurs in ``normalised_text`` (already :func:`normalise`-d)."""
    return any(
        normalise(variant) and _variant_pattern(variant).search(normalised_text) for variant in variants
    )


def facts_found(text, facts):
    """``[bool]``: for each fact (a list of variants), whether ``text`` states it."""
    normalised = normalise(text)
    return [fact_present(normalised, variants) for variants in facts]


def split_reply(body_html):
    """``(answer text, [sources footer items])`` of a reply body (the bot's HTML message)."""
    from lxml import html as lxml_html  # noqa: PLC0415 - only the bench and its tests parse replies

    if not (body_html or "").strip():
        return "", []
    tree = lxml_html.fragment_fromstring(str(body_html), create_parent="div")
    items = []
    for footer in tree.xpath(f"//div[contains(concat(' ', @class, ' '), ' {SOURCES_CLASS} ')]"):
        items.extend(" ".join(item.text_content().split()) for item in footer.xpath(".//li"))
        footer.drop_tree()
    for block in tree.xpath("//p|//li|//br|//h1|//h2|//h3|//h4|//tr"):
        block.tail = "\n" + (block.tail or "")  # keep block boundaries as line breaks in the text
    return tree.text_content().strip(), items


def cited_in_footer(footer_items, title):
    """Whether a footer item names the document titled ``title`` (items read «title (legal source)»)."""
    wanted = normalise(title)
    return bool(wanted) and any(normalise(item).startswith(wanted) for item in footer_items)


def slugs_in_text(text):
    """The ``[slug]`` citations Claude wrote in its answer."""
    return set(_SLUG_IN_TEXT.findall(text or ""))


def citations(required, footer_items, text, titles):
    """For each required citation (a slug, or a list of alternative slugs): ``(in footer, in text)``.

    ``titles``: ``{slug: title}`` of the knowledge documents (a slug without a title is never cited)."""
    named = slugs_in_text(text)
    result = []
    for entry in required:
        slugs = [entry] if isinstance(entry, str) else list(entry)
        result.append(
            (
                any(cited_in_footer(footer_items, titles.get(slug, "")) for slug in slugs),
                any(slug in named for slug in slugs),
            )
        )
    return result


def score(body_html, item, titles):
    """The score of one reply to one labelled ``item`` (``{"facts": [...], "documents": [...]}``)."""
    text, footer = split_reply(body_html)
    found = facts_found(text, item["facts"])
    cites = citations(item["documents"], footer, text, titles)
    return {
        "facts_found": sum(found),
        "facts_total": len(found),
        "missing_facts": [variants[0] for variants, ok in zip(item["facts"], found, strict=True) if not ok],
        "all_facts": all(found),
        "cites_sources": all(in_footer for in_footer, _in_text in cites),
        "names_sources_in_text": all(in_text for _in_footer, in_text in cites),
        "footer": footer,
    }
