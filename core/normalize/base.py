"""What every normalizer returns: a clean value, or the reason the input could not be read.

Normalizers never raise on bad input (a table cell can hold anything); they hand back a
:class:`Normalized` with ``problem`` set instead, and the validate stage turns that into an
:class:`~core.issues.Issue`. Reasons are written in Chinese for the sales admins who read
the quarantine report, and never quote the value itself: the issue carries a (masked)
excerpt of the value separately.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Generic, NamedTuple, TypeVar

T = TypeVar("T")

# Tuples of types for isinstance: ``isinstance(v, list | tuple)`` builds the union object
# again on every call, which costs more than the check itself on the hot paths.
#: Cells holding several values (Airtable / Feishu multi-selects, lists built by callers).
SEQUENCE_TYPES = (list, tuple, set, frozenset)
#: Cells holding a number.
NUMBER_TYPES = (int, float, Decimal)


class Normalized(NamedTuple, Generic[T]):
    """The outcome of normalizing one cell.

    ``value is None and problem is None`` means the cell was empty. When ``problem`` is set,
    ``value`` is ``None``: a value that cannot be read is reported, never half-used. (A named
    tuple rather than a frozen dataclass: it is built for every cell, and tuples are several
    times cheaper to create.)
    """

    value: T | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def empty(self) -> bool:
        return self.value is None and self.problem is None


# tuple.__new__ skips the named tuple's Python-level __new__: one function frame less for
# every cell normalized.
_new = tuple.__new__


def ok(value: T | None) -> Normalized[T]:
    """A successfully normalized value (``None``: the cell was empty)."""
    return _new(Normalized, (value, None))


def fail(reason: str) -> Normalized[T]:
    """The cell could not be read; ``reason`` says why, in words for people."""
    return _new(Normalized, (None, reason))


#: Shared result for an empty cell.
EMPTY: Normalized[object] = Normalized(None, None)


def text_cells(cells: Sequence[Any]) -> list[str]:
    """The cells as strings for a column-wide regex: non-text cells become ``""``, which no
    fast form matches, so they take their normalizer's general path."""
    return [cell if type(cell) is str else "" for cell in cells]
