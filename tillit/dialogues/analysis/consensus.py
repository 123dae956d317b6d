"""What the groups agree on (step 10 of the method).

- **Group-informed consensus** (GAC): ``prod over groups g of (A_g+1)/(S_g+2)`` over the opinion groups and, when
  actor groups are given, over the declared actor groups (labels >= 0). The product shrinks as k grows, so the
  geometric mean is reported too: use it to compare across k or dialogues. Guard: a statement is *eligible* only
  when it is neither rejected nor meta and **every** group that counts has ``S_g >= consensus_min_votes``; otherwise a
  statement seen by a handful of people could score high on the smoothing alone. For opinion groups all k groups
  count (clustered members only, as Pol.is); for actor groups every declared label held by at least one voter counts,
  with all its voters, clustered or not.
- **Classic (group-blind) consensus** over all voters: ``pa > 0.5`` and ``pat > Z_90``, top 5 by ``pa*pat``; the same
  for disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tillit.dialogues.analysis.matrix import PreparedVotes, count_by_label
from tillit.dialogues.analysis.significance import Z_90, prop_test

__all__ = [
    "MAX_CONSENSUS",
    "ActorConsensus",
    "ConsensusStatement",
    "actor_consensus",
    "classic_consensus",
    "gac",
]

MAX_CONSENSUS = 5


@dataclass(frozen=True)
class ConsensusStatement:
    """A group-blind consensus statement: ``count`` of ``seen`` voters agreed (or
    disagreed); ``percent`` = 100 * smoothed share, ``p_test`` its z-score."""

    statement: int
    kind: str
    count: int
    seen: int
    percent: float
    p_test: float


def gac(
    agree: np.ndarray, seen: np.ndarray, excluded: np.ndarray, min_votes: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Group-informed consensus: product, geometric mean and eligibility per statement."""
    m = excluded.size
    g = agree.shape[0]
    if g == 0:
        nan = np.full(m, np.nan)
        return nan, nan.copy(), np.zeros(m, dtype=bool)
    logs = np.log((agree + 1) / (seen + 2))
    total = logs.sum(axis=0)
    eligible = (~excluded) & np.all(seen >= min_votes, axis=0)
    return np.exp(total), np.exp(total / g), eligible


def classic_consensus(
    agree: np.ndarray, disagree: np.ndarray, seen: np.ndarray, excluded: np.ndarray
) -> tuple[tuple[ConsensusStatement, ...], tuple[ConsensusStatement, ...]]:
    result = []
    for kind, count in (("agree", agree), ("disagree", disagree)):
        c = count.astype(np.float64)
        s = seen.astype(np.float64)
        p = (c + 1) / (s + 2)
        z = prop_test(c, s)
        ok = np.flatnonzero((~excluded) & (p > 0.5) & (z > Z_90))
        ok = ok[np.argsort(-(p[ok] * z[ok]), kind="stable")][:MAX_CONSENSUS]
        result.append(
            tuple(
                ConsensusStatement(
                    statement=int(j),
                    kind=kind,
                    count=int(count[j]),
                    seen=int(seen[j]),
                    percent=float(100 * p[j]),
                    p_test=float(z[j]),
                )
                for j in ok
            )
        )
    return result[0], result[1]


@dataclass(frozen=True)
class ActorConsensus:
    """The counts and the group-informed consensus over the declared actor groups; row r is label ``labels[r]``."""

    labels: np.ndarray  # (g,) declared labels present among voters
    agree: np.ndarray  # (g, m)
    disagree: np.ndarray  # (g, m)
    seen: np.ndarray  # (g, m)
    consensus: np.ndarray  # (m,)
    consensus_mean: np.ndarray  # (m,)
    eligible: np.ndarray  # (m,) bool


def actor_consensus(votes: PreparedVotes, actor_groups: np.ndarray, min_votes: int) -> ActorConsensus:
    """The actor groups' counts and consensus; `actor_groups` has one label per participant (-1: none declared)."""
    n, m = votes.n, votes.m
    ag = np.asarray(actor_groups, dtype=np.int64)
    if ag.shape != (n,):
        raise ValueError("actor_groups must have one label per participant")
    labels = np.unique(ag[votes.voted & (ag >= 0)])
    actor_index = np.full(n, -1, dtype=np.int64)
    present = np.isin(ag, labels)
    actor_index[present] = np.searchsorted(labels, ag[present])
    agree, disagree, seen = count_by_label(actor_index, votes.vote_counts, labels.size, votes.colval, m)
    product, mean, eligible = gac(agree, seen, votes.zeroed, min_votes)
    return ActorConsensus(labels, agree, disagree, seen, product, mean, eligible)
