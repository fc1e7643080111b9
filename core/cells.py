"""Canonical values -> the text people see in a cell (template layout, exports, pushes).

The inverse of normalization for display: dates as YYYY-MM-DD, amounts without float noise,
several phone numbers separated by "; ", tags by ", ". Connectors with typed columns
(Airtable numbers, Feishu dates) convert from canonical values themselves.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from core.fields import FIELDS, FieldType, field_spec
from core.models import Customer

PHONE_SEPARATOR = "; "
TAG_SEPARATOR = ", "


def format_amount(value: Decimal) -> str:
    """500000.00 -> '500000', 1234.50 -> '1234.5': exact, no exponent, no trailing zeros."""
    return format(value.normalize(), "f")


def cell_text(name: str, value: Any) -> str:
    """The display text of canonical field ``name``; '' for no value."""
    if value is None or value == () or value == "":
        return ""
    kind = field_spec(name).type
    if kind is FieldType.PHONE:
        return PHONE_SEPARATOR.join(value)
    if kind is FieldType.TAGS:
        return TAG_SEPARATOR.join(value)
    if kind is FieldType.AMOUNT:
        return format_amount(Decimal(value))
    if kind is FieldType.DATETIME and isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S" if value.second else "%Y-%m-%d %H:%M")
    if kind is FieldType.DATE and isinstance(value, date):
        return value.isoformat()
    return str(value)


def customer_cells(customer: Customer) -> dict[str, str]:
    """Every dictionary field of ``customer`` as display text, in dictionary order."""
    return {spec.name: cell_text(spec.name, getattr(customer, spec.name)) for spec in FIELDS}
