"""Shared pieces of the bill-coding engine tests: the real embedder (module-wide) and line builders."""

import datetime

from services.bill_coding.records import PostedLine

DAY = datetime.date(2026, 10, 15)


def posted(line_id, vendor, description, account, distribution=None, company=1, days_ago=30, product=None):
    return PostedLine(
        line_id,
        company,
        vendor,
        description,
        account,
        distribution or {},
        DAY - datetime.timedelta(days=days_ago),
        product,
    )
