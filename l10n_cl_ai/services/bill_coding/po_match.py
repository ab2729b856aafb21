"""Vendor-bill lines matched to the open purchase-order lines of the same vendor.

What runs after Odoo's own matcher (PO references, vendor + total) found nothing for a line:

1. by product: a bill line with a product goes to an open PO line of that product;
2. by description: the remaining lines go to the remaining PO lines whose description embedding is
   close enough (``min_similarity``), clearly closer than any other candidate's (``margin``) and whose
   sizes agree (``compatible``: "12mm" is not "16mm", which embeddings hardly tell apart);

both only where the quantity and the price are sane: the billed quantity fits what is still to bill on
the PO line (``quantity_tolerance`` above it at most) and the unit price is within ``price_tolerance`` of
the PO's (a price change of a few percent is matched; the Odoo layer flags it as ``OC_PRECIO``). When two
PO lines fit (the same product on two open orders), the line is ``ambiguous`` and

3. by order: the bill as a whole decides (``po_order``): its other lines all on one order, or its
   quantities being exactly what one order received and has not billed, or all that one order has
   left; otherwise the line stays unmatched as ``ambiguous``: a wrong link is worse than none.

Referenced orders (the bill's 801 references), when given and open, are the only candidates.

PO lines of another vendor are never candidates. The defaults are the thresholds chosen by
``bench/bill_coding.py`` on the tuning half of its generated bills (0 false links there).
"""

from dataclasses import dataclass, replace

from .history import embed_texts
from .po_order import ORDER_EVIDENCE_WHOLE, resolve_by_order
from .text import normalize, numbers

MATCHED_BY_PRODUCT = "product"
MATCHED_BY_DESCRIPTION = "description"
MATCHED_BY_ORDER = "order"  # the line fits two orders; the bill as a whole names one (``po_order``)
UNMATCHED_NO_CANDIDATE = "no_open_po_line"  # the vendor has no open PO line left
UNMATCHED_AMBIGUOUS = "ambiguous"  # several PO lines fit equally well
UNMATCHED_NOT_SIMILAR = "no_similar_line"  # no PO line close enough (or the quantity / price is off)


@dataclass(frozen=True)
class BillLine:
    """A line of the vendor bill being matched (``product_id`` None when the line has no product)."""

    line_id: int
    description: str
    quantity: float
    price_unit: float
    product_id: int | None = None


@dataclass(frozen=True)
class PoLine:
    """An open purchase-order line: what was ordered, received and already billed."""

    po_line_id: int
    order_id: int
    vendor_id: int
    description: str
    quantity_ordered: float
    price_unit: float
    quantity_received: float = 0.0
    quantity_billed: float = 0.0
    product_id: int | None = None

    @property
    def open_quantity(self):
        return self.quantity_ordered - self.quantity_billed


@dataclass(frozen=True)
class PoLineMatch:
    """A bill line linked to a PO line, with who linked it and how sure (``score`` in [0, 1])."""

    bill_line_id: int
    po_line_id: int
    order_id: int
    matched_by: str
    score: float
    similarity: float
    price_ratio: float  # bill unit price / PO unit price
    over_received: bool  # billed more than received so far (the Odoo layer's OC_CANTIDAD for goods)


@dataclass(frozen=True)
class Unmatched:
    bill_line_id: int
    reason: str


@dataclass(frozen=True)
class MatchResult:
    matches: tuple
    unmatched: tuple


@dataclass(frozen=True)
class MatchParams:
    """Chosen by ``bench/bill_coding.py --tune`` on the tuning half of its bills (bills 1-150): the most
    links with 0 false ones (0.86-0.88 tied; the stricter kept). Letting the exact open quantity break a
    tie between two PO lines of the same product gave false links there (a partial delivery can equal the
    other order's open quantity), so a tie goes to ``po_order``, whose ``ORDER_EVIDENCE_WHOLE`` links the
    most with 0 false links (``EXACT`` gave a false one)."""

    min_similarity: float = 0.88
    margin: float = 0.02
    price_tolerance: float = 0.12
    quantity_tolerance: float = 0.0
    exact_quantity_breaks_ties: bool = False  # the one PO line whose open quantity is the billed one wins
    by_order: bool = True  # a line left ambiguous between orders goes to the order the whole bill names
    order_evidence: str = ORDER_EVIDENCE_WHOLE  # what names an order when no line does alone (``po_order``)

    def with_(self, **changes):
        return replace(self, **changes)


DEFAULT_MATCH_PARAMS = MatchParams()


def _sane(bill_line, po_line, open_quantity, params):
    if po_line.price_unit <= 0 or bill_line.price_unit <= 0:
        return False
    ratio = bill_line.price_unit / po_line.price_unit
    if abs(ratio - 1.0) > params.price_tolerance:
        return False
    return 0 < bill_line.quantity <= open_quantity * (1.0 + params.quantity_tolerance) + 1e-9


def _fit(bill_line, po_line, open_quantity):
    """How well quantity and price fit, in [0, 1]: an exact open quantity and price score 1."""
    price = abs(bill_line.price_unit / po_line.price_unit - 1.0)
    quantity = 0.0 if abs(bill_line.quantity - open_quantity) < 1e-9 else 0.5
    return max(0.0, 1.0 - price - 0.1 * quantity)


def _choose(scored, params):
    """The best (score, po_line) of ``scored``, or None when the two best tie (or, with
    ``exact_quantity_breaks_ties`` off, whenever there are two)."""
    scored.sort(key=lambda item: item[0], reverse=True)
    if len(scored) > 1 and (not params.exact_quantity_breaks_ties or scored[0][0] - scored[1][0] < 1e-6):
        return None
    return scored[0]


def compatible(bill_text, po_text):
    """False when the sizes written differ ("fierro 12mm x 12m" vs "fierro 16mm x 12m"): every number of
    the order's description must be on the bill's, as many times (the bill may add a quantity or a code)."""
    bill = numbers(bill_text)
    return all(bill[number] >= count for number, count in numbers(po_text).items())


def match_bill(
    vendor_id,
    bill_lines,
    po_lines,
    embedder,
    referenced_order_ids=(),
    params=DEFAULT_MATCH_PARAMS,
    linked_order_ids=(),
):
    """Match ``bill_lines`` (``BillLine``) of a bill of ``vendor_id`` to ``po_lines`` (``PoLine``).

    ``embedder``: the knowledge base's ``OnnxEmbedder`` (only called when a line is left after the
    product pass); ``linked_order_ids``: the orders of the bill's lines linked before (by Odoo or a
    user), which name the bill's order as its lines matched here do. Returns a ``MatchResult``; each
    bill line is either in ``matches`` or in ``unmatched`` with a reason code.
    """
    candidates = [line for line in po_lines if line.vendor_id == vendor_id and line.open_quantity > 0]
    referenced = [line for line in candidates if line.order_id in set(referenced_order_ids)]
    if referenced:
        candidates = referenced
    remaining = {line.po_line_id: line.open_quantity for line in candidates}
    matches, reasons, left, ambiguous = [], {}, [], {}
    for bill_line in bill_lines:
        if not candidates:
            reasons[bill_line.line_id] = UNMATCHED_NO_CANDIDATE
            continue
        same_product = [
            line for line in candidates if bill_line.product_id and line.product_id == bill_line.product_id
        ]
        if not same_product:
            left.append(bill_line)
            continue
        scored = [
            (_fit(bill_line, line, remaining[line.po_line_id]), line)
            for line in same_product
            if _sane(bill_line, line, remaining[line.po_line_id], params)
        ]
        chosen = _choose(scored, params) if scored else None
        if chosen is None:
            reasons[bill_line.line_id] = UNMATCHED_AMBIGUOUS if scored else UNMATCHED_NOT_SIMILAR
            if scored:
                ambiguous[bill_line.line_id] = (bill_line, [(line, 1.0) for _fit_score, line in scored])
            continue
        matches.append(_match(bill_line, chosen[1], MATCHED_BY_PRODUCT, chosen[0], 1.0))
        remaining[chosen[1].po_line_id] -= bill_line.quantity
    if left:
        found, more = _by_description(left, candidates, remaining, embedder, params, ambiguous)
        matches.extend(found)
        reasons.update(more)
    if ambiguous and params.by_order:
        orders = {match.order_id for match in matches} | set(linked_order_ids)
        decided = resolve_by_order(ambiguous.values(), orders, candidates, remaining, params.order_evidence)
        for bill_line, po_line, similarity in decided:
            fit = _fit(bill_line, po_line, remaining[po_line.po_line_id])
            matches.append(_match(bill_line, po_line, MATCHED_BY_ORDER, fit, similarity))
            remaining[po_line.po_line_id] -= bill_line.quantity
            del reasons[bill_line.line_id]
    order = {line.line_id: index for index, line in enumerate(bill_lines)}
    matches.sort(key=lambda match: order[match.bill_line_id])
    unmatched = tuple(
        Unmatched(line_id, reason)
        for line_id, reason in sorted(reasons.items(), key=lambda item: order[item[0]])
    )
    return MatchResult(tuple(matches), unmatched)


def _match(bill_line, po_line, matched_by, fit, similarity):
    score = fit * similarity
    return PoLineMatch(
        bill_line.line_id,
        po_line.po_line_id,
        po_line.order_id,
        matched_by,
        round(score, 4),
        round(float(similarity), 4),
        round(bill_line.price_unit / po_line.price_unit, 4),
        bill_line.quantity > po_line.quantity_received - po_line.quantity_billed + 1e-9,
    )


def _by_description(bill_lines, candidates, remaining, embedder, params, ambiguous):
    """Greedy one-to-one assignment of the best (similarity, fit) pairs that pass the thresholds."""
    open_lines = [line for line in candidates if remaining[line.po_line_id] > 0]
    reasons = {}
    if not open_lines:
        return [], {line.line_id: UNMATCHED_NO_CANDIDATE for line in bill_lines}
    vectors = embed_texts(
        embedder,
        [normalize(line.description) for line in bill_lines]
        + [normalize(line.description) for line in open_lines],
    )
    similarity = vectors[: len(bill_lines)] @ vectors[len(bill_lines) :].T
    pairs = []
    for i, bill_line in enumerate(bill_lines):
        sane = [
            j
            for j, line in enumerate(open_lines)
            if _sane(bill_line, line, remaining[line.po_line_id], params)
            and compatible(bill_line.description, line.description)
        ]
        ranked = sorted(sane, key=lambda j: similarity[i, j], reverse=True)
        if not ranked or similarity[i, ranked[0]] < params.min_similarity:
            reasons[bill_line.line_id] = UNMATCHED_NOT_SIMILAR
            continue
        best = float(similarity[i, ranked[0]])
        rivals = [j for j in ranked[1:] if best - similarity[i, j] < params.margin]
        if rivals:  # a rival as similar: the quantity fit decides, or nothing does
            fits = sorted(
                (
                    (_fit(bill_line, open_lines[j], remaining[open_lines[j].po_line_id]), j)
                    for j in [ranked[0], *rivals]
                ),
                reverse=True,
            )
            if not params.exact_quantity_breaks_ties or fits[0][0] - fits[1][0] < 1e-6:
                reasons[bill_line.line_id] = UNMATCHED_AMBIGUOUS
                ambiguous[bill_line.line_id] = (
                    bill_line,
                    [(open_lines[j], float(similarity[i, j])) for _fit_score, j in fits],
                )
                continue
            ranked = [fits[0][1]]
        pairs.append((float(similarity[i, ranked[0]]), i, ranked[0]))
    matches, used = [], set()
    for sim, i, j in sorted(pairs, reverse=True):
        bill_line, po_line = bill_lines[i], open_lines[j]
        if j in used:
            reasons[bill_line.line_id] = UNMATCHED_AMBIGUOUS  # its PO line went to a closer bill line
            continue
        used.add(j)
        matches.append(
            _match(
                bill_line,
                po_line,
                MATCHED_BY_DESCRIPTION,
                _fit(bill_line, po_line, remaining[po_line.po_line_id]),
                sim,
            )
        )
        remaining[po_line.po_line_id] -= bill_line.quantity
    return matches, reasons
