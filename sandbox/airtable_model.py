"""The in-memory model of Airtable bases: ids, fields, records and what a cell may hold.

The HTTP layer (``sandbox.airtable``) turns requests into calls on these objects. Everything
about a single cell lives here: how a written value is checked or typecast per field type, how a
stored value is rendered (``cellFormat=json`` or ``string``), how it enters a formula and how
it sorts. Errors are raised as :class:`ApiError` carrying Airtable's status, type and message.
"""

from __future__ import annotations

import copy
import random
import re
import string
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sandbox import airtable_formula as formula
from sandbox.airtable_formula import ErrorValue, Node, Value

ID_CHARS = string.ascii_letters + string.digits

TEXT_TYPES = frozenset(
    {"singleLineText", "multilineText", "email", "phoneNumber", "url", "richText"}
)
NUMBER_TYPES = frozenset({"number", "currency", "percent", "rating", "duration"})
# Airtable computes these itself; any write to them is refused.
COMPUTED_TYPES = frozenset(
    {
        "formula",
        "createdTime",
        "lastModifiedTime",
        "autoNumber",
        "rollup",
        "multipleLookupValues",
        "count",
        "createdBy",
        "lastModifiedBy",
        "button",
        "aiText",
    }
)
SELECT_TYPES = frozenset({"singleSelect", "multipleSelects"})
CHOICE_COLORS = ("blueLight2", "cyanLight2", "tealLight2", "greenLight2", "yellowLight2")


class ApiError(Exception):
    """An Airtable error answer: HTTP status plus ``{"error": {"type", "message"}}``."""

    def __init__(self, status: int, error_type: str, message: str | None = None) -> None:
        super().__init__(f"{status} {error_type}: {message}")
        self.status = status
        self.error_type = error_type
        self.message = message


def unknown_field(name: str) -> ApiError:
    return ApiError(422, "UNKNOWN_FIELD_NAME", f'Unknown field name: "{name}"')


def invalid_value(name: str) -> ApiError:
    return ApiError(
        422, "INVALID_VALUE_FOR_COLUMN", f'Field "{name}" cannot accept the provided value'
    )


def new_id(prefix: str, rng: random.Random) -> str:
    """An id in Airtable's form: a 3-letter prefix and 14 letters or digits."""
    return prefix + "".join(rng.choice(ID_CHARS) for _ in range(14))


def iso(timestamp: float) -> str:
    """A sandbox-clock timestamp in Airtable's UTC form."""
    return formula.format_datetime(datetime.fromtimestamp(timestamp, UTC))


# -- schema ----------------------------------------------------------------------------------

_DATE_FORMAT = {"name": "iso", "format": "YYYY-MM-DD"}
_DATETIME_OPTIONS = {
    "dateFormat": _DATE_FORMAT,
    "timeFormat": {"name": "24hour", "format": "HH:mm"},
    "timeZone": "client",  # Airtable's default: shown in each viewer's own time zone
}
# Options Airtable always reports for a type, so that pyairtable's typed schema parses them.
_DEFAULT_OPTIONS: dict[str, dict[str, Any]] = {
    "checkbox": {"icon": "check", "color": "greenBright"},
    "number": {"precision": 0},
    "percent": {"precision": 0},
    "currency": {"precision": 2, "symbol": "$"},
    "rating": {"icon": "star", "max": 5, "color": "yellowBright"},
    "duration": {"durationFormat": "h:mm"},
    "date": {"dateFormat": _DATE_FORMAT},
    "dateTime": _DATETIME_OPTIONS,
    "singleSelect": {"choices": []},
    "multipleSelects": {"choices": []},
    "multipleAttachments": {"isReversed": False},
    "createdTime": {"result": {"type": "dateTime", "options": _DATETIME_OPTIONS}},
    "lastModifiedTime": {
        "isValid": True,
        "referencedFieldIds": [],
        "result": {"type": "dateTime", "options": _DATETIME_OPTIONS},
    },
    "formula": {"isValid": True, "referencedFieldIds": [], "result": {"type": "singleLineText"}},
}


def default_options(field_type: str) -> dict[str, Any] | None:
    """A fresh copy of the options a new field of ``field_type`` has (``None``: no options)."""
    found = _DEFAULT_OPTIONS.get(field_type)
    return copy.deepcopy(found) if found is not None else None


@dataclass
class Field:
    id: str
    name: str
    type: str
    options: dict[str, Any] | None = None
    description: str | None = None
    # The parsed formula of a formula field (parsed once, at seeding).
    ast: Node | None = None

    @property
    def computed(self) -> bool:
        return self.type in COMPUTED_TYPES

    def choices(self) -> list[dict[str, Any]]:
        if self.options is None:
            return []
        choices: list[dict[str, Any]] = self.options.setdefault("choices", [])
        return choices

    def choice_index(self, name: str) -> int | None:
        for index, choice in enumerate(self.choices()):
            if choice["name"] == name:
                return index
        return None

    def add_choice(self, name: str, rng: random.Random) -> None:
        if self.choice_index(name) is None:
            color = CHOICE_COLORS[len(self.choices()) % len(CHOICE_COLORS)]
            self.choices().append({"id": new_id("sel", rng), "name": name, "color": color})

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "name": self.name, "type": self.type}
        if self.description:
            out["description"] = self.description
        if self.options is not None:
            out["options"] = self.options
        return out


@dataclass
class View:
    id: str
    name: str
    type: str = "grid"
    # Sandbox extensions: a view may filter and sort like the views people set up in the UI.
    filter: Node | None = None
    sort: list[tuple[str, str]] = field(default_factory=list)
    visible_field_ids: list[str] | None = None

    def schema(self, with_visible_fields: bool, all_field_ids: list[str]) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "name": self.name, "type": self.type}
        if with_visible_fields and self.type == "grid":
            out["visibleFieldIds"] = self.visible_field_ids or all_field_ids
        return out


@dataclass
class Record:
    id: str
    created: float
    number: int  # the autoNumber value, also the default (creation) order
    cells: dict[str, Any] = field(default_factory=dict)  # field id -> stored value
    modified: dict[str, float] = field(default_factory=dict)  # field id -> last user edit


@dataclass
class Table:
    id: str
    name: str
    fields: list[Field]
    views: list[View]
    description: str | None = None
    records: dict[str, Record] = field(default_factory=dict)
    next_number: int = 1

    def field(self, key: str) -> Field | None:
        """A field by id or by exact name (Airtable accepts both in most places)."""
        for item in self.fields:
            if item.id == key:
                return item
        for item in self.fields:
            if item.name == key:
                return item
        return None

    def require_field(self, key: str) -> Field:
        found = self.field(key)
        if found is None:
            raise unknown_field(key)
        return found

    def view(self, key: str) -> View | None:
        for view in self.views:
            if key in (view.id, view.name):
                return view
        return None

    def schema(self, with_visible_fields: bool = False) -> dict[str, Any]:
        field_ids = [f.id for f in self.fields]
        out: dict[str, Any] = {"id": self.id, "name": self.name}
        if self.description:
            out["description"] = self.description
        out["primaryFieldId"] = self.fields[0].id
        out["fields"] = [f.schema() for f in self.fields]
        out["views"] = [v.schema(with_visible_fields, field_ids) for v in self.views]
        return out


@dataclass
class Base:
    id: str
    name: str
    tables: list[Table]
    # Rate limiting: sandbox-clock times of recent accepted requests, and the end of a penalty.
    recent: deque[float] = field(default_factory=deque)
    blocked_until: float = 0.0

    def table(self, key: str) -> Table | None:
        for table in self.tables:
            if table.id == key:
                return table
        for table in self.tables:
            if table.name == key:
                return table
        return None


# -- writing cells -----------------------------------------------------------------------------


@dataclass
class WriteContext:
    """Per-request write settings; select options typecast creates wait here until commit."""

    typecast: bool
    new_choices: list[tuple[Field, str]] = field(default_factory=list)

    def choice_known(self, target: Field, name: str) -> bool:
        if target.choice_index(name) is not None:
            return True
        return any(f is target and n == name for f, n in self.new_choices)

    def commit(self, rng: random.Random) -> None:
        for target, name in self.new_choices:
            target.add_choice(name, rng)
        self.new_choices.clear()


def coerce_cell(target: Field, value: Any, ctx: WriteContext) -> Any:
    """The value to store for a write of ``value`` into ``target`` (``None`` clears the cell)."""
    if target.computed:
        raise ApiError(
            422,
            "INVALID_VALUE_FOR_COLUMN",
            f'Field "{target.name}" cannot accept a value because the field is computed',
        )
    if value is None:
        return None
    if target.type in TEXT_TYPES:
        return _coerce_text(target, value, ctx)
    if target.type in NUMBER_TYPES:
        return _coerce_number(target, value, ctx)
    writers = {
        "checkbox": _coerce_checkbox,
        "date": _coerce_date,
        "dateTime": _coerce_datetime,
        "singleSelect": _coerce_single_select,
        "multipleSelects": _coerce_multiple_selects,
    }
    writer = writers.get(target.type)
    # Types the sandbox does not model (links, attachments, ...) keep what was sent.
    return writer(target, value, ctx) if writer else value


def _coerce_text(target: Field, value: Any, ctx: WriteContext) -> Any:
    if isinstance(value, str):
        return value or None
    if not ctx.typecast or isinstance(value, dict):
        raise invalid_value(target.name)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return formula.format_number(float(value))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or None
    raise invalid_value(target.name)


def _whole(number: float) -> int | float:
    return int(number) if number == int(number) and abs(number) < 2**53 else number


def _coerce_number(target: Field, value: Any, ctx: WriteContext) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _whole(float(value))
    if not ctx.typecast:
        raise invalid_value(target.name)
    if isinstance(value, str):
        return _number_from_text(value, percent=target.type == "percent")
    return None  # typecast gives up silently, as Airtable leaves the cell empty


_NUMBER_NOISE = re.compile(r"[\s,$¥￥€£]")


def _number_from_text(text: str, percent: bool) -> int | float | None:
    cleaned = _NUMBER_NOISE.sub("", text)
    scale = 1.0
    if cleaned.endswith("%"):
        cleaned, scale = cleaned[:-1], 0.01 if percent else 1.0
    parsed = formula.parse_number_text(cleaned)
    return None if parsed is None else _whole(parsed * scale)


_TRUE_WORDS = frozenset({"true", "checked", "yes", "y", "1", "on", "x", "✓", "✔"})


def _coerce_checkbox(target: Field, value: Any, ctx: WriteContext) -> Any:
    if isinstance(value, bool):
        return True if value else None
    if not ctx.typecast:
        raise invalid_value(target.name)
    if isinstance(value, str):
        return True if value.strip().lower() in _TRUE_WORDS else None
    return True if value else None


# Extra date spellings that typecast understands beyond ISO 8601.
_TYPECAST_DATE_FORMATS = ("YYYY/M/D", "M/D/YYYY", "YYYY.M.D", "YYYYMMDD", "YYYY年M月D日")


def _parse_written_datetime(text: str, typecast: bool) -> datetime | None:
    parsed = formula.parse_datetime(text)
    if parsed is None and typecast:
        for fmt in _TYPECAST_DATE_FORMATS:
            parsed = formula.parse_datetime(text, fmt)
            if parsed is not None:
                break
    return parsed


def _cannot_parse(target: Field, value: Any) -> ApiError:
    return ApiError(
        422, "INVALID_VALUE_FOR_COLUMN", f'Cannot parse value "{value}" for field {target.name}'
    )


def _coerce_date(target: Field, value: Any, ctx: WriteContext) -> Any:
    parsed = _written_datetime(target, value, ctx)
    return None if parsed is None else parsed.strftime("%Y-%m-%d")


def _coerce_datetime(target: Field, value: Any, ctx: WriteContext) -> Any:
    parsed = _written_datetime(target, value, ctx)
    return None if parsed is None else formula.format_datetime(parsed)


def _written_datetime(target: Field, value: Any, ctx: WriteContext) -> datetime | None:
    if not isinstance(value, str):
        if ctx.typecast:
            return None
        raise invalid_value(target.name)
    if not value.strip():
        return None
    parsed = _parse_written_datetime(value, ctx.typecast)
    if parsed is None and not ctx.typecast:
        raise _cannot_parse(target, value)
    return parsed


def _select_option(target: Field, name: str, ctx: WriteContext) -> str:
    if not ctx.choice_known(target, name):
        if not ctx.typecast:
            raise ApiError(
                422,
                "INVALID_MULTIPLE_CHOICE_OPTIONS",
                f'Insufficient permissions to create new select option ""{name}""',
            )
        ctx.new_choices.append((target, name))
    return name


def _coerce_single_select(target: Field, value: Any, ctx: WriteContext) -> Any:
    if not isinstance(value, str):
        if not ctx.typecast or isinstance(value, dict | list):
            raise invalid_value(target.name)
        value = formula.text_of(float(value)) if not isinstance(value, bool) else str(value).lower()
    return _select_option(target, value, ctx) if value else None


def _coerce_multiple_selects(target: Field, value: Any, ctx: WriteContext) -> Any:
    if isinstance(value, str) and ctx.typecast:
        value = [part.strip() for part in value.split(",")]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise invalid_value(target.name)
    names: list[str] = []
    for name in value:
        if name and name not in names:
            names.append(_select_option(target, name, ctx))
    return names or None


# -- reading cells -----------------------------------------------------------------------------


class RecordView:
    """One record as formulas and responses see it, computed fields included.

    Implements :class:`sandbox.airtable_formula.FormulaContext`.
    """

    def __init__(self, table: Table, record: Record, now: float) -> None:
        self.table = table
        self.record = record
        self._now = now
        self._computing: set[str] = set()  # formula fields being computed, to stop cycles

    # FormulaContext --------------------------------------------------------------------------

    def field_value(self, name: str) -> Value:
        target = self.table.field(name)
        if target is None:
            return None
        if target.type == "formula":
            return self.formula_result(target)
        return to_formula_value(target, self.stored(target))

    def record_id(self) -> str:
        return self.record.id

    def created_time(self) -> datetime:
        return datetime.fromtimestamp(self.record.created, UTC)

    def last_modified_time(self, fields: Sequence[str]) -> datetime | None:
        stamp = self.last_modified(list(fields))
        return None if stamp is None else datetime.fromtimestamp(stamp, UTC)

    def now(self) -> datetime:
        return datetime.fromtimestamp(self._now, UTC)

    # values ------------------------------------------------------------------------------------

    def last_modified(self, keys: list[str]) -> float | None:
        """Latest user edit of the given fields, or of any editable field (else creation)."""
        if keys:
            ids = [f.id for f in (self.table.field(k) for k in keys) if f is not None]
            stamps = [self.record.modified[i] for i in ids if i in self.record.modified]
            return max(stamps) if stamps else None
        return max(self.record.modified.values(), default=self.record.created)

    def stored(self, target: Field) -> Any:
        """The JSON value of a cell (``None`` when empty), computing computed fields."""
        if target.type == "createdTime":
            return iso(self.record.created)
        if target.type == "autoNumber":
            return self.record.number
        if target.type == "lastModifiedTime":
            options = target.options or {}
            stamp = self.last_modified(list(options.get("referencedFieldIds") or []))
            return None if stamp is None else iso(stamp)
        if target.type == "formula":
            return formula_json(self.formula_result(target))
        return self.record.cells.get(target.id)

    def formula_result(self, target: Field) -> Value:
        if target.ast is None or target.id in self._computing:
            return ErrorValue()
        self._computing.add(target.id)
        try:
            return formula.evaluate(target.ast, self)
        finally:
            self._computing.discard(target.id)


def to_formula_value(target: Field, stored: Any) -> Value:
    """A stored cell as a formula sees it."""
    if stored is None:
        return False if target.type == "checkbox" else None
    if isinstance(stored, bool):
        return stored
    if isinstance(stored, int | float):
        return float(stored)
    if target.type in ("date", "dateTime", "createdTime", "lastModifiedTime"):
        return formula.parse_datetime(str(stored))
    if isinstance(stored, list):
        return [
            v if isinstance(v, str) else formula.text_of(to_formula_value(target, v))
            for v in stored
        ]
    if isinstance(stored, dict):
        return str(stored.get("text") or stored.get("name") or stored.get("filename") or "")
    return str(stored)


def formula_json(value: Value) -> Any:
    """A formula result as the API returns it (``None`` when blank)."""
    if isinstance(value, ErrorValue):
        return {"error": value.code}
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, float):
        if value != value:
            return {"specialValue": "NaN"}
        if value in (float("inf"), float("-inf")):
            return {"specialValue": "Infinity" if value > 0 else "-Infinity"}
        return _whole(value)
    if isinstance(value, datetime):
        return formula.format_datetime(value)
    if isinstance(value, list):
        return [formula_json(v) for v in value] or None
    return value if value != "" else None


def sort_key(target: Field, view: RecordView) -> tuple[Any, ...]:
    """How a cell sorts: blanks first, selects by option order, text without case."""
    if target.type in SELECT_TYPES:
        stored = view.stored(target)
        if stored is None:
            return (0,)
        names = stored if isinstance(stored, list) else [stored]
        return (1, tuple(_choice_rank(target, n) for n in names))
    return value_sort_key(view.field_value(target.id))


def _choice_rank(target: Field, name: str) -> int:
    index = target.choice_index(name)
    return len(target.choices()) if index is None else index


def value_sort_key(value: Value) -> tuple[Any, ...]:
    if value is None or value == "" or value == []:
        return (0,)
    if isinstance(value, bool | float):
        return (1, float(value))
    if isinstance(value, datetime):
        return (2, value.timestamp())
    if isinstance(value, str):
        return (3, value.casefold(), value)
    if isinstance(value, list):
        return (4, tuple(formula.text_of(v).casefold() for v in value))
    return (5,)


# -- cellFormat=string ------------------------------------------------------------------------


def zone(name: str | None) -> ZoneInfo:
    """A time zone by IANA name; Airtable's "utc" and unknown names fall back to UTC."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def render_string(target: Field, stored: Any, time_zone: str) -> str | None:
    """A cell as Airtable renders it with ``cellFormat=string`` (US locale)."""
    if stored is None:
        return None
    options = target.options or {}
    if target.type in ("createdTime", "lastModifiedTime") or (
        target.type == "formula" and options.get("result", {}).get("type") == "dateTime"
    ):
        options = options.get("result", {}).get("options", {})
        return _render_datetime(stored, options, time_zone)
    if target.type == "dateTime":
        return _render_datetime(stored, options, time_zone)
    if target.type == "date":
        parsed = formula.parse_datetime(str(stored))
        return _render_date(parsed, options) if parsed else str(stored)
    return _render_plain(target, stored, options)


def _render_plain(target: Field, stored: Any, options: dict[str, Any]) -> str:
    if target.type == "checkbox":
        return "checked"
    if isinstance(stored, bool):
        return "1" if stored else "0"
    if isinstance(stored, int | float):
        return _render_number(target.type, float(stored), options)
    if isinstance(stored, list):
        return ", ".join(str(v) for v in stored)
    if isinstance(stored, dict):
        return str(stored.get("error") or stored.get("specialValue") or stored.get("text") or "")
    return str(stored)


def _render_number(field_type: str, value: float, options: dict[str, Any]) -> str:
    precision = int(options.get("precision", 0) or 0)
    if field_type == "currency":
        sign = "-" if value < 0 else ""
        return f"{sign}{options.get('symbol', '$')}{abs(value):,.{precision}f}"
    if field_type == "percent":
        return f"{value * 100:.{precision}f}%"
    if field_type in ("number",):
        return f"{value:.{precision}f}"
    return formula.format_number(value)


def _render_date(value: datetime, options: dict[str, Any]) -> str:
    name = (options.get("dateFormat") or {}).get("name", "local")
    if name == "iso":
        return value.strftime("%Y-%m-%d")
    if name == "european":
        return f"{value.day}/{value.month}/{value.year}"
    if name == "friendly":
        return f"{value.strftime('%B')} {value.day}, {value.year}"
    return f"{value.month}/{value.day}/{value.year}"


def _render_datetime(stored: Any, options: dict[str, Any], time_zone: str) -> str:
    parsed = formula.parse_datetime(str(stored))
    if parsed is None:
        return str(stored)
    field_zone = options.get("timeZone")
    local = parsed.astimezone(zone(time_zone if field_zone in (None, "client") else field_zone))
    time_name = (options.get("timeFormat") or {}).get("name", "12hour")
    if time_name == "24hour":
        clock = local.strftime("%H:%M")
    else:
        clock = f"{local.hour % 12 or 12}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'}"
    return f"{_render_date(local, options)} {clock}"
