"""The eight-day claim window (Ley 19.983 art. 3): counted from reception in calendar days, in Chile's
time zone, across month ends; and the rules for recording ACD/ERM/RCD/RFP/RFT."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from services.reception.claim_window import ACD, ERM, RCD, RFP, RFT, ClaimWindow, decide, santiago_day


@pytest.mark.parametrize(
    ("received", "deadline"),
    [
        (date(2025, 1, 28), date(2025, 2, 5)),  # 31-day month
        (date(2025, 4, 25), date(2025, 5, 3)),  # 30-day month
        (date(2024, 2, 25), date(2024, 3, 4)),  # leap February
        (date(2025, 2, 25), date(2025, 3, 5)),
        (date(2025, 12, 28), date(2026, 1, 5)),  # year end
    ],
)
def test_deadline_is_reception_plus_eight_calendar_days_across_month_ends(received, deadline):
    assert ClaimWindow(received).deadline == deadline


def test_days_left_and_tacit_acceptance_around_the_deadline():
    window = ClaimWindow(date(2025, 1, 28))
    assert window.days_left(date(2025, 1, 28)) == 8
    assert window.days_left(date(2025, 2, 3)) == 2 and window.closing_within(date(2025, 2, 3))
    assert not window.closing_within(date(2025, 2, 2))
    assert window.days_left(date(2025, 2, 5)) == 0 and not window.tacitly_accepted(date(2025, 2, 5))
    assert window.days_left(date(2025, 2, 6)) == -1 and window.tacitly_accepted(date(2025, 2, 6))
    assert not window.closing_within(date(2025, 2, 6))


def test_reception_day_is_the_day_in_santiago():
    # 02:30 UTC on 1 March 2025 is still 28 February in Santiago (UTC-3 in summer).
    window = ClaimWindow.from_moment(datetime(2025, 3, 1, 2, 30, tzinfo=UTC))
    assert window.received_on == date(2025, 2, 28) and window.deadline == date(2025, 3, 8)
    # Winter (UTC-4): 03:59 UTC on 1 July is 30 June 23:59; naive datetimes are UTC (Odoo's storage).
    assert santiago_day(datetime(2025, 7, 1, 3, 59)) == date(2025, 6, 30)
    assert santiago_day(datetime(2025, 7, 1, 4, 0)) == date(2025, 7, 1)
    # An aware datetime in another zone is converted, not read as local.
    madrid = timezone(timedelta(hours=2))
    assert santiago_day(datetime(2025, 7, 1, 5, 0, tzinfo=madrid)) == date(2025, 6, 30)


def test_today_as_a_utc_moment_is_read_in_santiago():
    window = ClaimWindow(date(2025, 1, 28))  # deadline 5 February
    late_evening_of_the_fifth = datetime(2025, 2, 6, 2, 0, tzinfo=UTC)  # 23:00 on 5 Feb in Santiago
    assert not window.tacitly_accepted(late_evening_of_the_fifth)
    assert window.tacitly_accepted(datetime(2025, 2, 6, 3, 0, tzinfo=UTC))


WINDOW = ClaimWindow(date(2025, 6, 10))
TODAY = date(2025, 6, 12)


@pytest.mark.parametrize("decision", [ACD, ERM, RCD, RFP, RFT])
def test_any_decision_is_allowed_first_within_the_window(decision):
    assert decide(decision, [], WINDOW, TODAY).allowed


@pytest.mark.parametrize("decision", [ACD, ERM, RCD, RFP, RFT])
def test_any_decision_after_the_deadline_is_refused_with_the_reason(decision):
    result = decide(decision, [], WINDOW, date(2025, 6, 19))
    assert not result.allowed and result.message_key == "REC_DECISION.deadline_passed"
    assert result.params == {"decision": decision, "deadline": "2025-06-18"}
    assert decide(decision, [], WINDOW, date(2025, 6, 18)).allowed  # the last day still counts


@pytest.mark.parametrize("claim", [RCD, RFP, RFT])
def test_a_claim_blocks_a_later_erm_and_an_erm_blocks_a_later_claim(claim):
    after_claim = decide(ERM, [claim], WINDOW, TODAY)
    assert (after_claim.allowed, after_claim.reason, after_claim.params["claim"]) == (False, "claimed", claim)
    after_erm = decide(claim, [ERM], WINDOW, TODAY)
    assert (after_erm.allowed, after_erm.reason) == (False, "goods_received")


def test_content_acceptance_and_content_claim_exclude_each_other():
    assert decide(RCD, [ACD], WINDOW, TODAY).reason == "content_accepted"
    assert decide(ACD, [RCD], WINDOW, TODAY).reason == "claimed"
    assert decide(ERM, [ACD], WINDOW, TODAY).allowed  # content accepted, goods received later
    assert decide(RFP, [ACD], WINDOW, TODAY).allowed  # content accepted, goods partly missing


def test_same_decision_twice_and_unknown_codes_are_refused():
    assert decide(ACD, [ACD], WINDOW, TODAY).reason == "already_recorded"
    unknown = decide("XYZ", [], WINDOW, TODAY)
    assert (unknown.allowed, unknown.message_key) == (False, "REC_DECISION.unknown")
