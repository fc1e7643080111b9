"""In-memory state of the Feishu stand-in: apps (bases), tables, fields, records and ids.

Record values are stored keyed by field id, in the shape a client WRITES them (text as a plain
string, dates as ms integers, users as ``[{"id": ...}]``); :mod:`sandbox.feishu_values` turns
them into the shapes each read endpoint returns.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from typing import Any

from sandbox import feishu_errors as E
from sandbox.feishu_errors import FeishuError

_ALNUM = string.ascii_letters + string.digits


class IdMaker:
    """Ids in the real formats (api-facts.md §3.4), unique within one sandbox.

    Seeded, so the same sequence of requests after a reset yields the same ids.
    """

    def __init__(self, seed: int = 0) -> None:
        self._rng = random.Random(seed)
        self._used: set[str] = set()

    def reset(self, seed: int = 0) -> None:
        self._rng = random.Random(seed)
        self._used.clear()

    def make(self, prefix: str, length: int) -> str:
        while True:
            candidate = prefix + "".join(self._rng.choice(_ALNUM) for _ in range(length))
            if candidate not in self._used:
                self._used.add(candidate)
                return candidate

    def claim(self, given: str) -> str:
        """Reserve an id a seeding body chose, so generated ids never collide with it."""
        self._used.add(given)
        return given

    def app_token(self) -> str:
        return self.make("bascn", 22)

    def table_id(self) -> str:
        return self.make("tbl", 13)

    def field_id(self) -> str:
        return self.make("fld", 7)

    def record_id(self) -> str:
        return self.make("rec", 7)

    def view_id(self) -> str:
        return self.make("vew", 7)

    def option_id(self) -> str:
        return self.make("opt", 7)


@dataclass
class AppSettings:
    """Per-app knobs the real service fixes but the docs disagree on (api-facts.md §6)."""

    batch_create: int = 1000
    batch_update: int = 1000
    batch_delete: int = 500
    batch_get: int = 100
    #: > 0: each write holds its table this long, and a write arriving meanwhile gets 1254291.
    write_hold_ms: float = 0.0

    def update(self, body: dict[str, Any]) -> None:
        limits = body.get("batch_limits") or {}
        for key in ("batch_create", "batch_update", "batch_delete", "batch_get"):
            if key in limits:
                value = int(limits[key])
                if value < 1:
                    raise ValueError(f"batch_limits.{key} must be at least 1")
                setattr(self, key, value)
        if "write_hold_ms" in body:
            self.write_hold_ms = max(0.0, float(body["write_hold_ms"]))

    def as_dict(self) -> dict[str, Any]:
        return {
            "batch_limits": {
                "batch_create": self.batch_create,
                "batch_update": self.batch_update,
                "batch_delete": self.batch_delete,
                "batch_get": self.batch_get,
            },
            "write_hold_ms": self.write_hold_ms,
        }


@dataclass
class Field:
    field_id: str
    field_name: str
    type: int
    ui_type: str
    property: dict[str, Any] | None
    is_primary: bool = False
    description: str | None = None

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "field_id": self.field_id,
            "field_name": self.field_name,
            "type": self.type,
            "ui_type": self.ui_type,
            "property": self.property,
            "is_primary": self.is_primary,
            "is_hidden": False,
        }
        if self.description is not None:
            data["description"] = self.description
        return data

    def option_names(self) -> list[str]:
        options = (self.property or {}).get("options") or []
        return [str(option.get("name")) for option in options]


@dataclass
class Record:
    record_id: str
    values: dict[str, Any]  # field_id -> stored (write-shaped) value; empty values absent
    created_ms: int
    modified_ms: int
    auto_number: int


@dataclass
class Table:
    table_id: str
    name: str
    fields: list[Field] = field(default_factory=list)
    records: dict[str, Record] = field(default_factory=dict)  # insertion order = table order
    views: list[dict[str, Any]] = field(default_factory=list)
    revision: int = 1
    next_auto_number: int = 1
    #: client_token -> the response data of the write that first used it (idempotent retries).
    client_tokens: dict[str, Any] = field(default_factory=dict)
    #: True while a write holds the table (only with write_hold_ms > 0).
    writing: bool = False

    def field_named(self, name: Any) -> Field:
        for candidate in self.fields:
            if candidate.field_name == name:
                return candidate
        raise FeishuError(E.FIELD_NAME_NOT_FOUND, f"field {name!r} does not exist")

    def has_field_named(self, name: str) -> bool:
        return any(candidate.field_name == name for candidate in self.fields)

    def record(self, record_id: Any) -> Record:
        found = self.records.get(record_id) if isinstance(record_id, str) else None
        if found is None:
            raise FeishuError(E.RECORD_NOT_FOUND, f"record {record_id!r} does not exist")
        return found

    def view_ids(self) -> list[str]:
        return [str(view["view_id"]) for view in self.views]


@dataclass
class App:
    app_token: str
    name: str
    time_zone: str = "Asia/Shanghai"
    tables: dict[str, Table] = field(default_factory=dict)
    settings: AppSettings = field(default_factory=AppSettings)
    revision: int = 1
    created_ms: int = 0

    def table(self, table_id: str) -> Table:
        found = self.tables.get(table_id)
        if found is None:
            raise FeishuError(E.TABLE_NOT_FOUND, f"table {table_id!r} does not exist")
        return found
