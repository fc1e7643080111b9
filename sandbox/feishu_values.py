"""Field types of Bitable: what a write may carry, how it is stored, and how each read returns it.

Read shapes differ by endpoint, as on the real service (api-facts.md §3.5): ``search`` (and
``batch_get``) return text as segment arrays and links as ``{"link_record_ids": [...]}``;
``list``/``get`` return text as plain strings unless ``text_field_as_array`` is set. Empty values
are never stored, so reads omit them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from sandbox import feishu_errors as E
from sandbox.feishu_errors import FeishuError
from sandbox.feishu_model import Field, IdMaker, Record, Table

UI_TYPES: dict[int, str] = {
    1: "Text",
    2: "Number",
    3: "SingleSelect",
    4: "MultiSelect",
    5: "DateTime",
    7: "Checkbox",
    11: "User",
    13: "Phone",
    15: "Url",
    17: "Attachment",
    18: "SingleLink",
    19: "Lookup",
    20: "Formula",
    21: "DuplexLink",
    22: "Location",
    23: "GroupChat",
    1001: "CreatedTime",
    1002: "ModifiedTime",
    1003: "CreatedUser",
    1004: "ModifiedUser",
    1005: "AutoNumber",
}

#: ui_types a seed or field-create body may choose instead of the type's default one.
UI_ALIASES: dict[int, frozenset[str]] = {
    1: frozenset({"Text", "Email", "Barcode"}),
    2: frozenset({"Number", "Progress", "Currency", "Rating"}),
}

#: Computed by the service; a write naming one of these is refused.
READ_ONLY_TYPES = frozenset({19, 20, 1001, 1002, 1003, 1004, 1005})
DATE_TYPES = frozenset({5, 1001, 1002})
LINK_TYPES = frozenset({18, 21})
USER_TYPES = frozenset({11, 1003, 1004})

#: Who the service records as creator/modifier of writes made with a tenant token.
BOT_PERSON: dict[str, str] = {
    "id": "ou_sandbox_app",
    "name": "tablesync sandbox app",
    "en_name": "tablesync sandbox app",
    "email": "",
    "avatar_url": "",
}

# Digits with the usual separators and an optional leading +; at least three digits.
_PHONE = re.compile(r"^\+?[0-9()\-\s]{3,40}$")

ReadStyle = Literal["search", "list", "list_array"]


@dataclass
class ReadContext:
    """What rendering needs beyond the record: the read style, users and linked tables."""

    style: ReadStyle
    users: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    table_of: Callable[[str], Table | None] = lambda _table_id: None


# -- schema ------------------------------------------------------------------------------------


def ui_type_for(type_: int, requested: Any) -> str:
    """The ``ui_type`` of a new field: the requested alias if valid, else the type's default."""
    if type_ not in UI_TYPES:
        raise FeishuError(E.WRONG_REQUEST_BODY, f"unknown field type {type_!r}")
    if isinstance(requested, str) and requested in UI_ALIASES.get(type_, frozenset()):
        return requested
    return UI_TYPES[type_]


def default_property(type_: int, given: Any, ids: IdMaker) -> dict[str, Any] | None:
    """The property a new field gets: the given one (options get ids) or the type's default."""
    if given is not None and not isinstance(given, dict):
        raise FeishuError(E.WRONG_REQUEST_BODY, "property must be an object")
    prop: dict[str, Any] | None = dict(given) if given else None
    if type_ in (3, 4):
        prop = prop or {}
        prop["options"] = [
            _option(option, index, ids) for index, option in enumerate(prop.get("options") or [])
        ]
    elif prop is None:
        prop = _DEFAULT_PROPERTIES.get(type_)
        prop = dict(prop) if prop is not None else None
    return prop


_DEFAULT_PROPERTIES: dict[int, dict[str, Any]] = {
    2: {"formatter": "0"},
    5: {"date_formatter": "yyyy/MM/dd", "auto_fill": False},
    1001: {"date_formatter": "yyyy/MM/dd HH:mm"},
    1002: {"date_formatter": "yyyy/MM/dd HH:mm"},
    1005: {"auto_serial": {"type": "auto_increment_number"}},
}


def _option(option: Any, index: int, ids: IdMaker) -> dict[str, Any]:
    if isinstance(option, str):
        option = {"name": option}
    if not isinstance(option, dict) or not isinstance(option.get("name"), str):
        raise FeishuError(E.WRONG_REQUEST_BODY, "an option needs a name")
    given_id = option.get("id")
    return {
        "name": option["name"],
        "id": ids.claim(given_id) if isinstance(given_id, str) else ids.option_id(),
        "color": int(option.get("color", index % 55)),
    }


def add_missing_options(target: Field, names: list[str], ids: IdMaker) -> None:
    """Writing an unknown option name adds that option to the field, as the web UI does."""
    known = set(target.option_names())
    prop = target.property if target.property is not None else {}
    options = prop.setdefault("options", [])
    for name in names:
        if name not in known:
            options.append({"name": name, "id": ids.option_id(), "color": len(options) % 55})
            known.add(name)
    target.property = prop


# -- writes ------------------------------------------------------------------------------------

LinkCheck = Callable[[Field, str], bool]


def to_stored(target: Field, value: Any, link_exists: LinkCheck) -> Any:
    """Validate one written value and return its stored form (``None``: the cell is emptied)."""
    if target.type in READ_ONLY_TYPES:
        raise FeishuError(E.WRONG_REQUEST_BODY, f"field {target.field_name!r} is read-only")
    if value is None:
        return None
    writer = _WRITERS.get(target.type)
    if writer is None:
        return value
    if target.type in LINK_TYPES:
        return _write_links(target, value, link_exists)
    return writer(target, value)


def _fail(code: int, target: Field, value: Any) -> FeishuError:
    return FeishuError(code, f"field {target.field_name!r} cannot take {value!r}")


def _write_text(target: Field, value: Any) -> Any:
    if not isinstance(value, str):
        raise _fail(E.TEXT_CONV_FAIL, target, value)
    return value or None


def _write_number(target: Field, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _fail(E.NUMBER_CONV_FAIL, target, value)
    return value


def _write_single_select(target: Field, value: Any) -> Any:
    if not isinstance(value, str):
        raise _fail(E.SINGLE_SELECT_CONV_FAIL, target, value)
    return value or None


def _write_multi_select(target: Field, value: Any) -> Any:
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise _fail(E.MULTI_SELECT_CONV_FAIL, target, value)
    return list(dict.fromkeys(value)) or None


def _write_datetime(target: Field, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _fail(E.DATETIME_CONV_FAIL, target, value)
    if value != int(value):
        raise _fail(E.DATETIME_CONV_FAIL, target, value)
    return int(value)


def _write_checkbox(target: Field, value: Any) -> Any:
    if not isinstance(value, bool):
        raise _fail(E.CHECKBOX_CONV_FAIL, target, value)
    return value


def _id_objects(target: Field, value: Any, code: int) -> Any:
    if not isinstance(value, list) or not all(
        isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"] for item in value
    ):
        raise _fail(code, target, value)
    return [{"id": item["id"]} for item in value] or None


def _write_user(target: Field, value: Any) -> Any:
    return _id_objects(target, value, E.USER_CONV_FAIL)


def _write_group_chat(target: Field, value: Any) -> Any:
    return _id_objects(target, value, E.FIELD_TYPE_MISMATCH)


def _write_phone(target: Field, value: Any) -> Any:
    if not isinstance(value, str):
        raise _fail(E.INVALID_PHONE, target, value)
    if value == "":
        return None
    if not _PHONE.match(value) or sum(ch.isdigit() for ch in value) < 3:
        raise _fail(E.INVALID_PHONE, target, value)
    return value


def _write_url(target: Field, value: Any) -> Any:
    if not isinstance(value, dict) or not isinstance(value.get("link"), str):
        raise _fail(E.URL_CONV_FAIL, target, value)
    text = value.get("text")
    if text is not None and not isinstance(text, str):
        raise _fail(E.URL_CONV_FAIL, target, value)
    if not value["link"]:
        return None
    return {"link": value["link"], "text": text if text else value["link"]}


def _write_attachment(target: Field, value: Any) -> Any:
    if not isinstance(value, list) or not all(
        isinstance(item, dict) and isinstance(item.get("file_token"), str) for item in value
    ):
        raise _fail(E.ATTACHMENT_CONV_FAIL, target, value)
    return [{"file_token": item["file_token"]} for item in value] or None


def _write_location(target: Field, value: Any) -> Any:
    if not isinstance(value, str):
        raise _fail(E.FIELD_TYPE_MISMATCH, target, value)
    if value == "":
        return None
    parts = value.split(",")
    try:
        lng, lat = (float(part) for part in parts)
    except ValueError:
        raise _fail(E.FIELD_TYPE_MISMATCH, target, value) from None
    return f"{lng},{lat}"


def _write_links(target: Field, value: Any, link_exists: LinkCheck) -> Any:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _fail(E.LINK_CONV_FAIL, target, value)
    for record_id in value:
        if not link_exists(target, record_id):
            raise _fail(E.LINK_CONV_FAIL, target, record_id)
    return list(dict.fromkeys(value)) or None


_WRITERS: dict[int, Callable[[Field, Any], Any]] = {
    1: _write_text,
    2: _write_number,
    3: _write_single_select,
    4: _write_multi_select,
    5: _write_datetime,
    7: _write_checkbox,
    11: _write_user,
    13: _write_phone,
    15: _write_url,
    17: _write_attachment,
    18: lambda target, value: value,  # replaced by _write_links (needs the link check)
    21: lambda target, value: value,
    22: _write_location,
    23: _write_group_chat,
}


# -- reads -------------------------------------------------------------------------------------


def person(user_id: str, users: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    known = users.get(user_id, {})
    return {
        "id": user_id,
        "name": known.get("name", ""),
        "en_name": known.get("en_name", known.get("name", "")),
        "email": known.get("email", ""),
        "avatar_url": known.get("avatar_url", ""),
    }


def render(target: Field, record: Record, ctx: ReadContext) -> Any:
    """The value of one cell as a read endpoint returns it, or ``None`` when it is omitted."""
    computed = _computed(target, record, ctx)
    if computed is not None or target.type in READ_ONLY_TYPES:
        return computed
    stored = record.values.get(target.field_id)
    if stored is None:
        return None
    if target.type == 1:
        return stored if ctx.style == "list" else [{"type": "text", "text": stored}]
    if target.type == 11:
        return [person(item["id"], ctx.users) for item in stored]
    if target.type == 17:
        return [_attachment(item["file_token"]) for item in stored]
    if target.type in LINK_TYPES:
        return _render_links(target, stored, ctx)
    if target.type == 22:
        return {
            "location": stored,
            "address": "",
            "adname": "",
            "cityname": "",
            "full_address": "",
            "name": "",
            "pname": "",
        }
    if target.type == 23:
        return [{"id": item["id"], "name": "", "avatar_url": ""} for item in stored]
    if isinstance(stored, list | dict):
        return _copy(stored)
    return stored


def _computed(target: Field, record: Record, ctx: ReadContext) -> Any:
    if target.type == 1001:
        return record.created_ms
    if target.type == 1002:
        return record.modified_ms
    if target.type in (1003, 1004):
        # Search returns the people as an array, list/get as one object (api-facts.md §3.5).
        return [dict(BOT_PERSON)] if ctx.style == "search" else dict(BOT_PERSON)
    if target.type == 1005:
        return str(record.auto_number)
    return None


def _attachment(token: str) -> dict[str, Any]:
    url = f"https://open.feishu.cn/open-apis/drive/v1/medias/{token}/download"
    return {
        "file_token": token,
        "name": token,
        "size": 0,
        "type": "application/octet-stream",
        "url": url,
        "tmp_url": url,
    }


def _render_links(target: Field, ids: list[str], ctx: ReadContext) -> Any:
    if ctx.style == "search":
        return {"link_record_ids": list(ids)}
    table_id = str((target.property or {}).get("table_id", ""))
    texts = [primary_text(ctx.table_of(table_id), record_id) for record_id in ids]
    return [
        {
            "record_ids": list(ids),
            "table_id": table_id,
            "text": ",".join(texts),
            "text_arr": texts,
            "type": "text",
        }
    ]


def primary_text(table: Table | None, record_id: str) -> str:
    """The primary field of a linked record as text (what link cells display)."""
    if table is None or not table.fields or record_id not in table.records:
        return ""
    value = plain(table.fields[0], table.records[record_id])
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    return "" if value is None else str(value)


def _copy(value: Any) -> Any:
    if isinstance(value, list):
        return [_copy(item) for item in value]
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    return value


# -- comparisons (filters and sorts) -----------------------------------------------------------


def plain(target: Field, record: Record) -> Any:
    """A comparable form of a cell (``None`` when empty): str, float, int, bool or list of str."""
    if target.type == 1001:
        return record.created_ms
    if target.type == 1002:
        return record.modified_ms
    if target.type in (1003, 1004):
        return [BOT_PERSON["id"]]
    if target.type == 1005:
        return record.auto_number
    stored = record.values.get(target.field_id)
    if stored is None:
        return None
    if target.type == 2:
        return float(stored)
    if target.type == 15:
        return str(stored.get("text") or stored.get("link"))
    if target.type in (11, 23):
        return [item["id"] for item in stored]
    if target.type == 17:
        return [item["file_token"] for item in stored]
    return _copy(stored)


def echo(stored: Any) -> Any:
    """What a write response echoes for a written cell: a copy of its stored, write-shaped value."""
    return _copy(stored)
