"""The Sheets stand-in's values endpoints, driven through the unmodified gspread 6.x client.

Expected values are the real service's, as recorded in gspread's cassettes and the API reference.
"""

from __future__ import annotations

from typing import Any

import gspread
import pytest
import requests
from gspread.utils import (
    DateTimeOption,
    Dimension,
    InsertDataOption,
    ValueInputOption,
    ValueRenderOption,
)

from sandbox import SandboxServer
from sandbox.sheets_testing import gspread_client


def seed(sandbox: SandboxServer, sheets: dict[str, Any], **extra: Any) -> str:
    body = {"title": "Customers", "sheets": sheets, **extra}
    response = requests.post(f"{sandbox.url}/_sandbox/sheets/spreadsheets", json=body, timeout=10)
    response.raise_for_status()
    return str(response.json()["spreadsheetId"])


@pytest.fixture
def gc(sandbox: SandboxServer) -> gspread.Client:
    return gspread_client(sandbox.url)


@pytest.fixture
def book(sandbox: SandboxServer, gc: gspread.Client) -> gspread.Spreadsheet:
    rows = [
        ["id", "name", "amount"],
        ["C-1", "Acme", 1200],
        ["C-2", "Beta", ""],
        [],
        ["C-4", "", 5.5],
    ]
    return gc.open_by_key(seed(sandbox, {"Sheet1": rows, "客户信息": [["客户编号", "客户名称"]]}))


# -- values.get ----------------------------------------------------------------------------------


def test_whole_sheet_is_trimmed_like_google(book: gspread.Spreadsheet) -> None:
    result = book.values_get("'Sheet1'")
    assert result["range"] == "Sheet1!A1:Z1000"
    assert result["majorDimension"] == "ROWS"
    # Trailing empty cells and rows go; inner empty rows stay as [] and inner cells as "".
    assert result["values"] == [
        ["id", "name", "amount"],
        ["C-1", "Acme", "1200"],
        ["C-2", "Beta"],
        [],
        ["C-4", "", "5.5"],
    ]


def test_open_ended_and_single_cell_ranges(book: gspread.Spreadsheet) -> None:
    assert book.values_get("'Sheet1'!A2:Z")["range"] == "Sheet1!A2:Z1000"
    assert book.values_get("'Sheet1'!B:B")["values"] == [["name"], ["Acme"], ["Beta"]]
    assert book.values_get("'Sheet1'!A1:1")["range"] == "Sheet1!A1:Z1"
    single = book.values_get("'Sheet1'!B2")
    assert single == {"range": "Sheet1!B2", "majorDimension": "ROWS", "values": [["Acme"]]}
    empty = book.values_get("'Sheet1'!D1:E3")
    assert empty == {"range": "Sheet1!D1:E3", "majorDimension": "ROWS"}  # no "values" at all


def test_reversed_corners_lower_case_and_anchors(book: gspread.Spreadsheet) -> None:
    assert book.values_get("sheet1!c2:a1")["range"] == "Sheet1!A1:C2"
    assert book.values_get("Sheet1!$A$1:$B$2")["values"] == [["id", "name"], ["C-1", "Acme"]]


def test_unicode_sheet_title_is_quoted_in_answers(book: gspread.Spreadsheet) -> None:
    sheet = book.worksheet("客户信息")
    assert sheet.get_all_values() == [["客户编号", "客户名称"]]
    assert book.values_get("'客户信息'!A1:B1")["range"] == "'客户信息'!A1:B1"
    assert book.values_get("客户信息!A1")["values"] == [["客户编号"]]  # unquoted works too


def test_column_major_reads(book: gspread.Spreadsheet) -> None:
    sheet = book.sheet1
    columns = sheet.get("A1:C3", major_dimension=Dimension.cols)
    assert columns == [["id", "C-1", "C-2"], ["name", "Acme", "Beta"], ["amount", "1200"]]
    assert sheet.col_values(3) == ["amount", "1200", "", "", "5.5"]


def test_render_options_for_typed_values(sandbox: SandboxServer, gc: gspread.Client) -> None:
    # Recorded against Google: [["=4/2","2020-01-01","string",53],["=3/2",0.12,"1999-01-02",""]].
    sheet = gc.open_by_key(seed(sandbox, {"Sheet1": []})).sheet1
    sheet.update(
        [["=4/2", "2020-01-01", "string", 53], ["=3/2", 0.12, "1999-01-02", ""]],
        "A1:D2",
        value_input_option=ValueInputOption.user_entered,
    )
    assert sheet.get_all_values() == [
        ["2", "2020-01-01", "string", "53"],
        ["1.5", "0.12", "1999-01-02", ""],
    ]
    unformatted = sheet.get(value_render_option=ValueRenderOption.unformatted)
    assert unformatted == [[2, 43831, "string", 53], [1.5, 0.12, 36162]]
    formula = sheet.get(value_render_option=ValueRenderOption.formula)
    assert formula == [["=4/2", 43831, "string", 53], ["=3/2", 0.12, 36162]]
    as_text = sheet.get(
        value_render_option=ValueRenderOption.unformatted,
        date_time_render_option=DateTimeOption.formatted_string,
    )
    assert as_text == [[2, "2020-01-01", "string", 53], [1.5, 0.12, "1999-01-02"]]


def test_batch_get_several_ranges(book: gspread.Spreadsheet) -> None:
    ranges = book.sheet1.batch_get(["A1:B2", "C2", "D1:D3"])
    assert [r.range for r in ranges] == ["Sheet1!A1:B2", "Sheet1!C2", "Sheet1!D1:D3"]
    assert ranges[0] == [["id", "name"], ["C-1", "Acme"]]
    assert ranges[1] == [["1200"]]
    assert ranges[2] == []
    raw = book.values_batch_get(
        ["'客户信息'!A:A", "Sheet1!A5"], params={"valueRenderOption": "UNFORMATTED_VALUE"}
    )
    assert raw["valueRanges"][0]["range"] == "'客户信息'!A1:A1000"
    assert raw["valueRanges"][1]["values"] == [["C-4"]]


# -- values.update ---------------------------------------------------------------------------------


def test_raw_keeps_strings_as_typed(book: gspread.Spreadsheet) -> None:
    sheet = book.sheet1
    result = sheet.update([["0042", "=1+1", "2020-01-01", "TRUE", "+86 138 0000 0000"]], "A7")
    assert result["updatedRange"] == "Sheet1!A7:E7"
    assert (result["updatedRows"], result["updatedColumns"], result["updatedCells"]) == (1, 5, 5)
    row = sheet.get("A7:E7", value_render_option=ValueRenderOption.unformatted)
    assert row == [["0042", "=1+1", "2020-01-01", "TRUE", "+86 138 0000 0000"]]
    assert sheet.get("B7", value_render_option=ValueRenderOption.formula) == [["=1+1"]]


def test_user_entered_parses_like_the_sheets_ui(book: gspread.Spreadsheet) -> None:
    sheet = book.sheet1
    typed = [
        ["0042", "2,000,000.01", "12.5%", "$1,234.50", "true", "'0042", "= 1 / 1024", "1/2/2020"]
    ]
    sheet.update(typed, "A8", value_input_option=ValueInputOption.user_entered)
    shown = sheet.get("A8:H8")
    assert shown == [
        ["42", "2,000,000.01", "12.50%", "$1,234.50", "TRUE", "0042", "0.0009765625", "1/2/2020"]
    ]
    raw = sheet.get("A8:H8", value_render_option=ValueRenderOption.unformatted)
    assert raw == [[42, 2000000.01, 0.125, 1234.5, True, "0042", 0.0009765625, 43832]]


def test_formulas_follow_the_cells_they_read(book: gspread.Spreadsheet) -> None:
    sheet = book.sheet1
    sheet.update([["=C2*2", "=SUM(C2:C5)", '=A2&"/"&B2', "=1/0", "=NOPE(1)"]], "E2", raw=False)
    assert sheet.get("E2:I2") == [["2400", "1205.5", "C-1/Acme", "#DIV/0!", "#NAME?"]]
    sheet.update_acell("C2", "10")
    assert sheet.get("E2:F2", value_render_option=ValueRenderOption.unformatted) == [[20, 15.5]]


def test_null_skips_and_empty_string_clears(book: gspread.Spreadsheet) -> None:
    sheet = book.sheet1
    result = sheet.update([[None, ""], ["kept", None]], "A2:B3")
    assert (result["updatedRows"], result["updatedColumns"], result["updatedCells"]) == (2, 2, 2)
    assert sheet.get("A2:B3") == [["C-1"], ["kept", "Beta"]]


def test_include_values_in_response(book: gspread.Spreadsheet) -> None:
    result = book.values_update(
        "Sheet1!A9",
        params={"valueInputOption": "USER_ENTERED", "includeValuesInResponse": True},
        body={"values": [["=2+3", "x"]]},
    )
    assert result["updatedData"] == {
        "range": "Sheet1!A9:B9",
        "majorDimension": "ROWS",
        "values": [["5", "x"]],
    }


def test_update_column_major(book: gspread.Spreadsheet) -> None:
    book.values_update(
        "Sheet1!F1",
        params={"valueInputOption": "RAW"},
        body={"majorDimension": "COLUMNS", "values": [["a", "b", "c"]]},
    )
    assert book.sheet1.get("F1:F3") == [["a"], ["b"], ["c"]]


def test_batch_update_counts_distinct_rows_and_columns(book: gspread.Spreadsheet) -> None:
    sheet = book.sheet1
    result = sheet.batch_update(
        [
            {"range": "A1:D1", "values": [["h1", "h2", "", "h4"]]},
            {"range": "A4:D4", "values": [["x", "y", "", "z"]]},
        ]
    )
    assert {k: v for k, v in result.items() if k.startswith("total")} == {
        "totalUpdatedRows": 2,
        "totalUpdatedColumns": 4,
        "totalUpdatedCells": 8,
        "totalUpdatedSheets": 1,
    }
    assert [r["updatedRange"] for r in result["responses"]] == ["Sheet1!A1:D1", "Sheet1!A4:D4"]
    assert sheet.get("A1:D4") == [
        ["h1", "h2", "", "h4"],
        ["C-1", "Acme", "1200"],
        ["C-2", "Beta"],
        ["x", "y", "", "z"],
    ]


def test_batch_update_is_all_or_nothing(book: gspread.Spreadsheet) -> None:
    sheet = book.sheet1
    with pytest.raises(gspread.exceptions.APIError) as caught:
        sheet.batch_update(
            [{"range": "A1", "values": [["changed"]]}, {"range": "Nowhere!A1", "values": [["x"]]}]
        )
    assert (
        caught.value.error["message"]
        == "Invalid data[1]: Unable to parse range: 'Sheet1'!Nowhere!A1"
    )
    assert sheet.acell("A1").value == "id"


# -- values.append ---------------------------------------------------------------------------------


def test_append_after_the_table(sandbox: SandboxServer, gc: gspread.Client) -> None:
    rows = [["id", "name", "amount"], ["C-1", "Acme", 1200], ["C-2", "", ""], ["C-3", "Cid", 3]]
    sheet = gc.open_by_key(seed(sandbox, {"Sheet1": rows})).sheet1
    result = sheet.append_rows([["C-5", "Echo", 7], ["C-6", "Fox", 8]])
    assert result["tableRange"] == "Sheet1!A1:C4"
    assert result["updates"] == {
        "spreadsheetId": sheet.spreadsheet_id,
        "updatedRange": "Sheet1!A5:C6",
        "updatedRows": 2,
        "updatedColumns": 3,
        "updatedCells": 6,
    }
    assert sheet.get("A5:C6") == [["C-5", "Echo", "7"], ["C-6", "Fox", "8"]]


def test_append_table_detection_quirk_recorded_from_google(
    sandbox: SandboxServer, gc: gspread.Client
) -> None:
    # With A1 and C1 filled and B1 empty, Google appends under C1 for the whole sheet, under A1
    # when the table range is A1 (recorded in gspread's cassettes).
    sheet = gc.open_by_key(seed(sandbox, {"Sheet1": [["a", "", "c"]]})).sheet1
    whole = sheet.append_row(["x", "", "z"])
    assert whole["tableRange"] == "Sheet1!C1"
    assert whole["updates"]["updatedRange"] == "Sheet1!C2:E2"
    anchored = sheet.append_row(["p", "", "q"], table_range="A1")
    assert anchored["tableRange"] == "Sheet1!A1"
    assert anchored["updates"]["updatedRange"] == "Sheet1!A2:C2"


def test_append_to_an_empty_sheet_has_no_table_range(
    sandbox: SandboxServer, gc: gspread.Client
) -> None:
    sheet = gc.open_by_key(seed(sandbox, {"Sheet1": []})).sheet1
    result = sheet.append_row(["first"])
    assert "tableRange" not in result
    assert result["updates"]["updatedRange"] == "Sheet1!A1"


def test_append_insert_rows_shifts_what_is_below(
    sandbox: SandboxServer, gc: gspread.Client
) -> None:
    rows = [["h"], ["1"], ["2"], [], ["below"]]
    sheet = gc.open_by_key(seed(sandbox, {"Sheet1": rows})).sheet1
    result = sheet.append_rows(
        [["3"]], insert_data_option=InsertDataOption.insert_rows, table_range="A1:A3"
    )
    assert result["updates"]["updatedRange"] == "Sheet1!A4"
    assert sheet.col_values(1) == ["h", "1", "2", "3", "", "below"]
    assert gc.open_by_key(sheet.spreadsheet_id).sheet1.row_count == 1001


def test_append_past_the_grid_grows_it(sandbox: SandboxServer, gc: gspread.Client) -> None:
    sheet = gc.open_by_key(
        seed(sandbox, {"Sheet1": {"rows": [["a", "b"]], "rowCount": 2, "columnCount": 2}})
    ).sheet1
    sheet.append_rows([["1", "2", "3"], ["4", "5", "6"]])
    fresh = gc.open_by_key(sheet.spreadsheet_id).sheet1
    assert (fresh.row_count, fresh.col_count) == (3, 3)
    assert fresh.get_all_values() == [["a", "b", ""], ["1", "2", "3"], ["4", "5", "6"]]


# -- values.clear / batchClear ---------------------------------------------------------------------


def test_clear_and_batch_clear(book: gspread.Spreadsheet) -> None:
    sheet = book.sheet1
    result = sheet.batch_clear(["A1:B1", "C2:C5"])
    assert result["clearedRanges"] == ["Sheet1!A1:B1", "Sheet1!C2:C5"]
    assert sheet.get("A1:C2") == [["", "", "amount"], ["C-1", "Acme"]]
    cleared = sheet.clear()
    assert cleared["clearedRange"] == "Sheet1!A1:Z1000"
    assert "values" not in sheet.spreadsheet.values_get("Sheet1")
