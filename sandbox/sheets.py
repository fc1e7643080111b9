"""Google Sheets API v4 stand-in: everything gspread 6.x uses to read and write cells and sheets.

Endpoints (paths as Google serves them under ``https://sheets.googleapis.com``)::

    GET  /v4/spreadsheets/{id}                        spreadsheets.get (fields, ranges, includeGridData)
    POST /v4/spreadsheets                             spreadsheets.create
    POST /v4/spreadsheets/{id}:batchUpdate            addSheet, deleteSheet, updateSheetProperties,
                                                      insertDimension, deleteDimension, appendDimension
    GET  /v4/spreadsheets/{id}/values/{range}         values.get
    PUT  /v4/spreadsheets/{id}/values/{range}         values.update
    POST /v4/spreadsheets/{id}/values/{range}:append  values.append
    POST /v4/spreadsheets/{id}/values/{range}:clear   values.clear
    GET  /v4/spreadsheets/{id}/values:batchGet        values.batchGet
    POST /v4/spreadsheets/{id}/values:batchUpdate     values.batchUpdate
    POST /v4/spreadsheets/{id}/values:batchClear      values.batchClear

Any non-empty bearer token is accepted; none gives Google's 401. Per-minute read and write quotas
(60 per user, 300 per project) answer Google's 429 ``RESOURCE_EXHAUSTED`` body unless
``self.limits`` turns them off. Every error body is ``{"error": {"code", "message", "status"}}``
(plus ``details`` where Google sends them), the shape gspread reads its ``APIError.code`` from.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sandbox.http import CloudApp, Route, SandboxClock, SandboxRequest, SandboxResponse
from sandbox.sheets_batch import batch_update
from sandbox.sheets_cells import (
    DATE_TIME_RENDER_OPTIONS,
    MAX_CELL_CHARS,
    VALUE_RENDER_OPTIONS,
    InputError,
    Value,
    check_input,
    from_input,
)
from sandbox.sheets_fields import MaskError, apply_mask, parse_mask, wants
from sandbox.sheets_json import spreadsheet_json
from sandbox.sheets_model import (
    DEFAULT_COLUMNS,
    DEFAULT_ROWS,
    MAX_CELLS,
    Evaluator,
    GridArea,
    IdMaker,
    Sheet,
    SheetsFailure,
    Spreadsheet,
    bad_request,
    read_values,
)
from sandbox.sheets_quota import QuotaBook, QuotaBreach
from sandbox.sheets_values import (
    Rendering,
    enum_violation,
    input_option,
    values_append,
    values_batch_clear,
    values_batch_get,
    values_batch_update,
    values_clear,
    values_get,
    values_update,
)

_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    408: "DEADLINE_EXCEEDED",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    499: "CANCELLED",
    500: "INTERNAL",
    501: "NOT_IMPLEMENTED",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}
# What Google says for a status when nothing more specific applies (injected faults use these).
_CANONICAL_MESSAGES = {
    400: "Request contains an invalid argument.",
    403: "The caller does not have permission",
    404: "Requested entity was not found.",
    408: "Request timed out.",
    409: "The operation was aborted.",
    500: "Internal error encountered.",
    502: "The service is currently unavailable.",
    503: "The service is currently unavailable.",
    504: "The request timed out. Please try again.",
}
_GENERIC = ("Injected fault", "Internal error")
_AUTH_HELP = (
    "Expected OAuth 2 access token, login cookie or other valid authentication credential. "
    "See https://developers.google.com/identity/sign-in/web/devconsole-project."
)
_NOT_FOUND = "Requested entity was not found."

# A spreadsheet id never holds "/" or ":" (``{id}:batchUpdate``); a range may hold both.
_ID = r"(?P<id>[^/:]+)"
_RANGE = r"(?P<range>.+)"

Operation = Callable[[SandboxRequest], dict[str, Any]]


class SheetsApp(CloudApp):
    api = "sheets"
    prefixes = ("/v4/spreadsheets",)

    def __init__(self, clock: SandboxClock) -> None:
        super().__init__(clock)
        self.books: dict[str, Spreadsheet] = {}
        self.ids = IdMaker()
        self.quota = QuotaBook()
        self._register_routes()

    # -- routing -----------------------------------------------------------------------------

    def _register_routes(self) -> None:
        spreadsheet = "/v4/spreadsheets/{id}"
        table: list[tuple[str, str, str, Operation]] = [
            ("GET", spreadsheet + "/values:batchGet", "read", self._values_batch_get),
            ("POST", spreadsheet + "/values:batchUpdate", "write", self._values_batch_update),
            ("POST", spreadsheet + "/values:batchClear", "write", self._values_batch_clear),
            ("POST", spreadsheet + "/values/{range}:append", "write", self._values_append),
            ("POST", spreadsheet + "/values/{range}:clear", "write", self._values_clear),
            ("GET", spreadsheet + "/values/{range}", "read", self._values_get),
            ("PUT", spreadsheet + "/values/{range}", "write", self._values_update),
            ("POST", spreadsheet + ":batchUpdate", "write", self._batch_update),
            ("GET", spreadsheet, "read", self._get),
            ("POST", "/v4/spreadsheets", "write", self._create),
        ]
        # Routes are built here rather than with Router.add so that a range may contain "/" (a
        # sheet title can) while the stats still name the endpoint by its plain template.
        for method, template, kind, operation in table:
            pattern = re.escape(template).replace(r"\{id\}", _ID).replace(r"\{range\}", _RANGE)
            handler = self._endpoint(kind, operation)
            route = Route(method, f"{method} {template}", re.compile(f"^{pattern}$"), handler)
            self.router.routes.append(route)

    def _endpoint(
        self, kind: str, operation: Operation
    ) -> Callable[[SandboxRequest], SandboxResponse]:
        def handler(request: SandboxRequest) -> SandboxResponse:
            try:
                user = self._authenticate(request)
                with self.lock:
                    self._charge(kind, user)
                    body = operation(request)
                return SandboxResponse.json(200, _masked(body, request.q("fields")))
            except SheetsFailure as failure:
                return self._failure_response(failure)

        return handler

    def not_found(self, request: SandboxRequest) -> SandboxResponse:
        return self.error_response(404, _NOT_FOUND)

    # -- auth and quota ------------------------------------------------------------------------

    def _authenticate(self, request: SandboxRequest) -> str:
        """The caller's identity for quotas: its bearer token (any non-empty one is accepted)."""
        token = request.bearer() or request.q("access_token") or request.q("key")
        if token:
            return token
        if request.headers.get("authorization"):
            raise _unauthenticated(
                f"Request had invalid authentication credentials. {_AUTH_HELP}",
                "ACCESS_TOKEN_TYPE_UNSUPPORTED",
            )
        raise _unauthenticated(
            f"Request is missing required authentication credential. {_AUTH_HELP}",
            "CREDENTIALS_MISSING",
        )

    def _charge(self, kind: str, user: str) -> None:
        if not self.limits.enabled:
            return
        breach = self.quota.charge(kind, user, self.clock.now(), self.limits.scale)
        if breach is not None:
            error = breach.error()
            raise SheetsFailure(429, error["message"], error["details"])

    # -- errors --------------------------------------------------------------------------------

    def error_response(self, status: int, message: str) -> SandboxResponse:
        """Google's error body; injected 429s look exactly like a real quota refusal."""
        if status == 429:
            error = QuotaBreach("read", per_user=True).error()
            return SandboxResponse.json(429, {"error": error})
        if message in _GENERIC:
            message = _CANONICAL_MESSAGES.get(status, message)
        return self._failure_response(SheetsFailure(status, message))

    def _failure_response(self, failure: SheetsFailure) -> SandboxResponse:
        error: dict[str, Any] = {
            "code": failure.status,
            "message": failure.message,
            "status": _STATUS_NAMES.get(failure.status, "UNKNOWN"),
        }
        if failure.details:
            error["details"] = failure.details
        headers = (
            {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'}
            if failure.status == 401
            else None
        )
        return SandboxResponse.json(failure.status, {"error": error}, headers)

    # -- spreadsheets ----------------------------------------------------------------------------

    def _book(self, request: SandboxRequest) -> Spreadsheet:
        book = self.books.get(request.path_params.get("id", ""))
        if book is None:
            raise SheetsFailure(404, _NOT_FOUND)
        return book

    def _get(self, request: SandboxRequest) -> dict[str, Any]:
        book = self._book(request)
        areas = [book.resolve(text) for text in request.query.get("ranges", [])]
        mask = _mask(request.q("fields"))
        # Google ignores includeGridData when a field mask is given; the mask decides then.
        include = (
            wants(mask, "sheets", "data") if mask is not None else _flag(request, "includeGridData")
        )
        return spreadsheet_json(book, areas, include_grid=include)

    def _create(self, request: SandboxRequest) -> dict[str, Any]:
        body = _body(request)
        props = body.get("properties") or {}
        sheets: dict[str, Any] = {}
        for entry in body.get("sheets") or []:
            sheet_props = (entry or {}).get("properties") or {}
            title = sheet_props.get("title") or f"Sheet{len(sheets) + 1}"
            grid = sheet_props.get("gridProperties") or {}
            sheets[title] = {"sheetId": sheet_props.get("sheetId"), "rows": [], **grid}
        created = self._seed_book(
            {"title": props.get("title"), "sheets": sheets or None}, strict=False
        )
        return spreadsheet_json(created)

    def _batch_update(self, request: SandboxRequest) -> dict[str, Any]:
        book = self._book(request)
        body = _body(request)
        updated, response = batch_update(book, body, self.ids)
        self.books[book.spreadsheet_id] = updated
        if body.get("includeSpreadsheetInResponse") is True:
            response["updatedSpreadsheet"] = spreadsheet_json(
                updated, include_grid=body.get("responseIncludeGridData") is True
            )
        return response

    # -- values ------------------------------------------------------------------------------------

    def _values_get(self, request: SandboxRequest) -> dict[str, Any]:
        return values_get(self._book(request), request.path_params["range"], _rendering(request))

    def _values_batch_get(self, request: SandboxRequest) -> dict[str, Any]:
        return values_batch_get(
            self._book(request), request.query.get("ranges", []), _rendering(request)
        )

    def _values_update(self, request: SandboxRequest) -> dict[str, Any]:
        book = self._book(request)
        option = input_option(request.q("valueInputOption"))
        return values_update(
            book,
            request.path_params["range"],
            _body(request),
            option,
            _flag(request, "includeValuesInResponse"),
            _response_rendering(request),
        )

    def _values_append(self, request: SandboxRequest) -> dict[str, Any]:
        book = self._book(request)
        option = input_option(request.q("valueInputOption"))
        insert = request.q("insertDataOption") or "OVERWRITE"
        if insert not in ("OVERWRITE", "INSERT_ROWS"):
            raise enum_violation(
                "insert_data_option", "ValuesAppendRequest.InsertDataOption", insert
            )
        return values_append(
            book,
            request.path_params["range"],
            _body(request),
            option,
            insert,
            _flag(request, "includeValuesInResponse"),
            _response_rendering(request),
        )

    def _values_batch_update(self, request: SandboxRequest) -> dict[str, Any]:
        return values_batch_update(self._book(request), _body(request))

    def _values_clear(self, request: SandboxRequest) -> dict[str, Any]:
        return values_clear(self._book(request), request.path_params["range"])

    def _values_batch_clear(self, request: SandboxRequest) -> dict[str, Any]:
        return values_batch_clear(self._book(request), _body(request))

    # -- control API -------------------------------------------------------------------------------

    def reset(self) -> None:
        with self.lock:
            self.books.clear()
            self.ids = IdMaker()
            self.quota.reset()

    def seed(self, body: Any) -> Any:
        """``POST /_sandbox/sheets/spreadsheets``: create (or replace) a spreadsheet with data.

        ``{"spreadsheetId"?, "title"?, "sheets": {"NAME": [[cell, ...], ...] | {"sheetId"?,
        "rows"?, "rowCount"?, "columnCount"?}}, "valueInputOption"?: "RAW" | "USER_ENTERED"}``;
        cells are stored as typed (RAW) unless told otherwise. Returns ``{"spreadsheetId",
        "sheets": {"NAME": sheetId}, "spreadsheetUrl"}``.
        """
        book = self._seed_book(body, strict=True)
        return {
            "spreadsheetId": book.spreadsheet_id,
            "sheets": {sheet.title: sheet.sheet_id for sheet in book.sheets},
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{book.spreadsheet_id}/edit",
        }

    def _seed_book(self, body: Any, *, strict: bool) -> Spreadsheet:
        if not isinstance(body, dict):
            raise ValueError("the body must be a JSON object")
        spreadsheet_id = body.get("spreadsheetId") or self.ids.spreadsheet_id()
        if not isinstance(spreadsheet_id, str) or not re.fullmatch(
            r"[A-Za-z0-9_-]+", spreadsheet_id
        ):
            raise ValueError("spreadsheetId must be letters, digits, '-' or '_'")
        option = body.get("valueInputOption") or "RAW"
        if option not in ("RAW", "USER_ENTERED"):
            raise ValueError("valueInputOption must be RAW or USER_ENTERED")
        book = Spreadsheet(spreadsheet_id, str(body.get("title") or "Untitled spreadsheet"))
        for name, spec in _sheet_specs(body.get("sheets")):
            book.sheets.append(self._seed_sheet(book, name, spec, option))
        if book.grid_cells() > MAX_CELLS:
            raise ValueError(f"the spreadsheet would exceed Google's limit of {MAX_CELLS} cells")
        self.books[spreadsheet_id] = book
        return book

    def _seed_sheet(self, book: Spreadsheet, name: str, spec: Any, option: str) -> Sheet:
        if book.sheet_by_title(name) is not None:
            raise ValueError(f"duplicate sheet title {name!r}")
        if isinstance(spec, list):
            spec = {"rows": spec}
        if not isinstance(spec, dict):
            raise ValueError(f"sheet {name!r} must be a list of rows or an object")
        taken = {s.sheet_id for s in book.sheets}
        sheet_id = spec.get("sheetId")
        if sheet_id is None:
            # Google numbers a new spreadsheet's first sheet 0; later ones get random ids.
            sheet_id = 0 if not book.sheets and 0 not in taken else self.ids.sheet_id(taken)
        if not isinstance(sheet_id, int) or sheet_id < 0 or sheet_id in taken:
            raise ValueError(f"sheet {name!r}: sheetId must be a new non-negative integer")
        rows = _seed_rows(name, spec.get("rows") or [], option)
        width = max((len(row) for row in rows), default=0)
        grid = spec.get("gridProperties") or spec
        sheet = Sheet(
            sheet_id=sheet_id,
            title=name,
            row_count=max(int(grid.get("rowCount") or DEFAULT_ROWS), len(rows), 1),
            column_count=max(int(grid.get("columnCount") or DEFAULT_COLUMNS), width, 1),
            rows=rows,
        )
        sheet.trim()
        return sheet

    def inspect(self, object_id: str) -> Any:
        """The whole state of one spreadsheet: properties and every sheet's cells.

        ``values`` shows cells as entered (formulas as text, numbers unformatted), ``formatted``
        as a person sees them; both are trimmed like ``values.get``.
        """
        book = self.books.get(object_id)
        if book is None:
            raise LookupError(f"sheets has no spreadsheet {object_id}")
        evaluator = Evaluator(book)
        sheets = []
        for index, sheet in enumerate(book.sheets):
            whole = GridArea(sheet, 0, sheet.row_count, 0, sheet.column_count)
            sheets.append(
                {
                    "properties": sheet.properties(index),
                    "values": read_values(evaluator, whole, "ROWS", "FORMULA", "SERIAL_NUMBER"),
                    "formatted": read_values(
                        evaluator, whole, "ROWS", "FORMATTED_VALUE", "FORMATTED_STRING"
                    ),
                }
            )
        return {
            "spreadsheetId": book.spreadsheet_id,
            "properties": {"title": book.title, "locale": book.locale, "timeZone": book.time_zone},
            "sheets": sheets,
            "gridCells": book.grid_cells(),
        }


# -- helpers -------------------------------------------------------------------------------------


def _unauthenticated(message: str, reason: str) -> SheetsFailure:
    details = [
        {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": reason,
            "domain": "googleapis.com",
            "metadata": {
                "service": "sheets.googleapis.com",
                "method": "google.apps.sheets.v4.SpreadsheetsService",
            },
        }
    ]
    return SheetsFailure(401, message, details)


def _sheet_specs(sheets: Any) -> list[tuple[str, Any]]:
    """The seed body's ``sheets`` as (title, spec) pairs; a list of objects with a title works too."""
    if sheets is None:
        return [("Sheet1", {"rows": []})]
    if isinstance(sheets, dict):
        if not sheets:
            raise ValueError("a spreadsheet needs at least one sheet")
        return [(str(name), spec) for name, spec in sheets.items()]
    if isinstance(sheets, list) and sheets:
        return [(str(spec.get("title") or f"Sheet{i + 1}"), spec) for i, spec in enumerate(sheets)]
    raise ValueError("sheets must map sheet titles to rows")


def _seed_rows(name: str, rows: Any, option: str) -> list[list[Value]]:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise ValueError(f"sheet {name!r}: rows must be a list of lists")
    raw = option == "RAW"
    out: list[list[Value]] = []
    for i, row in enumerate(rows):
        line: list[Value] = []
        for j, cell in enumerate(row):
            # Fast path for the common case (seeding large sheets): plain text kept as typed.
            if raw and type(cell) is str and 0 < len(cell) <= MAX_CELL_CHARS:
                line.append(cell)
                continue
            try:
                check_input(cell, f"{name} row {i} cell {j}")
            except InputError as exc:
                raise ValueError(f"sheet {name!r} row {i} cell {j}: {exc}") from None
            line.append(from_input(cell, option))
        out.append(line)
    return out


def _body(request: SandboxRequest) -> dict[str, Any]:
    try:
        body = request.json()
    except (ValueError, UnicodeDecodeError) as exc:
        raise bad_request(f"Invalid JSON payload received. {exc}") from None
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise bad_request("Invalid JSON payload received. Expected an object at the top level.")
    return body


def _flag(request: SandboxRequest, name: str) -> bool:
    value = request.q(name)
    if value is None or value.lower() in ("", "false", "0"):
        return False
    if value.lower() in ("true", "1"):
        return True
    raise bad_request(f"Invalid value at '{_snake(name)}' (TYPE_BOOL), \"{value}\"")


def _choice(
    request: SandboxRequest, name: str, allowed: tuple[str, ...], type_name: str, default: str
) -> str:
    value = request.q(name)
    if value in (None, ""):
        return default
    if value not in allowed:
        raise enum_violation(_snake(name), type_name, value)
    return str(value)


def _rendering(request: SandboxRequest, prefix: str = "") -> Rendering:
    major = _choice(
        request, "majorDimension", ("ROWS", "COLUMNS", "DIMENSION_UNSPECIFIED"), "Dimension", "ROWS"
    )
    render_name = f"{prefix}ValueRenderOption" if prefix else "valueRenderOption"
    date_name = f"{prefix}DateTimeRenderOption" if prefix else "dateTimeRenderOption"
    return Rendering(
        major="ROWS" if major == "DIMENSION_UNSPECIFIED" else major,
        render=_choice(
            request, render_name, VALUE_RENDER_OPTIONS, "ValueRenderOption", "FORMATTED_VALUE"
        ),
        date_time=_choice(
            request, date_name, DATE_TIME_RENDER_OPTIONS, "DateTimeRenderOption", "SERIAL_NUMBER"
        ),
    )


def _response_rendering(request: SandboxRequest) -> Rendering:
    rendering = _rendering(request, prefix="response")
    return Rendering("ROWS", rendering.render, rendering.date_time)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def _mask(fields: str | None) -> Any:
    if not fields:
        return None
    try:
        return parse_mask(fields)
    except MaskError:
        raise bad_request(f"Invalid field selection {fields}") from None


def _masked(body: dict[str, Any], fields: str | None) -> Any:
    mask = _mask(fields)
    return body if mask is None else apply_mask(body, mask)
