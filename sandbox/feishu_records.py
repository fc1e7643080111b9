"""Record operations on one table: validate written fields, create, update, render for reads.

Every batch is validated in full before anything is applied, so a batch either lands whole or
not at all (api-facts.md §3.3: "响应状态是全部成功或者失败").
"""

from __future__ import annotations

from typing import Any

from sandbox import feishu_errors as E
from sandbox.feishu_errors import FeishuError
from sandbox.feishu_model import App, Field, IdMaker, Record, Table
from sandbox.feishu_values import (
    BOT_PERSON,
    ReadContext,
    ReadStyle,
    add_missing_options,
    echo,
    render,
    to_stored,
)

#: field_id -> stored value (``None``: clear the cell)
Converted = dict[str, Any]


def convert_fields(app: App, table: Table, fields: Any) -> Converted:
    """Check a record's ``fields`` object against the table and convert every value."""
    if not isinstance(fields, dict):
        raise FeishuError(E.WRONG_REQUEST_BODY, "fields must be an object")

    def link_exists(target: Field, record_id: str) -> bool:
        linked = app.tables.get(str((target.property or {}).get("table_id") or table.table_id))
        return linked is not None and record_id in linked.records

    converted: Converted = {}
    for name, value in fields.items():
        target = table.field_named(name)
        converted[target.field_id] = to_stored(target, value, link_exists)
    return converted


def record_items(body: dict[str, Any], limit: int) -> list[Any]:
    """The ``records`` list of a batch body, refused with 1254104 above the batch limit."""
    items = body.get("records")
    if not isinstance(items, list) or not items:
        raise FeishuError(E.WRONG_REQUEST_BODY, "records must be a non-empty list")
    if len(items) > limit:
        raise FeishuError(
            E.BATCH_TOO_LARGE, f"{len(items)} records in one call; the limit is {limit}"
        )
    return items


def create(
    table: Table, converted: Converted, ids: IdMaker, now_ms: int, record_id: str | None = None
) -> Record:
    record = Record(
        record_id=ids.claim(record_id) if record_id else ids.record_id(),
        values={},
        created_ms=now_ms,
        modified_ms=now_ms,
        auto_number=table.next_auto_number,
    )
    table.next_auto_number += 1
    table.records[record.record_id] = record
    _assign(table, record, converted, ids)
    return record


def update(table: Table, record: Record, converted: Converted, ids: IdMaker, now_ms: int) -> None:
    _assign(table, record, converted, ids)
    record.modified_ms = now_ms


def _assign(table: Table, record: Record, converted: Converted, ids: IdMaker) -> None:
    for field_id, value in converted.items():
        if value is None:
            record.values.pop(field_id, None)
        else:
            record.values[field_id] = value
    for target in table.fields:
        value = converted.get(target.field_id)
        if value is not None and target.type in (3, 4):
            add_missing_options(target, [value] if isinstance(value, str) else list(value), ids)


def echo_fields(table: Table, converted: Converted) -> dict[str, Any]:
    """The ``fields`` a write response returns: the written cells that hold a value."""
    names = {target.field_id: target.field_name for target in table.fields}
    return {
        names[field_id]: echo(value) for field_id, value in converted.items() if value is not None
    }


def written(record: Record, fields: dict[str, Any]) -> dict[str, Any]:
    """One record of a write response."""
    return {"fields": fields, "record_id": record.record_id, "id": record.record_id}


def read(
    app: App,
    table: Table,
    record: Record,
    style: ReadStyle,
    users: dict[str, dict[str, Any]],
    *,
    keep: list[Field] | None = None,
    automatic: bool = False,
    with_id: bool = False,
) -> dict[str, Any]:
    """One record as a read endpoint returns it; empty cells are omitted."""
    ctx = ReadContext(style=style, users=users, table_of=app.tables.get)
    fields: dict[str, Any] = {}
    for target in keep if keep is not None else table.fields:
        value = render(target, record, ctx)
        if value is not None:
            fields[target.field_name] = value
    item: dict[str, Any] = {"fields": fields, "record_id": record.record_id}
    if with_id:
        item["id"] = record.record_id
    if automatic:
        item["created_by"] = dict(BOT_PERSON)
        item["created_time"] = record.created_ms
        item["last_modified_by"] = dict(BOT_PERSON)
        item["last_modified_time"] = record.modified_ms
    return item


def dump(table: Table, record: Record) -> dict[str, Any]:
    """A record for ``inspect``: stored (write-shaped) values keyed by field name."""
    names = {target.field_id: target.field_name for target in table.fields}
    return {
        "record_id": record.record_id,
        "fields": {
            names[field_id]: echo(value)
            for field_id, value in record.values.items()
            if field_id in names
        },
        "auto_number": record.auto_number,
        "created_time": record.created_ms,
        "last_modified_time": record.modified_ms,
    }
