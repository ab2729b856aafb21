"""``l10n_cl_ai.budget.reservation``: the worst-case cost of Claude requests in flight, per company.

With a hard stop, the budget check must hold against parallel callers (the review queue, the chat queue
and the SII summaries run as separate crons; one chat answer makes up to nine requests). Reading the
committed spend is not enough: every caller would pass one check before any of them writes its usage
row. So each request reserves its worst case (its pre-counted input at full price plus ``max_tokens`` of
output) before it is sent, atomically:

- on a cursor of its own, in a READ COMMITTED transaction, a transaction-scoped PostgreSQL advisory lock
  per company serializes the check-and-reserve of that company (no Redis: it must not be a single point
  of failure here; the lock is released at commit, rollback or when the worker dies);
- under the lock, committed spend + live reservations of the company are compared with each budget:
  refused when already at or above it, otherwise the reservation is written and committed at once;
- one row per call: before each request of a tool loop it holds what the call's earlier requests really
  cost plus the worst case of the next one;
- the usage row settles it: written on the ledger's cursor, in the same transaction that deletes the
  reservation, so spend is never counted twice nor missed;
- a worker killed mid-call leaves its row behind: a reservation not refreshed for ``RESERVATION_TTL``
  no longer counts (and is deleted by the next reservation of the company).

So the spend of a period may exceed its budget by at most one request's worst case.
"""

from datetime import timedelta

from odoo import api, fields, models, sql_db

# one request (timeout x attempts, retry waits) ends far sooner; the row is refreshed at each request
RESERVATION_TTL = timedelta(minutes=15)
# first key of the advisory lock, the second is the company id: 'LCAI' in ASCII
LOCK_CLASS = 0x4C434149


class L10nClAiBudgetReservation(models.Model):
    _name = "l10n_cl_ai.budget.reservation"
    _description = "AI budget reservation (Claude requests in flight)"
    _order = "id desc"

    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")
    amount_usd = fields.Float(string="Reserved (USD)", digits=(12, 6))

    @api.model
    def _reserve(self, company_id, reservation_id, spent_usd, worst_usd, budgets):
        """Reserve ``spent_usd + worst_usd`` for one call of ``company_id`` (replacing what the call's row
        ``reservation_id`` held), or raise ``BudgetExceeded``. Committed at once on its own cursor;
        returns the id of the call's reservation row."""
        with self.env.registry.cursor() as cr:
            if isinstance(cr, sql_db.Cursor):  # a real connection (not the test registry's wrapper)
                # each statement sees what other transactions committed up to then, the lock's holder too
                cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
            cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_CLASS, company_id])
            env = self.env(cr=cr, su=True)
            cr.execute(
                """DELETE FROM l10n_cl_ai_budget_reservation
                    WHERE company_id = %s AND write_date < (now() AT TIME ZONE 'UTC') - %s""",
                [company_id, RESERVATION_TTL],
            )
            cr.execute(
                """SELECT COALESCE(SUM(amount_usd), 0) FROM l10n_cl_ai_budget_reservation
                    WHERE company_id = %s AND id != %s""",
                [company_id, reservation_id or 0],
            )
            in_flight = cr.fetchone()[0] + spent_usd
            usage = env["l10n_cl_ai.usage"]
            spent = dict(zip(("daily", "monthly"), usage._spent_in_periods(company_id), strict=True))
            over = usage._over_budget(spent, budgets, in_flight)
            if over:
                raise usage._budget_exceeded(*over)
            return self._write_reservation(cr, company_id, reservation_id, spent_usd + worst_usd)

    @api.model
    def _write_reservation(self, cr, company_id, reservation_id, amount):
        if reservation_id:
            cr.execute(
                """UPDATE l10n_cl_ai_budget_reservation
                      SET amount_usd = %s, write_date = now() AT TIME ZONE 'UTC'
                    WHERE id = %s""",
                [amount, reservation_id],
            )
            if cr.rowcount:
                return reservation_id
        cr.execute(  # a first request, or a row expired meanwhile
            """INSERT INTO l10n_cl_ai_budget_reservation
                      (company_id, amount_usd, create_uid, write_uid, create_date, write_date)
               VALUES (%s, %s, %s, %s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')
            RETURNING id""",
            [company_id, amount, self.env.uid, self.env.uid],
        )
        return cr.fetchone()[0]


class BudgetReservation:
    """The ``reserve(worst_usd, spent_usd)`` callback of one Claude call (``ClaudeClient.create``), and
    its settlement by the usage row."""

    def __init__(self, env, company_id, budgets):
        self._model = env["l10n_cl_ai.budget.reservation"]
        self.company_id = company_id
        self.budgets = budgets
        self.id = None

    def __call__(self, worst_usd, spent_usd):
        self.id = self._model._reserve(self.company_id, self.id, spent_usd, worst_usd, self.budgets)

    def settle(self, cr):
        """Drop the reservation in the transaction that writes the call's usage row (its real cost)."""
        if self.id:
            cr.execute("DELETE FROM l10n_cl_ai_budget_reservation WHERE id = %s", [self.id])
