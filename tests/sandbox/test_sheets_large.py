"""Large sheets in the Sheets stand-in: whole-sheet reads, reading in range pages, bulk appends.

Sheets has no paging tokens: ``values.get`` returns the whole range, so clients page by asking
for row windows (``A1:J5000``, ``A5001:J10000``...) and stop at the first window without values.
"""

from __future__ import annotations

import functools
import json
import time

import gspread
import pytest
import requests

from sandbox import SandboxServer
from sandbox.sheets_testing import gspread_client

ROWS = 20_000
COLUMNS = 10


@functools.cache
def big_body() -> bytes:
    """The seeding body, built once: 20,000 rows of 10 cells (the first column numeric)."""
    header = [f"col{c}" for c in range(COLUMNS)]
    rows = [header] + [[f"r{r}c{c}" if c else r for c in range(COLUMNS)] for r in range(1, ROWS)]
    return json.dumps({"title": "Big", "sheets": {"Data": rows}}).encode()


@pytest.fixture
def big(sandbox: SandboxServer) -> gspread.Spreadsheet:
    url = f"{sandbox.url}/_sandbox/sheets/spreadsheets"
    response = requests.post(
        url, data=big_body(), headers={"Content-Type": "application/json"}, timeout=60
    )
    response.raise_for_status()
    return gspread_client(sandbox.url).open_by_key(response.json()["spreadsheetId"])


def test_seeded_grid_grows_to_fit_the_rows(big: gspread.Spreadsheet) -> None:
    sheet = big.worksheet("Data")
    assert (sheet.row_count, sheet.col_count) == (ROWS, 26)


def test_whole_sheet_read(big: gspread.Spreadsheet) -> None:
    started = time.monotonic()
    values = big.worksheet("Data").get_all_values()
    assert time.monotonic() - started < 10
    assert len(values) == ROWS
    assert values[-1][:2] == [str(ROWS - 1), f"r{ROWS - 1}c1"]
    unformatted = big.values_get("Data!A2:A3", params={"valueRenderOption": "UNFORMATTED_VALUE"})
    assert unformatted["values"] == [[1], [2]]


def test_reading_in_row_windows(big: gspread.Spreadsheet) -> None:
    window = 5_000
    pages: list[list[list[str]]] = []
    start = 1
    while start <= big.worksheet("Data").row_count:
        ranges = [f"Data!A{s}:J{s + window - 1}" for s in (start, start + window)]
        batch = big.values_batch_get(ranges)["valueRanges"]
        chunk = [vr.get("values", []) for vr in batch]
        pages.extend(c for c in chunk if c)
        if any(not c for c in chunk):
            break
        start += 2 * window
    rows = [row for page in pages for row in page]
    assert len(rows) == ROWS
    assert rows[12_345][3] == "r12345c3"


def test_bulk_append_after_a_large_table(big: gspread.Spreadsheet) -> None:
    sheet = big.worksheet("Data")
    new = [[f"n{r}c{c}" for c in range(COLUMNS)] for r in range(5_000)]
    started = time.monotonic()
    result = sheet.append_rows(new)
    assert time.monotonic() - started < 10
    assert result["tableRange"] == f"Data!A1:J{ROWS}"
    assert result["updates"]["updatedRange"] == f"Data!A{ROWS + 1}:J{ROWS + 5_000}"
    assert result["updates"]["updatedCells"] == 50_000
    fresh = big.worksheet("Data")
    assert fresh.row_count == ROWS + 5_000
    assert fresh.get(f"A{ROWS + 5_000}:B{ROWS + 5_000}") == [["n4999c0", "n4999c1"]]


def test_batch_update_of_scattered_cells(big: gspread.Spreadsheet) -> None:
    sheet = big.worksheet("Data")
    updates = [{"range": f"J{row}", "values": [[f"changed {row}"]]} for row in range(2, ROWS, 997)]
    result = sheet.batch_update(updates)
    assert result["totalUpdatedCells"] == len(updates)
    assert result["totalUpdatedColumns"] == 1
    assert sheet.acell(f"J{2 + 997 * 3}").value == f"changed {2 + 997 * 3}"
