"""What one update hands to the next, and the k-smoother (step 7 of the method).

The displayed number of groups k changes only after the same new k has won ``K_BUFFER`` = 4 consecutive updates, so
that the groups a reader sees do not flicker between two near-equal groupings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from tillit.dialogues.analysis.clustering import Groupings

__all__ = ["K_BUFFER", "ChosenK", "SmoothingState", "smooth_k"]

K_BUFFER = 4
"""A new k must win this many consecutive updates before it is shown."""


@dataclass(frozen=True)
class SmoothingState:
    """What one update hands to the next. Persist it per dialogue (it pickles, and
    :meth:`as_dict` / :meth:`from_dict` give plain JSON-able data).

    - ``k``: the number of groups shown;
    - ``candidate_k`` / ``candidate_streak``: a different k that won the silhouette
      contest, and for how many consecutive updates (0 / 0 when none);
    - ``components``: the PCA components (2, m), for sign alignment and warm start;
    - ``clustered``: sorted indices of the participants in clustering (sticky).
    """

    k: int
    candidate_k: int
    candidate_streak: int
    components: np.ndarray
    clustered: np.ndarray

    def as_dict(self) -> dict[str, Any]:
        return {
            "k": int(self.k),
            "candidate_k": int(self.candidate_k),
            "candidate_streak": int(self.candidate_streak),
            "components": np.asarray(self.components, dtype=float).tolist(),
            "clustered": np.asarray(self.clustered, dtype=np.int64).tolist(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SmoothingState:
        components = np.asarray(data["components"], dtype=np.float64)
        if components.size == 0:
            components = components.reshape(2, 0)
        return cls(
            k=int(data["k"]),
            candidate_k=int(data["candidate_k"]),
            candidate_streak=int(data["candidate_streak"]),
            components=components,
            clustered=np.asarray(data["clustered"], dtype=np.int64),
        )


@dataclass(frozen=True)
class ChosenK:
    k: int  # the number of groups shown
    candidate_k: int  # a different k that is winning, not yet shown (0: none)
    streak: int  # for how many consecutive updates it has won
    base_groups: np.ndarray  # (n_base,) the group of each base cluster under k


def smooth_k(groupings: Groupings, n_base: int, previous: SmoothingState | None) -> ChosenK:
    """Step 7: the k shown. Without a grouping, one group when there are base clusters (none without); otherwise
    the silhouette winner, unless the previous k can still be shown and the winner has not yet won K_BUFFER times."""
    best_k = groupings.best_k
    if best_k == 0:
        return ChosenK(1 if n_base >= 1 else 0, 0, 0, np.zeros(n_base, dtype=np.int64))
    k, candidate_k, streak = best_k, 0, 0
    if previous is not None and previous.k in groupings.labelings and previous.k != best_k:
        streak = previous.candidate_streak + 1 if previous.candidate_k == best_k else 1
        if streak >= K_BUFFER:
            k, candidate_k, streak = best_k, 0, 0
        else:
            k, candidate_k = previous.k, best_k
    return ChosenK(k, candidate_k, streak, groupings.labelings[k])
