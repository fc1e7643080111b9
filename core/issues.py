"""Data-quality findings: what is wrong with which value of which row of which table."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"  # the row is quarantined: never stored, never pushed
    WARNING = "warning"  # the row goes on; the finding is reported (e.g. a value was masked)


#: How much of a bad value a message may quote; longer values are cut with "…".
EXCERPT_CHARS = 40


def excerpt(value: Any, limit: int = EXCERPT_CHARS) -> str:
    """A short, single-line quote of ``value`` for messages and reports."""
    text = "" if value is None else str(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Issue:
    """One problem found in one value.

    ``row`` is how the table knows the row: a 1-based row number for files and sheets, the
    record id for Airtable and Feishu. ``value`` is already an excerpt and already masked when
    the value was sensitive, so an Issue can be logged and stored as it is.
    """

    table: str
    row: str
    field: str
    value: str
    reason: str
    severity: Severity = Severity.ERROR

    def message(self) -> str:
        from core.fields import FIELD_BY_NAME

        spec = FIELD_BY_NAME.get(self.field)
        label = f"{spec.label} ({self.field})" if spec else self.field
        quoted = f" {self.value!r}" if self.value else ""
        return f"{self.table} row {self.row}, {label}{quoted}: {self.reason}"

    def as_dict(self) -> dict[str, str]:
        return {
            "table": self.table,
            "row": self.row,
            "field": self.field,
            "value": self.value,
            "reason": self.reason,
            "severity": self.severity.value,
        }
