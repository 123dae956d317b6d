"""Opinion analysis of a dialogue, following the Pol.is method.

A re-statement of the method Pol.is publishes (Small et al. 2021, and our own description in
``shared/reference/opinion_math.md``), written from that description only. Pure Python on NumPy and SciPy, with no
Django imports, so management commands, the background worker and the benchmark can all call it.

Input
-----
:class:`VoteMatrix` holds the votes as compact arrays (one entry per cast vote), never as a dense participant x
statement matrix (see `matrix`). There is at most one vote per (participant, statement): :func:`latest_votes` (or
:meth:`VoteMatrix.from_votes`) keeps the latest one of a vote history. ``analyse`` is fastest when the votes are
ordered by participant, as :func:`latest_votes` returns them; any order is accepted. Participants and statements
keep their index from one update to the next (Pol.is numbers them in order of arrival), since :class:`SmoothingState`
and the base-cluster initialisation refer to that order.

Use
---
::

    from tillit.dialogues import analysis as opinion

    result = opinion.analyse(matrix, actor_groups=None, seed=0, previous=None, min_votes=7,
                             min_clustered=15, consensus_min_votes=5, imputation="mean")
    store(result.state)          # pass it back as previous= next time

See :class:`Analysis` for the result. Same input, same output: every step is deterministic (random starts come from
``seed``).

The method, step by step
------------------------
Each step lives in the module named for what it computes; `update.analyse` runs them in this order.

1. **Matrix** (`matrix`). The columns of rejected and meta statements are overwritten with passes for everybody
   (Pol.is "zeroes" them): they take no part in the PCA, and every participant counts them as cast votes in the
   projection scaling. The vote statistics (A, D, S below) use the votes as cast.
2. **PCA** (`pca`): the top two components of the sparse, centred votes, missing votes imputed with the mean.
3. **Projection** (`projection`): every participant's place on the map, from the votes they cast only; every
   statement's place and its extremity.
4. **Who is clustered** (`clustering`): enough votes, or clustered before (sticky), topped up to a minimum.
5. **Base clusters** (`clustering`): k-means with up to 100 centres.
6. **Opinion groups** (`clustering`): weighted k-means of the base centres for k = 2 .. max_k, scored by silhouette.
7. **k-smoother** (`state`, only with ``previous``): a new k is shown after winning 4 consecutive updates.
8. **Counts** (`matrix.count_by_label`): per group and statement, A agrees, D disagrees, S votes seen, over the
   group's clustered members, from the votes as cast.
9. **Representative statements** (`repness`): per group, Pol.is "repness" with the significance tests of
   `significance`.
10. **Consensus** (`consensus`): group-informed consensus over the opinion groups and the actor groups, and classic
    group-blind consensus.
11. **Routing priority** (`routing`): the weight with which each statement is drawn next.

`comparison.adjusted_rand_index` compares two groupings (with Pol.is's own, or planted ones).

Deliberate differences from the Pol.is server: the PCA is solved to convergence (Pol.is runs 100 power iterations
from an unseeded start, and unseeded mini-batches above 10,000 participants); the group k-means runs to convergence
from several starts (Pol.is runs 20 iterations, its quirk Q3, from one warm start); base clusters are not
warm-started from the previous update; routing uses the current counts (Pol.is those of the previous update).
"""

from __future__ import annotations

from tillit.dialogues.analysis.comparison import adjusted_rand_index
from tillit.dialogues.analysis.consensus import ConsensusStatement
from tillit.dialogues.analysis.matrix import VoteMatrix, latest_votes
from tillit.dialogues.analysis.repness import RepresentativeStatement
from tillit.dialogues.analysis.significance import Z_90
from tillit.dialogues.analysis.state import K_BUFFER, SmoothingState
from tillit.dialogues.analysis.update import Analysis, analyse

__all__ = [
    "K_BUFFER",
    "Z_90",
    "Analysis",
    "ConsensusStatement",
    "RepresentativeStatement",
    "SmoothingState",
    "VoteMatrix",
    "adjusted_rand_index",
    "analyse",
    "latest_votes",
]
