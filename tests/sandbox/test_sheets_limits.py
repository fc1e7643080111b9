"""Per-minute quotas and injected faults of the Sheets stand-in, seen from gspread 6.x.

Quotas are on by default at Google's figures (60 reads and 60 writes per minute per user, 300 per
project). ``POST /_sandbox/limits`` with a ``scale`` shortens the minute so that gspread's
``BackOffHTTPClient``, which really sleeps 2 s before its first retry, rides out a 429 the way it
would against Google without making the suite slow.
"""

from __future__ import annotations

import time
from typing import Any

import gspread
import pytest
import requests

from sandbox import SandboxServer
from sandbox.sheets_testing import gspread_client

QUOTA_MESSAGE = (
    "Quota exceeded for quota metric '{metric}' and limit '{limit}' of service 'sheets.googleapis.com' "
    "for consumer 'project_number:100000000001'."
)


def seed(sandbox: SandboxServer) -> str:
    body = {"title": "Quota", "sheets": {"Sheet1": [["a", "b"], ["c", "d"]]}}
    response = requests.post(f"{sandbox.url}/_sandbox/sheets/spreadsheets", json=body, timeout=10)
    response.raise_for_status()
    return str(response.json()["spreadsheetId"])


def control(
    sandbox: SandboxServer, method: str, path: str, body: dict[str, Any] | None = None
) -> Any:
    response = requests.request(method, f"{sandbox.url}/_sandbox/{path}", json=body, timeout=10)
    response.raise_for_status()
    return response.json()


def stats(sandbox: SandboxServer) -> dict[str, Any]:
    result: dict[str, Any] = control(sandbox, "GET", "stats")["sheets"]
    return result


@pytest.fixture
def worksheet(sandbox: SandboxServer) -> gspread.Worksheet:
    return gspread_client(sandbox.url).open_by_key(seed(sandbox)).sheet1


def read_until_refused(sheet: gspread.Worksheet, limit: int) -> gspread.exceptions.APIError:
    for _ in range(limit):
        try:
            sheet.acell("A1")
        except gspread.exceptions.APIError as error:
            return error
    raise AssertionError(f"no 429 within {limit} reads")


# -- quotas --------------------------------------------------------------------------------------


def test_read_quota_per_user_answers_googles_429(
    sandbox: SandboxServer, worksheet: gspread.Worksheet
) -> None:
    # open_by_key and .sheet1 already read the metadata twice; 58 more reads fill the minute.
    for _ in range(58):
        worksheet.acell("A1")
    error = read_until_refused(worksheet, 1)
    assert error.code == 429
    assert error.response.status_code == 429
    body = error.error
    assert body["status"] == "RESOURCE_EXHAUSTED"
    assert body["message"] == QUOTA_MESSAGE.format(
        metric="Read requests", limit="Read requests per minute per user"
    )
    info = body["details"][0]
    assert info["@type"] == "type.googleapis.com/google.rpc.ErrorInfo"
    assert info["reason"] == "RATE_LIMIT_EXCEEDED"
    assert info["metadata"]["quota_limit"] == "ReadRequestsPerMinutePerUser"
    assert info["metadata"]["quota_limit_value"] == "60"
    # Writes have their own quota.
    worksheet.update_acell("B2", "still writable")
    assert stats(sandbox)["rate_limited"] == 1


def test_write_quota_per_user(sandbox: SandboxServer, worksheet: gspread.Worksheet) -> None:
    for n in range(60):
        worksheet.update_acell("A1", str(n))
    with pytest.raises(gspread.exceptions.APIError) as caught:
        worksheet.update_acell("A1", "one too many")
    assert caught.value.error["message"] == QUOTA_MESSAGE.format(
        metric="Write requests", limit="Write requests per minute per user"
    )
    assert (
        caught.value.error["details"][0]["metadata"]["quota_metric"]
        == "sheets.googleapis.com/write_requests"
    )


def test_project_quota_spans_users(sandbox: SandboxServer) -> None:
    spreadsheet_id = seed(sandbox)
    url = f"{sandbox.url}/v4/spreadsheets/{spreadsheet_id}/values/A1"
    with requests.Session() as http:
        for user in range(5):
            for _ in range(60):
                assert (
                    http.get(
                        url, headers={"Authorization": f"Bearer user-{user}"}, timeout=10
                    ).status_code
                    == 200
                )
        refused = http.get(url, headers={"Authorization": "Bearer user-5"}, timeout=10)
    assert refused.status_code == 429
    assert refused.json()["error"]["message"] == QUOTA_MESSAGE.format(
        metric="Read requests", limit="Read requests per minute"
    )


def test_quota_refills_after_a_minute(sandbox: SandboxServer, worksheet: gspread.Worksheet) -> None:
    assert read_until_refused(worksheet, 100).code == 429
    control(sandbox, "POST", "clock", {"advance_s": 30})
    assert (
        read_until_refused(worksheet, 1).code == 429
    )  # the window slides: still within the minute
    control(sandbox, "POST", "clock", {"advance_s": 31})
    assert worksheet.acell("A1").value == "a"


def test_disabled_limits_and_restored_defaults(
    sandbox: SandboxServer, worksheet: gspread.Worksheet
) -> None:
    control(sandbox, "POST", "limits", {"api": "sheets", "enabled": False})
    for _ in range(80):
        worksheet.acell("A1")
    assert stats(sandbox)["rate_limited"] == 0
    restored = control(sandbox, "DELETE", "limits")
    assert restored["sheets"] == {"enabled": True, "scale": 1.0}


def test_backoff_client_rides_out_a_429(sandbox: SandboxServer) -> None:
    control(sandbox, "POST", "limits", {"api": "sheets", "scale": 30})  # 60 reads per 2 s
    client = gspread_client(sandbox.url, http_client=gspread.BackOffHTTPClient)
    sheet = client.open_by_key(seed(sandbox)).sheet1
    for _ in range(58):
        sheet.acell("A1")
    started = time.monotonic()
    assert sheet.get_all_values() == [["a", "b"], ["c", "d"]]
    assert time.monotonic() - started >= 2  # one real backoff sleep
    assert stats(sandbox)["rate_limited"] == 1


# -- faults --------------------------------------------------------------------------------------


def test_injected_server_error_is_googles_body(
    sandbox: SandboxServer, worksheet: gspread.Worksheet
) -> None:
    control(sandbox, "POST", "faults", {"api": "sheets", "error_rate": 1.0, "statuses": [503]})
    with pytest.raises(gspread.exceptions.APIError) as caught:
        worksheet.acell("A1")
    assert caught.value.error == {
        "code": 503,
        "message": "The service is currently unavailable.",
        "status": "UNAVAILABLE",
    }
    control(sandbox, "DELETE", "faults")
    assert worksheet.acell("A1").value == "a"
    assert stats(sandbox)["faults"] == 1


def test_injected_429_looks_like_a_quota_refusal(
    sandbox: SandboxServer, worksheet: gspread.Worksheet
) -> None:
    control(sandbox, "POST", "faults", {"api": "sheets", "error_rate": 1.0, "statuses": [429]})
    with pytest.raises(gspread.exceptions.APIError) as caught:
        worksheet.acell("A1")
    assert caught.value.code == 429
    assert caught.value.error["details"][0]["reason"] == "RATE_LIMIT_EXCEEDED"


def test_backoff_client_retries_a_transient_500(sandbox: SandboxServer) -> None:
    sheet = (
        gspread_client(sandbox.url, http_client=gspread.BackOffHTTPClient)
        .open_by_key(seed(sandbox))
        .sheet1
    )
    # Seed 1 draws 0.13 then 0.85: the first request fails, its retry goes through.
    control(
        sandbox,
        "POST",
        "faults",
        {"api": "sheets", "error_rate": 0.5, "statuses": [500], "seed": 1},
    )
    assert sheet.acell("B2").value == "d"
    assert stats(sandbox)["faults"] == 1


def test_dropped_connections_and_latency(
    sandbox: SandboxServer, worksheet: gspread.Worksheet
) -> None:
    control(sandbox, "POST", "faults", {"api": "sheets", "drop_rate": 1.0})
    with pytest.raises(requests.exceptions.ConnectionError):
        worksheet.acell("A1")
    control(sandbox, "POST", "faults", {"api": "sheets", "latency_ms": 150})
    started = time.monotonic()
    assert worksheet.acell("A1").value == "a"
    assert time.monotonic() - started >= 0.15


def test_injected_timeout(sandbox: SandboxServer) -> None:
    client = gspread_client(sandbox.url)
    sheet = client.open_by_key(seed(sandbox)).sheet1
    client.set_timeout(0.3)
    control(sandbox, "POST", "faults", {"api": "sheets", "timeout_rate": 1.0, "timeout_s": 0.6})
    with pytest.raises(requests.exceptions.ReadTimeout):
        sheet.acell("A1")
