"""``spreadsheets.values.*`` of the Google Sheets stand-in: get, batchGet, update, batchUpdate,
append, clear and batchClear over a :class:`~sandbox.sheets_model.Spreadsheet`.

Every write is planned (ranges resolved, values checked, limits tested) before any cell changes,
so a refused request leaves the spreadsheet as it was, like the real API.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sandbox.sheets_a1 import MAX_COLUMNS, column_letters, format_range
from sandbox.sheets_cells import MAX_CELL_CHARS, InputError, Value, check_input, from_input
from sandbox.sheets_formula import Shift
from sandbox.sheets_model import (
    MAX_CELLS,
    Evaluator,
    GridArea,
    SheetsFailure,
    Spreadsheet,
    bad_request,
    find_table,
    read_values,
)


@dataclass(frozen=True)
class Rendering:
    """How values are rendered in a response (``valueRenderOption`` and friends)."""

    major: str = "ROWS"
    render: str = "FORMATTED_VALUE"
    date_time: str = "SERIAL_NUMBER"


@dataclass
class WritePlan:
    """Cells one ValueRange will write, and the counts Google reports for it."""

    area: GridArea  # the extent of the values array, anchored at the range's first cell
    cells: list[tuple[int, int, Value]] = field(default_factory=list)
    rows: int = 0
    columns: int = 0

    def apply(self) -> None:
        sheet = self.area.sheet
        for row, col, value in self.cells:
            sheet.put(row, col, value)
        sheet.trim({row for row, _, value in self.cells if value is None})

    def response(self, book: Spreadsheet, include: bool, rendering: Rendering) -> dict[str, Any]:
        body: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id, "updatedRange": self.area.a1}
        # Zero counts are left out, as protobuf JSON does.
        for key, count in (
            ("updatedRows", self.rows),
            ("updatedColumns", self.columns),
            ("updatedCells", len(self.cells)),
        ):
            if count:
                body[key] = count
        if include:
            body["updatedData"] = value_range(book, self.area, rendering)
        return body


# -- reading -----------------------------------------------------------------------------------


def value_range(book: Spreadsheet, area: GridArea, rendering: Rendering) -> dict[str, Any]:
    """A ``ValueRange``; ``values`` is absent when the range holds nothing."""
    body: dict[str, Any] = {"range": area.a1, "majorDimension": rendering.major}
    values = read_values(
        Evaluator(book), area, rendering.major, rendering.render, rendering.date_time
    )
    if values:
        body["values"] = values
    return body


def values_get(book: Spreadsheet, range_text: str, rendering: Rendering) -> dict[str, Any]:
    return value_range(book, book.resolve(range_text), rendering)


def values_batch_get(book: Spreadsheet, ranges: list[str], rendering: Rendering) -> dict[str, Any]:
    areas = [book.resolve(text) for text in ranges]
    body: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
    if areas:
        body["valueRanges"] = [value_range(book, area, rendering) for area in areas]
    return body


# -- writing -----------------------------------------------------------------------------------


def values_update(
    book: Spreadsheet, range_text: str, body: Any, option: str, include: bool, rendering: Rendering
) -> dict[str, Any]:
    payload = _object(body)
    matrix = _matrix(payload.get("values"), "data.values", payload.get("majorDimension"))
    target = book.resolve(range_text)
    plan = plan_write(target, matrix, option, echo=range_text, field="data.values")
    plan.apply()
    return plan.response(book, include, rendering)


def values_batch_update(book: Spreadsheet, body: Any) -> dict[str, Any]:
    payload = _object(body)
    option = input_option(payload.get("valueInputOption"))
    rendering = Rendering(
        render=_enum_or(payload.get("responseValueRenderOption"), "FORMATTED_VALUE"),
        date_time=_enum_or(payload.get("responseDateTimeRenderOption"), "SERIAL_NUMBER"),
    )
    data = payload.get("data") or []
    if not isinstance(data, list):
        raise _list_violation("data", data)
    plans = [_plan_entry(book, index, entry, option) for index, entry in enumerate(data)]
    for plan in plans:  # every entry is checked before the first is written
        plan.apply()
    include = payload.get("includeValuesInResponse") is True
    responses = [plan.response(book, include, rendering) for plan in plans]
    totals = _totals(plans)
    result: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id, **totals}
    if responses:
        result["responses"] = responses
    return result


def _plan_entry(book: Spreadsheet, index: int, entry: Any, option: str) -> WritePlan:
    where = f"data[{index}]"
    entry = _object(entry)
    range_text = entry.get("range")
    if not isinstance(range_text, str) or not range_text:
        raise bad_request(f"Invalid {where}: range is required.")
    matrix = _matrix(entry.get("values"), f"{where}.values", entry.get("majorDimension"))
    try:
        target = book.resolve(range_text)
        return plan_write(target, matrix, option, echo=range_text, field=f"{where}.values")
    except SheetsFailure as failure:
        raise SheetsFailure(
            failure.status, f"Invalid {where}: {failure.message}", failure.details
        ) from None


def _totals(plans: list[WritePlan]) -> dict[str, int]:
    # Totals count distinct rows, columns and sheets touched, not the sum over ranges: two
    # one-row writes to A1:D1 and A4:D4 report 2 rows and 4 columns (recorded).
    rows = {(p.area.sheet.sheet_id, r) for p in plans for r, _, _ in p.cells}
    cols = {(p.area.sheet.sheet_id, c) for p in plans for _, c, _ in p.cells}
    sheets = {p.area.sheet.sheet_id for p in plans if p.cells}
    cells = sum(len(p.cells) for p in plans)
    counts = {
        "totalUpdatedRows": len(rows),
        "totalUpdatedColumns": len(cols),
        "totalUpdatedCells": cells,
        "totalUpdatedSheets": len(sheets),
    }
    return {key: value for key, value in counts.items() if value}


def plan_write(
    target: GridArea, matrix: list[list[Any]], option: str, *, echo: str, field: str
) -> WritePlan:
    """Check and convert one ValueRange written at ``target``'s first cell."""
    height = len(matrix)
    width = max((len(row) for row in matrix), default=0)
    sheet = target.sheet
    if not target.is_single_cell:
        # A one-cell range only anchors the write; a larger one bounds it.
        if height > target.row1 - target.row0:
            raise bad_request(
                f"Requested writing within range [{echo}], but tried writing to row [{target.row0 + height}]"
            )
        if width > target.col1 - target.col0:
            raise bad_request(
                f"Requested writing within range [{echo}], but tried writing to column "
                f"[{column_letters(target.col0 + width - 1)}]"
            )
    extent = GridArea(
        sheet, target.row0, target.row0 + max(height, 1), target.col0, target.col0 + max(width, 1)
    )
    if extent.row1 > sheet.row_count or extent.col1 > sheet.column_count:
        raise bad_request(
            f"Range ({extent.a1}) exceeds grid limits. Max rows: {sheet.row_count}, "
            f"max columns: {sheet.column_count}"
        )
    return _convert(extent, matrix, option, field)


def _convert(extent: GridArea, matrix: list[list[Any]], option: str, field: str) -> WritePlan:
    plan = WritePlan(extent)
    rows: set[int] = set()
    cols: set[int] = set()
    keep_text = option == "RAW"
    for i, line in enumerate(matrix):
        for j, raw in enumerate(line):
            if raw is None:
                continue  # null leaves the cell as it is
            if keep_text and type(raw) is str and 0 < len(raw) <= MAX_CELL_CHARS:
                value: Value = raw  # the common case, kept cheap for bulk writes
            else:
                try:
                    check_input(raw, f"{field}[{i}][{j}]")
                except InputError as exc:
                    raise bad_request(str(exc)) from None
                value = from_input(raw, option)
            plan.cells.append((extent.row0 + i, extent.col0 + j, value))
            rows.add(i)
            cols.add(j)
    plan.rows, plan.columns = len(rows), len(cols)
    return plan


# -- append ------------------------------------------------------------------------------------


def values_append(
    book: Spreadsheet,
    range_text: str,
    body: Any,
    option: str,
    insert_option: str,
    include: bool,
    rendering: Rendering,
) -> dict[str, Any]:
    payload = _object(body)
    matrix = _matrix(payload.get("values"), "data.values", payload.get("majorDimension"))
    target = book.resolve(range_text)
    sheet = target.sheet
    table = find_table(target)
    row, col = (table[1], table[2]) if table else (target.row0, target.col0)
    height = len(matrix)
    width = max((len(line) for line in matrix), default=0)
    _grow_for_append(book, target, row, col, height, width, insert_option)
    extent = GridArea(sheet, row, row + max(height, 1), col, col + max(width, 1))
    plan = _convert(extent, matrix, option, "data.values")
    plan.apply()
    result: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
    if table:
        result["tableRange"] = format_range(sheet.title, *table)
    result["updates"] = plan.response(book, include, rendering)
    return result


def _grow_for_append(
    book: Spreadsheet,
    target: GridArea,
    row: int,
    col: int,
    height: int,
    width: int,
    insert_option: str,
) -> None:
    """Make room: INSERT_ROWS inserts rows; OVERWRITE still adds rows/columns past the grid's end."""
    sheet = target.sheet
    new_rows = height if insert_option == "INSERT_ROWS" else max(0, row + height - sheet.row_count)
    new_cols = max(0, col + width - sheet.column_count)
    if col + width > MAX_COLUMNS:
        raise bad_request(f"Range ({target.a1}) exceeds grid limits. Max columns: {MAX_COLUMNS}")
    added = new_rows * (sheet.column_count + new_cols) + new_cols * sheet.row_count
    if added and book.grid_cells() + added > MAX_CELLS:
        raise bad_request(
            f"This action would increase the number of cells in the workbook above the limit of {MAX_CELLS} cells."
        )
    # Nothing is checked past this point, so growing the grid here cannot leave a half-done write.
    if new_rows:
        start = min(row, sheet.row_count) if insert_option == "INSERT_ROWS" else sheet.row_count
        sheet.insert("ROWS", start, new_rows)
        book.shift_formulas(Shift(sheet.title, "ROWS", start, new_rows))
    if new_cols:
        sheet.column_count += new_cols


# -- clearing ----------------------------------------------------------------------------------


def values_clear(book: Spreadsheet, range_text: str) -> dict[str, Any]:
    area = book.resolve(range_text)
    _clear(area)
    return {"spreadsheetId": book.spreadsheet_id, "clearedRange": area.a1}


def values_batch_clear(book: Spreadsheet, body: Any) -> dict[str, Any]:
    ranges = _object(body).get("ranges") or []
    if not isinstance(ranges, list):
        raise _list_violation("ranges", ranges)
    areas = []
    for index, text in enumerate(ranges):
        try:
            areas.append(book.resolve(str(text)))
        except SheetsFailure as failure:
            # Recorded wording from the real service: "Invalid range[0]: Range (...) exceeds ..."
            raise bad_request(f"Invalid range[{index}]: {failure.message}") from None
    for area in areas:
        _clear(area)
    result: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
    if areas:
        result["clearedRanges"] = [area.a1 for area in areas]
    return result


def _clear(area: GridArea) -> None:
    area.sheet.clear(area.row0, area.row1, area.col0, area.col1)
    area.sheet.trim(range(area.row0, min(area.row1, len(area.sheet.rows))))


# -- request checks ----------------------------------------------------------------------------


def input_option(value: Any) -> str:
    if value in (None, "", "INPUT_VALUE_OPTION_UNSPECIFIED"):
        raise bad_request("'valueInputOption' is required but not specified")
    if value not in ("RAW", "USER_ENTERED"):
        raise enum_violation("value_input_option", "ValueInputOption", value)
    return str(value)


def enum_violation(field_name: str, type_name: str, value: Any) -> SheetsFailure:
    message = (
        f"Invalid value at '{field_name}' (type.googleapis.com/google.apps.sheets.v4.{type_name}), "
        f"{json.dumps(value, ensure_ascii=False)}"
    )
    return _violation(field_name, message)


def _enum_or(value: Any, default: str) -> str:
    return default if value in (None, "") else str(value)


def _object(body: Any) -> dict[str, Any]:
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise SheetsFailure(400, "Invalid JSON payload received. Expected an object.")
    return body


def _matrix(values: Any, where: str, major: Any) -> list[list[Any]]:
    """The body's ``values`` as rows of cells (transposed from COLUMNS), or Google's 400."""
    if values is None:
        return []
    if not isinstance(values, list):
        raise _list_violation(where, values)
    for index, line in enumerate(values):
        if not isinstance(line, list):
            raise _list_violation(f"{where}[{index}]", line)
    if major in (None, "", "ROWS", "DIMENSION_UNSPECIFIED"):
        return values
    if major != "COLUMNS":
        raise enum_violation("data.major_dimension", "Dimension", major)
    height = max((len(column) for column in values), default=0)
    return [[column[r] if r < len(column) else None for column in values] for r in range(height)]


def _list_violation(where: str, value: Any) -> SheetsFailure:
    message = (
        f"Invalid value at '{where}' (type.googleapis.com/google.protobuf.ListValue), "
        f"{json.dumps(value, ensure_ascii=False)}"
    )
    return _violation(where, message)


def _violation(where: str, message: str) -> SheetsFailure:
    details = [
        {
            "@type": "type.googleapis.com/google.rpc.BadRequest",
            "fieldViolations": [{"field": where, "description": message}],
        }
    ]
    return SheetsFailure(400, message, details)
