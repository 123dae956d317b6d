"""Which short texts say much the same thing: proposals of pairs to merge, for a person to confirm.

Service users' suggestions (Brukarrösten) and short answers in a live meeting are written freely, with the
inflections and compound words of Swedish: "maten är kall" and "matlådorna är kalla när de levereras" share no word
as written. Each text becomes a bag of features, weighted by how rare they are among the texts compared (TF-IDF with
a smoothed inverse document frequency), and two texts are as similar as the cosine of their vectors:

- every word, lower-cased, with the language's common function words left out, reduced to its stem by the Snowball
  stemmer of the language (`snowballstemmer`: "kalla" and "kall" → "kall", "ensamheten" → "ensam");
- and, for stems of at least `MIN_PART_LENGTH` letters, their runs of `PART_LENGTH` letters, so that the parts of a
  compound meet the word on its own ("trygghetslarmet" shares "larm" with "larmet", "skolmat" shares "skol" with
  "skollunch"), weighted by `PART_WEIGHT`, so that a shared word counts more than a shared run of letters.

A pair is proposed when its cosine reaches `THRESHOLD`: proposals for a person to confirm, so the threshold favours
finding the pairs over never proposing a wrong one. Its precision and recall on a labelled set of 108 Swedish pairs
are in `docs/similarity.md` (`bench/run.py similarity`); the threshold was chosen on the first half of the set and
is reported on the second. Pure: no Django, no database; strings in, pairs out.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Protocol

import numpy as np
import snowballstemmer
from scipy import sparse

__all__ = ["LANGUAGES", "PER_TEXT", "THRESHOLD", "Pair", "features", "similar_pairs", "similarity_matrix", "stems"]

LANGUAGES: Final = {"sv": "swedish", "en": "english", "fi": "finnish", "ar": "arabic"}
THRESHOLD: Final = 0.1
PER_TEXT: Final = 3
PART_LENGTH: Final = 4
MIN_PART_LENGTH: Final = 6
PART_WEIGHT: Final = 0.5

_WORD: Final = re.compile(r"[^\W\d_]+")

# Function words that say nothing of what a text is about (after lower-casing; before stemming). Only Swedish and
# English have lists: in the other languages the inverse document frequency alone weighs common words down.
_SWEDISH_STOP_WORDS: Final = """
och att det som en ett i på är av för med till den de har inte om jag vi ni du han hon hen man mig mej
dig oss er sig min mitt mina din ditt dina vår vårt våra er ert era sin sitt sina hans hennes deras dem
denna detta dessa där här när då så men eller nu var vara varit blir bli blev kan kunde ska skulle vill
ville får fick måste även också bara mycket mer mest än som från under över efter innan utan vid hos
mot genom sedan alla allt andra annan annat något någon några inget ingen inga varje vilken vilket vilka
hur varför vad vem sina åt ju nog väl ha hade haft
"""
_ENGLISH_STOP_WORDS: Final = """
a an the and or but if of to in on at for with from by as is are was were be been being it its this that
these those i me my we our you your he him his she her they them their not no so than then there here
when what which who how why all any some can could will would shall should may might must do does did
have has had more most very just also
"""
_STOP_WORDS: Final = {
    "sv": frozenset(_SWEDISH_STOP_WORDS.split()),
    "en": frozenset(_ENGLISH_STOP_WORDS.split()),
}


@dataclass(frozen=True)
class Pair:
    """Two texts (their indices in the list compared, first < second) and how similar they are (0–1)."""

    first: int
    second: int
    score: float


class _Stemmer(Protocol):
    def stemWords(self, words: list[str]) -> list[str]: ...  # noqa: N802  (the library's name)


@functools.cache
def _stemmer(language: str) -> _Stemmer:
    stemmer: _Stemmer = snowballstemmer.stemmer(LANGUAGES[language])
    return stemmer


def stems(words: list[str], language: str = "sv") -> list[str]:
    """The Snowball stems of words already lower-cased ("tilliten" → "tillit"): what merges a live word cloud's
    answers, as it merges the features here."""
    if language not in LANGUAGES:
        raise ValueError(f"no stemmer for language {language!r}")
    return _stemmer(language).stemWords(words)


def features(text: str, language: str = "sv") -> list[str]:
    """The text's features: the stems of its words (function words left out), then the letter runs of the longer
    stems, marked with a leading "~" so that a run never counts as a word."""
    if language not in LANGUAGES:
        raise ValueError(f"no stemmer for language {language!r}")
    stop = _STOP_WORDS.get(language, frozenset())
    words = [word for word in _WORD.findall(unicodedata.normalize("NFKC", text).casefold()) if word not in stop]
    stemmed = _stemmer(language).stemWords(words)
    parts = [
        "~" + stem[start : start + PART_LENGTH]
        for stem in stemmed
        if len(stem) >= MIN_PART_LENGTH
        for start in range(len(stem) - PART_LENGTH + 1)
    ]
    return [*stemmed, *parts]


def similarity_matrix(texts: Sequence[str], language: str = "sv") -> sparse.csr_matrix:
    """The cosine similarity of every two texts' TF-IDF vectors (a sparse n × n matrix; a text with no feature is
    similar to nothing)."""
    index: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    weights: list[float] = []
    for row, text in enumerate(texts):
        for feature in set(features(text, language)):
            rows.append(row)
            cols.append(index.setdefault(feature, len(index)))
            weights.append(PART_WEIGHT if feature.startswith("~") else 1.0)
    n = len(texts)
    counts = sparse.csr_matrix((weights, (rows, cols)), shape=(n, len(index)), dtype=np.float64)
    documents = np.bincount(np.array(cols, dtype=np.int64), minlength=len(index))
    idf = np.log((1 + n) / (1 + documents)) + 1.0
    vectors = counts.multiply(idf[np.newaxis, :]).tocsr()
    norms = np.sqrt(np.asarray(vectors.multiply(vectors).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    vectors = sparse.diags(1.0 / norms) @ vectors
    return (vectors @ vectors.T).tocsr()


def similar_pairs(
    texts: Sequence[str], language: str = "sv", threshold: float = THRESHOLD, per_text: int = PER_TEXT
) -> list[Pair]:
    """The pairs of texts at least `threshold` similar, most similar first (ties in the order of the texts), each
    text in at most `per_text` of them as the first or the second: its closest, so that a moderator is shown a few
    likely matches per text rather than every faint one."""
    upper = sparse.triu(similarity_matrix(texts, language), k=1).tocoo()
    keep = upper.data >= threshold - 1e-12
    first, second, score = upper.row[keep], upper.col[keep], upper.data[keep]
    order = np.lexsort((second, first, -score))
    taken = np.zeros(len(texts), dtype=np.int64)
    found = []
    for i, j, value in zip(first[order].tolist(), second[order].tolist(), score[order].tolist(), strict=True):
        if taken[i] < per_text and taken[j] < per_text:
            taken[i] += 1
            taken[j] += 1
            found.append(Pair(int(i), int(j), round(float(value), 6)))
    return found
