"""Where everyone sits on the opinion map (step 3 of the method), from the votes they cast only.

``p_i = sqrt(m / n_i) * sum over i's votes of (x_ij - center_j) pc_j`` with ``m`` the number of statements and
``n_i`` the number of i's votes (zeroed columns counting as votes, passes for everybody). Participants without votes
get NaN. Statement j sits at ``sqrt(m) * (1 - center_j) * pc_j``, where a participant who agreed with j only would
be; its ``extremity`` is the length of that vector.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from tillit.dialogues.analysis.matrix import PreparedVotes
from tillit.dialogues.analysis.pca import CentredVotes

__all__ = ["Projection", "project"]


@dataclass(frozen=True)
class Projection:
    positions: np.ndarray  # (n, 2), NaN for participants without votes
    statement_positions: np.ndarray  # (m, 2)
    extremity: np.ndarray  # (m,)


def project(
    votes: PreparedVotes, centred: CentredVotes, components: np.ndarray, threads: ThreadPoolExecutor | None
) -> Projection:
    """Step 3: the participants' and the statements' places on the map of the two `components` (2, m)."""
    matrix = centred.centred
    if threads is not None:
        proj = np.column_stack(list(threads.map(lambda v: matrix @ v, [components[0], components[1]])))
    else:
        proj = matrix @ components.T
    n, m, voted = votes.n, votes.m, votes.voted
    n_scaled = np.diff(centred.indptr) + int(votes.zeroed.sum())  # zeroed columns count as passes for everybody
    positions = np.full((n, 2), np.nan)
    if m:
        scale = np.sqrt(m / np.maximum(n_scaled[voted], 1))
        positions[voted] = proj[voted] * scale[:, None]
    statement_positions = (math.sqrt(m) * (1.0 - centred.center))[:, None] * components.T if m else np.zeros((0, 2))
    extremity = np.sqrt((statement_positions**2).sum(axis=1))
    return Projection(positions, statement_positions, extremity)
