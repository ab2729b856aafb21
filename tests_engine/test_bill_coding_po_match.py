"""Bill lines matched to open purchase-order lines of the same vendor, on real embeddings."""

import pytest

from services.bill_coding.po_match import (
    MATCHED_BY_DESCRIPTION,
    MATCHED_BY_ORDER,
    MATCHED_BY_PRODUCT,
    UNMATCHED_AMBIGUOUS,
    UNMATCHED_NO_CANDIDATE,
    UNMATCHED_NOT_SIMILAR,
    BillLine,
    PoLine,
    match_bill,
)
from services.knowledge.embedder import OnnxEmbedder

VENDOR, OTHER_VENDOR = 7, 8
CEMENT, DRILL = 101, 102


@pytest.fixture(scope="module")
def embedder():
    return OnnxEmbedder()


def po_lines():
    return [
        PoLine(1, 500, VENDOR, "[MAT-0012] Cemento Melon especial 25kg", 100, 5990, 100, 0, CEMENT),
        PoLine(2, 500, VENDOR, "Taladro percutor Bosch GSB 13 RE 650W", 2, 54990, 2, 0, DRILL),
        PoLine(3, 500, VENDOR, "Fierro estriado 16mm x 12m", 40, 8990, 40, 0),
        PoLine(4, 500, VENDOR, "Guante cabritilla", 50, 1490, 50, 0),
    ]


def matched(result):
    return {match.bill_line_id: (match.po_line_id, match.matched_by) for match in result.matches}


def test_a_line_with_a_product_matches_the_po_line_of_that_product(embedder):
    bill = [BillLine(11, "CEMENTO ESP. SACO 25 KG", 100, 5990, CEMENT)]
    result = match_bill(VENDOR, bill, po_lines(), embedder)
    assert matched(result) == {11: (1, MATCHED_BY_PRODUCT)}
    assert result.matches[0].score == 1.0 and not result.unmatched


def test_a_line_without_product_matches_by_description(embedder):
    bill = [
        BillLine(11, "COD 48213 FIERRO ESTRIADO 16MM X 12M", 40, 8990),
        BillLine(12, "GUANTE CABRITILLA PAR", 50, 1490),
    ]
    result = match_bill(VENDOR, bill, po_lines(), embedder)
    assert matched(result) == {11: (3, MATCHED_BY_DESCRIPTION), 12: (4, MATCHED_BY_DESCRIPTION)}
    assert all(match.similarity >= 0.88 for match in result.matches)


def test_a_partial_delivery_matches_and_a_price_change_is_reported(embedder):
    bill = [BillLine(11, "Cemento Melon especial 25kg", 30, 6290, CEMENT)]  # 30 of 100, +5 %
    result = match_bill(VENDOR, bill, po_lines(), embedder)
    assert matched(result) == {11: (1, MATCHED_BY_PRODUCT)}
    assert result.matches[0].price_ratio == pytest.approx(6290 / 5990, abs=1e-4)
    assert result.matches[0].score < 1.0


def test_more_than_is_left_to_bill_or_a_far_price_is_not_matched(embedder):
    lines = [PoLine(1, 500, VENDOR, "Cemento Melon especial 25kg", 100, 5990, 100, 80, CEMENT)]  # 20 left
    too_many = match_bill(VENDOR, [BillLine(11, "Cemento 25kg", 30, 5990, CEMENT)], lines, embedder)
    too_dear = match_bill(VENDOR, [BillLine(11, "Cemento 25kg", 10, 9990, CEMENT)], lines, embedder)
    assert not too_many.matches and too_many.unmatched[0].reason == UNMATCHED_NOT_SIMILAR
    assert not too_dear.matches


def test_billed_beyond_what_was_received_is_matched_and_flagged(embedder):
    lines = [PoLine(1, 500, VENDOR, "Cemento Melon especial 25kg", 100, 5990, 40, 0, CEMENT)]
    result = match_bill(VENDOR, [BillLine(11, "Cemento 25kg", 60, 5990, CEMENT)], lines, embedder)
    assert matched(result) == {11: (1, MATCHED_BY_PRODUCT)} and result.matches[0].over_received


def test_a_po_of_another_vendor_is_never_matched(embedder):
    theirs = [
        PoLine(9, 900, OTHER_VENDOR, "Cemento Melon especial 25kg", 100, 5990, 100, 0, CEMENT),
        PoLine(10, 900, OTHER_VENDOR, "Fierro estriado 16mm x 12m", 40, 8990, 40, 0),
    ]
    bill = [
        BillLine(11, "Cemento Melon especial 25kg", 100, 5990, CEMENT),
        BillLine(12, "Fierro estriado 16mm x 12m", 40, 8990),
    ]
    result = match_bill(VENDOR, bill, theirs, embedder)
    assert not result.matches
    assert {item.reason for item in result.unmatched} == {UNMATCHED_NO_CANDIDATE}


def test_different_sizes_are_not_matched_even_when_descriptions_are_close(embedder):
    bill = [BillLine(11, "FIERRO ESTRIADO 12MM X 12M", 40, 8990)]
    assert not match_bill(VENDOR, bill, po_lines(), embedder).matches


def test_the_same_product_on_two_open_orders_stays_unmatched_unless_referenced(embedder):
    lines = po_lines() + [PoLine(5, 501, VENDOR, "Cemento Melon especial 25kg", 60, 5990, 60, 0, CEMENT)]
    bill = [BillLine(11, "CEMENTO MELON 25KG", 20, 5990, CEMENT)]
    result = match_bill(VENDOR, bill, lines, embedder)
    assert not result.matches and result.unmatched[0].reason == UNMATCHED_AMBIGUOUS
    referenced = match_bill(VENDOR, bill, lines, embedder, referenced_order_ids=(501,))
    assert matched(referenced) == {11: (5, MATCHED_BY_PRODUCT)}


def two_orders(received_a=0, received_b=0):
    """Order 500: rebar 40 and cement 60; order 501: cement 100 and gloves 50 (cement at the same price on
    both, wordings the buyer's)."""
    return [
        PoLine(1, 500, VENDOR, "Fierro estriado 16mm x 12m", 40, 8990, 0, 0),
        PoLine(2, 500, VENDOR, "[MAT-0012] Cemento Melon especial 25kg", 60, 5990, received_a, 0),
        PoLine(3, 501, VENDOR, "Cemento Melon especial 25kg", 100, 5990, received_b, 0),
        PoLine(4, 501, VENDOR, "Guante cabritilla", 50, 1490, 0, 0),
    ]


def test_a_line_on_two_orders_goes_to_the_order_of_the_bills_other_lines(embedder):
    bill = [
        BillLine(11, "COD 48213 FIERRO ESTRIADO 16MM X 12M", 40, 8990),
        BillLine(12, "CEMENTO MELON ESP. SACO 25 KG", 30, 5990),
    ]
    result = match_bill(VENDOR, bill, two_orders(), embedder)
    assert matched(result) == {11: (1, MATCHED_BY_DESCRIPTION), 12: (2, MATCHED_BY_ORDER)}


def test_lines_on_two_orders_go_to_the_order_whose_rest_the_bill_is(embedder):
    lines = [*two_orders(), PoLine(5, 501, VENDOR, "Fierro estriado 16mm x 12m", 50, 8990, 0, 0)]
    bill = [  # every line fits both orders; 40 and 60 are what order 500 has left, all of it
        BillLine(11, "FIERRO ESTRIADO 16 MM X 12 M", 40, 8990),
        BillLine(12, "CEMENTO MELON ESP. SACO 25 KG", 60, 5990),
    ]
    result = match_bill(VENDOR, bill, lines, embedder)
    assert matched(result) == {11: (1, MATCHED_BY_ORDER), 12: (2, MATCHED_BY_ORDER)}


def test_a_line_on_two_orders_goes_to_the_order_that_received_it(embedder):
    bill = [BillLine(12, "CEMENTO MELON ESP. SACO 25 KG", 30, 5990)]
    result = match_bill(VENDOR, bill, two_orders(received_a=0, received_b=30), embedder)
    assert matched(result) == {12: (3, MATCHED_BY_ORDER)}
    both = match_bill(VENDOR, bill, two_orders(received_a=30, received_b=30), embedder)
    assert not both.matches and both.unmatched[0].reason == UNMATCHED_AMBIGUOUS


def test_nothing_decides_between_two_orders_the_line_stays_unmatched(embedder):
    """60 is the rest of order 500's cement line, but order 500 still has rebar open and 60 of order
    501's 100 is as likely a partial delivery: no link (``ORDER_EVIDENCE_EXACT`` would link it)."""
    bill = [BillLine(12, "CEMENTO MELON ESP. SACO 25 KG", 60, 5990)]
    result = match_bill(VENDOR, bill, two_orders(), embedder)
    assert not result.matches and result.unmatched[0].reason == UNMATCHED_AMBIGUOUS
    bill = [  # lines on two different orders: the bill names no single order
        BillLine(11, "FIERRO ESTRIADO 16MM X 12M", 40, 8990),
        BillLine(13, "GUANTE CABRITILLA PAR", 50, 1490),
        BillLine(12, "CEMENTO MELON ESP. SACO 25 KG", 30, 5990),
    ]
    result = match_bill(VENDOR, bill, two_orders(), embedder)
    assert {match.bill_line_id for match in result.matches} == {11, 13}
    assert result.unmatched[0].reason == UNMATCHED_AMBIGUOUS


def test_a_line_on_two_orders_goes_to_the_order_the_bills_linked_lines_are_on(embedder):
    """The bill's rebar line was linked before (by Odoo or a user): its order decides the cement."""
    bill = [BillLine(12, "CEMENTO MELON ESP. SACO 25 KG", 30, 5990)]
    result = match_bill(VENDOR, bill, two_orders(), embedder, linked_order_ids=(500,))
    assert matched(result) == {12: (2, MATCHED_BY_ORDER)}
    result = match_bill(VENDOR, bill, two_orders(), embedder, linked_order_ids=(500, 501))
    assert not result.matches and result.unmatched[0].reason == UNMATCHED_AMBIGUOUS


def test_the_bills_order_does_not_give_a_line_an_order_line_another_line_took(embedder):
    """The 60 bags only fit order 500 (order 501 has 50 left): they take its cement line, so the 30 bags,
    open on both orders, cannot go there too (90 bags on a line of 60); order 501 is not named."""
    lines = [
        PoLine(2, 500, VENDOR, "Cemento Melon especial 25kg", 60, 5990, 0, 0),
        PoLine(3, 501, VENDOR, "Cemento Melon especial 25kg", 50, 5990, 0, 0),
    ]
    bill = [BillLine(11, "CEMENTO MELON 25KG", 60, 5990), BillLine(12, "CEMENTO MELON ESP. 25 KG", 30, 5990)]
    result = match_bill(VENDOR, bill, lines, embedder)
    assert matched(result) == {11: (2, MATCHED_BY_DESCRIPTION)}
    assert result.unmatched[0].reason == UNMATCHED_AMBIGUOUS
