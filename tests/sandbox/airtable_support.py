"""Shared helpers for the Airtable sandbox tests: seeding, control calls, a typed sample table."""

from __future__ import annotations

from typing import Any

import requests
from pyairtable import Api

from sandbox import SandboxServer

TOKEN = "patSANDBOX"

# One field of every type the sandbox models, as a sales team's customer table might have them.
CUSTOMER_FIELDS: list[dict[str, Any]] = [
    {"name": "Name", "type": "singleLineText"},
    {"name": "Notes", "type": "multilineText"},
    {"name": "Email", "type": "email"},
    {"name": "Phone", "type": "phoneNumber"},
    {"name": "Age", "type": "number", "options": {"precision": 0}},
    {"name": "Amount", "type": "currency", "options": {"precision": 2, "symbol": "¥"}},
    {"name": "Share", "type": "percent", "options": {"precision": 1}},
    {"name": "Active", "type": "checkbox"},
    {"name": "Since", "type": "date"},
    {"name": "Last Contact", "type": "dateTime"},
    {
        "name": "Level",
        "type": "singleSelect",
        "options": {"choices": ["潜在客户", "普通客户", "重点客户"]},
    },
    {"name": "Tags", "type": "multipleSelects", "options": {"choices": ["展会", "线上", "VIP"]}},
    {"name": "Created", "type": "createdTime"},
    {"name": "Modified", "type": "lastModifiedTime"},
    {
        "name": "Name Modified",
        "type": "lastModifiedTime",
        "options": {"referencedFieldIds": ["Name"]},
    },
    {"name": "No", "type": "autoNumber"},
    {"name": "Label", "type": "formula", "options": {"formula": "{Name} & ' (' & {Level} & ')'"}},
]
COMPUTED = ("Created", "Modified", "Name Modified", "No", "Label")


def control(sandbox: SandboxServer, method: str, path: str, body: Any = None) -> Any:
    response = requests.request(method, f"{sandbox.url}/_sandbox/{path}", json=body, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def seed(sandbox: SandboxServer, body: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = control(sandbox, "POST", "airtable/bases", body)
    return result


def seed_customers(
    sandbox: SandboxServer, records: list[dict[str, Any]] | None = None, **table: Any
) -> str:
    """A base with one "Customers" table of :data:`CUSTOMER_FIELDS`; returns the base id."""
    spec = {"name": "Customers", "fields": CUSTOMER_FIELDS, "records": records or [], **table}
    return str(seed(sandbox, {"name": "CRM", "tables": [spec]})["id"])


def no_limits(sandbox: SandboxServer) -> None:
    control(sandbox, "POST", "limits", {"api": "airtable", "enabled": False})


def advance(sandbox: SandboxServer, seconds: float) -> float:
    return float(control(sandbox, "POST", "clock", {"advance_s": seconds})["now"])


def now(sandbox: SandboxServer) -> float:
    return float(control(sandbox, "GET", "clock")["now"])


def stats(sandbox: SandboxServer) -> dict[str, Any]:
    result: dict[str, Any] = control(sandbox, "GET", "stats")["airtable"]
    return result


def api(sandbox: SandboxServer, **options: Any) -> Api:
    """The official client, unmodified, pointed at the sandbox."""
    return Api(TOKEN, endpoint_url=sandbox.url, **options)


def error_of(exc: BaseException) -> str:
    """The ``repr`` of the Airtable error body that pyairtable appends to an HTTPError."""
    return str(exc.args[-1])


def raw(
    sandbox: SandboxServer, method: str, path: str, token: str | None = TOKEN, **kwargs: Any
) -> requests.Response:
    """A plain HTTP call to the Airtable API, for what the client never sends."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.request(method, f"{sandbox.url}{path}", headers=headers, timeout=10, **kwargs)
