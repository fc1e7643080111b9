"""Feishu error codes and the HTTP statuses they travel with.

Feishu reports failures in the body (``{"code": N, "msg": "..."}``); the HTTP status is a poor
guide and differs between documentation pages for the same code (api-facts.md §3.6, §6). The
statuses below follow the majority of the pages and the observed traffic: auth failures 400, rate
limit 429, Bitable business errors 200. They live in one table so a test can flip one.
"""

from __future__ import annotations

from typing import Any

# Auth and gateway (PROBE-FS: auth failures are HTTP 400).
MISSING_TOKEN = 99991661
INVALID_TOKEN = 99991663
INVALID_USER_TOKEN = 99991668
RATE_LIMITED = 99991400
FIELD_VALIDATION = 99992402

# tenant_access_token/internal failures come back with HTTP 200.
TOKEN_INVALID_PARAM = 10003
TOKEN_BAD_SECRET = 10014

# Bitable business codes (FD error tables, api-facts.md §3.6).
WRONG_REQUEST_JSON = 1254000
WRONG_REQUEST_BODY = 1254001
FIELD_TYPE_MISMATCH = 1254015
INVALID_SORT = 1254016
INVALID_FILTER = 1254018
INVALID_PAGE_TOKEN = 1254030
BASE_NOT_FOUND = 1254040
TABLE_NOT_FOUND = 1254041
VIEW_NOT_FOUND = 1254042
RECORD_NOT_FOUND = 1254043
FIELD_NAME_NOT_FOUND = 1254045
TEXT_CONV_FAIL = 1254060
NUMBER_CONV_FAIL = 1254061
SINGLE_SELECT_CONV_FAIL = 1254062
MULTI_SELECT_CONV_FAIL = 1254063
DATETIME_CONV_FAIL = 1254064
CHECKBOX_CONV_FAIL = 1254065
USER_CONV_FAIL = 1254066
LINK_CONV_FAIL = 1254067
URL_CONV_FAIL = 1254068
ATTACHMENT_CONV_FAIL = 1254069
INVALID_PHONE = 1254072
BATCH_TOO_LARGE = 1254104
WRITE_CONFLICT = 1254291
INTERNAL_ERROR = 1255001
REQUEST_TIMEOUT = 1255040

MESSAGES: dict[int, str] = {
    MISSING_TOKEN: "Missing access token for authorization. Please make a request with token attached.",
    INVALID_TOKEN: "Invalid access token for authorization. Please make a request with token attached.",
    INVALID_USER_TOKEN: "Invalid access token for authorization. Please make a request with token attached.",
    RATE_LIMITED: "request trigger frequency limit",
    FIELD_VALIDATION: "field validation failed",
    TOKEN_INVALID_PARAM: "invalid param",
    TOKEN_BAD_SECRET: "app secret invalid",
    WRONG_REQUEST_JSON: "WrongRequestJson",
    WRONG_REQUEST_BODY: "WrongRequestBody",
    FIELD_TYPE_MISMATCH: "FieldTypeMismatch",
    INVALID_SORT: "InvalidSort",
    INVALID_FILTER: "InvalidFilter",
    INVALID_PAGE_TOKEN: "InvalidPageToken",
    BASE_NOT_FOUND: "BaseTokenNotFound",
    TABLE_NOT_FOUND: "TableIdNotFound",
    VIEW_NOT_FOUND: "ViewIdNotFound",
    RECORD_NOT_FOUND: "RecordIdNotFound",
    FIELD_NAME_NOT_FOUND: "FieldNameNotFound",
    TEXT_CONV_FAIL: "TextFieldConvFail",
    NUMBER_CONV_FAIL: "NumberFieldConvFail",
    SINGLE_SELECT_CONV_FAIL: "SingleSelectFieldConvFail",
    MULTI_SELECT_CONV_FAIL: "MultiSelectFieldConvFail",
    DATETIME_CONV_FAIL: "DatetimeFieldConvFail",
    CHECKBOX_CONV_FAIL: "CheckboxFieldConvFail",
    USER_CONV_FAIL: "UserFieldConvFail",
    LINK_CONV_FAIL: "LinkFieldConvFail",
    URL_CONV_FAIL: "URLFieldConvFail",
    ATTACHMENT_CONV_FAIL: "AttachFieldConvFail",
    INVALID_PHONE: "InvalidPhoneNumber",
    BATCH_TOO_LARGE: "RecordAddOnceExceedLimit",
    WRITE_CONFLICT: "Write conflict",
    INTERNAL_ERROR: "InternalError",
    REQUEST_TIMEOUT: "request timed out, please try again later",
}

#: HTTP status per code; anything not listed here is a Bitable business error sent with 200.
DEFAULT_STATUSES: dict[int, int] = {
    MISSING_TOKEN: 400,
    INVALID_TOKEN: 400,
    INVALID_USER_TOKEN: 400,
    RATE_LIMITED: 429,
    FIELD_VALIDATION: 400,
    TOKEN_INVALID_PARAM: 200,
    TOKEN_BAD_SECRET: 200,
    INTERNAL_ERROR: 500,
    REQUEST_TIMEOUT: 504,
}

#: Which body code an injected fault of a given HTTP status carries.
FAULT_CODES: dict[int, int] = {
    400: WRONG_REQUEST_BODY,
    401: INVALID_TOKEN,
    403: INVALID_TOKEN,
    429: RATE_LIMITED,
    504: REQUEST_TIMEOUT,
}


class FeishuError(Exception):
    """A failure answered with Feishu's error body; raised anywhere inside a handler."""

    def __init__(
        self,
        code: int,
        detail: str = "",
        *,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{code} {MESSAGES.get(code, '')} {detail}".strip())
        self.code = code
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra or {}

    @property
    def msg(self) -> str:
        return MESSAGES.get(self.code, self.detail or "error")
