"""``spreadsheets:batchUpdate`` of the Google Sheets stand-in.

Supported request kinds are the structural ones gspread uses to manage sheets: ``addSheet``,
``deleteSheet``, ``updateSheetProperties``, ``insertDimension``, ``deleteDimension`` and
``appendDimension``. Any other kind is answered the way Google answers a request kind it does not
know: 400 ``Invalid JSON payload received. Unknown name "X" at 'requests[i]': Cannot find field.``

Requests run in order on a clone of the spreadsheet; the clone replaces the original only when
all of them succeed, so a failing request leaves nothing half-applied.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from sandbox.sheets_a1 import MAX_COLUMNS
from sandbox.sheets_formula import Shift
from sandbox.sheets_model import (
    DEFAULT_COLUMNS,
    DEFAULT_ROWS,
    MAX_CELLS,
    IdMaker,
    Sheet,
    SheetsFailure,
    Spreadsheet,
)

#: The longest sheet title Google accepts.
MAX_TITLE = 100


class _RequestError(Exception):
    """A refusal of one request; the caller adds Google's ``Invalid requests[i].kind:`` prefix."""


def batch_update(book: Spreadsheet, body: Any, ids: IdMaker) -> tuple[Spreadsheet, dict[str, Any]]:
    """Run the requests; returns the updated spreadsheet (to store) and the response body."""
    requests = body.get("requests") if isinstance(body, dict) else None
    if not isinstance(requests, list):
        requests = []
    work = book.clone()
    replies = [_run_one(work, index, request, ids) for index, request in enumerate(requests)]
    response: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id, "replies": replies}
    return work, response


def _run_one(work: Spreadsheet, index: int, request: Any, ids: IdMaker) -> dict[str, Any]:
    if not isinstance(request, dict) or not request:
        raise SheetsFailure(400, f"Invalid requests[{index}]: No request set.")
    unknown = [kind for kind in request if kind not in _KINDS]
    if unknown:
        message = f"Invalid JSON payload received. Unknown name \"{unknown[0]}\" at 'requests[{index}]': Cannot find field."
        details = [
            {
                "@type": "type.googleapis.com/google.rpc.BadRequest",
                "fieldViolations": [{"field": f"requests[{index}]", "description": message}],
            }
        ]
        raise SheetsFailure(400, message, details)
    if len(request) > 1:
        raise SheetsFailure(400, f"Invalid requests[{index}]: Only one kind of request may be set.")
    kind, spec = next(iter(request.items()))
    try:
        reply = _KINDS[kind](work, spec if isinstance(spec, dict) else {}, ids)
        _check_cell_limit(work)
    except _RequestError as exc:
        raise SheetsFailure(400, f"Invalid requests[{index}].{kind}: {exc}") from None
    return reply


def _check_cell_limit(work: Spreadsheet) -> None:
    if work.grid_cells() > MAX_CELLS:
        raise _RequestError(
            f"This action would increase the number of cells in the workbook above the limit of {MAX_CELLS} cells."
        )


# -- sheets ------------------------------------------------------------------------------------


def _add_sheet(work: Spreadsheet, spec: dict[str, Any], ids: IdMaker) -> dict[str, Any]:
    props = spec.get("properties") or {}
    sheet_id = props.get("sheetId")
    if sheet_id is None:
        sheet_id = ids.sheet_id({s.sheet_id for s in work.sheets})
    elif not isinstance(sheet_id, int) or sheet_id < 0:
        raise _RequestError("Sheet id must be non-negative.")
    elif work.sheet_by_id(sheet_id) is not None:
        raise _RequestError(f"Sheet with id {sheet_id} already exists.")
    title = props.get("title")
    title = _next_title(work) if title in (None, "") else str(title)
    _check_title(work, title, None)
    grid = props.get("gridProperties") or {}
    sheet = Sheet(
        sheet_id=sheet_id,
        title=title,
        row_count=_count(grid.get("rowCount"), DEFAULT_ROWS, "rowCount"),
        column_count=_count(grid.get("columnCount"), DEFAULT_COLUMNS, "columnCount"),
    )
    _apply_properties(work, sheet, props, _ADDABLE)
    index = props.get("index")
    position = len(work.sheets) if index is None else int(index)
    if not 0 <= position <= len(work.sheets):
        raise _RequestError(f"index ({position}) must be between 0 and {len(work.sheets)}.")
    work.sheets.insert(position, sheet)
    return {"addSheet": {"properties": sheet.properties(work.sheets.index(sheet))}}


def _next_title(work: Spreadsheet) -> str:
    number = len(work.sheets) + 1
    while work.sheet_by_title(f"Sheet{number}") is not None:
        number += 1
    return f"Sheet{number}"


def _check_title(work: Spreadsheet, title: str, sheet: Sheet | None) -> None:
    if len(title) > MAX_TITLE:
        raise _RequestError(f"The sheet name cannot be greater than {MAX_TITLE} characters.")
    other = work.sheet_by_title(title)
    if other is not None and other is not sheet:
        raise _RequestError(
            f'A sheet with the name "{title}" already exists. Please enter another name.'
        )


def _count(value: Any, default: int, name: str) -> int:
    if value is None:
        return default
    if not isinstance(value, int) or value < 1:
        raise _RequestError(f"{name} must be a positive number.")
    return value


def _delete_sheet(work: Spreadsheet, spec: dict[str, Any], ids: IdMaker) -> dict[str, Any]:
    sheet = _sheet(work, spec.get("sheetId"))
    if not any(s is not sheet and not s.hidden for s in work.sheets):
        raise _RequestError("You can't remove all the visible sheets in a document.")
    work.sheets.remove(sheet)
    return {}


def _sheet(work: Spreadsheet, sheet_id: Any) -> Sheet:
    sheet = work.sheet_by_id(sheet_id if sheet_id is not None else 0)
    if sheet is None:
        raise _RequestError(f"No grid with id: {sheet_id if sheet_id is not None else 0}")
    return sheet


# -- updateSheetProperties ---------------------------------------------------------------------

_ADDABLE = (
    "hidden",
    "rightToLeft",
    "tabColor",
    "tabColorStyle",
    "gridProperties.frozenRowCount",
    "gridProperties.frozenColumnCount",
    "gridProperties.hideGridlines",
)
_UPDATABLE = (
    "title",
    "index",
    *_ADDABLE,
    "gridProperties.rowCount",
    "gridProperties.columnCount",
)
# Members Google knows but the stand-in keeps no state for; updating them is accepted as a no-op.
_IGNORED = (
    "gridProperties.rowGroupControlAfter",
    "gridProperties.columnGroupControlAfter",
    "sheetType",
)


def _update_sheet_properties(
    work: Spreadsheet, spec: dict[str, Any], ids: IdMaker
) -> dict[str, Any]:
    props = spec.get("properties") or {}
    sheet = _sheet(work, props.get("sheetId"))
    paths = _field_paths(spec.get("fields"))
    _apply_properties(work, sheet, props, paths)
    return {}


def _field_paths(fields: Any) -> tuple[str, ...]:
    if not isinstance(fields, str) or not fields.strip():
        raise _RequestError("At least one field must be specified in 'fields'.")
    paths: list[str] = []
    for raw in fields.split(","):
        path = raw.strip().replace("/", ".")
        if path == "*":
            return _UPDATABLE
        if path == "gridProperties":
            paths.extend(p for p in _UPDATABLE if p.startswith("gridProperties."))
        elif path in _UPDATABLE:
            paths.append(path)
        elif path not in _IGNORED:
            raise _RequestError(f"Invalid field mask path: {raw.strip()}")
    return tuple(paths)


def _apply_properties(
    work: Spreadsheet, sheet: Sheet, props: dict[str, Any], paths: tuple[str, ...]
) -> None:
    grid = props.get("gridProperties") or {}
    for path in paths:
        name = path.partition(".")[2] if path.startswith("gridProperties.") else path
        value = grid.get(name) if path.startswith("gridProperties.") else props.get(name)
        _SETTERS[path](work, sheet, value)
    if (
        sheet.hidden
        and not any(not s.hidden for s in work.sheets if s is not sheet)
        and sheet in work.sheets
    ):
        raise _RequestError("You can't hide all the sheets in a document.")


def _set_title(work: Spreadsheet, sheet: Sheet, value: Any) -> None:
    title = "" if value is None else str(value)
    if not title:
        raise _RequestError("The sheet name cannot be empty.")
    _check_title(work, title, sheet)
    sheet.title = title


def _set_index(work: Spreadsheet, sheet: Sheet, value: Any) -> None:
    # Indexes count positions before the move (Google's SheetProperties.index): with S1, S2, S3,
    # moving S1 to index 2 puts it between S2 and S3.
    target = int(value or 0)
    current = work.sheets.index(sheet)
    work.sheets.remove(sheet)
    position = target - 1 if target > current else target
    work.sheets.insert(max(0, min(position, len(work.sheets))), sheet)


def _set_rows(work: Spreadsheet, sheet: Sheet, value: Any) -> None:
    sheet.resize(_count(value, DEFAULT_ROWS, "rowCount"), sheet.column_count)


def _set_columns(work: Spreadsheet, sheet: Sheet, value: Any) -> None:
    columns = _count(value, DEFAULT_COLUMNS, "columnCount")
    if columns > MAX_COLUMNS:
        raise _RequestError(f"Sheets can have at most {MAX_COLUMNS} columns.")
    sheet.resize(sheet.row_count, columns)


def _set_tab_color(work: Spreadsheet, sheet: Sheet, value: Any) -> None:
    color = value.get("rgbColor") if isinstance(value, dict) and "rgbColor" in value else value
    sheet.tab_color = _color(color) if isinstance(color, dict) else None


def _color(value: dict[str, Any]) -> dict[str, float] | None:
    """Colours as Google stores them: 8 bits per channel, zero channels left out.

    Channels are truncated, not rounded: recorded, 0.5 comes back as 0.49803922 (127/255).
    """
    channels: dict[str, float] = {}
    for name in ("red", "green", "blue", "alpha"):
        level = value.get(name)
        if isinstance(level, int | float) and level:
            stored = float(f"{math.floor(float(level) * 255 + 1e-6) / 255:.8g}")
            channels[name] = int(stored) if stored.is_integer() else stored
    return channels or None


def _flag(attribute: str) -> Callable[[Spreadsheet, Sheet, Any], None]:
    def setter(work: Spreadsheet, sheet: Sheet, value: Any) -> None:
        setattr(sheet, attribute, bool(value))

    return setter


def _frozen(attribute: str) -> Callable[[Spreadsheet, Sheet, Any], None]:
    def setter(work: Spreadsheet, sheet: Sheet, value: Any) -> None:
        setattr(sheet, attribute, int(value or 0))

    return setter


_SETTERS: dict[str, Callable[[Spreadsheet, Sheet, Any], None]] = {
    "title": _set_title,
    "index": _set_index,
    "hidden": _flag("hidden"),
    "rightToLeft": _flag("right_to_left"),
    "tabColor": _set_tab_color,
    "tabColorStyle": _set_tab_color,
    "gridProperties.rowCount": _set_rows,
    "gridProperties.columnCount": _set_columns,
    "gridProperties.frozenRowCount": _frozen("frozen_rows"),
    "gridProperties.frozenColumnCount": _frozen("frozen_columns"),
    "gridProperties.hideGridlines": _flag("hide_gridlines"),
}


# -- dimensions --------------------------------------------------------------------------------


def _dimension_range(work: Spreadsheet, spec: Any) -> tuple[Sheet, str, int, int]:
    spec = spec if isinstance(spec, dict) else {}
    sheet = _sheet(work, spec.get("sheetId"))
    dimension = spec.get("dimension")
    if dimension not in ("ROWS", "COLUMNS"):
        raise _RequestError("range.dimension must be ROWS or COLUMNS.")
    size = sheet.row_count if dimension == "ROWS" else sheet.column_count
    start = spec.get("startIndex", 0) or 0
    end = spec.get("endIndex", size)
    if not isinstance(start, int) or not isinstance(end, int) or start < 0 or end <= start:
        raise _RequestError(
            "range.startIndex must be less than range.endIndex, and both non-negative."
        )
    return sheet, dimension, start, end


def _insert_dimension(work: Spreadsheet, spec: dict[str, Any], ids: IdMaker) -> dict[str, Any]:
    sheet, dimension, start, end = _dimension_range(work, spec.get("range"))
    size = sheet.row_count if dimension == "ROWS" else sheet.column_count
    if start > size:
        raise _RequestError(f"range.startIndex is larger than current grid size ({size})")
    if start == size and not spec.get("inheritFromBefore"):
        raise _RequestError(
            f"range.startIndex must be less than the grid size ({size}) if inheritFromBefore is false."
        )
    _grow(work, sheet, dimension, start, end - start)
    return {}


def _append_dimension(work: Spreadsheet, spec: dict[str, Any], ids: IdMaker) -> dict[str, Any]:
    sheet = _sheet(work, spec.get("sheetId"))
    dimension = spec.get("dimension")
    if dimension not in ("ROWS", "COLUMNS"):
        raise _RequestError("dimension must be ROWS or COLUMNS.")
    length = spec.get("length")
    if not isinstance(length, int) or length < 1:
        raise _RequestError("length must be positive.")
    size = sheet.row_count if dimension == "ROWS" else sheet.column_count
    _grow(work, sheet, dimension, size, length)
    return {}


def _grow(work: Spreadsheet, sheet: Sheet, dimension: str, start: int, count: int) -> None:
    if dimension == "COLUMNS" and sheet.column_count + count > MAX_COLUMNS:
        raise _RequestError(f"Sheets can have at most {MAX_COLUMNS} columns.")
    sheet.insert(dimension, start, count)
    work.shift_formulas(Shift(sheet.title, dimension, start, count))


def _delete_dimension(work: Spreadsheet, spec: dict[str, Any], ids: IdMaker) -> dict[str, Any]:
    sheet, dimension, start, end = _dimension_range(work, spec.get("range"))
    size = sheet.row_count if dimension == "ROWS" else sheet.column_count
    end = min(end, size)
    if start >= size:
        raise _RequestError(f"range.startIndex is larger than current grid size ({size})")
    if start == 0 and end == size:
        noun = "rows" if dimension == "ROWS" else "columns"
        raise _RequestError(f"You can't delete all the {noun} on the sheet.")
    sheet.delete(dimension, start, end)
    work.shift_formulas(Shift(sheet.title, dimension, start, start - end))
    return {}


_KINDS: dict[str, Callable[[Spreadsheet, dict[str, Any], IdMaker], dict[str, Any]]] = {
    "addSheet": _add_sheet,
    "deleteSheet": _delete_sheet,
    "updateSheetProperties": _update_sheet_properties,
    "insertDimension": _insert_dimension,
    "deleteDimension": _delete_dimension,
    "appendDimension": _append_dimension,
}
