"""``spreadsheets.get`` bodies of the Google Sheets stand-in: spreadsheet and sheet properties,
and ``GridData`` when grid data is asked for (``includeGridData=true`` or a ``fields`` mask
reaching ``sheets.data``).
"""

from __future__ import annotations

from typing import Any

from sandbox.sheets_cells import Formula, Num, extended_json, render_result, user_entered_json
from sandbox.sheets_model import Evaluator, GridArea, Sheet, Spreadsheet

# What a new Google spreadsheet reports, copied from recorded responses (gspread cassettes) so
# that bodies carry the same members as the real ones.
DEFAULT_FORMAT: dict[str, Any] = {
    "backgroundColor": {"red": 1, "green": 1, "blue": 1},
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM",
    "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {
        "foregroundColor": {},
        "fontFamily": "arial,sans,sans-serif",
        "fontSize": 10,
        "bold": False,
        "italic": False,
        "strikethrough": False,
        "underline": False,
        "foregroundColorStyle": {"rgbColor": {}},
    },
    "backgroundColorStyle": {"rgbColor": {"red": 1, "green": 1, "blue": 1}},
}
_THEME_COLORS: tuple[tuple[str, dict[str, float]], ...] = (
    ("TEXT", {}),
    ("BACKGROUND", {"red": 1, "green": 1, "blue": 1}),
    ("ACCENT1", {"red": 0.25882354, "green": 0.52156866, "blue": 0.95686275}),
    ("ACCENT2", {"red": 0.91764706, "green": 0.2627451, "blue": 0.20784314}),
    ("ACCENT3", {"red": 0.9843137, "green": 0.7372549, "blue": 0.015686275}),
    ("ACCENT4", {"red": 0.20392157, "green": 0.65882355, "blue": 0.3254902}),
    ("ACCENT5", {"red": 1, "green": 0.42745098, "blue": 0.003921569}),
    ("ACCENT6", {"red": 0.27450982, "green": 0.7411765, "blue": 0.7764706}),
    ("LINK", {"red": 0.06666667, "green": 0.33333334, "blue": 0.8}),
)
#: Default row height and column width in pixels.
ROW_PIXELS = 21
COLUMN_PIXELS = 100


def spreadsheet_properties(book: Spreadsheet) -> dict[str, Any]:
    return {
        "title": book.title,
        "locale": book.locale,
        "autoRecalc": book.auto_recalc,
        "timeZone": book.time_zone,
        "defaultFormat": _copy(DEFAULT_FORMAT),
        "spreadsheetTheme": {
            "primaryFontFamily": "Arial",
            "themeColors": [
                {"colorType": kind, "color": {"rgbColor": dict(rgb)}} for kind, rgb in _THEME_COLORS
            ],
        },
    }


def spreadsheet_json(
    book: Spreadsheet, areas: list[GridArea] | None = None, include_grid: bool = False
) -> dict[str, Any]:
    """The ``Spreadsheet`` resource; with ``areas`` only the sheets they touch are listed."""
    sheets = book.sheets
    if areas:
        wanted = {area.sheet.sheet_id for area in areas}
        sheets = [s for s in book.sheets if s.sheet_id in wanted]
    evaluator = Evaluator(book)
    body: dict[str, Any] = {
        "spreadsheetId": book.spreadsheet_id,
        "properties": spreadsheet_properties(book),
        "sheets": [],
        "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{book.spreadsheet_id}/edit",
    }
    for sheet in sheets:
        entry: dict[str, Any] = {"properties": sheet.properties(book.sheets.index(sheet))}
        if include_grid:
            mine = [a for a in areas or [] if a.sheet is sheet] or [
                GridArea(sheet, 0, sheet.row_count, 0, sheet.column_count)
            ]
            entry["data"] = [grid_data(evaluator, area) for area in mine]
        body["sheets"].append(entry)
    return body


def grid_data(evaluator: Evaluator, area: GridArea) -> dict[str, Any]:
    """``GridData`` of one area: cell data row by row, trailing empties trimmed."""
    data: dict[str, Any] = {}
    if area.row0:
        data["startRow"] = area.row0
    if area.col0:
        data["startColumn"] = area.col0
    sheet = area.sheet
    rows = [
        _row_data(evaluator, sheet, r, area.col0, area.col1)
        for r in range(area.row0, min(area.row1, len(sheet.rows)))
    ]
    while rows and not rows[-1]:
        rows.pop()
    if rows:
        data["rowData"] = rows
    data["rowMetadata"] = [{"pixelSize": ROW_PIXELS} for _ in range(area.row0, area.row1)]
    data["columnMetadata"] = [{"pixelSize": COLUMN_PIXELS} for _ in range(area.col0, area.col1)]
    return data


def _row_data(evaluator: Evaluator, sheet: Sheet, row: int, col0: int, col1: int) -> dict[str, Any]:
    cells = sheet.rows[row][col0:col1]
    end = len(cells)
    while end and cells[end - 1] is None:
        end -= 1
    if not end:
        return {}
    values = [_cell_data(evaluator, sheet, row, col0 + offset) for offset in range(end)]
    return {"values": values}


def _cell_data(evaluator: Evaluator, sheet: Sheet, row: int, col: int) -> dict[str, Any]:
    value = sheet.get(row, col)
    if value is None:
        return {}
    result = evaluator.result(sheet, row, col, value)
    cell: dict[str, Any] = {"userEnteredValue": user_entered_json(value)}
    cell["effectiveValue"] = extended_json(result)
    if result is not None:
        cell["formattedValue"] = str(render_result(result, "FORMATTED_VALUE", "FORMATTED_STRING"))
    if isinstance(value, Num):
        cell["userEnteredFormat"] = {
            "numberFormat": {"type": value.fmt.type, "pattern": value.fmt.pattern}
        }
    elif isinstance(value, Formula) and isinstance(result, Num):
        cell["effectiveFormat"] = {
            "numberFormat": {"type": result.fmt.type, "pattern": result.fmt.pattern}
        }
    return cell


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value
