"""The ``map`` stage: a table's columns -> canonical fields.

A table's header is checked before any row is read or written: a duplicate header, a blank
header over data, or a missing required column is a clear error naming the table and the
column, because guessing there is how data ends up in the wrong field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from operator import itemgetter
from typing import Any, Literal

from core.errors import TargetError
from core.fields import FIELD_BY_NAME, REQUIRED_FIELDS, field_for_header, header_key
from core.rowdicts import row_builder

Columns = Literal["default"] | Mapping[str, str]


@dataclass(frozen=True)
class HeaderPlan:
    """How one table's header row maps onto canonical fields.

    ``field_by_index`` covers the owned columns; ``unowned`` lists the columns tablesync does
    not know: they are read past and written back untouched.
    """

    table: str
    headers: tuple[str, ...]
    field_by_index: Mapping[int, str]
    unowned: tuple[str, ...] = ()
    column_by_field: Mapping[str, int] = field(default_factory=dict)

    def column_of(self, name: str) -> str | None:
        """How the table shows canonical field ``name``: its header and column letter, ``联系电话 (D)``."""
        index = self.column_by_field.get(name)
        if index is None:
            return None
        return f"{self.headers[index]} ({column_letter(index)})"

    def map_row(self, cells: Sequence[Any]) -> dict[str, Any]:
        """Canonical field -> raw cell value for one row (cells past the row's end are None)."""
        width, pick, build = self._row_maker
        if len(cells) < width:  # (tables leave a row's trailing empty cells out)
            cells = [*cells, *[None] * (width - len(cells))]
        return build(*pick(cells))

    @cached_property
    def _row_maker(
        self,
    ) -> tuple[int, Callable[[Sequence[Any]], Sequence[Any]], Callable[..., dict[str, Any]]]:
        # How many cells a row needs, what picks the owned ones out, and what makes the
        # dict of them (core.rowdicts: one per table, used for every row).
        indexes = tuple(self.field_by_index)
        pick: Callable[[Sequence[Any]], Sequence[Any]]
        if len(indexes) >= 2:
            pick = itemgetter(*indexes)
        else:  # (itemgetter of one index gives the cell itself, not a tuple)
            pick = lambda cells: [cells[index] for index in indexes]  # noqa: E731
        width = max(indexes) + 1 if indexes else 0
        return width, pick, row_builder(dict.fromkeys(self.field_by_index.values()))


class HeaderProblem(TargetError):
    """The header row cannot be used; nothing is read or written until it is fixed."""


def _display(header: str, index: int) -> str:
    return (
        f"column {column_letter(index)} {header!r}" if header else f"column {column_letter(index)}"
    )


def column_letter(index: int) -> str:
    """Spreadsheet column letters of a 0-based index: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def plan_headers(
    table: str,
    headers: Sequence[Any],
    columns: Columns = "default",
    *,
    required: Sequence[str] = REQUIRED_FIELDS,
    nonblank_columns: set[int] | None = None,
) -> HeaderPlan:
    """Resolve ``headers`` against the dictionary (``columns="default"``) or an explicit mapping.

    ``nonblank_columns`` are the indexes of columns that hold data below the header; a blank
    header over data is an error, a blank header over an empty column is ignored.
    """
    texts = tuple("" if h is None else str(h).strip() for h in headers)
    problems: list[str] = []
    explicit = (
        {header_key(k): v for k, v in columns.items()} if isinstance(columns, Mapping) else None
    )

    seen_header: dict[str, int] = {}
    field_by_index: dict[int, str] = {}
    column_by_field: dict[str, int] = {}
    unowned: list[str] = []
    for index, text in enumerate(texts):
        if not text:
            if nonblank_columns is not None and index in nonblank_columns:
                problems.append(f"{_display(text, index)} has data but no header")
            continue
        key = header_key(text)
        if key in seen_header:
            first = seen_header[key]
            problems.append(
                f"duplicate header {text!r} in {_display('', first)} and {_display('', index)}"
            )
            continue
        seen_header[key] = index
        name = explicit.get(key) if explicit is not None else field_for_header(text)
        if name is None:
            unowned.append(text)
            continue
        if name in column_by_field:
            first = column_by_field[name]
            spec = FIELD_BY_NAME[name]
            problems.append(
                f"{_display(texts[first], first)} and {_display(text, index)} both mean "
                f"{spec.label} ({name}); keep one"
            )
            continue
        field_by_index[index] = name
        column_by_field[name] = index

    wanted = [name for name in required if explicit is None or name in explicit.values()]
    for name in wanted:
        if name not in column_by_field:
            spec = FIELD_BY_NAME[name]
            accepted = "/".join(dict.fromkeys((spec.label, *spec.synonyms[:3])))
            problems.append(
                f"required column {spec.label} ({name}) is missing (accepted headers: {accepted})"
            )
    if explicit is not None:
        for column, name in columns.items():  # type: ignore[union-attr]
            if name not in column_by_field and header_key(column) not in seen_header:
                problems.append(f"configured column {column!r} ({name}) is not in the table")

    if problems:
        found = ", ".join(repr(t) for t in texts if t) or "none"
        raise HeaderProblem(f"{table}: " + "; ".join(problems) + f". Headers found: {found}")
    return HeaderPlan(table, texts, field_by_index, tuple(unowned), column_by_field)
