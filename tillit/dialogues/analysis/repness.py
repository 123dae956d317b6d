"""The statements that set each opinion group apart (step 9 of the method, Pol.is "repness").

Per group and statement: ``pa = (A+1)/(S+2)``, ``pat = 2 sqrt(S+1) ((A+1)/(S+1) - 1/2)``, ``ra = pa / pa_rest``, ``rat``
the two-proportion z-test against the other clustered participants (each count + 1), and the same for disagree (pd,
pdt, rd, rdt). A statement qualifies when ``rat`` and ``pat`` (or ``rdt`` and ``pdt``) both exceed ``Z_90`` = 1.2816;
it is an "agree" if ``rat > rdt``. Qualifying statements are ranked by ``ra*rat*pa*pat`` (or the disagree analogue);
the group's "best agree" goes first (Pol.is's running comparison over the statements in order, where every candidate,
not only the first, must pass the entry test: pat significant, or ra > 1 with pa > 0.5), at most 5 are kept, agrees
before disagrees. A group with none gets the single statement with the highest ``max(rat, rdt)``. Rejected and meta
statements are never chosen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tillit.dialogues.analysis.significance import Z_90, prop_test, two_prop_test

__all__ = ["MAX_REPRESENTATIVE", "RepresentativeStatement", "representative"]

MAX_REPRESENTATIVE = 5


@dataclass(frozen=True)
class RepresentativeStatement:
    """A statement that sets a group apart, with the figures that explain it.

    ``kind`` is "agree" or "disagree"; the other figures are for that kind: ``count`` is A
    (or D) in the group out of ``seen`` votes, ``percent`` is 100 * pa (or pd), the
    Laplace-smoothed share; ``*_rest`` are the same over all other clustered
    participants. ``repness`` is ra (rd), ``repness_test`` rat (rdt), ``p_test`` pat (pdt).
    ``best_agree`` marks the group's Pol.is "best agree" statement.
    """

    statement: int
    kind: str
    count: int
    seen: int
    percent: float
    count_rest: int
    seen_rest: int
    percent_rest: float
    repness: float
    repness_test: float
    p_test: float
    best_agree: bool = False


def representative(
    agree: np.ndarray, disagree: np.ndarray, seen: np.ndarray, excluded: np.ndarray
) -> tuple[tuple[RepresentativeStatement, ...], ...]:
    k = agree.shape[0]
    if k < 2:
        return tuple(() for _ in range(k))
    a = agree.astype(np.float64)
    d = disagree.astype(np.float64)
    s = seen.astype(np.float64)
    a_rest = a.sum(axis=0) - a
    d_rest = d.sum(axis=0) - d
    s_rest = s.sum(axis=0) - s
    pa = (a + 1) / (s + 2)
    pd = (d + 1) / (s + 2)
    pa_rest = (a_rest + 1) / (s_rest + 2)
    pd_rest = (d_rest + 1) / (s_rest + 2)
    pat = prop_test(a, s)
    pdt = prop_test(d, s)
    ra = pa / pa_rest
    rd = pd / pd_rest
    rat = two_prop_test(a, s, a_rest, s_rest)
    rdt = two_prop_test(d, s, d_rest, s_rest)
    agree_ok = (rat > Z_90) & (pat > Z_90)
    disagree_ok = (rdt > Z_90) & (pdt > Z_90)
    is_agree = rat > rdt
    metric_agree = ra * rat * pa * pat
    metric_disagree = rd * rdt * pd * pdt
    allowed = ~excluded

    out = []
    for g in range(k):

        def make(j: int, agree_kind: bool, best: bool = False, g: int = g) -> RepresentativeStatement:
            if agree_kind:
                return RepresentativeStatement(
                    statement=j,
                    kind="agree",
                    count=int(agree[g, j]),
                    seen=int(seen[g, j]),
                    percent=float(100 * pa[g, j]),
                    count_rest=int(a_rest[g, j]),
                    seen_rest=int(s_rest[g, j]),
                    percent_rest=float(100 * pa_rest[g, j]),
                    repness=float(ra[g, j]),
                    repness_test=float(rat[g, j]),
                    p_test=float(pat[g, j]),
                    best_agree=best,
                )
            return RepresentativeStatement(
                statement=j,
                kind="disagree",
                count=int(disagree[g, j]),
                seen=int(seen[g, j]),
                percent=float(100 * pd[g, j]),
                count_rest=int(d_rest[g, j]),
                seen_rest=int(s_rest[g, j]),
                percent_rest=float(100 * pd_rest[g, j]),
                repness=float(rd[g, j]),
                repness_test=float(rdt[g, j]),
                p_test=float(pdt[g, j]),
            )

        # Best agree: Pol.is's running comparison over the statements in order. Pol.is states
        # the entry test (pat significant, or ra > 1 with pa > 0.5) for the first candidate;
        # we apply it to every candidate, so that a statement the group rejects (negative
        # rat and pat, whose product is positive) can never become its "best agree".
        best = -1
        ra_g, rat_g, pa_g, pat_g = ra[g], rat[g], pa[g], pat[g]
        entry = allowed & (agree[g] > 0) & ((pat_g > Z_90) | ((ra_g > 1) & (pa_g > 0.5)))
        full = (ra_g * rat_g * pa_g * pat_g).tolist()
        simple = (pa_g * pat_g).tolist()
        ra_list = ra_g.tolist()
        for j in np.flatnonzero(entry).tolist():
            if best < 0 or (full[j] > full[best] if ra_list[best] > 1 else simple[j] > simple[best]):
                best = j

        ok = allowed & (agree_ok[g] | disagree_ok[g])
        idx = np.flatnonzero(ok)
        metric = np.where(is_agree[g, idx], metric_agree[g, idx], metric_disagree[g, idx])
        idx = idx[np.argsort(-metric, kind="stable")]
        chosen = [int(j) for j in idx]
        if best >= 0:
            chosen = [best] + [j for j in chosen if j != best]
        chosen = chosen[:MAX_REPRESENTATIVE]
        if not chosen:
            pool = np.flatnonzero(allowed & (seen[g] > 0))
            if pool.size:
                score = np.maximum(rat[g, pool], rdt[g, pool])
                chosen = [int(pool[int(np.argmax(score))])]
        kinds = [(j == best) or bool(is_agree[g, j]) for j in chosen]
        items = [make(j, kind, best=(j == best)) for j, kind in zip(chosen, kinds, strict=True)]
        items.sort(key=lambda r: r.kind != "agree")  # stable: agrees first
        out.append(tuple(items))
    return tuple(out)
