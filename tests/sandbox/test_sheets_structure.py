"""spreadsheets.get and spreadsheets:batchUpdate of the Sheets stand-in, through gspread 6.x."""

from __future__ import annotations

from typing import Any

import gspread
import pytest
import requests
from gspread.utils import ValueRenderOption

from sandbox import SandboxServer
from sandbox.sheets_testing import gspread_client


def seed(sandbox: SandboxServer, body: dict[str, Any]) -> dict[str, Any]:
    response = requests.post(f"{sandbox.url}/_sandbox/sheets/spreadsheets", json=body, timeout=10)
    response.raise_for_status()
    result: dict[str, Any] = response.json()
    return result


@pytest.fixture
def gc(sandbox: SandboxServer) -> gspread.Client:
    return gspread_client(sandbox.url)


@pytest.fixture
def book(sandbox: SandboxServer, gc: gspread.Client) -> gspread.Spreadsheet:
    seeded = seed(
        sandbox,
        {
            "title": "CRM",
            "sheets": {
                "Sheet1": [["id", "name"], ["C-1", "Acme"], ["C-2", "Beta"], ["C-3", "Cid"]],
                "Notes": {"sheetId": 42, "rows": [["n"]], "rowCount": 10, "columnCount": 3},
            },
        },
    )
    return gc.open_by_key(seeded["spreadsheetId"])


# -- spreadsheets.get ------------------------------------------------------------------------------


def test_metadata_as_google_returns_it(book: gspread.Spreadsheet) -> None:
    meta = book.fetch_sheet_metadata()
    assert list(meta) == ["spreadsheetId", "properties", "sheets", "spreadsheetUrl"]
    assert meta["properties"]["title"] == "CRM"
    assert {"locale", "autoRecalc", "timeZone", "defaultFormat", "spreadsheetTheme"} <= set(
        meta["properties"]
    )
    assert meta["sheets"] == [
        {
            "properties": {
                "sheetId": 0,
                "title": "Sheet1",
                "index": 0,
                "sheetType": "GRID",
                "gridProperties": {"rowCount": 1000, "columnCount": 26},
            }
        },
        {
            "properties": {
                "sheetId": 42,
                "title": "Notes",
                "index": 1,
                "sheetType": "GRID",
                "gridProperties": {"rowCount": 10, "columnCount": 3},
            }
        },
    ]
    assert [w.title for w in book.worksheets()] == ["Sheet1", "Notes"]
    assert book.get_worksheet_by_id(42).col_count == 3


def test_fields_mask_and_grid_data(book: gspread.Spreadsheet) -> None:
    titles = book.fetch_sheet_metadata(params={"fields": "sheets(properties(sheetId,title))"})
    assert titles == {
        "sheets": [
            {"properties": {"sheetId": 0, "title": "Sheet1"}},
            {"properties": {"sheetId": 42, "title": "Notes"}},
        ]
    }
    grid = book.fetch_sheet_metadata(params={"includeGridData": "true", "ranges": "Sheet1!A1:B2"})
    data = grid["sheets"][0]["data"][0]
    assert len(grid["sheets"]) == 1
    assert data["rowData"][1]["values"][1] == {
        "userEnteredValue": {"stringValue": "Acme"},
        "effectiveValue": {"stringValue": "Acme"},
        "formattedValue": "Acme",
    }
    assert len(data["rowMetadata"]) == 2 and len(data["columnMetadata"]) == 2
    masked = book.fetch_sheet_metadata(
        params={"fields": "sheets.data.rowData.values.formattedValue", "ranges": "Notes"}
    )
    assert masked == {"sheets": [{"data": [{"rowData": [{"values": [{"formattedValue": "n"}]}]}]}]}


# -- addSheet / deleteSheet / updateSheetProperties ------------------------------------------------


def test_add_and_delete_worksheets(book: gspread.Spreadsheet) -> None:
    added = book.add_worksheet("Leads 2024", rows=5, cols=4)
    assert (added.title, added.row_count, added.col_count, added.index) == ("Leads 2024", 5, 4, 2)
    assert 0 < added.id < 2**31
    first = book.add_worksheet("First", rows=1, cols=1, index=0)
    assert [w.title for w in book.worksheets()] == ["First", "Sheet1", "Notes", "Leads 2024"]
    book.del_worksheet(first)
    book.del_worksheet(added)
    assert [w.title for w in book.worksheets()] == ["Sheet1", "Notes"]


def test_add_sheet_reply_matches_the_recorded_shape(book: gspread.Spreadsheet) -> None:
    body = {
        "requests": [
            {
                "addSheet": {
                    "properties": {
                        "title": "t",
                        "sheetType": "GRID",
                        "gridProperties": {"rowCount": 1, "columnCount": 1},
                    }
                }
            }
        ]
    }
    reply = book.batch_update(body)
    assert reply["spreadsheetId"] == book.id
    properties = reply["replies"][0]["addSheet"]["properties"]
    assert list(properties) == ["sheetId", "title", "index", "sheetType", "gridProperties"]


def test_duplicate_titles_and_last_sheet_are_refused(book: gspread.Spreadsheet) -> None:
    with pytest.raises(gspread.exceptions.APIError) as caught:
        book.add_worksheet("notes", rows=1, cols=1)
    assert caught.value.error == {
        "code": 400,
        "message": 'Invalid requests[0].addSheet: A sheet with the name "notes" already exists. Please enter another name.',
        "status": "INVALID_ARGUMENT",
    }
    book.del_worksheet(book.worksheet("Notes"))
    with pytest.raises(gspread.exceptions.APIError) as caught:
        book.del_worksheet(book.sheet1)
    assert caught.value.error["message"] == (
        "Invalid requests[0].deleteSheet: You can't remove all the visible sheets in a document."
    )


def test_update_properties(book: gspread.Spreadsheet) -> None:
    sheet = book.sheet1
    sheet.update_title("客户 2024")
    sheet.freeze(rows=1, cols=1)
    sheet.update_tab_color("#FF007F")
    book.worksheet("Notes").hide()
    props = book.fetch_sheet_metadata()["sheets"][0]["properties"]
    assert props["title"] == "客户 2024"
    assert props["gridProperties"] == {
        "rowCount": 1000,
        "columnCount": 26,
        "frozenRowCount": 1,
        "frozenColumnCount": 1,
    }
    assert props["tabColorStyle"] == {"rgbColor": {"red": 1, "blue": 0.49803922}}
    assert book.worksheet("Notes").isSheetHidden
    with pytest.raises(gspread.exceptions.APIError) as caught:
        sheet.hide()
    assert caught.value.error["message"] == (
        "Invalid requests[0].updateSheetProperties: You can't hide all the sheets in a document."
    )
    assert book.values_get("'客户 2024'!A1")["range"] == "'客户 2024'!A1"


def test_reorder_uses_indexes_before_the_move(sandbox: SandboxServer, gc: gspread.Client) -> None:
    seeded = seed(sandbox, {"title": "x", "sheets": {"S1": [], "S2": [], "S3": []}})
    book = gc.open_by_key(seeded["spreadsheetId"])
    book.worksheet("S1").update_index(2)  # documented: moving S1 ahead of S2 takes index 2
    assert [w.title for w in book.worksheets()] == ["S2", "S1", "S3"]
    book.worksheet("S3").update_index(0)
    assert [w.title for w in book.worksheets()] == ["S3", "S2", "S1"]


def test_resize_shrinks_data_with_the_grid(book: gspread.Spreadsheet) -> None:
    sheet = book.sheet1
    sheet.resize(rows=2, cols=1)
    assert sheet.get_all_values() == [["id"], ["C-1"]]
    sheet.add_rows(3)
    sheet.add_cols(2)
    fresh = book.get_worksheet(0)
    assert (fresh.row_count, fresh.col_count) == (5, 3)


# -- insertDimension / deleteDimension / appendDimension -------------------------------------------


def test_insert_rows_and_columns(book: gspread.Spreadsheet) -> None:
    sheet = book.sheet1
    sheet.insert_rows([["new", "row"]], row=2)
    assert sheet.get_all_values()[:3] == [["id", "name"], ["new", "row"], ["C-1", "Acme"]]
    sheet.insert_cols([["col", "x"]], col=1)
    assert sheet.row_values(1) == ["col", "id", "name"]
    meta = book.fetch_sheet_metadata()["sheets"][0]["properties"]["gridProperties"]
    assert meta == {"rowCount": 1001, "columnCount": 27}


def test_insert_at_the_end_needs_inherit_from_before(book: gspread.Spreadsheet) -> None:
    notes = book.worksheet("Notes")
    with pytest.raises(gspread.exceptions.APIError) as caught:
        notes.insert_rows([["x"]], row=11)
    assert caught.value.error["message"] == (
        "Invalid requests[0].insertDimension: range.startIndex must be less than the grid size (10) "
        "if inheritFromBefore is false."
    )
    notes.insert_rows([["x"]], row=11, inherit_from_before=True)
    assert notes.acell("A11").value == "x"


def test_delete_rows_and_columns(book: gspread.Spreadsheet) -> None:
    sheet = book.sheet1
    sheet.delete_rows(2, 3)
    assert sheet.get_all_values() == [["id", "name"], ["C-3", "Cid"]]
    sheet.delete_columns(1)
    assert sheet.get_all_values() == [["name"], ["Cid"]]
    notes = book.worksheet("Notes")
    with pytest.raises(gspread.exceptions.APIError) as caught:
        notes.delete_rows(1, 10)
    assert (
        caught.value.error["message"]
        == "Invalid requests[0].deleteDimension: You can't delete all the rows on the sheet."
    )


def test_formulas_follow_inserted_and_deleted_rows(book: gspread.Spreadsheet) -> None:
    sheet = book.sheet1
    sheet.update([['=A2&"!"', "=B4"]], "C1", raw=False)
    sheet.insert_rows([["top"]], row=1)
    assert sheet.get("C2:D2", value_render_option=ValueRenderOption.formula) == [['=A3&"!"', "=B5"]]
    assert sheet.get("C2:D2") == [["C-1!", "Cid"]]
    sheet.delete_rows(5)
    assert sheet.get("D2", value_render_option=ValueRenderOption.formula) == [["=#REF!"]]


def test_append_dimension(book: gspread.Spreadsheet) -> None:
    book.batch_update(
        {"requests": [{"appendDimension": {"sheetId": 42, "dimension": "ROWS", "length": 5}}]}
    )
    book.batch_update(
        {"requests": [{"appendDimension": {"sheetId": 42, "dimension": "COLUMNS", "length": 2}}]}
    )
    notes = book.worksheet("Notes")
    assert (notes.row_count, notes.col_count) == (15, 5)


def test_batch_update_is_all_or_nothing(book: gspread.Spreadsheet) -> None:
    body = {
        "requests": [
            {"appendDimension": {"sheetId": 42, "dimension": "ROWS", "length": 5}},
            {"deleteSheet": {"sheetId": 999}},
        ]
    }
    with pytest.raises(gspread.exceptions.APIError) as caught:
        book.batch_update(body)
    assert caught.value.error["message"] == "Invalid requests[1].deleteSheet: No grid with id: 999"
    assert book.worksheet("Notes").row_count == 10


def test_other_request_kinds_get_googles_unknown_name_error(book: gspread.Spreadsheet) -> None:
    with pytest.raises(gspread.exceptions.APIError) as caught:
        book.sheet1.merge_cells("A1:B2")
    message = "Invalid JSON payload received. Unknown name \"mergeCells\" at 'requests[0]': Cannot find field."
    assert caught.value.error == {
        "code": 400,
        "message": message,
        "status": "INVALID_ARGUMENT",
        "details": [
            {
                "@type": "type.googleapis.com/google.rpc.BadRequest",
                "fieldViolations": [{"field": "requests[0]", "description": message}],
            }
        ],
    }


@pytest.mark.parametrize(
    ("request_body", "message"),
    [
        (
            {"addSheet": {"properties": {"sheetId": -1}}},
            "Invalid requests[0].addSheet: Sheet id must be non-negative.",
        ),
        (
            {"addSheet": {"properties": {"sheetId": 42}}},
            "Invalid requests[0].addSheet: Sheet with id 42 already exists.",
        ),
        (
            {"addSheet": {"properties": {"title": "x" * 101}}},
            "Invalid requests[0].addSheet: The sheet name cannot be greater than 100 characters.",
        ),
        (
            {
                "updateSheetProperties": {
                    "properties": {"sheetId": 0, "title": ""},
                    "fields": "title",
                }
            },
            "Invalid requests[0].updateSheetProperties: The sheet name cannot be empty.",
        ),
        (
            {"updateSheetProperties": {"properties": {"sheetId": 0}, "fields": "sheetColour"}},
            "Invalid requests[0].updateSheetProperties: Invalid field mask path: sheetColour",
        ),
        (
            {
                "insertDimension": {
                    "range": {"sheetId": 42, "dimension": "ROWS", "startIndex": 12, "endIndex": 13}
                }
            },
            "Invalid requests[0].insertDimension: range.startIndex is larger than current grid size (10)",
        ),
        (
            {
                "deleteDimension": {
                    "range": {"sheetId": 42, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 3}
                }
            },
            "Invalid requests[0].deleteDimension: You can't delete all the columns on the sheet.",
        ),
        (
            {"appendDimension": {"sheetId": 7, "dimension": "ROWS", "length": 1}},
            "Invalid requests[0].appendDimension: No grid with id: 7",
        ),
        ({}, "Invalid requests[0]: No request set."),
        (
            {
                "appendDimension": {"sheetId": 42, "dimension": "ROWS", "length": 1},
                "deleteSheet": {"sheetId": 42},
            },
            "Invalid requests[0]: Only one kind of request may be set.",
        ),
    ],
)
def test_batch_update_refusals(
    book: gspread.Spreadsheet, request_body: dict[str, Any], message: str
) -> None:
    with pytest.raises(gspread.exceptions.APIError) as caught:
        book.batch_update({"requests": [request_body]})
    assert caught.value.error == {"code": 400, "message": message, "status": "INVALID_ARGUMENT"}
