"""Airtable error bodies for what the client never sends: auth, unknown models, malformed
requests and bad parameters. Plain ``requests`` here; pyairtable where it can reach the case."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from sandbox import SandboxServer
from tests.sandbox.airtable_support import api, no_limits, raw, seed_customers

GENERIC = {
    "error": {
        "type": "INVALID_REQUEST_UNKNOWN",
        "message": "Invalid request: parameter validation failed. Check your request data.",
    }
}
AUTH = {"error": {"type": "AUTHENTICATION_REQUIRED", "message": "Authentication required"}}
PERMISSION = {
    "error": {
        "type": "INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND",
        "message": (
            "Invalid permissions, or the requested model was not found. Check that both your "
            "user and your token have the required permissions, and that the model names and/or "
            "ids are correct."
        ),
    }
}


@pytest.fixture
def base(sandbox: SandboxServer) -> str:
    no_limits(sandbox)
    return seed_customers(sandbox, [{"Name": "a", "Age": 1}])


def check(response: requests.Response, status: int, body: Any) -> None:
    assert (response.status_code, response.json()) == (status, body)
    assert response.headers["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("token", [None, "", "patWRONG", "keySANDBOX"])
def test_missing_or_wrong_tokens_get_401(
    sandbox: SandboxServer, base: str, token: str | None
) -> None:
    for method, path in (
        ("GET", f"/v0/{base}/Customers"),
        ("GET", f"/v0/meta/bases/{base}/tables"),
    ):
        check(raw(sandbox, method, path, token=token), 401, AUTH)


def test_pyairtable_sees_the_401(sandbox: SandboxServer, base: str) -> None:
    from pyairtable import Api

    with pytest.raises(requests.HTTPError) as exc:
        Api("patWRONG", endpoint_url=sandbox.url).table(base, "Customers").all()
    assert exc.value.response is not None and exc.value.response.status_code == 401
    assert "AUTHENTICATION_REQUIRED" in str(exc.value)


def test_unknown_base_or_table_is_a_403_as_with_personal_access_tokens(
    sandbox: SandboxServer, base: str
) -> None:
    for path in (
        "/v0/appAAAAAAAAAAAAAA/Customers",
        f"/v0/{base}/Nope",
        f"/v0/{base}/tblAAAAAAAAAAAAAA",
        "/v0/meta/bases/appAAAAAAAAAAAAAA/tables",
        "/v0/appAAAAAAAAAAAAAA/Customers/recAAAAAAAAAAAAAA",
    ):
        check(raw(sandbox, "GET", path), 403, PERMISSION)
    with pytest.raises(requests.HTTPError):
        api(sandbox).table(base, "Nope").create({"Name": "x"})


def test_unknown_routes_and_methods_are_404(sandbox: SandboxServer, base: str) -> None:
    for method, path in (
        ("GET", "/v0/"),
        ("GET", f"/v0/{base}/Customers/recAAAAAAAAAAAAAA/extra/more"),
        ("POST", f"/v0/{base}/Customers/recAAAAAAAAAAAAAA"),
        ("GET", f"/v0/{base}/Customers/listRecords/x"),
    ):
        check(raw(sandbox, method, path), 404, {"error": "NOT_FOUND"})


def test_unknown_record_is_404(sandbox: SandboxServer, base: str) -> None:
    body = {"error": {"type": "MODEL_ID_NOT_FOUND", "message": "Record not found"}}
    path = f"/v0/{base}/Customers/recAAAAAAAAAAAAAA"
    check(raw(sandbox, "GET", path), 404, body)
    check(raw(sandbox, "PATCH", path, json={"fields": {}}), 404, body)
    check(raw(sandbox, "DELETE", path), 404, body)


def test_malformed_bodies(sandbox: SandboxServer, base: str) -> None:
    path = f"/v0/{base}/Customers"
    unparsable = {
        "error": {"type": "INVALID_REQUEST_BODY", "message": "Could not parse request body"}
    }
    check(raw(sandbox, "POST", path, data=b"{not json"), 422, unparsable)
    check(raw(sandbox, "POST", path, json=[{"fields": {}}]), 422, GENERIC)
    check(raw(sandbox, "POST", path, json={"fields": {}, "bogus": 1}), 422, GENERIC)
    check(raw(sandbox, "POST", path, json={"fields": "Name=a"}), 422, GENERIC)
    check(
        raw(sandbox, "POST", f"{path}/listRecords", json={"pageSize": 5, "limit": 2}), 422, GENERIC
    )


def test_missing_fields_or_records(sandbox: SandboxServer, base: str) -> None:
    path = f"/v0/{base}/Customers"
    record = raw(sandbox, "GET", path).json()["records"][0]["id"]
    missing_fields = {
        "error": {
            "type": "INVALID_REQUEST_MISSING_FIELDS",
            "message": 'Could not find field "fields" in the request body',
        }
    }
    missing_records = {
        "error": {
            "type": "INVALID_REQUEST_MISSING_FIELDS",
            "message": 'Could not find field "records" in the request body',
        }
    }
    check(raw(sandbox, "POST", path, json={"typecast": True}), 422, missing_fields)
    check(raw(sandbox, "PATCH", f"{path}/{record}", json={}), 422, missing_fields)
    check(raw(sandbox, "PATCH", path, json={"typecast": True}), 422, missing_records)


@pytest.mark.parametrize(
    ("method", "kwargs"),
    [
        ("POST", {"json": {"records": []}}),
        ("POST", {"json": {"records": [{"fields": {}, "id": "recAAAAAAAAAAAAAA"}]}}),
        ("PATCH", {"json": {"records": [{"fields": {"Name": "b"}}]}}),
        ("PATCH", {"json": {"records": "all"}}),
        ("PUT", {"json": {"records": [{"id": "x", "fields": [], "extra": 1}]}}),
        ("DELETE", {}),
    ],
)
def test_bad_record_arrays(
    sandbox: SandboxServer, base: str, method: str, kwargs: dict[str, Any]
) -> None:
    response = raw(sandbox, method, f"/v0/{base}/Customers", **kwargs)
    assert response.status_code == 422
    assert response.json()["error"]["type"] == "INVALID_RECORDS"


def test_batch_delete_of_unknown_ids_deletes_nothing(sandbox: SandboxServer, base: str) -> None:
    path = f"/v0/{base}/Customers"
    record = raw(sandbox, "GET", path).json()["records"][0]["id"]
    response = raw(sandbox, "DELETE", path, params={"records[]": [record, "recAAAAAAAAAAAAAA"]})
    check(
        response,
        422,
        {
            "error": {
                "type": "ROW_DOES_NOT_EXIST",
                "message": "Record ID recAAAAAAAAAAAAAA does not exist in this table",
            }
        },
    )
    assert len(raw(sandbox, "GET", path).json()["records"]) == 1


@pytest.mark.parametrize(
    "params",
    [
        {"pageSize": "101"},
        {"pageSize": "0"},
        {"pageSize": "ten"},
        {"maxRecords": "-1"},
        {"sort[0][field]": "Name", "sort[0][direction]": "up"},
        {"cellFormat": "html"},
    ],
)
def test_bad_list_parameters(sandbox: SandboxServer, base: str, params: dict[str, str]) -> None:
    check(raw(sandbox, "GET", f"/v0/{base}/Customers", params=params), 422, GENERIC)


def test_cell_format_string_needs_time_zone_and_locale(sandbox: SandboxServer, base: str) -> None:
    response = raw(sandbox, "GET", f"/v0/{base}/Customers", params={"cellFormat": "string"})
    assert response.status_code == 422
    assert response.json()["error"]["type"] == "INVALID_REQUEST_UNKNOWN"
    ok = raw(
        sandbox,
        "GET",
        f"/v0/{base}/Customers",
        params={"cellFormat": "string", "timeZone": "UTC", "userLocale": "en-us"},
    )
    assert ok.status_code == 200


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"fields[]": ["Name", "Nope"]}, "Nope"),
        ({"sort[0][field]": "Nope", "sort[0][direction]": "asc"}, "Nope"),
    ],
)
def test_unknown_fields_in_list_parameters(
    sandbox: SandboxServer, base: str, params: dict[str, Any], name: str
) -> None:
    check(
        raw(sandbox, "GET", f"/v0/{base}/Customers", params=params),
        422,
        {"error": {"type": "UNKNOWN_FIELD_NAME", "message": f'Unknown field name: "{name}"'}},
    )


@pytest.mark.parametrize(
    ("formula", "reason"),
    [
        ("{Name} = ", "Invalid formula. Please check your formula text."),
        ("AND({Name}", "Invalid formula. Please check your formula text."),
        ("NOSUCH({Name})", "Invalid formula. Please check your formula text."),
        ("{Nope} = 1", "Unknown field names: Nope"),
        ("OR({a} = 1, {b} = 2, {Name})", "Unknown field names: a, b"),
    ],
)
def test_bad_formulas(sandbox: SandboxServer, base: str, formula: str, reason: str) -> None:
    body = {
        "error": {
            "type": "INVALID_FILTER_BY_FORMULA",
            "message": f"The formula for filtering records is invalid: {reason}",
        }
    }
    path = f"/v0/{base}/Customers"
    check(raw(sandbox, "GET", path, params={"filterByFormula": formula}), 422, body)
    check(raw(sandbox, "POST", f"{path}/listRecords", json={"filterByFormula": formula}), 422, body)
    with pytest.raises(requests.HTTPError) as exc:
        api(sandbox).table(base, "Customers").all(formula=formula)
    assert "INVALID_FILTER_BY_FORMULA" in str(exc.value)


def test_garbled_offset(sandbox: SandboxServer, base: str) -> None:
    response = raw(sandbox, "GET", f"/v0/{base}/Customers", params={"offset": "itrX/recY"})
    assert response.status_code == 422
    assert response.json()["error"]["type"] == "LIST_RECORDS_ITERATOR_NOT_AVAILABLE"


def test_an_empty_formula_filters_nothing(sandbox: SandboxServer, base: str) -> None:
    response = raw(sandbox, "GET", f"/v0/{base}/Customers", params={"filterByFormula": ""})
    assert len(response.json()["records"]) == 1
