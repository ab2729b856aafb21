"""Account and analytic suggestions: a weighted vote of the nearest posted lines of the same company.

For a draft line (``LineQuery``) the neighbours are the ``k_global`` lines of the company whose
description is most similar, plus the ``k_vendor`` most similar lines of the same vendor (searched among
that vendor's lines alone, so a vendor's own history is always heard). Each neighbour at cosine ``s``
votes for its account with ``exp((s - 1) / temperature)``, times ``vendor_boost`` when it is of the same
vendor, times ``0.5 ** (age / half_life_days)``, times ``reject_factor`` per net rejection the vendor gave
to a suggestion of that account (accepted suggestions cancel rejections one for one). Neighbours below
``min_similarity`` do not vote. The analytic distribution combines the vote of the chosen account's
neighbours with the word model of ``tokens.py`` (the site or cost centre is named by a few words,
which the item-dominated embedding blurs).

Confidence: a logistic function of the vote share of the winner, its best similarity and whether a line
of the same vendor voted for it, fitted on the bench's tuning months (``bench/bill_coding.py --tune``
prints the coefficients shipped in ``DEFAULT_PARAMS``). Among suggestions of confidence ``c``, about a
share ``c`` was right on the held-out month (the bench prints the table), so a threshold means what it
says.
"""

import math
from dataclasses import dataclass, replace

import numpy as np

from .records import (
    REASON_EMPTY_DESCRIPTION,
    REASON_NEIGHBOURS,
    REASON_NO_HISTORY,
    REASON_NO_NEIGHBOUR,
    Neighbour,
    Suggestion,
    distribution_key,
)
from .tokens import words


@dataclass(frozen=True)
class SuggestParams:
    """The weights of the vote and the confidence calibration (see the module docstring).

    The defaults are what ``bench/bill_coding.py --tune`` chose on the tuning months (Sep-Oct 2026 of the
    generated books, history Jan 2025-Aug 2026), never on the held-out month.
    """

    k_global: int = 30
    k_vendor: int = 20
    min_similarity: float = 0.80
    temperature: float = 0.02
    vendor_boost: float = 10.0
    half_life_days: float = 365.0
    reject_factor: float = 0.3
    words_weight: float = 1.0  # the word model's say in the analytic distribution (0: neighbours alone)
    vote_floor: float = 0.2  # a distribution no neighbour voted for can still win on its words
    # logistic(b0 + b1 * share + b2 * closeness + b3 * same_vendor), closeness = (best sim - min) / (1 - min)
    account_calibration: tuple = (-1.242, 2.065, 1.64, 1.517)
    # logistic(b0 + b1 * combined probability + b2 * neighbours' share + b3 * words' posterior)
    analytic_calibration: tuple = (-2.038, 1.609, 1.281, 2.345)
    max_neighbours_shown: int = 5

    def with_(self, **changes):
        return replace(self, **changes)


DEFAULT_PARAMS = SuggestParams()


def logistic(coefficients, features):
    value = coefficients[0] + sum(c * f for c, f in zip(coefficients[1:], features, strict=True))
    return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, value))))


def _empty(reason, **detail):
    return Suggestion(None, None, 0.0, 0.0, (), reason, detail)


def suggest(history, query, params=DEFAULT_PARAMS):
    """The ``Suggestion`` for ``query`` (a ``LineQuery`` of ``history``'s company) from ``history``.

    Raises ``CompanyMismatch`` for a query of another company. Without a usable neighbour, the suggestion
    has ``account_id`` None and a ``reason`` (``no_history``, ``no_close_neighbour``,
    ``empty_description``).
    """
    history.check_query(query)
    if not (query.description or "").strip():
        return _empty(REASON_EMPTY_DESCRIPTION)
    if not history.size:
        return _empty(REASON_NO_HISTORY)
    vector = history.embed_query(query.description)
    candidates = _candidates(history, vector, query.vendor_id, params)
    candidates = {row: sim for row, sim in candidates.items() if sim >= params.min_similarity}
    if not candidates:
        return _empty(REASON_NO_NEIGHBOUR, lines=history.size)
    return _vote(history, query, candidates, params)


def features(share, best_similarity, same_vendor, params):
    """The confidence features of a vote (what the calibration's coefficients multiply)."""
    closeness = (best_similarity - params.min_similarity) / max(1e-6, 1.0 - params.min_similarity)
    return (share, max(0.0, min(1.0, closeness)), 1.0 if same_vendor else 0.0)


def _candidates(history, vector, vendor_id, params):
    sims, rows = history.search(vector, params.k_global)
    found = dict(zip(rows.tolist(), sims.tolist(), strict=True))
    vendor_rows = history.rows_of_vendor(vendor_id)
    if len(vendor_rows):
        vendor_sims = history.similarities(vector, vendor_rows)
        if len(vendor_rows) > params.k_vendor:
            keep = np.argpartition(-vendor_sims, params.k_vendor - 1)[: params.k_vendor]
            vendor_rows, vendor_sims = vendor_rows[keep], vendor_sims[keep]
        found.update(zip(vendor_rows.tolist(), vendor_sims.tolist(), strict=True))
    return found


def _rejections(history, vendor_id):
    """{account_id: net rejections} and {distribution key: net rejections} of ``vendor_id``."""
    accounts, distributions = {}, {}
    for item in history.feedback.get(vendor_id, ()):
        step = -1 if item.accepted else 1
        accounts[item.account_id] = accounts.get(item.account_id, 0) + step
        key = distribution_key(item.analytic_distribution)
        distributions[key] = distributions.get(key, 0) + step
    return accounts, distributions


def _vote(history, query, candidates, params):
    today = query.date.toordinal() if query.date else None
    rejected_accounts, rejected_distributions = _rejections(history, query.vendor_id)
    weights = {}
    for row, sim in candidates.items():
        weight = math.exp((sim - 1.0) / params.temperature)
        if history.vendor[row] == query.vendor_id:
            weight *= params.vendor_boost
        if today and history.day[row] and params.half_life_days:
            weight *= 0.5 ** (max(0, today - int(history.day[row])) / params.half_life_days)
        weight *= params.reject_factor ** max(0, rejected_accounts.get(int(history.account[row]), 0))
        weights[row] = weight
    totals = {}
    for row, weight in weights.items():
        account = int(history.account[row])
        totals[account] = totals.get(account, 0.0) + weight
    account = max(totals, key=totals.get)
    total = sum(totals.values())
    voters = sorted(
        (row for row in weights if history.account[row] == account),
        key=lambda row: candidates[row],
        reverse=True,
    )
    same_vendor = sum(1 for row in voters if history.vendor[row] == query.vendor_id)
    confidence = logistic(
        params.account_calibration,
        features(totals[account] / total, candidates[voters[0]], same_vendor, params),
    )
    distribution, analytic_confidence, analytic_features = _analytic(
        history, query, voters, weights, candidates, rejected_distributions, params
    )
    neighbours = tuple(
        Neighbour(
            history.lines[row].line_id,
            int(history.vendor[row]),
            account,
            round(candidates[row], 4),
            round(weights[row] / total, 4),
            bool(history.vendor[row] == query.vendor_id),
        )
        for row in voters[: params.max_neighbours_shown]
    )
    detail = {
        "neighbours": len(voters),
        "same_vendor": same_vendor,
        "share": round(totals[account] / total, 4),
        "best_similarity": round(candidates[voters[0]], 4),
        "analytic_features": tuple(round(value, 4) for value in analytic_features),
    }
    return Suggestion(
        account,
        distribution,
        round(confidence, 4),
        round(analytic_confidence, 4),
        neighbours,
        REASON_NEIGHBOURS,
        detail,
    )


def _analytic(history, query, voters, weights, candidates, rejected, params):
    """The distribution: the neighbours' vote (among the chosen account's voters) times the word model's
    posterior raised to ``words_weight``, rejected distributions of the vendor scaled down."""
    votes = {}
    for row in voters:
        key = history.distribution[row]
        votes[key] = votes.get(key, 0.0) + weights[row]
    total = sum(votes.values())
    posterior = (
        history.words.posterior(words(query.description, query.vendor_id)) if params.words_weight else {}
    )
    scores = {}
    for key in set(votes) | set(posterior):
        share = votes.get(key, 0.0) / total
        score = math.log(share + params.vote_floor) + params.words_weight * math.log(
            posterior.get(key, 0.0) + 1e-9
        )
        scores[key] = score + math.log(params.reject_factor) * max(0, rejected.get(key, 0))
    key = max(scores, key=scores.get)
    top = max(scores.values())
    probability = math.exp(scores[key] - top) / sum(math.exp(value - top) for value in scores.values())
    analytic_features = (probability, votes.get(key, 0.0) / total, posterior.get(key, 0.0))
    return dict(key), logistic(params.analytic_calibration, analytic_features), analytic_features
