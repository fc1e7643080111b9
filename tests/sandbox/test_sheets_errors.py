"""Every error body of the Sheets stand-in, exactly as Google words it.

gspread reads ``APIError.code`` from the body, so the bodies matter as much as the statuses.
Calls gspread cannot make (no token, a wrong scheme, a broken body) use plain ``requests``.
"""

from __future__ import annotations

from typing import Any

import gspread
import pytest
import requests

from sandbox import SandboxServer
from sandbox.sheets_testing import LoopbackAdapter, gspread_client

API = "/v4/spreadsheets"


def seed(sandbox: SandboxServer, sheets: dict[str, Any] | None = None, **extra: Any) -> str:
    body = {"title": "Errors", "sheets": sheets or {"Sheet1": [["a", "b"]]}, **extra}
    response = requests.post(f"{sandbox.url}/_sandbox/sheets/spreadsheets", json=body, timeout=10)
    response.raise_for_status()
    return str(response.json()["spreadsheetId"])


@pytest.fixture
def book(sandbox: SandboxServer) -> gspread.Spreadsheet:
    return gspread_client(sandbox.url).open_by_key(seed(sandbox))


def api_error(call: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(gspread.exceptions.APIError) as caught:
        call(*args, **kwargs)
    assert caught.value.response.headers["Content-Type"] == "application/json; charset=UTF-8"
    assert caught.value.code == caught.value.response.status_code
    return dict(caught.value.error)


def bad_request(message: str) -> dict[str, Any]:
    return {"code": 400, "message": message, "status": "INVALID_ARGUMENT"}


# -- 401 -------------------------------------------------------------------------------------------


def test_missing_token_is_401(sandbox: SandboxServer) -> None:
    spreadsheet_id = seed(sandbox)
    session = requests.Session()
    session.mount("https://", LoopbackAdapter(sandbox.url))
    client = gspread.Client(auth=None, session=session)  # type: ignore[arg-type]  # documented use
    error = api_error(client.open_by_key, spreadsheet_id)
    assert error["code"] == 401
    assert error["status"] == "UNAUTHENTICATED"
    assert error["message"] == (
        "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie "
        "or other valid authentication credential. "
        "See https://developers.google.com/identity/sign-in/web/devconsole-project."
    )
    assert error["details"][0]["reason"] == "CREDENTIALS_MISSING"


def test_wrong_scheme_and_empty_bearer_are_401(sandbox: SandboxServer) -> None:
    spreadsheet_id = seed(sandbox)
    for header in ("Basic dXNlcjpwYXNz", "Bearer "):
        response = requests.get(
            f"{sandbox.url}{API}/{spreadsheet_id}", headers={"Authorization": header}, timeout=10
        )
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="https://accounts.google.com/"'
        assert response.json()["error"]["message"].startswith(
            "Request had invalid authentication credentials."
        )


# -- 404 -------------------------------------------------------------------------------------------


def test_unknown_spreadsheet_is_404(sandbox: SandboxServer) -> None:
    client = gspread_client(sandbox.url)
    with pytest.raises(gspread.exceptions.SpreadsheetNotFound):
        client.open_by_key("1DoesNotExist")
    response = requests.get(
        f"{sandbox.url}{API}/missing/values/A1", headers={"Authorization": "Bearer t"}, timeout=10
    )
    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}
    }


def test_unknown_path_is_googles_404(sandbox: SandboxServer) -> None:
    spreadsheet_id = seed(sandbox)
    response = requests.post(
        f"{sandbox.url}{API}/{spreadsheet_id}:copyEverything",
        headers={"Authorization": "Bearer t"},
        timeout=10,
    )
    assert response.status_code == 404
    assert response.json()["error"]["status"] == "NOT_FOUND"


# -- 400: ranges -------------------------------------------------------------------------------------


def test_bad_ranges(book: gspread.Spreadsheet) -> None:
    assert api_error(book.values_get, "'Missing'!A1") == bad_request(
        "Unable to parse range: 'Missing'!A1"
    )
    assert api_error(book.values_get, "Sheet1!A0") == bad_request(
        "Unable to parse range: Sheet1!A0"
    )
    assert api_error(book.values_get, "'Sheet1'!AAAA1") == bad_request(
        "Unable to parse range: 'Sheet1'!AAAA1"
    )
    assert api_error(book.values_batch_get, ["Sheet1!A1", "Nope!B2"]) == bad_request(
        "Unable to parse range: Nope!B2"
    )


def test_ranges_past_the_grid(book: gspread.Spreadsheet) -> None:
    expected = bad_request(
        "Range (Sheet1!A1:AA2) exceeds grid limits. Max rows: 1000, max columns: 26"
    )
    assert api_error(book.values_get, "'Sheet1'!A1:AA2") == expected
    assert api_error(book.sheet1.update_acell, "A1001", "x") == bad_request(
        "Range (Sheet1!A1001) exceeds grid limits. Max rows: 1000, max columns: 26"
    )
    assert api_error(book.sheet1.batch_clear, ["A1:B2", "A1005:B"]) == bad_request(
        "Invalid range[1]: Range (Sheet1!A1005:B) exceeds grid limits. Max rows: 1000, max columns: 26"
    )


def test_writing_outside_the_requested_range(book: gspread.Spreadsheet) -> None:
    error = api_error(book.sheet1.update, [["1", "2", "3"]], "A1:B1")
    assert error == bad_request(
        "Requested writing within range ['Sheet1'!A1:B1], but tried writing to column [C]"
    )
    error = api_error(book.sheet1.update, [["1"], ["2"]], "A1:B1")
    assert error == bad_request(
        "Requested writing within range ['Sheet1'!A1:B1], but tried writing to row [2]"
    )


# -- 400: bodies and parameters --------------------------------------------------------------------


def test_values_that_are_not_a_list(book: gspread.Spreadsheet) -> None:
    # Recorded from Google (gspread cassette test_add_validation).
    message = (
        "Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue), \"X\""
    )
    error = api_error(
        book.values_update, "'Sheet1'!A1", params={"valueInputOption": "RAW"}, body={"values": "X"}
    )
    assert error == {
        "code": 400,
        "message": message,
        "status": "INVALID_ARGUMENT",
        "details": [
            {
                "@type": "type.googleapis.com/google.rpc.BadRequest",
                "fieldViolations": [{"field": "data.values", "description": message}],
            }
        ],
    }


def test_value_input_option_is_required(sandbox: SandboxServer, book: gspread.Spreadsheet) -> None:
    url = f"{sandbox.url}{API}/{book.id}/values/Sheet1!A1"
    response = requests.put(
        url, json={"values": [["x"]]}, headers={"Authorization": "Bearer t"}, timeout=10
    )
    assert response.status_code == 400
    assert response.json()["error"] == bad_request(
        "'valueInputOption' is required but not specified"
    )


def test_unknown_enum_values(book: gspread.Spreadsheet) -> None:
    error = api_error(book.values_get, "Sheet1", params={"valueRenderOption": "PRETTY"})
    assert error["message"] == (
        "Invalid value at 'value_render_option' (type.googleapis.com/google.apps.sheets.v4.ValueRenderOption), \"PRETTY\""
    )
    assert error["details"][0]["fieldViolations"][0]["field"] == "value_render_option"


def test_broken_json_body(sandbox: SandboxServer, book: gspread.Spreadsheet) -> None:
    url = f"{sandbox.url}{API}/{book.id}:batchUpdate"
    response = requests.post(
        url, data=b"{not json", headers={"Authorization": "Bearer t"}, timeout=10
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("Invalid JSON payload received.")


# -- 400: size limits ------------------------------------------------------------------------------


def test_fifty_thousand_characters_per_cell(book: gspread.Spreadsheet) -> None:
    book.sheet1.update([["x" * 50_000]], "A1")
    assert len(book.sheet1.acell("A1").value or "") == 50_000
    error = api_error(book.sheet1.update, [["ok", "y" * 50_001]], "A2")
    assert error == bad_request(
        "Your input contains more than the maximum of 50000 characters in a single cell."
    )
    assert book.sheet1.acell("A2").value is None  # nothing of the refused write was kept


def test_ten_million_cells_per_spreadsheet(sandbox: SandboxServer) -> None:
    # 384,614 x 26 = 9,999,964 cells: room for one more row of 26 cells, not two.
    spreadsheet_id = seed(sandbox, {"Big": {"rows": [], "rowCount": 384_614, "columnCount": 26}})
    book = gspread_client(sandbox.url).open_by_key(spreadsheet_id)
    limit = "This action would increase the number of cells in the workbook above the limit of 10000000 cells."
    assert api_error(book.add_worksheet, "more", rows=10, cols=10) == bad_request(
        f"Invalid requests[0].addSheet: {limit}"
    )
    assert api_error(book.sheet1.add_rows, 2) == bad_request(
        f"Invalid requests[0].updateSheetProperties: {limit}"
    )
    assert api_error(book.sheet1.append_rows, [["x"]] * 3, table_range="A384614") == bad_request(
        limit
    )
    book.sheet1.append_rows([["x"]] * 2, table_range="A384614")  # one new row fits
    assert book.add_worksheet("fits", rows=1, cols=1).row_count == 1


# -- the control API's seeding -------------------------------------------------------------------


def test_seeding_contract(sandbox: SandboxServer) -> None:
    body = {
        "spreadsheetId": "1RecordedIdFromACassette_abcdefghijklmnopqrstu",
        "title": "Fixed ids",
        "sheets": {"First": [["a"]], "Second": {"sheetId": 1877059582, "rows": [[1, True]]}},
    }
    response = requests.post(f"{sandbox.url}/_sandbox/sheets/spreadsheets", json=body, timeout=10)
    assert response.json()["spreadsheetId"] == body["spreadsheetId"]
    assert response.json()["sheets"] == {"First": 0, "Second": 1877059582}
    generated = requests.post(
        f"{sandbox.url}/_sandbox/sheets/spreadsheets", json={"title": "x"}, timeout=10
    ).json()
    assert len(generated["spreadsheetId"]) == 44 and generated["spreadsheetId"].startswith("1")
    assert generated["sheets"] == {"Sheet1": 0}
    state = requests.get(
        f"{sandbox.url}/_sandbox/sheets/spreadsheets/{body['spreadsheetId']}", timeout=10
    ).json()
    assert state["sheets"][1]["values"] == [[1, True]]
    assert state["sheets"][1]["formatted"] == [["1", "TRUE"]]
    duplicate: dict[str, Any] = {"sheets": {"A": [], "a": []}}
    response = requests.post(
        f"{sandbox.url}/_sandbox/sheets/spreadsheets", json=duplicate, timeout=10
    )
    assert response.status_code == 400
