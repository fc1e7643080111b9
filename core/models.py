"""Canonical data: the clean shape every table's rows are turned into.

A :class:`Customer` holds only normalized, validated values: the pipeline stages build it,
and a row that cannot become one is quarantined instead. Field names and meanings follow
the field dictionary (``core.fields``); a test keeps the two in step.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.normalize.base import SEQUENCE_TYPES

#: 客户编号 as tablesync generates it: C-YYYYMMDD-N.
CUSTOMER_ID_PATTERN = re.compile(r"^C-(\d{8})-(\d{1,6})$")


class Customer(BaseModel):
    """One customer (客户), as agreed across every table."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    customer_id: str | None = None
    company_name: str = Field(min_length=1)
    contact_name: str = Field(min_length=1)
    contact_title: str | None = None
    #: Normalized numbers: mobiles as 11 digits, landlines as 区号-号码, foreign ones in E.164;
    #: the first is the main number. Several numbers in one cell stay a list, never joined.
    phone: tuple[str, ...] = ()
    email: str | None = None
    address: str | None = None
    province: str | None = None  # derived from address
    city: str | None = None  # derived from address
    district: str | None = None  # derived from address
    industry: str | None = None
    level: str | None = None
    source: str | None = None
    status: str | None = None
    follow_up_status: str | None = None
    owner: str | None = None
    department: str | None = None
    last_follow_up: date | None = None
    follow_up_method: str | None = None
    follow_up_content: str | None = None
    next_follow_up: str | None = None  # "2024-05-20:跟进合同签订" as entered, normalized
    next_follow_up_date: date | None = None  # derived from next_follow_up
    feedback: str | None = None
    project: str | None = None
    cooperation_start: date | None = None
    total_amount: Decimal | None = None
    demand_type: str | None = None
    budget: str | None = None
    purchase_time: str | None = None
    key_needs: str | None = None
    tags: tuple[str, ...] = ()
    remarks: str | None = None
    updated_at: datetime | None = None

    @field_validator("tags", mode="before")
    @classmethod
    def _tags_are_a_set(cls, value: Any) -> Any:
        # Tags are a set: order and repeats carry no meaning, so store them sorted and unique.
        if isinstance(value, SEQUENCE_TYPES):
            return tuple(sorted({str(tag).strip() for tag in value if str(tag).strip()}))
        return value

    @field_validator("customer_id")
    @classmethod
    def _id_has_no_spaces(cls, value: str | None) -> str | None:
        if value is not None and (not value or any(ch.isspace() for ch in value)):
            raise ValueError("客户编号 must be a non-empty code without spaces")
        return value

    def canonical_values(self) -> dict[str, Any]:
        """The field values as plain JSON-able data (dates ISO, amounts as strings)."""
        return self.model_dump(mode="json")


#: Fields derived from others; not columns of any table. A customer whose address (or
#: 下次跟进计划) has a value has all the fields derived from it set, ``None`` for a part
#: the value does not tell (an address without a district).
DERIVED_FIELDS = ("province", "city", "district", "next_follow_up_date")
#: Fields a Customer cannot exist without, whatever ``quality.required`` says.
CUSTOMER_REQUIRED = tuple(
    name for name, info in Customer.model_fields.items() if info.is_required()
)


class FollowUp(BaseModel):
    """One contact event (跟进记录) for a customer.

    Follow-ups form an append-only log: entries from different tables are unioned, never
    overwritten. ``entry_key`` identifies an entry across runs (a hash of its content when the
    table has no id for it).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    customer_id: str
    entry_key: str
    happened_on: date | None = None
    method: str | None = None
    content: str | None = None
    owner: str | None = None
    feedback: str | None = None
    next_plan: str | None = None
    source_table: str | None = None
    recorded_at: datetime | None = None
