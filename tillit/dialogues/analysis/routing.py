"""Which statement a participant sees next (step 11 of the method): a routing priority per statement.

From the totals A, D, S and P = S - A - D over the clustered participants:
``importance = (1 - (P+1)/(S+2)) * (E+1) * (A+1)/(S+2)`` with E the statement's extremity on the map, and
``priority = (importance * (1 + 8 * 2**(-S/5)))**2``: statements with few votes get a large novelty boost that halves
every 5 votes; statements that split opinion (far from the centre) and are not mostly passed rank higher. Meta
statements get 7**2 = 49 and rejected ones 0. The next statement is drawn with probability proportional to it.
"""

from __future__ import annotations

import numpy as np

__all__ = ["META_PRIORITY", "NOVELTY_BOOST", "NOVELTY_HALF_LIFE_VOTES", "UNSEEN_PRIORITY", "priority"]

META_PRIORITY = 7.0  # routing weight root of meta statements
NOVELTY_BOOST = 8
NOVELTY_HALF_LIFE_VOTES = 5


def priority(
    agree: np.ndarray,
    disagree: np.ndarray,
    seen: np.ndarray,
    extremity: np.ndarray,
    *,
    meta: np.ndarray,
    excluded: np.ndarray,
) -> np.ndarray:
    """The routing weight of every statement from its totals (float arrays, one entry per statement)."""
    passes = seen - agree - disagree
    importance = (1 - (passes + 1) / (seen + 2)) * (extremity + 1) * (agree + 1) / (seen + 2)
    weights: np.ndarray = (importance * (1 + NOVELTY_BOOST * 2 ** (-seen / NOVELTY_HALF_LIFE_VOTES))) ** 2
    weights[meta] = META_PRIORITY**2
    weights[excluded] = 0.0
    return weights


_NONE = np.zeros(1)
UNSEEN_PRIORITY: float = float(priority(_NONE, _NONE, _NONE, _NONE, meta=_NONE > 0, excluded=_NONE > 0)[0])
"""The weight of a statement nobody has voted on yet, at the centre of the map (one added since the last update)."""
