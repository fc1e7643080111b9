"""Store -> file: customers in the template layout as .xlsx or .csv, optionally password-protected.

The seeds ask for weekly xlsx exports stored encrypted (本地文件建议每周导出为xlsx格式并加密存储):
``--password`` encrypts the workbook with the standard Office (Agile/AES) scheme via
msoffcrypto-tool, so Excel and WPS open it after asking for the password.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Literal

from connectors.files import atomic_write
from connectors.template import write_customer_workbook
from core.errors import ConfigError
from core.fields import FIELDS

ExportFormat = Literal["xlsx", "csv"]


def write_csv(path: Path, rows: Iterable[Mapping[str, str]]) -> int:
    """UTF-8 with BOM, so Excel on Windows shows Chinese headers correctly on double-click."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([spec.label for spec in FIELDS])
    count = 0
    for row in rows:
        writer.writerow([row.get(spec.name, "") for spec in FIELDS])
        count += 1
    with atomic_write(path) as temp:
        temp.write_text(buffer.getvalue(), encoding="utf-8-sig", newline="")
    return count


def encrypt_workbook(path: Path, password: str) -> None:
    """Encrypt an .xlsx file in place with ``password``."""
    import msoffcrypto
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = path.read_bytes()
    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(plain)).encrypt(password, encrypted)
    with atomic_write(path) as temp:
        temp.write_bytes(encrypted.getvalue())
    # Fail loudly now rather than hand out a file nobody can open.
    check = msoffcrypto.OfficeFile(io.BytesIO(encrypted.getvalue()))
    check.load_key(password=password)


def export_rows(
    path: Path, rows: Iterable[Mapping[str, str]], fmt: ExportFormat, password: str | None = None
) -> int:
    """Write ``rows`` (field -> display text) to ``path``; returns the number of rows."""
    if fmt == "csv":
        if password:
            raise ConfigError("--password needs --format xlsx: a CSV file cannot be encrypted")
        return write_csv(path, rows)
    count = write_customer_workbook(path, rows)
    if password:
        encrypt_workbook(path, password)
    return count
