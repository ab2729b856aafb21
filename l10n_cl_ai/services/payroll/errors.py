"""What the payroll engine raises. Plain exceptions the Odoo layer turns into a message for the user."""


class PayrollError(Exception):
    """Base class of the payroll engine's errors."""


class PageFormatError(PayrollError, ValueError):
    """A page (SII values, SII tax table, Previred) does not hold the table or labels expected.

    Nothing is stored from such a page: the previous values stay and the failure is reported. Retrying
    later only helps when the page was incomplete (a server error page, a half-published month).
    """


class MissingIndicator(PayrollError, LookupError):
    """A liquidación needs an indicator the period lacks (the AFP named, the AFC rate of the contract,
    a tax table...). ``code`` names it, for the message."""

    def __init__(self, code, detail=""):
        super().__init__(f"missing indicator {code}" + (f": {detail}" if detail else ""))
        self.code = code
        self.detail = detail


class InvalidInput(PayrollError, ValueError):
    """A liquidación input is out of its domain (an unknown contract type, negative days...)."""
