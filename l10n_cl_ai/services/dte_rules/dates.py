"""Calendar helpers (no clock: ``today`` always comes from the snapshot)."""

from calendar import monthrange


def add_months(day, months):
    """Same day ``months`` later, clamped to the month's end (31 Aug + 6 months = 28/29 Feb)."""
    years, month0 = divmod(day.month - 1 + months, 12)
    year = day.year + years
    return day.replace(year=year, month=month0 + 1, day=min(day.day, monthrange(year, month0 + 1)[1]))


def month_index(day):
    return day.year * 12 + day.month - 1
