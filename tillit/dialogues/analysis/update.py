"""One update of a dialogue's analysis: the steps of the method (see the package docstring), in order.

`analyse` composes them; each lives in the module named for what it computes. `Analysis` is what an update returns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tillit.dialogues.analysis.clustering import (
    base_clusters,
    candidate_groupings,
    clustered_participants,
    opinion_groups,
)
from tillit.dialogues.analysis.consensus import ConsensusStatement, actor_consensus, classic_consensus, gac
from tillit.dialogues.analysis.matrix import VoteMatrix, count_by_label, prepare
from tillit.dialogues.analysis.pca import centre, principal_components, threads_for
from tillit.dialogues.analysis.projection import project
from tillit.dialogues.analysis.repness import RepresentativeStatement, representative
from tillit.dialogues.analysis.routing import priority
from tillit.dialogues.analysis.state import SmoothingState, smooth_k

__all__ = ["Analysis", "analyse"]


@dataclass(frozen=True)
class Analysis:
    """The result of :func:`analyse`. Arrays are indexed by participant (n) or statement (m).

    Groups: ``k`` opinion groups numbered 0..k-1; ``groups[i]`` is -1 for participants
    who are not clustered. ``agree``/``disagree``/``seen`` are (k, m) counts over
    clustered members. Actor-group fields are None when no ``actor_groups`` were given;
    otherwise row r of ``actor_*`` belongs to declared label ``actor_labels[r]``.
    """

    n_participants: int
    n_statements: int
    vote_counts: np.ndarray  # (n,) votes cast per participant (rejected statements included)
    positions: np.ndarray  # (n, 2), NaN for participants without votes
    clustered: np.ndarray  # (n,) bool
    groups: np.ndarray  # (n,) int, -1 = not clustered
    k: int  # groups shown (after the k-smoother)
    best_k: int  # silhouette winner of this update (0 when no grouping was possible)
    silhouettes: dict[int, float]  # mean silhouette of the base centres per tried k
    base_labels: np.ndarray  # (n,) base cluster per participant, -1 = not clustered
    base_centres: np.ndarray  # (n_base, 2)
    base_weights: np.ndarray  # (n_base,) members per base cluster
    base_groups: np.ndarray  # (n_base,) opinion group of each base cluster
    group_centres: np.ndarray  # (k, 2)
    components: np.ndarray  # (2, m)
    eigenvalues: np.ndarray  # (2,) of the centred Gram matrix (squared singular values)
    center: np.ndarray  # (m,)
    statement_positions: np.ndarray  # (m, 2)
    extremity: np.ndarray  # (m,)
    agree: np.ndarray  # (k, m)
    disagree: np.ndarray  # (k, m)
    seen: np.ndarray  # (k, m)
    representative: tuple[tuple[RepresentativeStatement, ...], ...]  # per group
    group_consensus: np.ndarray  # (m,) product over groups of (A_g+1)/(S_g+2); NaN when k == 0
    group_consensus_mean: np.ndarray  # (m,) its geometric mean over groups
    group_consensus_eligible: np.ndarray  # (m,) bool, see the module docstring
    actor_labels: np.ndarray | None  # (g,) declared labels present among voters
    actor_agree: np.ndarray | None  # (g, m)
    actor_disagree: np.ndarray | None  # (g, m)
    actor_seen: np.ndarray | None  # (g, m)
    actor_consensus: np.ndarray | None  # (m,)
    actor_consensus_mean: np.ndarray | None  # (m,)
    actor_consensus_eligible: np.ndarray | None  # (m,) bool
    consensus_agree: tuple[ConsensusStatement, ...]
    consensus_disagree: tuple[ConsensusStatement, ...]
    priority: np.ndarray  # (m,) comment-routing weight; 49 for meta, 0 for rejected statements
    state: SmoothingState  # persist and pass back as ``previous``

    def top_bridging(self, n: int = 5, *, actor: bool = False) -> list[int]:
        """Eligible statements with the highest group-informed consensus (geometric mean),
        best first; ties go to the lower index."""
        if actor:
            if self.actor_consensus_mean is None or self.actor_consensus_eligible is None:
                return []
            score, eligible = self.actor_consensus_mean, self.actor_consensus_eligible
        else:
            score, eligible = self.group_consensus_mean, self.group_consensus_eligible
        idx = np.flatnonzero(eligible)
        idx = idx[np.argsort(-score[idx], kind="stable")]
        return [int(j) for j in idx[:n]]


def analyse(
    matrix: VoteMatrix,
    *,
    actor_groups: np.ndarray | None = None,
    seed: int = 0,
    previous: SmoothingState | None = None,
    min_votes: int = 7,
    min_clustered: int = 15,
    consensus_min_votes: int = 5,
    imputation: str = "mean",
) -> Analysis:
    """Run the whole Pol.is update on ``matrix``. See the package docstring."""
    votes = prepare(matrix)
    centred = centre(votes, imputation)
    with threads_for(centred.kept) as threads:
        eigenvalues, components = principal_components(
            centred, seed=seed, previous=None if previous is None else previous.components, threads=threads
        )
        projection = project(votes, centred, components, threads)
    clustered = clustered_participants(
        votes,
        sticky=None if previous is None else previous.clustered,
        min_votes=min_votes,
        min_clustered=min_clustered,
    )
    members = np.flatnonzero(clustered)
    base = base_clusters(projection.positions, members)
    groupings = candidate_groupings(base, seed)
    chosen = smooth_k(groupings, base.size, previous)
    grouped = opinion_groups(base, chosen.base_groups, chosen.k, members)
    # Counts per group: the votes as cast, rejected statements included.
    agree, disagree, seen = count_by_label(grouped.groups, votes.vote_counts, chosen.k, votes.colval, votes.m)
    actors = None if actor_groups is None else actor_consensus(votes, actor_groups, consensus_min_votes)
    consensus, consensus_mean, consensus_eligible = gac(agree, seen, votes.zeroed, consensus_min_votes)
    per_statement = votes.per_statement
    consensus_agree, consensus_disagree = classic_consensus(
        per_statement[:, 2], per_statement[:, 0], per_statement.sum(axis=1), votes.zeroed
    )
    return Analysis(
        n_participants=votes.n,
        n_statements=votes.m,
        vote_counts=votes.vote_counts.astype(np.int64),
        positions=projection.positions,
        clustered=clustered,
        groups=grouped.groups,
        k=int(chosen.k),
        best_k=int(groupings.best_k),
        silhouettes=groupings.silhouettes,
        base_labels=base.labels,
        base_centres=base.centres,
        base_weights=base.weights,
        base_groups=grouped.base_groups,
        group_centres=grouped.centres,
        components=components,
        eigenvalues=eigenvalues,
        center=centred.center,
        statement_positions=projection.statement_positions,
        extremity=projection.extremity,
        agree=agree,
        disagree=disagree,
        seen=seen,
        representative=representative(agree, disagree, seen, votes.zeroed),
        group_consensus=consensus,
        group_consensus_mean=consensus_mean,
        group_consensus_eligible=consensus_eligible,
        actor_labels=None if actors is None else actors.labels,
        actor_agree=None if actors is None else actors.agree,
        actor_disagree=None if actors is None else actors.disagree,
        actor_seen=None if actors is None else actors.seen,
        actor_consensus=None if actors is None else actors.consensus,
        actor_consensus_mean=None if actors is None else actors.consensus_mean,
        actor_consensus_eligible=None if actors is None else actors.eligible,
        consensus_agree=consensus_agree,
        consensus_disagree=consensus_disagree,
        priority=priority(
            agree.sum(axis=0).astype(np.float64),
            disagree.sum(axis=0).astype(np.float64),
            seen.sum(axis=0).astype(np.float64),
            projection.extremity,
            meta=votes.meta,
            excluded=votes.excluded,
        ),
        state=SmoothingState(
            k=int(chosen.k),
            candidate_k=int(chosen.candidate_k),
            candidate_streak=int(chosen.streak),
            components=components.copy(),
            clustered=members.astype(np.int64),
        ),
    )
