"""The buyer's eight-day window to claim a received invoice, and the rules for recording a decision.

Law: Ley 19.983 art. 3 (as amended by Ley 20.956, 2016): the buyer may claim the content of the invoice,
or the partial or total lack of delivery, "dentro de los ocho días corridos siguientes a su recepción";
without a claim in that period the invoice is irrevocably accepted (tacit acceptance). Art. 4: the receipt
of goods or services (acuse de recibo, ERM) also makes it irrevocably accepted. The window counts from the
**reception** (not the issue date) in **calendar** days: reception on the 28th -> last day the 8th of the
next month (or the 7th when the month has 31 days).

Decisions (the codes of the SII's registro de aceptación o reclamo):

* ``ACD``: accepts the content; ``ERM``: acknowledges receipt of the goods or services;
* ``RCD``: claims the content; ``RFP`` / ``RFT``: claims a partial / total lack of goods.

Rules (:func:`decide`): any decision after the deadline is refused (the invoice is already tacitly
accepted); the same decision is not recorded twice; a claim blocks a later ``ERM`` and an ``ERM`` blocks a
later claim (art. 4: the receipt makes acceptance irrevocable); ``ACD`` and ``RCD`` exclude each other.
"""

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

SANTIAGO = ZoneInfo("America/Santiago")
CLAIM_DAYS = 8

ACD, ERM, RCD, RFP, RFT = "ACD", "ERM", "RCD", "RFP", "RFT"
DECISIONS = (ACD, ERM, RCD, RFP, RFT)
CLAIMS = frozenset({RCD, RFP, RFT})


def santiago_day(moment):
    """The calendar day in Chile of ``moment``: a ``date`` is returned as is; an aware ``datetime`` is
    converted to America/Santiago; a naive ``datetime`` is taken as UTC (how Odoo stores datetimes)."""
    if not isinstance(moment, datetime.datetime):
        return moment
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(SANTIAGO).date()


@dataclass(frozen=True)
class ClaimWindow:
    """The window of one received document. ``received_on``: the reception day in Chile (see
    :func:`santiago_day` to get it from an e-mail's or an upload's timestamp)."""

    received_on: datetime.date

    @classmethod
    def from_moment(cls, moment):
        return cls(santiago_day(moment))

    @property
    def deadline(self):
        """The last day a claim is possible: reception + 8 calendar days."""
        return self.received_on + datetime.timedelta(days=CLAIM_DAYS)

    def days_left(self, today):
        """Days until the deadline (0 on the last day, negative once it passed)."""
        return (self.deadline - santiago_day(today)).days

    def tacitly_accepted(self, today):
        """True once the deadline has passed (Ley 19.983 art. 3: irrevocably accepted)."""
        return santiago_day(today) > self.deadline

    def closing_within(self, today, days=2):
        """True while open and at most ``days`` days remain (the daily reminder's condition)."""
        return 0 <= self.days_left(today) <= days


@dataclass(frozen=True)
class Decision:
    """Whether a decision may be recorded; when not, ``reason`` is the message variant of
    ``REC_DECISION`` and ``params`` fills it."""

    allowed: bool
    reason: str = ""
    params: dict = field(default_factory=dict)

    @property
    def message_key(self):
        return f"REC_DECISION.{self.reason}" if self.reason else ""


def decide(decision, previous, window, today):
    """May ``decision`` be recorded on a document whose earlier decisions are ``previous`` (codes, oldest
    first), with claim window ``window``, on ``today`` (a date in Chile, or a datetime)?"""
    if decision not in DECISIONS:
        return Decision(False, "unknown", {"decision": str(decision)})
    if window.tacitly_accepted(today):
        return Decision(
            False, "deadline_passed", {"decision": decision, "deadline": window.deadline.isoformat()}
        )
    previous = list(previous)
    if decision in previous:
        return Decision(False, "already_recorded", {"decision": decision})
    claims = [code for code in previous if code in CLAIMS]
    if decision == ERM and claims:
        return Decision(False, "claimed", {"decision": decision, "claim": claims[0]})
    if decision in CLAIMS and ERM in previous:
        return Decision(False, "goods_received", {"decision": decision})
    if decision == RCD and ACD in previous:
        return Decision(False, "content_accepted", {"decision": decision})
    if decision == ACD and RCD in previous:
        return Decision(False, "claimed", {"decision": decision, "claim": RCD})
    return Decision(True)
