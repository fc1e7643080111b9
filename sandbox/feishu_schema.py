"""Building apps, tables and fields, from the API or from a control-API seeding body.

Seeding body (DESIGN.md, "Contracts / Sandbox", plus optional keys)::

    {"name": "Sales", "app_token"?: "bascn...", "time_zone"?: "Asia/Shanghai",
     "batch_limits"?: {"batch_create": 1000, "batch_update": 1000, "batch_delete": 500},
     "write_hold_ms"?: 0, "users"?: [{"id": "ou_...", "name": "张三"}],
     "tables": [{"name": "客户", "table_id"?: "tbl...",
                 "fields": [{"field_name": "客户名称", "type": 1, "property"?: {...},
                             "field_id"?: "fld...", "ui_type"?: "Email"}],
                 "records"?: [{"客户名称": "甲公司"}, {"record_id": "rec...", "fields": {...}}]}]}

The first field of a table is its primary field. Ids not given are generated in the real formats.
"""

from __future__ import annotations

from typing import Any

from sandbox import feishu_errors as E
from sandbox import feishu_records as records
from sandbox.feishu_errors import FeishuError
from sandbox.feishu_model import App, Field, IdMaker, Table
from sandbox.feishu_values import default_property, ui_type_for

#: What the real service names the default view and field of a new table.
DEFAULT_VIEW_NAME = "表格"
DEFAULT_FIELD_NAME = "多行文本"


def build_field(table: Table, spec: Any, ids: IdMaker) -> Field:
    """A new field from ``{"field_name", "type", "property"?, "ui_type"?, "field_id"?}``."""
    if not isinstance(spec, dict):
        raise FeishuError(E.WRONG_REQUEST_BODY, "a field must be an object")
    name = spec.get("field_name")
    if not isinstance(name, str) or not name.strip():
        raise FeishuError(E.WRONG_REQUEST_BODY, "field_name is required")
    if table.has_field_named(name):
        raise FeishuError(E.WRONG_REQUEST_BODY, f"FieldNameDuplicated: {name!r}")
    type_ = spec.get("type")
    if isinstance(type_, bool) or not isinstance(type_, int):
        raise FeishuError(E.WRONG_REQUEST_BODY, "type must be a Feishu type number")
    field_id = spec.get("field_id")
    return Field(
        field_id=ids.claim(field_id) if isinstance(field_id, str) and field_id else ids.field_id(),
        field_name=name,
        type=type_,
        ui_type=ui_type_for(type_, spec.get("ui_type")),
        property=default_property(type_, spec.get("property"), ids),
        is_primary=not table.fields,
    )


def build_table(
    app: App,
    name: Any,
    field_specs: Any,
    ids: IdMaker,
    *,
    table_id: Any = None,
    view_name: Any = None,
) -> Table:
    """A new table with its default view; with no fields it gets one primary text field."""
    if not isinstance(name, str) or not name.strip():
        raise FeishuError(E.WRONG_REQUEST_BODY, "a table needs a name")
    if any(existing.name == name for existing in app.tables.values()):
        raise FeishuError(E.WRONG_REQUEST_BODY, f"TableNameDuplicated: {name!r}")
    if field_specs is not None and not isinstance(field_specs, list):
        raise FeishuError(E.WRONG_REQUEST_BODY, "fields must be a list")
    table = Table(
        table_id=ids.claim(table_id) if isinstance(table_id, str) and table_id else ids.table_id(),
        name=name,
    )
    table.views.append(
        {
            "view_id": ids.view_id(),
            "view_name": view_name
            if isinstance(view_name, str) and view_name
            else DEFAULT_VIEW_NAME,
            "view_type": "grid",
        }
    )
    for spec in field_specs or [{"field_name": DEFAULT_FIELD_NAME, "type": 1}]:
        table.fields.append(build_field(table, spec, ids))
    return table


def seed_app(body: dict[str, Any], ids: IdMaker, now_ms: int, taken: set[str]) -> App:
    """An app built from a seeding body; raises ``ValueError`` on a bad body, changing nothing."""
    try:
        return _seed_app(body, ids, now_ms, taken)
    except FeishuError as exc:
        raise ValueError(str(exc)) from exc


def _seed_app(body: dict[str, Any], ids: IdMaker, now_ms: int, taken: set[str]) -> App:
    app_token = body.get("app_token")
    if app_token is not None and (not isinstance(app_token, str) or not app_token):
        raise ValueError("app_token must be a non-empty string")
    if app_token in taken:
        raise ValueError(f"app {app_token} already exists")
    app = App(
        app_token=ids.claim(app_token) if app_token else ids.app_token(),
        name=str(body.get("name") or "Sandbox base"),
        time_zone=str(body.get("time_zone") or "Asia/Shanghai"),
        created_ms=now_ms,
    )
    app.settings.update(body)
    table_specs = body.get("tables") or []
    if not isinstance(table_specs, list):
        raise ValueError("tables must be a list")
    for spec in table_specs:
        if not isinstance(spec, dict):
            raise ValueError("a table must be an object")
        table = build_table(
            app, spec.get("name"), spec.get("fields"), ids, table_id=spec.get("table_id")
        )
        app.tables[table.table_id] = table
    # Records go in after every table exists, so link fields may point at any table of the app.
    for spec, table in zip(table_specs, list(app.tables.values()), strict=True):
        _seed_records(app, table, spec.get("records") or [], ids, now_ms)
    return app


def _seed_records(app: App, table: Table, specs: Any, ids: IdMaker, now_ms: int) -> None:
    if not isinstance(specs, list):
        raise ValueError("records must be a list")
    for spec in specs:
        record_id, fields = _record_spec(spec)
        if record_id is not None and record_id in table.records:
            raise ValueError(f"record {record_id} appears twice")
        converted = records.convert_fields(app, table, fields)
        records.create(table, converted, ids, now_ms, record_id)


def _record_spec(spec: Any) -> tuple[str | None, Any]:
    """A seeded record is a field dict, or ``{"fields": {...}, "record_id"?: "rec..."}``."""
    if (
        isinstance(spec, dict)
        and isinstance(spec.get("fields"), dict)
        and set(spec) <= {"fields", "record_id"}
    ):
        record_id = spec.get("record_id")
        return (record_id if isinstance(record_id, str) and record_id else None), spec["fields"]
    return None, spec


def seed_summary(app: App) -> dict[str, Any]:
    """The seeding answer: the contract's ids plus field ids and record ids per table."""
    return {
        "app_token": app.app_token,
        "name": app.name,
        "tables": [
            {
                "table_id": table.table_id,
                "name": table.name,
                "fields": {target.field_name: target.field_id for target in table.fields},
                "record_ids": list(table.records),
                "default_view_id": table.views[0]["view_id"],
            }
            for table in app.tables.values()
        ],
    }


def dump_app(app: App) -> dict[str, Any]:
    """The whole state of one app, for tests (``GET /_sandbox/feishu/apps/{app_token}``)."""
    return {
        "app_token": app.app_token,
        "name": app.name,
        "time_zone": app.time_zone,
        "revision": app.revision,
        "settings": app.settings.as_dict(),
        "tables": [
            {
                "table_id": table.table_id,
                "name": table.name,
                "revision": table.revision,
                "fields": [target.as_json() for target in table.fields],
                "views": [dict(view) for view in table.views],
                "records": [records.dump(table, record) for record in table.records.values()],
            }
            for table in app.tables.values()
        ],
    }
