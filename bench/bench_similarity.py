"""Proposals of similar suggestions (`tillit.core.similarity`): precision and recall on the labelled set, and the
time to propose pairs among a service's suggestions.

The labelled set (`tillit/core/tests/data/similar_suggestions_sv.csv`) holds 108 pairs of Swedish suggestions as
service users and relatives write them: 62 that say the same thing in other words, 46 on the same subject that say
something else. Every text of the set is compared with every other, as among one service's suggestions, and each
labelled pair is scored from that. The threshold (`similarity.THRESHOLD`) was chosen on the first half (the highest
F1, ties to the higher threshold); the second half is held out. Then the pairs among 1,000 and 5,000 generated
suggestions (words drawn from the set's own) are proposed, timed.
"""

from __future__ import annotations

import csv
import platform
import random
import sys
import time
from pathlib import Path

import harness

TITLE = "Similar suggestions: precision and recall on 108 labelled Swedish pairs, and proposals at scale"

LABELLED = harness.ROOT / "tillit" / "core" / "tests" / "data" / "similar_suggestions_sv.csv"
THRESHOLDS = (0.05, 0.1, 0.15, 0.2, 0.3)
SCALES = (1_000, 5_000)


def run() -> dict[str, object]:
    if str(harness.ROOT) not in sys.path:
        sys.path.insert(0, str(harness.ROOT))  # a pure module: no Django needed
    import numpy as np

    from tillit.core import similarity

    with Path(LABELLED).open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file, delimiter=";"))
    pool = sorted({row["first"] for row in rows} | {row["second"] for row in rows})
    at = {text: index for index, text in enumerate(pool)}
    matrix = similarity.similarity_matrix(pool).toarray()
    scores = np.array([matrix[at[row["first"]], at[row["second"]]] for row in rows])
    similar = np.array([row["similar"] == "1" for row in rows])
    half = len(rows) // 2

    def measured(part: slice, threshold: float) -> tuple[float, float]:
        proposed = scores[part] >= threshold
        found = int((proposed & similar[part]).sum())
        return found / max(int(proposed.sum()), 1), found / int(similar[part].sum())

    table: list[dict[str, object]] = []
    for threshold in THRESHOLDS:
        chosen = " (THRESHOLD)" if threshold == similarity.THRESHOLD else ""
        for name, part in (("first half (tuning)", slice(0, half)), ("second half (held out)", slice(half, None))):
            precision, recall = measured(part, threshold)
            table.append(
                {
                    "threshold": f"{threshold:g}{chosen}",
                    "pairs": name,
                    "precision": round(precision, 2),
                    "recall": round(recall, 2),
                    "F1": round(2 * precision * recall / (precision + recall), 2) if precision + recall else 0.0,
                }
            )

    vocabulary = [word for text in pool for word in text.rstrip(".").split()]
    rng = random.Random(20261204)
    figures: dict[str, object] = {}
    for count in SCALES:
        texts = [" ".join(rng.choices(vocabulary, k=rng.randint(4, 14))) for _ in range(count)]
        started = time.perf_counter()
        pairs = similarity.similar_pairs(texts)
        figures[f"proposals among {count:,} suggestions, s"] = round(time.perf_counter() - started, 3)
        figures[f"pairs proposed among {count:,}"] = len(pairs)

    facts: dict[str, object] = {
        "machine": f"{platform.system()} {platform.release()} {platform.machine()}",
        "python": platform.python_version(),
        "labelled pairs": f"{len(rows)} ({int(similar.sum())} similar), texts compared together: {len(pool)}",
        "threshold": similarity.THRESHOLD,
    }
    return {"title": TITLE, "facts": facts, "rows": table, "figures": figures, "warnings": []}
