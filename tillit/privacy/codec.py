"""Storing already-suppressed figures as JSON and reading them back, without losing which ones are hidden.

A report that is computed once and stored (a dialogue's analysis) holds `Cell`s and `HIDDEN`: JSON has no place for
them, and writing a hidden figure as `null` would let a reader mistake "hidden" for "no figure" and, worse, let code
that reads it back treat it as an ordinary value. `encode` writes a cell as `{"__cell__": [value, size]}`, a hidden
cell as `{"__cell__": null}` and `HIDDEN` itself as `{"__hidden__": true}`; `decode` gives them back as `Cell`s and
`HIDDEN`. Everything else (dicts, lists, text, numbers, booleans, None) passes through; tuples become lists.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tillit.privacy.suppression import HIDDEN, Cell, Hidden

__all__ = ["decode", "encode"]

_CELL = "__cell__"
_HIDDEN = "__hidden__"


def encode(value: Any) -> Any:
    """`value` as JSON-able data, with every `Cell` and `HIDDEN` marked so that `decode` can restore them."""
    if isinstance(value, Cell):
        return {_CELL: None} if value.hidden else {_CELL: [encode(value.value), value.size]}
    if isinstance(value, Hidden):
        return {_HIDDEN: True}
    if isinstance(value, Mapping):
        if not all(isinstance(key, str) for key in value):
            raise TypeError("Only mappings with text keys can be stored as JSON.")
        return {key: encode(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(item) for item in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"{type(value).__name__} cannot be stored as a figure.")


def decode(data: Any) -> Any:
    """The figures `encode` stored: `Cell`s and `HIDDEN` where they were."""
    if isinstance(data, dict):
        if set(data) == {_HIDDEN} and data[_HIDDEN] is True:
            return HIDDEN
        if set(data) == {_CELL}:
            if data[_CELL] is None:
                return Cell(HIDDEN, HIDDEN)
            value, size = data[_CELL]
            return Cell(decode(value), size)
        return {key: decode(item) for key, item in data.items()}
    if isinstance(data, list):
        return [decode(item) for item in data]
    return data
