"""In-memory spreadsheets for the Google Sheets stand-in.

A :class:`Spreadsheet` holds ordered :class:`Sheet` objects. A sheet's grid size
(``rowCount`` x ``columnCount``) is only bookkeeping; cells are kept in ``rows``, a list that
ends at the last row holding data, each row a list ending at (or after) its last value. Empty
grids therefore cost nothing and a 10-million-cell workbook is cheap until it is filled.

Structural edits (insert/delete/resize) never mutate a row list in place: they build new lists.
That lets ``spreadsheets:batchUpdate`` run its requests on a cheap :meth:`Spreadsheet.clone`
and commit only if every request succeeds, the all-or-nothing behaviour of the real API.
"""

from __future__ import annotations

import copy
import random
import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sandbox.sheets_a1 import A1Error, A1Range, format_range, parse_range, quote_title
from sandbox.sheets_cells import (
    CellError,
    Formula,
    Num,
    Result,
    Value,
    format_with,
    json_number,
    render_result,
)
from sandbox.sheets_formula import Area, Shift, evaluate, shift_references

#: What Google gives a new sheet.
DEFAULT_ROWS = 1000
DEFAULT_COLUMNS = 26
#: Google's workbook limit, counted over every sheet's grid (not only filled cells).
MAX_CELLS = 10_000_000

_ID_CHARS = string.ascii_letters + string.digits + "-_"


class SheetsFailure(Exception):
    """An API error: HTTP status, Google's message and optional ``details``."""

    def __init__(
        self, status: int, message: str, details: list[dict[str, Any]] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details


def bad_request(message: str) -> SheetsFailure:
    return SheetsFailure(400, message)


@dataclass
class GridArea:
    """A resolved range: a sheet plus 0-based, end-exclusive rows and columns."""

    sheet: Sheet
    row0: int
    row1: int
    col0: int
    col1: int

    @property
    def a1(self) -> str:
        return format_range(self.sheet.title, self.row0, self.row1, self.col0, self.col1)

    @property
    def is_single_cell(self) -> bool:
        return self.row1 - self.row0 == 1 and self.col1 - self.col0 == 1


@dataclass
class Sheet:
    sheet_id: int
    title: str
    row_count: int = DEFAULT_ROWS
    column_count: int = DEFAULT_COLUMNS
    frozen_rows: int = 0
    frozen_columns: int = 0
    hide_gridlines: bool = False
    hidden: bool = False
    right_to_left: bool = False
    tab_color: dict[str, float] | None = None
    rows: list[list[Value]] = field(default_factory=list)

    # -- cells -----------------------------------------------------------------------------

    def get(self, row: int, col: int) -> Value:
        if row < len(self.rows):
            cells = self.rows[row]
            if col < len(cells):
                return cells[col]
        return None

    def put(self, row: int, col: int, value: Value) -> None:
        """Store one cell (values endpoints only: rows are changed in place)."""
        if value is None and row >= len(self.rows):
            return
        while len(self.rows) <= row:
            self.rows.append([])
        cells = self.rows[row]
        if value is None and col >= len(cells):
            return
        if len(cells) <= col:
            cells.extend([None] * (col + 1 - len(cells)))
        cells[col] = value

    def clear(self, row0: int, row1: int, col0: int, col1: int) -> None:
        for row in range(row0, min(row1, len(self.rows))):
            cells = self.rows[row]
            for col in range(col0, min(col1, len(cells))):
                cells[col] = None

    def trim(self, touched: Iterable[int] | None = None) -> None:
        """Drop trailing empty cells and rows so scans stop at the data.

        ``touched`` limits the work to rows a write changed, so small writes to big sheets stay
        cheap; ``None`` looks at every row.
        """
        indexes = range(len(self.rows)) if touched is None else touched
        for index in indexes:
            if index >= len(self.rows):
                continue
            cells = self.rows[index]
            if cells and cells[-1] is None:
                end = len(cells)
                while end and cells[end - 1] is None:
                    end -= 1
                self.rows[index] = cells[:end]
        while self.rows and not self.rows[-1]:
            self.rows.pop()

    # -- structure (new lists, never in place: see the module docstring) -------------------

    def insert(self, dimension: str, start: int, count: int) -> None:
        if dimension == "ROWS":
            self.row_count += count
            if start < len(self.rows):
                self.rows = self.rows[:start] + [[] for _ in range(count)] + self.rows[start:]
            return
        self.column_count += count
        self.rows = [
            cells[:start] + [None] * count + cells[start:] if len(cells) > start else cells
            for cells in self.rows
        ]

    def delete(self, dimension: str, start: int, end: int) -> None:
        if dimension == "ROWS":
            self.row_count -= end - start
            self.rows = self.rows[:start] + self.rows[end:]
            return
        self.column_count -= end - start
        self.rows = [
            cells[:start] + cells[end:] if len(cells) > start else cells for cells in self.rows
        ]

    def resize(self, row_count: int, column_count: int) -> None:
        """Grow or shrink the grid; data outside the new grid is lost, as in Sheets."""
        self.row_count, self.column_count = row_count, column_count
        self.rows = [
            cells[:column_count] if len(cells) > column_count else cells
            for cells in self.rows[:row_count]
        ]

    def map_formulas(self, rewrite: Any) -> None:
        """Replace each formula ``f`` with ``rewrite(f)`` (new row lists only where one changes)."""
        for index, cells in enumerate(self.rows):
            changed = None
            for col, value in enumerate(cells):
                if isinstance(value, Formula):
                    text = rewrite(value.text)
                    if text != value.text:
                        changed = changed or list(cells)
                        changed[col] = Formula(text)
            if changed is not None:
                self.rows[index] = changed

    def copy(self) -> Sheet:
        clone = copy.copy(self)
        clone.rows = list(self.rows)
        clone.tab_color = dict(self.tab_color) if self.tab_color else None
        return clone

    # -- JSON ------------------------------------------------------------------------------

    def properties(self, index: int) -> dict[str, Any]:
        """``SheetProperties`` as Google writes them (false/zero members omitted)."""
        grid: dict[str, Any] = {"rowCount": self.row_count, "columnCount": self.column_count}
        if self.frozen_rows:
            grid["frozenRowCount"] = self.frozen_rows
        if self.frozen_columns:
            grid["frozenColumnCount"] = self.frozen_columns
        if self.hide_gridlines:
            grid["hideGridlines"] = True
        props: dict[str, Any] = {
            "sheetId": self.sheet_id,
            "title": self.title,
            "index": index,
            "sheetType": "GRID",
            "gridProperties": grid,
        }
        if self.hidden:
            props["hidden"] = True
        if self.tab_color:
            props["tabColor"] = dict(self.tab_color)
            props["tabColorStyle"] = {"rgbColor": dict(self.tab_color)}
        if self.right_to_left:
            props["rightToLeft"] = True
        return props


@dataclass
class Spreadsheet:
    spreadsheet_id: str
    title: str
    sheets: list[Sheet] = field(default_factory=list)
    locale: str = "en_US"
    time_zone: str = "Etc/GMT"
    auto_recalc: str = "ON_CHANGE"

    def sheet_by_id(self, sheet_id: Any) -> Sheet | None:
        return next((s for s in self.sheets if s.sheet_id == sheet_id), None)

    def sheet_by_title(self, title: str) -> Sheet | None:
        # Sheet titles are unique regardless of case, and ranges match them that way too.
        folded = title.casefold()
        return next((s for s in self.sheets if s.title.casefold() == folded), None)

    def grid_cells(self) -> int:
        return sum(s.row_count * s.column_count for s in self.sheets)

    def clone(self) -> Spreadsheet:
        clone = copy.copy(self)
        clone.sheets = [s.copy() for s in self.sheets]
        return clone

    def shift_formulas(self, shift: Shift) -> None:
        """Keep every formula pointing at the same cells after rows/columns move."""
        for sheet in self.sheets:
            home = sheet.title
            sheet.map_formulas(lambda text, home=home: shift_references(text, home, shift))

    # -- ranges ----------------------------------------------------------------------------

    def resolve(self, text: str, *, clip: bool = True) -> GridArea:
        """The area a client's range names; raises Google's 400 for bad text or sheets."""
        try:
            parsed = parse_range(text)
        except A1Error:
            raise bad_request(f"Unable to parse range: {text}") from None
        sheet, parsed = self._sheet_for(parsed, text)
        return self._area(sheet, parsed)

    def _sheet_for(self, parsed: A1Range, text: str) -> tuple[Sheet, A1Range]:
        if parsed.bare is not None:
            # An unqualified text names a sheet if one has that title, else the first sheet's cells.
            named = self.sheet_by_title(parsed.bare)
            if named is not None:
                return named, A1Range(sheet=named.title, cells=None, cells_text="")
            if parsed.cells is None or not self.sheets:
                raise bad_request(f"Unable to parse range: {text}")
            return self.sheets[0], parsed
        sheet = self.sheet_by_title(parsed.sheet or "")
        if sheet is None:
            raise bad_request(f"Unable to parse range: {text}")
        return sheet, parsed

    def _area(self, sheet: Sheet, parsed: A1Range) -> GridArea:
        if parsed.cells is None:
            return GridArea(sheet, 0, sheet.row_count, 0, sheet.column_count)
        start, end = parsed.cells
        row0, row1 = _span(start.row, end.row, sheet.row_count)
        col0, col1 = _span(start.col, end.col, sheet.column_count)
        if (
            row0 >= sheet.row_count
            or row1 > sheet.row_count
            or col0 >= sheet.column_count
            or col1 > sheet.column_count
        ):
            shown = f"{quote_title(sheet.title)}!{parsed.cells_text}"
            raise bad_request(
                f"Range ({shown}) exceeds grid limits. Max rows: {sheet.row_count}, "
                f"max columns: {sheet.column_count}"
            )
        return GridArea(sheet, row0, row1, col0, col1)


def _span(first: int | None, last: int | None, size: int) -> tuple[int, int]:
    """0-based start and exclusive end of one side of a range; open sides run to the grid edge."""
    if first is not None and last is not None:
        return min(first, last), max(first, last) + 1
    return (first if first is not None else 0), (last + 1 if last is not None else size)


# -- ids ---------------------------------------------------------------------------------------


class IdMaker:
    """Ids in Google's formats; seeded so a reset sandbox hands out the same sequence."""

    def __init__(self, seed: int = 20240601) -> None:
        self._random = random.Random(seed)

    def spreadsheet_id(self) -> str:
        # Real ids: "1" followed by 43 URL-safe characters.
        return "1" + "".join(self._random.choice(_ID_CHARS) for _ in range(43))

    def sheet_id(self, taken: set[int]) -> int:
        while True:
            candidate = self._random.randint(1, 2**31 - 1)
            if candidate not in taken:
                return candidate


# -- computed values ---------------------------------------------------------------------------


class Evaluator:
    """Computes cell values (formulas included) for one response, memoising each cell."""

    def __init__(self, book: Spreadsheet) -> None:
        self.book = book
        self._memo: dict[tuple[int, int, int], Result | None] = {}
        self._active: set[tuple[int, int, int]] = set()

    def result(self, sheet: Sheet, row: int, col: int, value: Value) -> Result | None:
        if not isinstance(value, Formula):
            return value
        key = (sheet.sheet_id, row, col)
        if key in self._memo:
            return self._memo[key]
        if key in self._active:
            return CellError("#REF!")  # a circular dependency
        self._active.add(key)
        try:
            computed = evaluate(value.text, _SheetContext(self, sheet))
        finally:
            self._active.discard(key)
        self._memo[key] = computed
        return computed


class _SheetContext:
    def __init__(self, evaluator: Evaluator, home: Sheet) -> None:
        self.evaluator = evaluator
        self.home = home

    def _sheet(self, title: str | None) -> Sheet:
        if title is None:
            return self.home
        sheet = self.evaluator.book.sheet_by_title(title)
        if sheet is None:
            raise LookupError(title)
        return sheet

    def value_at(self, sheet: str | None, row: int, col: int) -> Result | None:
        target = self._sheet(sheet)
        return self.evaluator.result(target, row, col, target.get(row, col))

    def values_in(self, sheet: str | None, area: Area) -> list[Result | None]:
        target = self._sheet(sheet)
        row1 = min(area.row1 if area.row1 is not None else target.row_count, len(target.rows))
        col1 = area.col1 if area.col1 is not None else target.column_count
        found: list[Result | None] = []
        for row in range(area.row0 or 0, row1):
            cells = target.rows[row]
            for col in range(area.col0 or 0, min(col1, len(cells))):
                found.append(self.evaluator.result(target, row, col, cells[col]))
        return found


# -- reading -----------------------------------------------------------------------------------


def render_cell(
    ev: Evaluator, sheet: Sheet, row: int, col: int, value: Value, render: str, date_time: str
) -> Any:
    """One cell as ``values.get`` returns it."""
    if value is None:
        return ""
    if type(value) is str:
        return value
    if isinstance(value, Formula) and render == "FORMULA":
        return value.text
    if isinstance(value, Num) and render == "FORMATTED_VALUE":
        return format_with(value.value, value.fmt)
    if type(value) is float and render != "FORMATTED_VALUE":
        return json_number(value)
    result = ev.result(sheet, row, col, value)
    return "" if result is None else render_result(result, render, date_time)


def read_values(
    ev: Evaluator, area: GridArea, major: str, render: str, date_time: str
) -> list[list[Any]]:
    """The ``values`` of a ValueRange: trailing empty cells and lines trimmed, as Google does."""
    sheet = area.sheet
    lines: list[list[Any]] = []
    if major == "COLUMNS":
        for col in range(area.col0, area.col1):
            cells = [
                sheet.get(row, col) for row in range(area.row0, min(area.row1, len(sheet.rows)))
            ]
            lines.append(
                _render_line(ev, sheet, cells, render, date_time, col=col, start=area.row0)
            )
    else:
        for row in range(area.row0, min(area.row1, len(sheet.rows))):
            cells = sheet.rows[row][area.col0 : area.col1]
            lines.append(
                _render_line(ev, sheet, cells, render, date_time, row=row, start=area.col0)
            )
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _render_line(
    ev: Evaluator,
    sheet: Sheet,
    cells: list[Value],
    render: str,
    date_time: str,
    *,
    start: int,
    row: int | None = None,
    col: int | None = None,
) -> list[Any]:
    end = len(cells)
    while end and cells[end - 1] is None:
        end -= 1
    out: list[Any] = []
    for offset in range(end):
        value = cells[offset]
        if value is None or type(value) is str:
            out.append("" if value is None else value)
            continue
        r = row if row is not None else start + offset
        c = col if col is not None else start + offset
        out.append(render_cell(ev, sheet, r, c, value, render, date_time))
    return out


# -- append: table detection -------------------------------------------------------------------


def _runs(cells: list[Value], col0: int, col1: int) -> list[tuple[int, int]]:
    """Stretches ``[start, end)`` of consecutive filled cells within ``[col0, col1)``."""
    found: list[tuple[int, int]] = []
    start = None
    for col in range(col0, min(col1, len(cells))):
        if cells[col] is not None:
            start = col if start is None else start
        elif start is not None:
            found.append((start, col))
            start = None
    if start is not None:
        found.append((start, min(col1, len(cells))))
    return found


def find_table(area: GridArea) -> tuple[int, int, int, int] | None:
    """The "table" ``values:append`` writes after, as rows/cols ``(r0, r1, c0, c1)``.

    Recorded Google behaviour (gspread cassettes): a table is a block of filled cells joined by
    shared edges. A one-cell range finds the table holding that cell (none if it is empty); a
    larger range finds the table holding its last filled cell. So with ``A1`` and ``C1`` filled
    and ``B1`` empty, appending to the whole sheet finds ``C1``, appending to ``A1`` finds ``A1``.
    """
    sheet = area.sheet
    if area.is_single_cell:
        if sheet.get(area.row0, area.col0) is None:
            return None
        bounds = GridArea(sheet, 0, sheet.row_count, 0, sheet.column_count)
        seed_run = next(
            r
            for r in _runs(sheet.rows[area.row0], 0, sheet.column_count)
            if r[0] <= area.col0 < r[1]
        )
        return _grow_table(bounds, area.row0, seed_run)
    for row in range(min(area.row1, len(sheet.rows)) - 1, area.row0 - 1, -1):
        runs = _runs(sheet.rows[row], area.col0, area.col1)
        if runs:
            return _grow_table(area, row, runs[-1])
    return None


def _grow_table(bounds: GridArea, row: int, seed: tuple[int, int]) -> tuple[int, int, int, int]:
    sheet = bounds.sheet
    cache: dict[int, list[tuple[int, int]]] = {}

    def runs_of(r: int) -> list[tuple[int, int]]:
        if r not in cache:
            cells = sheet.rows[r] if r < len(sheet.rows) else []
            cache[r] = _runs(cells, bounds.col0, bounds.col1)
        return cache[r]

    seen = {(row, seed[0])}
    todo = [(row, seed)]
    top, bottom, left, right = row, row, seed[0], seed[1]
    while todo:
        r, (start, end) = todo.pop()
        top, bottom = min(top, r), max(bottom, r)
        left, right = min(left, start), max(right, end)
        for near in (r - 1, r + 1):
            if not bounds.row0 <= near < min(bounds.row1, len(sheet.rows)):
                continue
            for run in runs_of(near):
                if run[0] < end and start < run[1] and (near, run[0]) not in seen:
                    seen.add((near, run[0]))
                    todo.append((near, run))
    return top, bottom + 1, left, right
