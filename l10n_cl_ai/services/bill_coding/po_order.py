"""A bill line that fits lines of two open orders, decided by the bill as a whole.

A vendor bill is nearly always one delivery of one order. ``po_match`` leaves a line ``ambiguous`` when
the same product (or the same wording, at the same price, with enough quantity left) is open on two
orders of the vendor. What decides then is what an accountant would look at:

1. the bill's other lines: when the lines matched on their own all lie on one order, an ambiguous line
   with exactly one candidate on that order goes there (lines matched to two orders decide nothing);
2. when no line decides on its own (every line of the bill fits two orders), the quantities. An order
   fits when every ambiguous line has exactly one candidate on it whose quantity received and not
   billed yet is the billed quantity (the bill is a delivery of that order), or when every ambiguous
   line has exactly one candidate on it whose quantity still to bill is the billed quantity and the
   order has nothing else left open (the bill is the rest of that order, ``ORDER_EVIDENCE_WHOLE``); the
   lines go to the order that fits when it is the only one. ``ORDER_EVIDENCE_EXACT`` drops the "nothing
   else left open" condition; ``ORDER_EVIDENCE_LINES`` uses 1 only. ``bench/bill_coding.py`` measures
   the three (the shipped ``WHOLE`` links most with 0 false links; ``EXACT`` links a few more and falsely:
   a partial delivery of one order can be the rest of the other's line).

Nothing else decides: a partial delivery of a product open on two orders, whose quantity is the rest of
neither, stays unmatched (a wrong link is worse than none; Claude may propose one, a user accepts it).
"""

ORDER_EVIDENCE_LINES = "lines"
ORDER_EVIDENCE_WHOLE = "whole"
ORDER_EVIDENCE_EXACT = "exact"
EPSILON = 1e-9


def resolve_by_order(ambiguous, orders, candidates, remaining, evidence=ORDER_EVIDENCE_WHOLE):
    """``[(bill_line, po_line, similarity)]`` decided for the ``ambiguous`` lines.

    ``ambiguous``: ``(bill_line, [(po_line, similarity), ...])`` per line left ambiguous; ``orders``: the
    orders of the bill's other lines (matched on their own, or linked before); ``candidates``: every
    open PO line the bill could go to; ``remaining``: ``{po_line_id: quantity still to bill}`` after the
    lines matched on their own.
    """
    ambiguous = list(ambiguous)
    orders = set(orders)
    if len(orders) > 1:
        return []
    if orders:
        return _on_order(ambiguous, orders.pop(), remaining) or []
    if evidence == ORDER_EVIDENCE_LINES:
        return []
    fitting = []
    for order_id in sorted({po_line.order_id for _line, options in ambiguous for po_line, _sim in options}):
        delivered = _on_order(ambiguous, order_id, remaining, lambda line: _received_left(line, remaining))
        rest = _on_order(ambiguous, order_id, remaining, lambda line: remaining[line.po_line_id])
        if rest is not None and evidence == ORDER_EVIDENCE_WHOLE:
            rest = rest if _is_rest_of_order(order_id, rest, candidates, remaining) else None
        if delivered is not None or rest is not None:
            fitting.append(delivered if delivered is not None else rest)
    return fitting[0] if len(fitting) == 1 else []


def _received_left(po_line, remaining):
    """Received and not billed yet (by earlier bills or by this bill's lines matched so far)."""
    billed = po_line.quantity_ordered - remaining[po_line.po_line_id]
    return po_line.quantity_received - billed


def _on_order(ambiguous, order_id, remaining, quantity=None):
    """Each ambiguous line's single candidate on ``order_id`` (lines without one are left out); with
    ``quantity`` (a PO line's quantity the billed one must equal), only such candidates, and None unless
    every line has one. None when two lines would take the same PO line."""
    picks = []
    for bill_line, options in ambiguous:
        on_order = [
            (po_line, similarity)
            for po_line, similarity in options
            if po_line.order_id == order_id
            and remaining[po_line.po_line_id] + EPSILON >= bill_line.quantity  # not taken by another line
            and (quantity is None or abs(quantity(po_line) - bill_line.quantity) < EPSILON)
        ]
        if len(on_order) == 1:
            picks.append((bill_line, *on_order[0]))
        elif quantity is not None:
            return None
    if len({po_line.po_line_id for _line, po_line, _sim in picks}) < len(picks):
        return None
    return picks


def _is_rest_of_order(order_id, picks, candidates, remaining):
    """True when ``picks`` bill every line of ``order_id`` still open."""
    open_lines = {
        line.po_line_id
        for line in candidates
        if line.order_id == order_id and remaining[line.po_line_id] > EPSILON
    }
    return open_lines == {po_line.po_line_id for _line, po_line, _sim in picks}
