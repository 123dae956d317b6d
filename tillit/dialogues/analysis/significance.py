"""The significance tests every Pol.is figure uses: one-sided at 90 %, with add-one smoothing."""

from __future__ import annotations

import numpy as np

__all__ = ["Z_90", "prop_test", "two_prop_test"]

Z_90 = 1.2816
"""One-sided 90 % z threshold used by every Pol.is significance test."""


def prop_test(success: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Pol.is one-proportion z against 1/2 with add-one smoothing."""
    result: np.ndarray = 2 * np.sqrt(n + 1) * ((success + 1) / (n + 1) - 0.5)
    return result


def two_prop_test(s1: np.ndarray, n1: np.ndarray, s2: np.ndarray, n2: np.ndarray) -> np.ndarray:
    """Pol.is two-proportion z with one added to each count; 0 when the pooled share is 1."""
    p1 = (s1 + 1) / (n1 + 1)
    p2 = (s2 + 1) / (n2 + 1)
    pooled = (s1 + s2 + 2) / (n1 + n2 + 2)
    var = pooled * (1 - pooled) * (1 / (n1 + 1) + 1 / (n2 + 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (p1 - p2) / np.sqrt(var)
    return np.where(var > 0, z, 0.0)
