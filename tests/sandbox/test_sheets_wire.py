"""Wire details of the Sheets stand-in: percent-encoded paths, odd sheet titles, request counters,
and the A1 notation rules behind every range the service answers with.
"""

from __future__ import annotations

import gspread
import pytest
import requests

from sandbox import SandboxServer
from sandbox.sheets_a1 import (
    A1Error,
    column_index,
    column_letters,
    format_range,
    parse_range,
    quote_title,
)
from sandbox.sheets_testing import gspread_client

ODD_TITLE = "Q1/Q2 'final': 客户 #1"


@pytest.fixture
def book(sandbox: SandboxServer) -> gspread.Spreadsheet:
    body = {"title": "Wire", "sheets": {"Sheet1": [["x"]], ODD_TITLE: [["a", "b"]]}}
    response = requests.post(f"{sandbox.url}/_sandbox/sheets/spreadsheets", json=body, timeout=10)
    response.raise_for_status()
    return gspread_client(sandbox.url).open_by_key(response.json()["spreadsheetId"])


def test_titles_with_slashes_quotes_and_colons_round_trip(book: gspread.Spreadsheet) -> None:
    sheet = book.worksheet(ODD_TITLE)
    assert sheet.get_all_values() == [["a", "b"]]
    result = sheet.update([["c", "d"]], "A2")
    assert result["updatedRange"] == "'Q1/Q2 ''final'': 客户 #1'!A2:B2"
    appended = sheet.append_row(["e", "f"])
    assert appended["tableRange"] == "'Q1/Q2 ''final'': 客户 #1'!A1:B2"
    assert sheet.get("A1:B3") == [["a", "b"], ["c", "d"], ["e", "f"]]
    assert sheet.clear()["clearedRange"] == "'Q1/Q2 ''final'': 客户 #1'!A1:Z1000"


def test_raw_and_encoded_paths_reach_the_same_range(
    sandbox: SandboxServer, book: gspread.Spreadsheet
) -> None:
    headers = {"Authorization": "Bearer t"}
    base = f"{sandbox.url}/v4/spreadsheets/{book.id}/values"
    encoded = requests.get(f"{base}/%27Sheet1%27%21A1%3AB2", headers=headers, timeout=10).json()
    plain = requests.get(f"{base}/Sheet1!A1:B2", headers=headers, timeout=10).json()
    assert (
        encoded == plain == {"range": "Sheet1!A1:B2", "majorDimension": "ROWS", "values": [["x"]]}
    )
    token_in_query = requests.get(f"{base}/Sheet1!A1?access_token=t", timeout=10)
    assert token_in_query.status_code == 200


def test_stats_name_each_endpoint_by_its_template(
    sandbox: SandboxServer, book: gspread.Spreadsheet
) -> None:
    requests.delete(f"{sandbox.url}/_sandbox/stats", timeout=10)
    sheet = book.sheet1
    sheet.get_all_values()
    sheet.update([["y"]], "A1")
    sheet.append_row(["z"])
    sheet.batch_get(["A1"])
    sheet.batch_update([{"range": "B1", "values": [["w"]]}])
    sheet.batch_clear(["B1"])
    sheet.clear()
    book.add_worksheet("more", 1, 1)
    counters = requests.get(f"{sandbox.url}/_sandbox/stats", timeout=10).json()["sheets"]
    assert counters["by_endpoint"] == {
        "GET /v4/spreadsheets/{id}": 1,  # gspread re-reads the metadata after adding a sheet
        "GET /v4/spreadsheets/{id}/values/{range}": 1,
        "PUT /v4/spreadsheets/{id}/values/{range}": 1,
        "POST /v4/spreadsheets/{id}/values/{range}:append": 1,
        "GET /v4/spreadsheets/{id}/values:batchGet": 1,
        "POST /v4/spreadsheets/{id}/values:batchUpdate": 1,
        "POST /v4/spreadsheets/{id}/values:batchClear": 1,
        "POST /v4/spreadsheets/{id}/values/{range}:clear": 1,
        "POST /v4/spreadsheets/{id}:batchUpdate": 1,
    }
    assert counters["requests"] == 9


# -- A1 notation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "written"),
    [
        ("Sheet1", "Sheet1"),
        ("x.y", "x.y"),
        ("TRUE", "TRUE"),
        ("D3", "'D3'"),
        ("R1C1", "'R1C1'"),
        ("2026", "'2026'"),
        ("a-b", "'a-b'"),
        ("It's", "'It''s'"),
        ("客户信息", "'客户信息'"),
    ],
)
def test_titles_are_quoted_only_when_google_quotes_them(title: str, written: str) -> None:
    assert quote_title(title) == written


def test_columns_and_ranges() -> None:
    assert [column_letters(i) for i in (0, 25, 26, 701, 18277)] == ["A", "Z", "AA", "ZZ", "ZZZ"]
    assert column_index("zzz") == 18277
    assert format_range("Sheet1", 0, 1, 0, 1) == "Sheet1!A1"
    assert format_range("My tab", 1, 1000, 0, 26) == "'My tab'!A2:Z1000"
    parsed = parse_range("'It''s'!R2C3:R4C5")
    assert parsed.sheet == "It's"
    assert parsed.cells is not None and (parsed.cells[0].row, parsed.cells[1].col) == (1, 4)
    for bad in ("Sheet1!A0", "'open", "Sheet1!", "Sheet1!A:3", "Sheet1!AAAA1"):
        with pytest.raises(A1Error):
            parse_range(bad)


def test_spreadsheets_create(sandbox: SandboxServer) -> None:
    body = {
        "properties": {"title": "Made"},
        "sheets": [{"properties": {"title": "One", "gridProperties": {"rowCount": 5}}}],
    }
    response = requests.post(
        f"{sandbox.url}/v4/spreadsheets",
        json=body,
        headers={"Authorization": "Bearer t"},
        timeout=10,
    )
    created = response.json()
    assert created["properties"]["title"] == "Made"
    assert created["sheets"][0]["properties"]["gridProperties"] == {
        "rowCount": 5,
        "columnCount": 26,
    }
    book = gspread_client(sandbox.url).open_by_key(created["spreadsheetId"])
    assert book.sheet1.title == "One"


def test_parameter_errors(sandbox: SandboxServer, book: gspread.Spreadsheet) -> None:
    headers = {"Authorization": "Bearer t"}
    base = f"{sandbox.url}/v4/spreadsheets/{book.id}"
    flag = requests.get(f"{base}?includeGridData=maybe", headers=headers, timeout=10).json()[
        "error"
    ]
    assert flag["message"] == "Invalid value at 'include_grid_data' (TYPE_BOOL), \"maybe\""
    insert = requests.post(
        f"{base}/values/Sheet1:append?valueInputOption=RAW&insertDataOption=SQUEEZE",
        json={"values": [["x"]]},
        headers=headers,
        timeout=10,
    ).json()["error"]
    assert insert["message"].startswith("Invalid value at 'insert_data_option'")
    dimension = requests.put(
        f"{base}/values/Sheet1!A1?valueInputOption=RAW",
        json={"values": [["x"]], "majorDimension": "DIAGONAL"},
        headers=headers,
        timeout=10,
    ).json()["error"]
    assert dimension["message"].startswith("Invalid value at 'data.major_dimension'")
    missing_range = requests.post(
        f"{base}/values:batchUpdate",
        json={"valueInputOption": "RAW", "data": [{"values": [["x"]]}]},
        headers=headers,
        timeout=10,
    ).json()["error"]
    assert missing_range["message"] == "Invalid data[0]: range is required."
