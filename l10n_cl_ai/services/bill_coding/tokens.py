"""A per-company naive Bayes over description words, for the analytic distribution.

Where a line goes (which construction site, which cost centre) is written in a few words of its
description ("OBRA QUILICURA", "Apoquindo 5400", a vehicle plate), whatever was bought. The description
embedding is dominated by the item, so its nearest neighbours vote well for the account but blur the
site; word counts per distribution pick the words that name it. The vendor is one more word (a vendor
whose lines all go to one site, or split 50/50, says so). Counts decay with age (``half_life_days``):
a finished site stops being suggested.
"""

import math
import re

from .text import normalize

_WORD = re.compile(r"[a-z0-9ñ]+")


def words(description, vendor_id):
    """The features of a line: its words, its word pairs and its vendor."""
    found = [word for word in _WORD.findall(normalize(description)) if len(word) > 1 or word.isdigit()]
    return (
        set(found) | {f"{a} {b}" for a, b in zip(found, found[1:], strict=False)} | {f"__vendor_{vendor_id}"}
    )


class TokenModel:
    """Multinomial naive Bayes (set-of-words) over distribution keys, weighted counts, Laplace ``alpha``.

    Words seen on fewer than ``min_lines`` lines are ignored: a word met once (an item bought once for one
    site) says nothing about where the next one goes, and several of them outvoted the site's name.
    """

    def __init__(self, alpha=0.5, min_lines=2):
        self.alpha = alpha
        self.min_lines = min_lines
        self.lines_with = {}
        self.class_weight = {}
        self.counts = {}
        self.totals = {}
        self.vocabulary = set()

    def add(self, features, label, weight=1.0):
        self.class_weight[label] = self.class_weight.get(label, 0.0) + weight
        counts = self.counts.setdefault(label, {})
        for feature in features:
            counts[feature] = counts.get(feature, 0.0) + weight
            self.lines_with[feature] = self.lines_with.get(feature, 0) + 1
            self.vocabulary.add(feature)
        self.totals[label] = self.totals.get(label, 0.0) + weight * len(features)

    def posterior(self, features):
        """{label: probability} for a line with ``features`` (only words seen in training count)."""
        if not self.class_weight:
            return {}
        known = [feature for feature in features if self.lines_with.get(feature, 0) >= self.min_lines]
        size = len(self.vocabulary)
        total = sum(self.class_weight.values())
        scores = {}
        for label, weight in self.class_weight.items():
            counts, denominator = self.counts[label], self.totals[label] + self.alpha * size
            scores[label] = math.log(weight / total) + sum(
                math.log((counts.get(feature, 0.0) + self.alpha) / denominator) for feature in known
            )
        top = max(scores.values())
        exp = {label: math.exp(score - top) for label, score in scores.items()}
        norm = sum(exp.values())
        return {label: value / norm for label, value in exp.items()}
