"""Helpers for the dedupe tests: short-hand records."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.dedupe import DedupeRecord
from core.models import Customer


def rec(
    key: str,
    company: str,
    contact: str,
    *phones: str,
    table: str | None = None,
    modified: datetime | None = None,
    **fields: Any,
) -> DedupeRecord:
    """A record of ``company`` / ``contact`` with ``phones`` and any other Customer fields."""
    customer = Customer(company_name=company, contact_name=contact, phone=phones, **fields)
    return DedupeRecord(key=key, customer=customer, table=table, modified_at=modified)
