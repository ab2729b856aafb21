"""The plain values of the bill-coding engine: what the Odoo layer passes in and what it gets back.

Analytic distributions are Odoo's: ``{"<analytic account id>[,<id>...]": percentage}`` (an empty dict
means no analytic). Reasons are codes (``REASONS``): the Odoo layer turns them into translated text.
"""

import datetime
from dataclasses import dataclass, field

# Why a suggestion is (or is not) given; the Odoo layer owns the translated wording.
REASON_NEIGHBOURS = "neighbours"  # voted by similar posted lines (``detail`` says how many, same vendor)
REASON_NO_HISTORY = "no_history"  # the company has no posted line to learn from
REASON_NO_NEIGHBOUR = "no_close_neighbour"  # lines exist, none close enough to the description
REASON_EMPTY_DESCRIPTION = "empty_description"  # nothing to compare
REASONS = (REASON_NEIGHBOURS, REASON_NO_HISTORY, REASON_NO_NEIGHBOUR, REASON_EMPTY_DESCRIPTION)


class CompanyMismatch(ValueError):
    """A line, a feedback record or a query of one company was given to another company's history."""


def distribution_key(distribution):
    """A hashable, order-independent form of an analytic distribution (percentages rounded to 0.01)."""
    return tuple(
        sorted(
            (str(key), round(float(value), 2))
            for key, value in (distribution or {}).items()
            if round(float(value), 2)
        )
    )


@dataclass(frozen=True)
class PostedLine:
    """One line of a posted vendor bill: what the company's accountants decided."""

    line_id: int
    company_id: int
    vendor_id: int
    description: str
    account_id: int
    analytic_distribution: dict = field(default_factory=dict)
    date: datetime.date | None = None
    product_id: int | None = None


@dataclass(frozen=True)
class Feedback:
    """A user's answer to a suggestion: ``accepted`` False when it was rejected (or changed by hand).

    ``account_id`` and ``analytic_distribution`` are what was SUGGESTED (not what the user chose instead:
    that arrives later as a posted line).
    """

    company_id: int
    vendor_id: int
    account_id: int
    accepted: bool
    analytic_distribution: dict = field(default_factory=dict)
    description: str = ""
    date: datetime.date | None = None


@dataclass(frozen=True)
class LineQuery:
    """A draft vendor-bill line to code."""

    company_id: int
    vendor_id: int
    description: str
    product_id: int | None = None
    date: datetime.date | None = None


@dataclass(frozen=True)
class Neighbour:
    """A posted line that voted for a suggestion, with its cosine similarity and its vote weight."""

    line_id: int
    vendor_id: int
    account_id: int
    similarity: float
    weight: float
    same_vendor: bool


@dataclass(frozen=True)
class Suggestion:
    """An account and an analytic distribution for a line, each with a calibrated confidence in [0, 1].

    ``account_id`` is None when no suggestion can be made (``reason`` says why). ``confidence`` estimates
    the probability that the account is the one the accountant would choose (calibrated on the bench's
    tuning months: among suggestions at confidence ``c`` about a share ``c`` were right), so a threshold
    such as 0.9 means what it says; ``analytic_confidence`` does the same for the distribution.
    ``neighbours`` are the lines that voted for the chosen account, most similar first.
    """

    account_id: int | None
    analytic_distribution: dict | None
    confidence: float
    analytic_confidence: float
    neighbours: tuple = ()
    reason: str = REASON_NEIGHBOURS
    detail: dict = field(default_factory=dict)

    @property
    def found(self):
        return self.account_id is not None
