"""Excel/CSV tables (kind: excel): the import path and a spoke of the sync.

Rows are identified by 客户编号, never by their row number: people sort and insert rows.
Columns tablesync does not own are read past and written back untouched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from connectors.files import (
    FileTable,
    WriteResult,
    read_table_file,
    write_csv_records,
    write_xlsx_records,
)
from core.fields import FIELD_BY_NAME
from core.mapping import Columns, HeaderPlan, plan_headers
from core.pipeline import SourceRow


@dataclass
class FileRows:
    """A file read for import: its header plan, rows as SourceRows, and what was skipped."""

    table: FileTable
    plan: HeaderPlan
    rows: list[SourceRow]

    @property
    def blank_rows(self) -> int:
        return self.table.blank_rows


def read_source_rows(
    path: Path, *, table: str, sheet: str | None = None, columns: Columns = "default"
) -> FileRows:
    """Read ``path`` and map its columns; a bad header raises before any row is used."""
    data = read_table_file(path, sheet)
    plan = plan_headers(table, data.headers, columns, nonblank_columns=data.nonblank_columns)
    rows = [
        SourceRow(table=table, row=str(number), values=plan.map_row(cells))
        for number, cells in data.rows
    ]
    return FileRows(table=data, plan=plan, rows=rows)


class ExcelTable:
    """One configured .xlsx/.csv table."""

    def __init__(
        self, *, name: str, path: Path, sheet: str | None = None, columns: Columns = "default"
    ) -> None:
        self.name = name
        self.path = path
        self.sheet = sheet
        self.columns = columns

    def check(self) -> HeaderPlan:
        """Read the header and map it; raises a clear error for a file we cannot use."""
        data = read_table_file(self.path, self.sheet)
        return plan_headers(
            self.name, data.headers, self.columns, nonblank_columns=data.nonblank_columns
        )

    def pull(self) -> FileRows:
        return read_source_rows(self.path, table=self.name, sheet=self.sheet, columns=self.columns)

    def _header_of(self, plan: HeaderPlan | None) -> dict[str, str]:
        """canonical field -> the header this file uses for it (its own spelling, else the label)."""
        spelled: dict[str, str] = {}
        if plan is not None:
            for index, name in plan.field_by_index.items():
                spelled[name] = plan.headers[index]
        if isinstance(self.columns, dict):
            for column, name in self.columns.items():
                spelled.setdefault(name, column)
        return spelled

    def write(self, records: Sequence[dict[str, str]]) -> WriteResult:
        """Upsert records (canonical field -> cell text) by 客户编号, keeping other columns."""
        plan = self.check() if self.path.exists() else None
        spelled = self._header_of(plan)
        by_header = [
            {spelled.get(name, FIELD_BY_NAME[name].label): text for name, text in record.items()}
            for record in records
        ]
        key_header = spelled.get("customer_id", FIELD_BY_NAME["customer_id"].label)

        if self.path.suffix.lower() == ".csv":
            return write_csv_records(self.path, by_header, key_header=key_header)
        return write_xlsx_records(self.path, by_header, key_header=key_header, sheet=self.sheet)
