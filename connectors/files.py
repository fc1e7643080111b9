"""Reading and writing local table files: .xlsx (openpyxl) and .csv (UTF-8, UTF-8 BOM, GBK).

A file is read as a header row plus data rows that keep their real 1-based row numbers, so
every message can point at the row a person sees in Excel. Writing keeps every column
tablesync does not own, and finds rows by 客户编号, never by position.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from core.errors import InputFileError

#: The sheet a workbook's customers are looked for in first.
DEFAULT_SHEET = "客户信息"

#: Encodings tried in order for CSV; GB18030 is a superset of GBK and GB2312.
CSV_ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass
class FileTable:
    """The content of one sheet or CSV file."""

    path: Path
    headers: list[str]
    #: (1-based row number as shown in Excel, cells) for every non-empty row below the header.
    rows: list[tuple[int, list[Any]]]
    header_row: int = 1
    sheet: str | None = None
    encoding: str | None = None
    delimiter: str = ","
    blank_rows: int = 0
    nonblank_columns: set[int] = field(default_factory=set)


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_table_file(path: Path, sheet: str | None = None) -> FileTable:
    """Read ``path`` (.xlsx or .csv); raises :class:`InputFileError` naming the file."""
    if not path.exists():
        raise InputFileError(f"{path}: file not found")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path, sheet)
    if suffix == ".csv":
        return _read_csv(path)
    raise InputFileError(f"{path}: unsupported file type {suffix or '(none)'}; use .xlsx or .csv")


def _finish(path: Path, grid: Iterator[tuple[int, list[Any]]], **extra: Any) -> FileTable:
    header: list[str] | None = None
    header_row = 0
    rows: list[tuple[int, list[Any]]] = []
    blank = pending_blank = 0
    nonblank: set[int] = set()
    for number, cells in grid:
        if header is None:
            if all(_is_blank(c) for c in cells):
                continue
            header = ["" if c is None else str(c).strip() for c in cells]
            header_row = number
            continue
        if all(_is_blank(c) for c in cells):
            pending_blank += 1
            continue
        # Only blank rows between data rows are worth reporting; a template's formatted but
        # empty rows after the data are not "skipped rows".
        blank += pending_blank
        pending_blank = 0
        nonblank.update(i for i, c in enumerate(cells) if not _is_blank(c))
        rows.append((number, cells))
    if header is None:
        raise InputFileError(f"{path}: the file is empty (no header row, no data)")
    while header and not header[-1] and (len(header) - 1) not in nonblank:
        header.pop()
    return FileTable(
        path=path,
        headers=header,
        rows=rows,
        header_row=header_row,
        blank_rows=blank,
        nonblank_columns=nonblank,
        **extra,
    )


def pick_sheet(names: Sequence[str], wanted: str | None, path: Path) -> str:
    if wanted is not None:
        if wanted not in names:
            raise InputFileError(f"{path}: no sheet named {wanted!r} (sheets: {', '.join(names)})")
        return wanted
    return DEFAULT_SHEET if DEFAULT_SHEET in names else names[0]


def _read_xlsx(path: Path, sheet: str | None) -> FileTable:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise InputFileError(
            f"{path}: not a readable .xlsx workbook ({type(exc).__name__})"
        ) from None
    except Exception as exc:  # zipfile.BadZipFile and friends from a damaged file
        raise InputFileError(
            f"{path}: not a readable .xlsx workbook ({type(exc).__name__})"
        ) from None
    try:
        name = pick_sheet(workbook.sheetnames, sheet, path)
        worksheet = workbook[name]
        grid = (
            (number, list(values))
            for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1)
        )
        return _finish(path, grid, sheet=name)
    finally:
        workbook.close()


def decode_csv(raw: bytes, path: Path) -> tuple[str, str]:
    """Decode CSV bytes; returns (text, encoding). UTF-8 (with or without BOM) or GBK/GB18030."""
    if not raw.strip():
        raise InputFileError(f"{path}: the file is empty (no header row, no data)")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16"), "utf-16"
    for encoding in CSV_ENCODINGS:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        label = (
            "utf-8-sig"
            if raw.startswith(codecs.BOM_UTF8)
            else ("utf-8" if encoding == "utf-8-sig" else "gbk")
        )
        return text, label
    raise InputFileError(
        f"{path}: cannot decode the file as UTF-8 or GBK; save it as 'CSV UTF-8' and import again"
    )


def _read_csv(path: Path) -> FileTable:
    text, encoding = decode_csv(path.read_bytes(), path)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        grid = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise InputFileError(f"{path}: line {reader.line_num}: malformed CSV ({exc})") from None
    # Sniffer errs on one-column files; fall back to a comma.
    return _finish(path, iter(grid), encoding=encoding, delimiter=delimiter)


# -- writing -----------------------------------------------------------------------------------


@contextmanager
def atomic_write(path: Path) -> Iterator[Path]:
    """Write to a temporary file beside ``path`` and move it into place only on success,
    so a crash never leaves a half-written customer file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    os.close(handle)
    temp_path = Path(temp)
    try:
        yield temp_path
        os.replace(temp_path, path)
    finally:
        if temp_path.exists():
            temp_path.unlink()


@dataclass
class WriteResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


RowUpdate = dict[str, str]  # header text -> new cell text


def cell_as_text(value: Any) -> str:
    """A cell's value as the text it shows, for comparing with new text without rewriting
    cells whose value is the same but typed (2024-05-10 00:00 as a date, 13812345678 as a number)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M:%S" if value.second else "%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def upsert_grid(
    headers: list[str],
    rows: list[list[Any]],
    records: Sequence[RowUpdate],
    key_header: str,
) -> WriteResult:
    """Apply ``records`` (header -> text) to a grid in place, matching rows on ``key_header``.

    Only the cells named in a record change; columns not named are kept as they are. New
    headers (a field the file lacks) are appended at the end; records must use the file's
    own spelling of a header.
    """
    result = WriteResult()
    index_of = {h: i for i, h in enumerate(headers)}

    def column(header: str) -> int:
        if header not in index_of:
            headers.append(header)
            index_of[header] = len(headers) - 1
        return index_of[header]

    key_col = column(key_header)
    by_key: dict[str, list[Any]] = {}
    for row in rows:
        if key_col < len(row) and not _is_blank(row[key_col]):
            by_key.setdefault(str(row[key_col]).strip(), row)
    for record in records:
        key = record.get(key_header, "").strip()
        target = by_key.get(key) if key else None
        is_new = target is None
        if target is None:
            target = []
            rows.append(target)
            if key:
                by_key[key] = target
        changed = False
        for header, text in record.items():
            col = column(header)
            while len(target) <= col:
                target.append(None)
            if cell_as_text(target[col]) != text:
                target[col] = text if text != "" else None
                changed = True
        if is_new:
            result.created += 1
        elif changed:
            result.updated += 1
        else:
            result.unchanged += 1
    return result


def _new_workbook() -> tuple[Any, Any, int]:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = DEFAULT_SHEET
    return workbook, sheet, 1


def write_xlsx_records(
    path: Path,
    records: Sequence[RowUpdate],
    *,
    key_header: str,
    sheet: str | None = None,
) -> WriteResult:
    """Upsert ``records`` into a workbook, editing cells in place so formatting, other sheets
    and unowned columns survive. A missing file is created."""
    if path.exists():
        try:
            workbook = load_workbook(path)
        except Exception as exc:
            raise InputFileError(
                f"{path}: not a writable .xlsx workbook ({type(exc).__name__})"
            ) from None
        worksheet = workbook[pick_sheet(workbook.sheetnames, sheet, path)]
        header_row = next(
            (
                number
                for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1)
                if not all(_is_blank(v) for v in values)
            ),
            1,
        )
    else:
        workbook, worksheet, header_row = _new_workbook()
    headers = (
        ["" if c.value is None else str(c.value).strip() for c in worksheet[header_row]]
        if worksheet.max_row >= header_row and worksheet.max_column
        else []
    )
    while headers and not headers[-1]:
        headers.pop()
    grid = [
        [c.value for c in row]
        for row in worksheet.iter_rows(min_row=header_row + 1, max_row=worksheet.max_row)
    ]
    original = [list(row) for row in grid]
    result = upsert_grid(headers, grid, records, key_header)
    for col, text in enumerate(headers, start=1):
        if worksheet.cell(header_row, col).value != text:
            worksheet.cell(header_row, col).value = text
    for offset, row in enumerate(grid):
        before = original[offset] if offset < len(original) else []
        for col, value in enumerate(row):
            if col < len(before) and before[col] == value:
                continue
            cell = worksheet.cell(header_row + 1 + offset, col + 1)
            cell.value = value
            if isinstance(value, str):
                # Text that starts with "=" stays text: a customer's note must never become a formula.
                cell.data_type = "s"
    with atomic_write(path) as temp:
        workbook.save(temp)
    return result


#: Characters that make a spreadsheet program read a CSV cell as a formula.
FORMULA_STARTS = ("=", "+", "@")


def write_csv_records(
    path: Path,
    records: Sequence[RowUpdate],
    *,
    key_header: str,
) -> WriteResult:
    """Upsert ``records`` into a CSV file, keeping its encoding, delimiter and unowned columns."""
    if path.exists() and path.stat().st_size:
        table = _read_csv(path)
        headers = table.headers
        # Keep blank lines out: they carry nothing, and the grid is rewritten whole.
        grid = [list(cells) for _, cells in table.rows]
        encoding, delimiter = table.encoding or "utf-8-sig", table.delimiter
    else:
        headers, grid, encoding, delimiter = [], [], "utf-8-sig", ","
    result = upsert_grid(headers, grid, records, key_header)
    width = len(headers)
    with atomic_write(path) as temp, temp.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(headers)
        for row in grid:
            writer.writerow([cell_as_text(v) for v in row] + [""] * (width - len(row)))
    return result
