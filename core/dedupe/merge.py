"""Merging duplicates into one customer: survivorship per field, with provenance.

The source documents say to keep "最新录入或信息完整的记录" — the newest entry or the most
complete one. Here that choice is made per field, not per record, so no value is lost just
because it sat in the older row:

* ``newest`` (default): the newest non-empty value, by the record's modified time (the table's
  own time when known, else the record's 最后更新时间);
* ``most_complete``: the non-empty value of the record that fills the most fields.

Tags and phone numbers are unioned (the chosen record's numbers first, so its main number stays
the main number); follow-ups are unioned by the store, which remaps ``merged_from`` to the
survivor. Derived fields travel with their source: province/city/district come from the record
whose address won, ``next_follow_up_date`` with ``next_follow_up``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from core.dedupe.keys import phone_key
from core.dedupe.types import DedupeRecord, MergeOutcome
from core.ids import parse_customer_id
from core.models import DERIVED_FIELDS, Customer
from core.settings import DedupeSettings

#: Fields whose value comes from the record that won another field.
FOLLOWS: dict[str, str] = {
    "province": "address",
    "city": "address",
    "district": "address",
    "next_follow_up_date": "next_follow_up",
}
#: Fields that are not chosen by survivorship at all.
_SPECIAL = frozenset({"customer_id", "phone", "tags", "updated_at", *DERIVED_FIELDS})


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == ()


def _instant(value: datetime | None) -> float:
    if value is None:
        return float("-inf")
    if value.tzinfo is None:  # a naive time is read as UTC so naive and aware ones compare
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def recency(record: DedupeRecord) -> float:
    """When the record's values were last changed: the table's time, else 最后更新时间."""
    return _instant(record.modified_at or record.customer.updated_at)


def completeness(customer: Customer) -> int:
    """How many fields the customer fills (derived fields and the id not counted)."""
    return sum(
        1
        for name in Customer.model_fields
        if name not in DERIVED_FIELDS and name != "customer_id"
        if not _empty(getattr(customer, name))
    )


def choose_customer_id(records: Sequence[DedupeRecord]) -> DedupeRecord | None:
    """The record whose 客户编号 the merged customer keeps: the oldest stored customer.

    Ids in tablesync's own format (C-YYYYMMDD-N) are ordered by day, then number — the
    customer created first wins, so links and follow-ups of the longest-lived record stay put.
    Ids in other formats (imported ``C001``) come after those, in text order; records without
    an id never win. ``None`` when no record has an id.
    """
    best: tuple[tuple[int, Any, Any], DedupeRecord] | None = None
    for record in records:
        value = record.customer.customer_id
        if not value:
            continue
        parsed = parse_customer_id(value)
        rank: tuple[int, Any, Any] = (0, parsed[0], parsed[1]) if parsed else (1, value, 0)
        if best is None or rank < best[0]:
            best = (rank, record)
    return best[1] if best else None


def _pick(
    records: Sequence[DedupeRecord], field: str, rank: Callable[[DedupeRecord], Any]
) -> DedupeRecord | None:
    holders = [r for r in records if not _empty(getattr(r.customer, field))]
    if not holders:
        return None
    # max() keeps the first of equals: on a tie the earlier record in the input wins.
    return max(holders, key=rank)


def merge_records(
    records: Sequence[DedupeRecord],
    settings: DedupeSettings = DedupeSettings(),  # noqa: B008 - immutable in practice, per contract
) -> MergeOutcome:
    """Fold duplicate records into one customer.

    >>> from core.models import Customer
    >>> old = DedupeRecord("C-20230101-4", Customer(customer_id="C-20230101-4",
    ...     company_name="星辰科技", contact_name="王伟", email="w@x.cn"),
    ...     table="feishu", modified_at=datetime(2024, 1, 1))
    >>> new = DedupeRecord("sheet:3", Customer(company_name="北京星辰科技有限公司",
    ...     contact_name="王伟"), table="sheet", modified_at=datetime(2024, 5, 1))
    >>> out = merge_records([old, new])
    >>> out.survivor.customer_id, out.survivor.company_name, out.survivor.email
    ('C-20230101-4', '北京星辰科技有限公司', 'w@x.cn')
    >>> out.merged_from, out.provenance_tables["email"]
    (('sheet:3',), 'feishu')
    """
    if not records:
        raise ValueError("nothing to merge")
    keys = [r.key for r in records]
    if len(set(keys)) != len(keys):
        raise ValueError("record keys must be unique")

    def newest(record: DedupeRecord) -> tuple[float]:
        return (recency(record),)

    def fullest(record: DedupeRecord) -> tuple[int, float]:
        return (completeness(record.customer), recency(record))

    values: dict[str, Any] = {}
    source: dict[str, DedupeRecord] = {}
    for field in Customer.model_fields:
        if field in _SPECIAL:
            continue
        policy = settings.survivorship.get(field, settings.default_survivorship)
        winner = _pick(records, field, fullest if policy == "most_complete" else newest)
        if winner is not None:
            values[field] = getattr(winner.customer, field)
            source[field] = winner
    for field, leader in FOLLOWS.items():
        holder = source.get(leader)
        if holder is not None and not _empty(getattr(holder.customer, field)):
            values[field] = getattr(holder.customer, field)
            source[field] = holder

    # Phones: the chosen record's numbers first (its main number stays main), then the others
    # newest first; the same number written twice in different formats is kept once.
    phone_policy = settings.survivorship.get("phone", settings.default_survivorship)
    phone_winner = _pick(records, "phone", fullest if phone_policy == "most_complete" else newest)
    if phone_winner is not None:
        ordered = [phone_winner, *sorted(records, key=recency, reverse=True)]
        phones: list[str] = []
        seen: set[str] = set()
        for record in ordered:
            for number in record.customer.phone:
                marker = phone_key(number) or number
                if marker not in seen:
                    seen.add(marker)
                    phones.append(number)
        values["phone"] = tuple(phones)
        source["phone"] = phone_winner

    tags = sorted({tag for r in records for tag in r.customer.tags})
    if tags:
        values["tags"] = tuple(tags)
        tag_holder = _pick(records, "tags", newest)
        assert tag_holder is not None
        source["tags"] = tag_holder

    updated = _pick(records, "updated_at", lambda r: _instant(r.customer.updated_at))
    if updated is not None:
        values["updated_at"] = updated.customer.updated_at
        source["updated_at"] = updated

    keeper = choose_customer_id(records)
    if keeper is not None:
        values["customer_id"] = keeper.customer.customer_id
        source["customer_id"] = keeper
    merged_from = tuple(r.key for r in records if r is not keeper)

    survivor = Customer.model_validate(values)
    return MergeOutcome(
        survivor=survivor,
        merged_from=merged_from,
        provenance={field: record.key for field, record in source.items()},
        provenance_tables={field: record.table for field, record in source.items()},
    )
