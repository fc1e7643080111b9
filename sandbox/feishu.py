"""Feishu (Lark) Bitable stand-in: tenant tokens, apps, tables, fields and records on the real paths.

What it serves (api-facts.md §3, prefix ``/open-apis``):

- ``POST /auth/v3/tenant_access_token/internal`` — 2 h tokens; the same token comes back until
  less than 30 min remain, then a new one (the old one stays valid until it expires). The body is
  parsed as JSON whatever its Content-Type, because lark-oapi sends none.
- ``/bitable/v1/apps`` (create, get) and ``/drive/v1/files`` (the apps, listed as ``bitable``
  files: Bitable itself has no "list apps"), ``.../tables`` (list, create), ``.../fields`` (list, create),
  ``.../records`` (search, list, get, batch_get, create, batch_create, update, batch_update,
  delete, batch_delete).

Behaviour a client has to cope with, as on the real service:

- every answer is ``{"code", "msg", "data"}``; failures are keyed on ``code`` with the statuses of
  :mod:`sandbox.feishu_errors` (auth 400, rate limit 429 with ``x-ogw-ratelimit-reset``);
- rate limits per endpoint at the documented figures (``RATES``), scaled by ``/_sandbox/limits``;
- batches are all-or-nothing and limited per app (default 1,000 create/update, 500 delete);
- ``client_token`` makes a write idempotent: a retry returns the first answer and writes nothing;
- writes to one table: with the app's ``write_hold_ms`` at 0 (the default) they are serialized and
  all succeed; with ``write_hold_ms`` > 0 each write holds its table that long and a write that
  arrives meanwhile gets 1254291 (write conflict) and changes nothing, as the real service does
  when one table receives concurrent writes.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from typing import Any

from sandbox import feishu_errors as E
from sandbox import feishu_records as records
from sandbox import feishu_schema as schema
from sandbox.feishu_auth import RateLimiter, TokenIssuer
from sandbox.feishu_errors import FeishuError
from sandbox.feishu_model import App, IdMaker, Record, Table
from sandbox.feishu_query import (
    Calendar,
    compile_filter,
    compile_formula,
    compile_sort,
    decode_page_token,
    encode_page_token,
    list_sort_spec,
    page,
    parse_json_list,
    resolve_field_names,
    sort_records,
)
from sandbox.feishu_values import ReadStyle
from sandbox.http import CloudApp, SandboxClock, SandboxRequest, SandboxResponse

#: App credentials the sandbox accepts (DESIGN.md, "Contracts / Sandbox").
DEFAULT_CREDENTIALS: dict[str, str] = {"cli_sandbox": "sandbox-secret"}

BITABLE = "/open-apis/bitable/v1/apps"
TABLE = BITABLE + "/{app_token}/tables/{table_id}"
RECORDS = TABLE + "/records"

#: Requests per second per endpoint (api-facts.md §5). The documented ones: search, list and
#: fields 20/s; batch_create, update and batch_update 50/s; batch_delete 10/s. The others are not
#: documented and get the figure of their closest documented sibling.
RATES: dict[str, float] = {
    "search": 20,
    "list": 20,
    "get": 20,
    "batch_get": 20,
    "create": 50,
    "batch_create": 50,
    "update": 50,
    "batch_update": 50,
    "delete": 50,
    "batch_delete": 10,
    "fields_list": 20,
    "fields_create": 10,
    "tables_list": 20,
    "tables_create": 10,
    "app_get": 20,
    "files_list": 20,
    "app_create": 10,
}

Handler = Callable[[SandboxRequest], Any]


class FeishuApp(CloudApp):
    api = "feishu"
    prefixes = ("/open-apis/",)

    def __init__(self, clock: SandboxClock) -> None:
        super().__init__(clock)
        self.ids = IdMaker()
        self.tokens = TokenIssuer()
        self.rate = RateLimiter()
        self.credentials: dict[str, str] = dict(DEFAULT_CREDENTIALS)
        self.statuses: dict[int, int] = dict(E.DEFAULT_STATUSES)
        self.apps: dict[str, App] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self._log_ids = itertools.count(1)
        self._register()

    # -- routes ----------------------------------------------------------------------------------

    def _register(self) -> None:
        self._add(
            "POST",
            "/open-apis/auth/v3/tenant_access_token/internal",
            self._tenant_token,
            None,
            auth=False,
            envelope=False,
        )
        self._add("POST", BITABLE, self._create_app, "app_create")
        self._add("GET", BITABLE + "/{app_token}", self._get_app, "app_get")
        self._add("GET", "/open-apis/drive/v1/files", self._list_files, "files_list")
        self._add("GET", BITABLE + "/{app_token}/tables", self._list_tables, "tables_list")
        self._add("POST", BITABLE + "/{app_token}/tables", self._create_table, "tables_create")
        self._add("GET", TABLE + "/fields", self._list_fields, "fields_list")
        self._add("POST", TABLE + "/fields", self._create_field, "fields_create")
        self._add("POST", RECORDS + "/search", self._search, "search")
        self._add("POST", RECORDS + "/batch_get", self._batch_get, "batch_get")
        self._add("POST", RECORDS + "/batch_create", self._batch_create, "batch_create")
        self._add("POST", RECORDS + "/batch_update", self._batch_update, "batch_update")
        self._add("POST", RECORDS + "/batch_delete", self._batch_delete, "batch_delete")
        self._add("GET", RECORDS, self._list_records, "list")
        self._add("POST", RECORDS, self._create_record, "create")
        self._add("GET", RECORDS + "/{record_id}", self._get_record, "get")
        self._add("PUT", RECORDS + "/{record_id}", self._update_record, "update")
        self._add("DELETE", RECORDS + "/{record_id}", self._delete_record, "delete")

    def _add(
        self,
        method: str,
        template: str,
        handler: Handler,
        rate_name: str | None,
        *,
        auth: bool = True,
        envelope: bool = True,
    ) -> None:
        """Register ``handler`` behind the checks every Bitable endpoint shares."""

        def serve(request: SandboxRequest) -> SandboxResponse:
            try:
                if auth:
                    self._authenticate(request)
                if rate_name is not None:
                    self._throttle(rate_name)
                result = handler(request)
            except FeishuError as exc:
                return self._error(exc)
            body = {"code": 0, "msg": "success", "data": result} if envelope else result
            return self._json(200, body)

        self.router.add(method, template, serve)

    # -- CloudApp hooks ----------------------------------------------------------------------------

    def not_found(self, request: SandboxRequest) -> SandboxResponse:
        # The real gateway answers unknown paths and methods in plain text (PROBE-FS P03/P20).
        return SandboxResponse(
            404, b"404 page not found", {"Content-Type": "text/plain; charset=utf-8"}
        )

    def error_response(self, status: int, message: str) -> SandboxResponse:
        code = E.FAULT_CODES.get(status) or (
            E.INTERNAL_ERROR if status >= 500 else E.WRONG_REQUEST_BODY
        )
        headers = _rate_headers(1, 1) if status == 429 else None
        return self._error(FeishuError(code, message, headers=headers), status=status)

    def reset(self) -> None:
        with self.lock:
            self.apps.clear()
            self.users.clear()
            self.ids.reset()
            self.tokens.reset()
            self.rate.reset()
            self.credentials = dict(DEFAULT_CREDENTIALS)
            self.statuses = dict(E.DEFAULT_STATUSES)

    def seed(self, body: Any) -> Any:
        if not isinstance(body, dict):
            raise ValueError("the body must be a JSON object")
        with self.lock:
            app = schema.seed_app(body, self.ids, self._now_ms(), set(self.apps))
            self._add_users(body.get("users") or [])
            self.apps[app.app_token] = app
            return schema.seed_summary(app)

    def inspect(self, object_id: str) -> Any:
        with self.lock:
            app = self.apps.get(object_id)
            if app is None:
                raise LookupError(f"feishu has no app {object_id}")
            return schema.dump_app(app)

    def _add_users(self, users: Any) -> None:
        if not isinstance(users, list):
            raise ValueError("users must be a list")
        for user in users:
            if not isinstance(user, dict) or not isinstance(user.get("id"), str):
                raise ValueError("a user needs an id")
            self.users[user["id"]] = dict(user)

    # -- plumbing ------------------------------------------------------------------------------------

    def _now_ms(self) -> int:
        return int(self.clock.now() * 1000)

    def _json(
        self, status: int, body: Any, headers: dict[str, str] | None = None
    ) -> SandboxResponse:
        merged = {"X-Tt-Logid": self._log_id()}
        merged.update(headers or {})
        return SandboxResponse.json(status, body, merged)

    def _log_id(self) -> str:
        stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(self.clock.now()))
        return f"{stamp}{next(self._log_ids):018X}"

    def _error(self, exc: FeishuError, status: int | None = None) -> SandboxResponse:
        log_id = self._log_id()
        error: dict[str, Any] = {
            "log_id": log_id,
            "troubleshooter": f"https://open.feishu.cn/search?log_id={log_id}&code={exc.code}",
        }
        if exc.detail:
            error["details"] = [{"key": "detail", "value": exc.detail}]
        error.update(exc.extra)
        body = {"code": exc.code, "msg": exc.msg, "error": error}
        headers = {"X-Tt-Logid": log_id, **exc.headers}
        return SandboxResponse.json(status or self.statuses.get(exc.code, 200), body, headers)

    def _authenticate(self, request: SandboxRequest) -> str:
        header = request.headers.get("authorization", "")
        if not header[:7].lower() == "bearer " or not header[7:].strip():
            raise FeishuError(E.MISSING_TOKEN)
        token = header[7:].strip()
        if token.startswith(("u-", "eyJ")):
            raise FeishuError(E.INVALID_USER_TOKEN)  # a user token; the sandbox issues none
        with self.lock:
            app_id = self.tokens.check(token, list(self.credentials), self.clock.now())
        if app_id is None:
            raise FeishuError(E.INVALID_TOKEN)
        return app_id

    def _throttle(self, rate_name: str) -> None:
        if not self.limits.enabled:
            return
        allowed = RATES[rate_name] * self.limits.scale
        with self.lock:
            wait = self.rate.take(rate_name, allowed, self.clock.now())
        if wait is not None:
            raise FeishuError(E.RATE_LIMITED, headers=_rate_headers(max(1, int(allowed)), wait))

    def _app(self, request: SandboxRequest) -> App:
        app = self.apps.get(request.path_params["app_token"])
        if app is None:
            raise FeishuError(
                E.BASE_NOT_FOUND, f"app {request.path_params['app_token']!r} does not exist"
            )
        return app

    def _table(self, request: SandboxRequest) -> tuple[App, Table]:
        app = self._app(request)
        return app, app.table(request.path_params["table_id"])

    def _calendar(self, app: App) -> Calendar:
        return Calendar.of(app.time_zone, self.clock.now())

    def _check_view(self, table: Table, view_id: Any) -> None:
        if view_id and view_id not in table.view_ids():
            raise FeishuError(E.VIEW_NOT_FOUND, f"view {view_id!r} does not exist")

    # -- auth ------------------------------------------------------------------------------------------

    def _tenant_token(self, request: SandboxRequest) -> dict[str, Any]:
        try:
            body = json.loads(request.body.decode("utf-8")) if request.body else {}
        except (UnicodeDecodeError, ValueError):
            body = None
        if not isinstance(body, dict):
            raise FeishuError(E.TOKEN_INVALID_PARAM, "the body must be a JSON object")
        app_id, secret = body.get("app_id"), body.get("app_secret")
        if (
            not isinstance(app_id, str)
            or not isinstance(secret, str)
            or app_id not in self.credentials
        ):
            raise FeishuError(E.TOKEN_INVALID_PARAM, "unknown app_id")
        if self.credentials[app_id] != secret:
            raise FeishuError(E.TOKEN_BAD_SECRET)
        with self.lock:
            token, expire = self.tokens.issue(app_id, self.clock.now())
        return {"code": 0, "msg": "ok", "tenant_access_token": token, "expire": expire}

    # -- apps, tables, fields ----------------------------------------------------------------------

    def _create_app(self, request: SandboxRequest) -> dict[str, Any]:
        body = _body(request)
        name = body.get("name")
        if not isinstance(name, str) or not name:
            raise FeishuError(E.WRONG_REQUEST_BODY, "name is required")
        with self.lock:
            app = App(
                app_token=self.ids.app_token(),
                name=name,
                time_zone=str(body.get("time_zone") or "Asia/Shanghai"),
                created_ms=self._now_ms(),
            )
            table = schema.build_table(app, "数据表", None, self.ids)
            app.tables[table.table_id] = table
            self.apps[app.app_token] = app
            return {
                "app": {
                    "app_token": app.app_token,
                    "name": app.name,
                    "revision": app.revision,
                    "folder_token": str(body.get("folder_token") or ""),
                    "url": _app_url(app),
                    "default_table_id": table.table_id,
                    "time_zone": app.time_zone,
                }
            }

    def _get_app(self, request: SandboxRequest) -> dict[str, Any]:
        with self.lock:
            app = self._app(request)
            return {
                "app": {
                    "app_token": app.app_token,
                    "name": app.name,
                    "revision": app.revision,
                    "is_advanced": False,
                    "time_zone": app.time_zone,
                }
            }

    def _list_files(self, request: SandboxRequest) -> dict[str, Any]:
        """Drive's file list: Bitable has no "list apps", so clients find bases as files."""
        size = _page_size(request, default=100, maximum=200)
        offset = decode_page_token(request.q("page_token"))
        with self.lock:
            files = [_as_file(app) for app in self.apps.values()]
        data: dict[str, Any] = {
            "files": files[offset : offset + size],
            "has_more": offset + size < len(files),
        }
        if data["has_more"]:
            data["next_page_token"] = encode_page_token(offset + size)
        return data

    def _list_tables(self, request: SandboxRequest) -> dict[str, Any]:
        size = _page_size(request, default=20, maximum=100)
        with self.lock:
            app = self._app(request)
            tables = [
                {"table_id": t.table_id, "revision": t.revision, "name": t.name}
                for t in app.tables.values()
            ]
        return _paged(tables, decode_page_token(request.q("page_token")), size)

    def _create_table(self, request: SandboxRequest) -> dict[str, Any]:
        spec = _body(request).get("table")
        if not isinstance(spec, dict):
            raise FeishuError(E.WRONG_REQUEST_BODY, "table is required")
        with self.lock:
            app = self._app(request)
            table = schema.build_table(
                app,
                spec.get("name"),
                spec.get("fields"),
                self.ids,
                view_name=spec.get("default_view_name"),
            )
            app.tables[table.table_id] = table
            app.revision += 1
            return {
                "table_id": table.table_id,
                "default_view_id": table.views[0]["view_id"],
                "field_id_list": [target.field_id for target in table.fields],
            }

    def _list_fields(self, request: SandboxRequest) -> dict[str, Any]:
        size = _page_size(request, default=20, maximum=100)
        with self.lock:
            _app, table = self._table(request)
            self._check_view(table, request.q("view_id"))
            fields = [target.as_json() for target in table.fields]
        return _paged(fields, decode_page_token(request.q("page_token")), size)

    def _create_field(self, request: SandboxRequest) -> dict[str, Any]:
        body = _body(request)
        with self.lock:
            app, table = self._table(request)
            target = schema.build_field(table, body, self.ids)
            table.fields.append(target)
            table.revision += 1
            app.revision += 1
            return {"field": target.as_json()}

    # -- record reads ----------------------------------------------------------------------------

    def _search(self, request: SandboxRequest) -> dict[str, Any]:
        body = _body(request)
        size = _page_size(request, default=20, maximum=500)
        with self.lock:
            app, table = self._table(request)
            self._check_view(table, body.get("view_id"))
            keep = resolve_field_names(body.get("field_names"), table)
            predicate = compile_filter(body.get("filter"), table, self._calendar(app))
            matched = [record for record in table.records.values() if predicate(record)]
            sort_records(matched, compile_sort(body.get("sort"), table))
            chunk, next_token = page(matched, decode_page_token(request.q("page_token")), size)
            automatic = bool(body.get("automatic_fields"))
            items = [
                records.read(app, table, r, "search", self.users, keep=keep, automatic=automatic)
                for r in chunk
            ]
        return _page_data(items, next_token, len(matched))

    def _list_records(self, request: SandboxRequest) -> dict[str, Any]:
        size = _page_size(request, default=20, maximum=500)
        style = _list_style(request)
        with self.lock:
            app, table = self._table(request)
            self._check_view(table, request.q("view_id"))
            keep = resolve_field_names(
                parse_json_list(request.q("field_names"), "field_names"), table
            )
            matched = list(table.records.values())
            if request.q("filter"):
                predicate = compile_formula(str(request.q("filter")), table)
                matched = [record for record in matched if predicate(record)]
            sort_spec = parse_json_list(request.q("sort"), "sort")
            sort_records(matched, compile_sort(list_sort_spec(sort_spec or []), table))
            chunk, next_token = page(matched, decode_page_token(request.q("page_token")), size)
            automatic = _flag(request, "automatic_fields")
            items = [
                records.read(
                    app, table, r, style, self.users, keep=keep, automatic=automatic, with_id=True
                )
                for r in chunk
            ]
        return _page_data(items, next_token, len(matched))

    def _get_record(self, request: SandboxRequest) -> dict[str, Any]:
        style = _list_style(request)
        with self.lock:
            app, table = self._table(request)
            record = table.record(request.path_params["record_id"])
            automatic = _flag(request, "automatic_fields")
            item = records.read(
                app, table, record, style, self.users, automatic=automatic, with_id=True
            )
        return {"record": item}

    def _batch_get(self, request: SandboxRequest) -> dict[str, Any]:
        body = _body(request)
        record_ids = body.get("record_ids")
        if (
            not isinstance(record_ids, list)
            or not record_ids
            or not all(isinstance(i, str) for i in record_ids)
        ):
            raise FeishuError(
                E.WRONG_REQUEST_BODY, "record_ids must be a non-empty list of strings"
            )
        with self.lock:
            app, table = self._table(request)
            if len(record_ids) > app.settings.batch_get:
                raise _violation("record_ids", f"at most {app.settings.batch_get} record ids")
            automatic = bool(body.get("automatic_fields"))
            found = [table.records[i] for i in record_ids if i in table.records]
            items = [
                records.read(app, table, r, "search", self.users, automatic=automatic)
                for r in found
            ]
        absent = [i for i in record_ids if i not in {r.record_id for r in found}]
        return {"records": items, "absent_record_ids": absent, "forbidden_record_ids": []}

    # -- record writes ---------------------------------------------------------------------------

    def _write(
        self, request: SandboxRequest, apply: Callable[[App, Table], dict[str, Any]]
    ) -> dict[str, Any]:
        """Run one write: conflict check, idempotency by client_token, all-or-nothing ``apply``."""
        with self.lock:
            app, table = self._table(request)
            hold_s = app.settings.write_hold_ms / 1000.0
            if hold_s <= 0:
                return self._apply(request, apply)
            if table.writing:
                raise FeishuError(
                    E.WRITE_CONFLICT, f"another write to table {table.table_id} is in progress"
                )
            table.writing = True
        try:
            time.sleep(hold_s)  # the commit time of the real service, during which writes conflict
            with self.lock:
                return self._apply(request, apply)
        finally:
            with self.lock:
                table.writing = False

    def _apply(
        self, request: SandboxRequest, apply: Callable[[App, Table], dict[str, Any]]
    ) -> dict[str, Any]:
        app, table = self._table(request)
        client_token = request.q("client_token")
        key = f"{request.method} {request.path} {client_token}"
        if client_token and key in table.client_tokens:
            return json.loads(table.client_tokens[key])
        result = apply(app, table)
        table.revision += 1
        if client_token:
            table.client_tokens[key] = json.dumps(result)
        return result

    def _create_record(self, request: SandboxRequest) -> dict[str, Any]:
        body = _body(request)

        def apply(app: App, table: Table) -> dict[str, Any]:
            converted = records.convert_fields(app, table, body.get("fields"))
            record = records.create(table, converted, self.ids, self._now_ms())
            return {"record": records.written(record, records.echo_fields(table, converted))}

        return self._write(request, apply)

    def _batch_create(self, request: SandboxRequest) -> dict[str, Any]:
        body = _body(request)

        def apply(app: App, table: Table) -> dict[str, Any]:
            items = records.record_items(body, app.settings.batch_create)
            converted = [records.convert_fields(app, table, _fields_of(item)) for item in items]
            now = self._now_ms()
            created = [records.create(table, values, self.ids, now) for values in converted]
            return {
                "records": [
                    records.written(record, records.echo_fields(table, values))
                    for record, values in zip(created, converted, strict=True)
                ]
            }

        return self._write(request, apply)

    def _update_record(self, request: SandboxRequest) -> dict[str, Any]:
        body = _body(request)

        def apply(app: App, table: Table) -> dict[str, Any]:
            record = table.record(request.path_params["record_id"])
            converted = records.convert_fields(app, table, body.get("fields"))
            records.update(table, record, converted, self.ids, self._now_ms())
            return {"record": records.written(record, records.echo_fields(table, converted))}

        return self._write(request, apply)

    def _batch_update(self, request: SandboxRequest) -> dict[str, Any]:
        body = _body(request)

        def apply(app: App, table: Table) -> dict[str, Any]:
            items = records.record_items(body, app.settings.batch_update)
            targets: list[tuple[Record, records.Converted]] = []
            for item in items:
                record = table.record(item.get("record_id") if isinstance(item, dict) else None)
                targets.append((record, records.convert_fields(app, table, _fields_of(item))))
            now = self._now_ms()
            for record, converted in targets:
                records.update(table, record, converted, self.ids, now)
            return {
                "records": [
                    records.written(record, records.echo_fields(table, converted))
                    for record, converted in targets
                ]
            }

        return self._write(request, apply)

    def _delete_record(self, request: SandboxRequest) -> dict[str, Any]:
        def apply(app: App, table: Table) -> dict[str, Any]:
            record = table.record(request.path_params["record_id"])
            del table.records[record.record_id]
            return {"deleted": True, "record_id": record.record_id}

        return self._write(request, apply)

    def _batch_delete(self, request: SandboxRequest) -> dict[str, Any]:
        body = _body(request)

        def apply(app: App, table: Table) -> dict[str, Any]:
            record_ids = records.record_items(body, app.settings.batch_delete)
            for record_id in record_ids:
                table.record(record_id)  # every id must exist before any is deleted
            for record_id in dict.fromkeys(record_ids):
                del table.records[record_id]
            return {
                "records": [{"deleted": True, "record_id": record_id} for record_id in record_ids]
            }

        return self._write(request, apply)


# -- request helpers -------------------------------------------------------------------------------


def _body(request: SandboxRequest) -> dict[str, Any]:
    try:
        body = request.json()
    except (UnicodeDecodeError, ValueError):
        raise FeishuError(E.WRONG_REQUEST_JSON, "the body is not valid JSON") from None
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise FeishuError(E.WRONG_REQUEST_BODY, "the body must be a JSON object")
    return body


def _fields_of(item: Any) -> Any:
    return item.get("fields") if isinstance(item, dict) else None


def _flag(request: SandboxRequest, name: str) -> bool:
    """A boolean query parameter; lark-oapi sends Python's ``True``/``False``."""
    return (request.q(name) or "").strip().lower() == "true"


def _list_style(request: SandboxRequest) -> ReadStyle:
    """list and get return text as plain strings unless ``text_field_as_array`` asks for segments."""
    return "list_array" if _flag(request, "text_field_as_array") else "list"


def _violation(field_name: str, description: str) -> FeishuError:
    return FeishuError(
        E.FIELD_VALIDATION,
        f"{field_name}: {description}",
        extra={"field_violations": [{"field": field_name, "description": description}]},
    )


def _page_size(request: SandboxRequest, *, default: int, maximum: int) -> int:
    raw = request.q("page_size")
    if raw is None or raw == "":
        return default
    try:
        size = int(raw)
    except ValueError:
        raise _violation("page_size", "page_size must be an integer") from None
    if not 1 <= size <= maximum:
        raise _violation("page_size", f"page_size must be between 1 and {maximum}")
    return size


def _page_data(items: list[dict[str, Any]], next_token: str | None, total: int) -> dict[str, Any]:
    data: dict[str, Any] = {"items": items, "has_more": next_token is not None, "total": total}
    if next_token is not None:
        data["page_token"] = next_token
    return data


def _paged(items: list[dict[str, Any]], offset: int, size: int) -> dict[str, Any]:
    chunk = items[offset : offset + size]
    more = offset + size < len(items)
    data: dict[str, Any] = {"items": chunk, "has_more": more, "total": len(items)}
    if more:
        data["page_token"] = encode_page_token(offset + size)
    return data


def _app_url(app: App) -> str:
    return f"https://sandbox.feishu.cn/base/{app.app_token}"


def _as_file(app: App) -> dict[str, Any]:
    """An app as drive lists it (times are strings of seconds there)."""
    return {
        "token": app.app_token,
        "name": app.name,
        "type": "bitable",
        "parent_token": "",
        "url": _app_url(app),
        "created_time": str(app.created_ms // 1000),
        "modified_time": str(app.created_ms // 1000),
        "owner_id": "ou_sandbox_app",
    }


def _rate_headers(limit: int, reset_s: int) -> dict[str, str]:
    return {"x-ogw-ratelimit-limit": str(limit), "x-ogw-ratelimit-reset": str(reset_s)}
