"""The sandbox's shared control API (``/_sandbox/...``), driven through plain HTTP.

Covers the counters, fault injection (reproducible with a seed; drops and timeouts really happen),
rate-limit switches, the clock, reset, and several clients writing one Feishu table at once.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

import pytest
import requests

from sandbox import SandboxServer

TOKEN_PATH = "/open-apis/auth/v3/tenant_access_token/internal"
CREDENTIALS = {"app_id": "cli_sandbox", "app_secret": "sandbox-secret"}
FEISHU_TABLE = "/open-apis/bitable/v1/apps/{app_token}/tables/{table_id}"


def control(sandbox: SandboxServer, method: str, path: str, body: Any = None) -> requests.Response:
    return requests.request(method, f"{sandbox.url}/_sandbox/{path}", json=body, timeout=10)


def ok(sandbox: SandboxServer, method: str, path: str, body: Any = None) -> Any:
    response = control(sandbox, method, path, body)
    assert response.status_code == 200, response.text
    return response.json()


def feishu_headers(sandbox: SandboxServer) -> dict[str, str]:
    token = requests.post(sandbox.url + TOKEN_PATH, json=CREDENTIALS, timeout=10).json()[
        "tenant_access_token"
    ]
    return {"Authorization": f"Bearer {token}"}


def feishu_table(sandbox: SandboxServer, **extra: Any) -> tuple[str, str]:
    body = {
        "name": "CRM",
        "tables": [{"name": "客户", "fields": [{"field_name": "名称", "type": 1}]}],
        **extra,
    }
    data = ok(sandbox, "POST", "feishu/apps", body)
    return data["app_token"], data["tables"][0]["table_id"]


def records_url(sandbox: SandboxServer, app: str, table: str, tail: str = "") -> str:
    return f"{sandbox.url}/open-apis/bitable/v1/apps/{app}/tables/{table}/records{tail}"


def token_statuses(sandbox: SandboxServer, count: int) -> list[int]:
    """Statuses of ``count`` cheap Feishu calls (the token endpoint needs no auth and has no limit)."""
    return [
        requests.post(sandbox.url + TOKEN_PATH, json=CREDENTIALS, timeout=10).status_code
        for _ in range(count)
    ]


# -- stats -----------------------------------------------------------------------------------------


def test_stats_count_every_request_per_api_and_endpoint(sandbox: SandboxServer) -> None:
    app, table = feishu_table(sandbox)
    headers = feishu_headers(sandbox)  # 1 token call
    for _ in range(3):
        requests.post(
            records_url(sandbox, app, table, "/search"), json={}, headers=headers, timeout=10
        )
    requests.get(records_url(sandbox, app, table), headers=headers, timeout=10)
    requests.get(
        records_url(sandbox, app, table, "/recAnything"), headers=headers, timeout=10
    )  # an error still counts
    requests.get(f"{sandbox.url}/open-apis/nowhere", timeout=10)  # so does an unrouted path
    sheet = ok(sandbox, "POST", "sheets/spreadsheets", {"title": "t", "sheets": {"S": [["a"]]}})[
        "spreadsheetId"
    ]
    for _ in range(2):
        requests.get(
            f"{sandbox.url}/v4/spreadsheets/{sheet}",
            headers={"Authorization": "Bearer x"},
            timeout=10,
        )
    base = ok(
        sandbox,
        "POST",
        "airtable/bases",
        {
            "name": "b",
            "tables": [{"name": "T", "fields": [{"name": "N", "type": "singleLineText"}]}],
        },
    )
    requests.get(
        f"{sandbox.url}/v0/{base['id']}/T",
        headers={"Authorization": "Bearer patSANDBOX"},
        timeout=10,
    )

    stats = ok(sandbox, "GET", "stats")

    feishu = stats["feishu"]
    assert feishu["requests"] == 7
    assert feishu["by_endpoint"] == {
        f"POST {TOKEN_PATH}": 1,
        f"POST {FEISHU_TABLE}/records/search": 3,
        f"GET {FEISHU_TABLE}/records": 1,
        f"GET {FEISHU_TABLE}/records/{{record_id}}": 1,
        "GET <unrouted>": 1,
    }
    assert (stats["sheets"]["requests"], sum(stats["sheets"]["by_endpoint"].values())) == (2, 2)
    assert all(key.startswith("GET ") for key in stats["sheets"]["by_endpoint"])
    assert (stats["airtable"]["requests"], sum(stats["airtable"]["by_endpoint"].values())) == (1, 1)
    assert all(stats[api]["rate_limited"] == 0 and stats[api]["faults"] == 0 for api in stats)


def test_control_calls_are_not_counted_and_delete_zeroes_the_counters(
    sandbox: SandboxServer,
) -> None:
    token_statuses(sandbox, 2)
    ok(sandbox, "GET", "health")
    ok(sandbox, "GET", "limits")
    assert ok(sandbox, "GET", "stats")["feishu"]["requests"] == 2

    assert ok(sandbox, "DELETE", "stats") == {"ok": True}

    stats = ok(sandbox, "GET", "stats")
    assert set(stats) == {"sheets", "airtable", "feishu"}
    for api in stats.values():
        assert api == {"requests": 0, "by_endpoint": {}, "rate_limited": 0, "faults": 0}


def test_rate_limited_answers_are_counted(sandbox: SandboxServer) -> None:
    app, table = feishu_table(sandbox)
    headers = feishu_headers(sandbox)
    ok(sandbox, "POST", "limits", {"api": "feishu", "scale": 0.01})  # search: 1 per 5 s
    statuses = [
        requests.post(
            records_url(sandbox, app, table, "/search"), json={}, headers=headers, timeout=10
        ).status_code
        for _ in range(4)
    ]
    assert statuses == [200, 429, 429, 429]
    assert ok(sandbox, "GET", "stats")["feishu"]["rate_limited"] == 3


# -- faults ----------------------------------------------------------------------------------------


def test_the_same_fault_seed_gives_the_same_sequence(sandbox: SandboxServer) -> None:
    plan = {"api": "feishu", "error_rate": 0.4, "statuses": [500, 503], "seed": 1234}

    ok(sandbox, "POST", "faults", plan)
    first = token_statuses(sandbox, 40)
    ok(sandbox, "POST", "faults", plan)
    second = token_statuses(sandbox, 40)
    ok(sandbox, "POST", "faults", {**plan, "seed": 4321})
    other = token_statuses(sandbox, 40)

    assert first == second
    assert first != other
    assert 5 <= sum(s != 200 for s in first) <= 30
    assert set(first) == {200, 500, 503}
    assert ok(sandbox, "GET", "stats")["feishu"]["faults"] == sum(
        s != 200 for s in first + second + other
    )


def test_faults_apply_per_api_and_can_be_listed_and_cleared(sandbox: SandboxServer) -> None:
    plan = ok(sandbox, "POST", "faults", {"api": "sheets", "error_rate": 1.0, "statuses": [502]})
    assert plan["sheets"]["error_rate"] == 1.0
    assert set(ok(sandbox, "GET", "faults")) == {"sheets"}

    assert token_statuses(sandbox, 3) == [200, 200, 200]  # Feishu untouched
    sheet = requests.get(
        f"{sandbox.url}/v4/spreadsheets/anything", headers={"Authorization": "Bearer x"}, timeout=10
    )
    assert sheet.status_code == 502
    assert sheet.json()["error"]["code"] == 502  # injected faults use the platform's own error body

    ok(sandbox, "POST", "faults", {"api": "*", "error_rate": 1.0, "statuses": [500]})
    assert set(ok(sandbox, "GET", "faults")) == {"sheets", "airtable", "feishu"}
    assert token_statuses(sandbox, 1) == [500]

    ok(sandbox, "DELETE", "faults")
    assert ok(sandbox, "GET", "faults") == {}
    assert token_statuses(sandbox, 1) == [200]


def test_dropped_connections_really_drop(sandbox: SandboxServer) -> None:
    ok(sandbox, "POST", "faults", {"api": "feishu", "drop_rate": 1.0})
    with pytest.raises(requests.ConnectionError):
        requests.post(sandbox.url + TOKEN_PATH, json=CREDENTIALS, timeout=5)
    assert ok(sandbox, "GET", "stats")["feishu"]["faults"] == 1


def test_timeouts_really_hang_until_the_client_gives_up(sandbox: SandboxServer) -> None:
    ok(sandbox, "POST", "faults", {"api": "feishu", "timeout_rate": 1.0, "timeout_s": 2.0})
    started = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.post(sandbox.url + TOKEN_PATH, json=CREDENTIALS, timeout=0.3)
    assert 0.3 <= time.monotonic() - started < 1.5  # the client gave up; the server still hangs


def test_latency_is_added_to_every_request(sandbox: SandboxServer) -> None:
    ok(sandbox, "POST", "faults", {"api": "feishu", "latency_ms": 150})
    started = time.monotonic()
    assert token_statuses(sandbox, 2) == [200, 200]
    assert time.monotonic() - started >= 0.3


@pytest.mark.parametrize(
    "body",
    [
        {"api": "feishu", "error_rate": 1.5},
        {"api": "feishu", "drop_rate": -0.1},
        {"api": "feishu", "statuses": ["500"]},
        {"api": "dropbox", "error_rate": 0.1},
        {"api": "feishu", "latency_ms": -5},  # was accepted, then broke every request
        {"api": "feishu", "timeout_rate": 1.0, "timeout_s": -1},
    ],
)
def test_bad_fault_plans_are_refused(sandbox: SandboxServer, body: dict[str, Any]) -> None:
    response = control(sandbox, "POST", "faults", body)
    assert response.status_code == 400
    assert "error" in response.json()
    assert ok(sandbox, "GET", "faults") == {}


# -- limits ----------------------------------------------------------------------------------------


def test_limits_on_off_and_scale(sandbox: SandboxServer) -> None:
    defaults = {api: {"enabled": True, "scale": 1.0} for api in ("sheets", "airtable", "feishu")}
    assert ok(sandbox, "GET", "limits") == defaults
    app, table = feishu_table(sandbox)
    headers = feishu_headers(sandbox)

    def searches(count: int) -> list[int]:
        url = records_url(sandbox, app, table, "/search")
        return [
            requests.post(url, json={}, headers=headers, timeout=10).status_code
            for _ in range(count)
        ]

    changed = ok(sandbox, "POST", "limits", {"api": "feishu", "scale": 0.01})
    assert changed["feishu"] == {"enabled": True, "scale": 0.01}
    assert changed["sheets"] == {"enabled": True, "scale": 1.0}
    assert searches(3) == [200, 429, 429]  # 20/s scaled to one per 5 s

    ok(sandbox, "POST", "limits", {"api": "feishu", "enabled": False})
    assert set(searches(30)) == {200}

    everything = ok(sandbox, "POST", "limits", {"api": "*", "enabled": False, "scale": 2})
    assert all(value == {"enabled": False, "scale": 2.0} for value in everything.values())

    assert ok(sandbox, "DELETE", "limits") == defaults
    ok(sandbox, "POST", "clock", {"advance_s": 5})  # refill
    statuses = [200]
    while statuses[-1] == 200 and len(statuses) < 200:
        statuses += searches(1)
    assert statuses.count(200) >= 20 and statuses[-1] == 429  # back to the real 20/s

    assert control(sandbox, "POST", "limits", {"api": "feishu", "scale": 0}).status_code == 400
    assert control(sandbox, "POST", "limits", {"api": "nowhere"}).status_code == 400


# -- clock -----------------------------------------------------------------------------------------


def test_clock_advances_and_expires_tokens(sandbox: SandboxServer) -> None:
    before = ok(sandbox, "GET", "clock")["now"]
    assert abs(before - time.time()) < 5
    app, table = feishu_table(sandbox)
    headers = feishu_headers(sandbox)

    moved = ok(sandbox, "POST", "clock", {"advance_s": 7199})["now"]
    assert 7199 <= moved - before < 7205
    assert (
        requests.get(records_url(sandbox, app, table), headers=headers, timeout=10).json()["code"]
        == 0
    )

    ok(sandbox, "POST", "clock", {"advance_s": 2})
    expired = requests.get(records_url(sandbox, app, table), headers=headers, timeout=10)
    assert (expired.status_code, expired.json()["code"]) == (400, 99991663)

    created = requests.post(
        records_url(sandbox, app, table),
        json={"fields": {"名称": "甲"}},
        headers=feishu_headers(sandbox),
        timeout=10,
    )
    created_ms = ok(sandbox, "GET", f"feishu/apps/{app}")["tables"][0]["records"][0]["created_time"]
    assert created.json()["code"] == 0
    assert created_ms / 1000 - time.time() > 7000  # record times follow the sandbox clock


# -- reset -----------------------------------------------------------------------------------------


def test_reset_restores_everything(sandbox: SandboxServer) -> None:
    app, _table = feishu_table(sandbox)
    token_statuses(sandbox, 2)
    ok(sandbox, "POST", "faults", {"api": "*", "latency_ms": 1})
    ok(sandbox, "POST", "limits", {"api": "*", "enabled": False})
    ok(sandbox, "POST", "clock", {"advance_s": 86400})

    assert ok(sandbox, "POST", "reset") == {"ok": True}

    assert control(sandbox, "GET", f"feishu/apps/{app}").status_code == 404
    assert ok(sandbox, "GET", "faults") == {}
    assert all(v == {"enabled": True, "scale": 1.0} for v in ok(sandbox, "GET", "limits").values())
    assert abs(ok(sandbox, "GET", "clock")["now"] - time.time()) < 5
    assert all(api["requests"] == 0 for api in ok(sandbox, "GET", "stats").values())
    assert feishu_table(sandbox)[0] == app  # ids restart, so a replayed run gets the same ids


def test_unknown_control_endpoints_and_bad_bodies(sandbox: SandboxServer) -> None:
    assert ok(sandbox, "GET", "health") == {"ok": True, "apis": ["sheets", "airtable", "feishu"]}
    assert control(sandbox, "GET", "nothing").status_code == 404
    assert control(sandbox, "GET", "feishu/apps/bascnUnknown").status_code == 404
    broken = requests.post(f"{sandbox.url}/_sandbox/faults", data=b"{oops", timeout=10)
    assert broken.status_code == 400
    assert control(sandbox, "POST", "clock", [1, 2]).status_code == 400
    assert control(sandbox, "POST", "feishu/apps", {"tables": "not a list"}).status_code == 400


# -- concurrent writers on one Feishu table ------------------------------------------------------


def run_writers(
    sandbox: SandboxServer, app: str, table: str, writers: int, per_writer: int
) -> Counter[str]:
    """Each writer creates its records one by one, retrying a 1254291 as a client must."""
    headers = feishu_headers(sandbox)
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def write(writer: int) -> None:
        with requests.Session() as session:
            for n in range(per_writer):
                while True:
                    body = {"fields": {"名称": f"w{writer}-{n}"}}
                    code = session.post(
                        records_url(sandbox, app, table), json=body, headers=headers, timeout=10
                    ).json()["code"]
                    with lock:
                        outcomes[str(code)] += 1
                    if code != 1254291:
                        break
                    time.sleep(0.005)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def assert_exactly_once(sandbox: SandboxServer, app: str, writers: int, per_writer: int) -> None:
    records = ok(sandbox, "GET", f"feishu/apps/{app}")["tables"][0]["records"]
    names = sorted(r["fields"]["名称"] for r in records)
    assert names == sorted(f"w{w}-{n}" for w in range(writers) for n in range(per_writer))
    assert len({r["record_id"] for r in records}) == len(records)
    assert sorted(r["auto_number"] for r in records) == list(range(1, len(records) + 1))


def test_concurrent_writes_are_serialized_by_default(sandbox: SandboxServer) -> None:
    # write_hold_ms 0 (default): writes to one table are applied one at a time and all succeed
    ok(sandbox, "POST", "limits", {"api": "feishu", "enabled": False})
    app, table = feishu_table(sandbox)

    outcomes = run_writers(sandbox, app, table, writers=8, per_writer=20)

    assert outcomes == Counter({"0": 160})
    assert_exactly_once(sandbox, app, writers=8, per_writer=20)
    assert ok(sandbox, "GET", "stats")["feishu"]["requests"] == 1 + 160


def test_concurrent_writes_conflict_like_the_real_service(sandbox: SandboxServer) -> None:
    # write_hold_ms > 0: a write arriving while another holds the table gets 1254291 and
    # changes nothing, so retrying it neither loses nor duplicates a record
    ok(sandbox, "POST", "limits", {"api": "feishu", "enabled": False})
    app, table = feishu_table(sandbox, write_hold_ms=15)

    outcomes = run_writers(sandbox, app, table, writers=6, per_writer=5)

    assert outcomes["0"] == 30
    assert outcomes["1254291"] > 0
    assert set(outcomes) == {"0", "1254291"}
    assert_exactly_once(sandbox, app, writers=6, per_writer=5)
