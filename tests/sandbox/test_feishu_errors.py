"""Feishu error bodies, auth, rate limits, batch limits and faults, seen through lark-oapi."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import lark_oapi as lark
import pytest
import requests
from lark_oapi.api.bitable.v1 import (
    AppTableRecord,
    BatchCreateAppTableRecordRequest,
    BatchCreateAppTableRecordRequestBody,
    BatchDeleteAppTableRecordRequest,
    BatchDeleteAppTableRecordRequestBody,
    BatchUpdateAppTableRecordRequest,
    BatchUpdateAppTableRecordRequestBody,
    CreateAppTableRecordRequest,
    DeleteAppTableRecordRequest,
    GetAppTableRecordRequest,
    ListAppTableFieldRequest,
    SearchAppTableRecordRequest,
    SearchAppTableRecordRequestBody,
    Sort,
    UpdateAppTableRecordRequest,
)
from lark_oapi.core.cache import LocalCache
from lark_oapi.core.exception import ObtainAccessTokenException
from lark_oapi.core.token.manager import TokenManager

from sandbox import SandboxServer

FIELDS = [
    {"field_name": "客户名称", "type": 1},
    {"field_name": "金额", "type": 2},
    {"field_name": "电话", "type": 13},
]
TOKEN_ENDPOINT = "POST /open-apis/auth/v3/tenant_access_token/internal"
SEARCH_ENDPOINT = "POST /open-apis/bitable/v1/apps/{app_token}/tables/{table_id}/records/search"


def make_client(url: str, secret: str = "sandbox-secret", **options: Any) -> lark.Client:
    builder = (
        lark.Client.builder()
        .app_id("cli_sandbox")
        .app_secret(secret)
        .domain(url)
        .log_level(lark.LogLevel.CRITICAL)
    )
    if "timeout" in options:
        builder = builder.timeout(options["timeout"])
    if options.get("set_token"):
        builder = builder.enable_set_token(True)
    return builder.build()


@pytest.fixture
def client(sandbox: SandboxServer) -> lark.Client:
    TokenManager.cache = LocalCache()  # lark-oapi caches tokens process-wide; start each test clean
    return make_client(sandbox.url)


def control(sandbox: SandboxServer, method: str, path: str, body: Any = None) -> Any:
    response = requests.request(method, f"{sandbox.url}/_sandbox/{path}", json=body, timeout=10)
    response.raise_for_status()
    return response.json()


def seed(
    sandbox: SandboxServer, records: list[dict[str, Any]] | None = None, **extra: Any
) -> tuple[str, str]:
    body = {
        "name": "CRM",
        "tables": [{"name": "客户", "fields": FIELDS, "records": records or []}],
        **extra,
    }
    data = control(sandbox, "POST", "feishu/apps", body)
    return data["app_token"], data["tables"][0]["table_id"]


def records_of(sandbox: SandboxServer, app: str) -> list[dict[str, Any]]:
    return control(sandbox, "GET", f"feishu/apps/{app}")["tables"][0]["records"]


def search(
    client: lark.Client, app: str, table: str, body: SearchAppTableRecordRequestBody | None = None
) -> Any:
    request = (
        SearchAppTableRecordRequest.builder()
        .app_token(app)
        .table_id(table)
        .request_body(body or SearchAppTableRecordRequestBody.builder().build())
        .build()
    )
    return client.bitable.v1.app_table_record.search(request)


def batch_create(client: lark.Client, app: str, table: str, rows: list[dict[str, Any]]) -> Any:
    body = BatchCreateAppTableRecordRequestBody.builder().records(
        [AppTableRecord.builder().fields(r).build() for r in rows]
    )
    request = (
        BatchCreateAppTableRecordRequest.builder()
        .app_token(app)
        .table_id(table)
        .request_body(body.build())
    )
    return client.bitable.v1.app_table_record.batch_create(request.build())


def batch_update(
    client: lark.Client, app: str, table: str, rows: list[tuple[str, dict[str, Any]]]
) -> Any:
    records = [AppTableRecord.builder().record_id(rid).fields(f).build() for rid, f in rows]
    body = BatchUpdateAppTableRecordRequestBody.builder().records(records).build()
    request = (
        BatchUpdateAppTableRecordRequest.builder().app_token(app).table_id(table).request_body(body)
    )
    return client.bitable.v1.app_table_record.batch_update(request.build())


def batch_delete(client: lark.Client, app: str, table: str, ids: list[str]) -> Any:
    body = BatchDeleteAppTableRecordRequestBody.builder().records(ids).build()
    request = (
        BatchDeleteAppTableRecordRequest.builder().app_token(app).table_id(table).request_body(body)
    )
    return client.bitable.v1.app_table_record.batch_delete(request.build())


def create(client: lark.Client, app: str, table: str, fields: dict[str, Any]) -> Any:
    request = (
        CreateAppTableRecordRequest.builder()
        .app_token(app)
        .table_id(table)
        .request_body(AppTableRecord.builder().fields(fields).build())
        .build()
    )
    return client.bitable.v1.app_table_record.create(request)


def wait_until(condition: Callable[[], bool], timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.005)


def assert_error(response: Any, code: int, status: int) -> None:
    assert response.code == code, (response.code, response.msg)
    assert response.raw.status_code == status
    assert response.error["log_id"]
    assert response.get_log_id()


# -- business errors ---------------------------------------------------------------------------


def test_unknown_record_id_is_1254043(sandbox: SandboxServer, client: lark.Client) -> None:
    app, table = seed(sandbox, [{"客户名称": "甲", "金额": 1}])
    known = records_of(sandbox, app)[0]["record_id"]

    got = client.bitable.v1.app_table_record.get(
        GetAppTableRecordRequest.builder()
        .app_token(app)
        .table_id(table)
        .record_id("recNope123")
        .build()
    )
    assert_error(got, 1254043, 200)
    assert got.msg == "RecordIdNotFound"

    updated = client.bitable.v1.app_table_record.update(
        UpdateAppTableRecordRequest.builder()
        .app_token(app)
        .table_id(table)
        .record_id("recNope123")
        .request_body(AppTableRecord.builder().fields({"金额": 2}).build())
        .build()
    )
    assert_error(updated, 1254043, 200)

    deleted = client.bitable.v1.app_table_record.delete(
        DeleteAppTableRecordRequest.builder()
        .app_token(app)
        .table_id(table)
        .record_id("recNope123")
        .build()
    )
    assert_error(deleted, 1254043, 200)

    # all or nothing: the known record of the batch is not updated either
    assert_error(
        batch_update(client, app, table, [(known, {"金额": 99}), ("recNope123", {"金额": 1})]),
        1254043,
        200,
    )
    assert_error(batch_delete(client, app, table, [known, "recNope123"]), 1254043, 200)
    assert records_of(sandbox, app)[0]["fields"] == {"客户名称": "甲", "金额": 1}


def test_unknown_field_name_is_1254045_and_batches_are_all_or_nothing(
    sandbox: SandboxServer, client: lark.Client
) -> None:
    app, table = seed(sandbox)

    response = batch_create(
        client, app, table, [{"客户名称": "甲"}, {"客户名称": "乙", "不存在": 1}]
    )
    assert_error(response, 1254045, 200)
    assert response.msg == "FieldNameNotFound"
    assert records_of(sandbox, app) == []

    assert_error(create(client, app, table, {"没有这列": "x"}), 1254045, 200)
    sorted_by_unknown = SearchAppTableRecordRequestBody.builder().sort(
        [Sort.builder().field_name("没有").build()]
    )
    assert_error(search(client, app, table, sorted_by_unknown.build()), 1254045, 200)
    assert_error(
        search(
            client,
            app,
            table,
            SearchAppTableRecordRequestBody.builder().field_names(["没有"]).build(),
        ),
        1254045,
        200,
    )


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"客户名称": 123}, 1254060),
        ({"金额": "五十万"}, 1254061),
        ({"电话": "call me"}, 1254072),
    ],
)
def test_values_of_the_wrong_shape_are_refused(
    sandbox: SandboxServer, client: lark.Client, fields: dict[str, Any], code: int
) -> None:
    app, table = seed(sandbox)
    assert_error(batch_create(client, app, table, [{"客户名称": "ok"}, fields]), code, 200)
    assert records_of(sandbox, app) == []


def test_unknown_app_and_table(sandbox: SandboxServer, client: lark.Client) -> None:
    app, table = seed(sandbox)
    assert_error(search(client, "bascnNoSuchApp", table), 1254040, 200)
    assert_error(search(client, app, "tblNoSuchTable00"), 1254041, 200)


# -- batch limits ------------------------------------------------------------------------------


def test_default_batch_limits(sandbox: SandboxServer, client: lark.Client) -> None:
    app, table = seed(sandbox)
    rows = [{"客户名称": f"客户{i}"} for i in range(1001)]

    assert_error(batch_create(client, app, table, rows), 1254104, 200)
    assert records_of(sandbox, app) == []

    created = batch_create(client, app, table, rows[:1000])
    assert created.success(), created.msg
    ids = [r.record_id for r in created.data.records]
    assert len(set(ids)) == 1000

    assert_error(
        batch_update(client, app, table, [(i, {"金额": 1}) for i in ids] + [(ids[0], {"金额": 2})]),
        1254104,
        200,
    )
    assert batch_update(client, app, table, [(i, {"金额": 1}) for i in ids]).success()

    assert_error(batch_delete(client, app, table, ids[:501]), 1254104, 200)
    deleted = batch_delete(client, app, table, ids[:500])
    assert deleted.success(), deleted.msg
    assert len(records_of(sandbox, app)) == 500


def test_batch_limits_are_configurable_per_app(sandbox: SandboxServer, client: lark.Client) -> None:
    app, table = seed(
        sandbox, batch_limits={"batch_create": 3, "batch_update": 2, "batch_delete": 1}
    )

    assert_error(batch_create(client, app, table, [{"客户名称": "x"}] * 4), 1254104, 200)
    created = batch_create(client, app, table, [{"客户名称": "x"}] * 3)
    ids = [r.record_id for r in created.data.records]
    assert_error(batch_update(client, app, table, [(i, {"金额": 1}) for i in ids]), 1254104, 200)
    assert_error(batch_delete(client, app, table, ids[:2]), 1254104, 200)
    assert batch_delete(client, app, table, ids[:1]).success()


# -- write conflicts -------------------------------------------------------------------------------


def test_a_write_during_another_write_to_the_table_gets_1254291(
    sandbox: SandboxServer, client: lark.Client
) -> None:
    app, table = seed(sandbox, write_hold_ms=400)
    search(client, app, table)  # fetch the token before the threads race for it
    first: list[Any] = []
    writer = threading.Thread(
        target=lambda: first.append(create(client, app, table, {"客户名称": "先"}))
    )

    writer.start()
    wait_until(lambda: sandbox.feishu.apps[app].tables[table].writing)  # the first write holds it
    second = create(client, app, table, {"客户名称": "后"})
    writer.join()

    assert_error(second, 1254291, 200)
    assert second.msg == "Write conflict"
    assert first[0].success()
    assert [r["fields"]["客户名称"] for r in records_of(sandbox, app)] == ["先"]
    assert create(client, app, table, {"客户名称": "后"}).success()  # once the table is free


# -- auth ------------------------------------------------------------------------------------------


def test_token_expiry_and_reissue(sandbox: SandboxServer, client: lark.Client) -> None:
    app, table = seed(sandbox)
    assert search(client, app, table).success()

    control(sandbox, "POST", "clock", {"advance_s": 7200})
    stale = search(client, app, table)  # lark-oapi keeps its cached, now expired token
    assert_error(stale, 99991663, 400)
    assert stale.msg.startswith("Invalid access token")

    TokenManager.cache = LocalCache()  # what a client does on 99991663: drop the token
    assert search(client, app, table).success()

    by_endpoint = control(sandbox, "GET", "stats")["feishu"]["by_endpoint"]
    assert by_endpoint[TOKEN_ENDPOINT] == 2
    assert by_endpoint[SEARCH_ENDPOINT] == 3


def test_a_forged_token_is_99991663(sandbox: SandboxServer) -> None:
    app, table = seed(sandbox)
    forged = make_client(sandbox.url, set_token=True)
    option = lark.RequestOption.builder().tenant_access_token("t-" + "0" * 40).build()
    request = SearchAppTableRecordRequest.builder().app_token(app).table_id(table).build()

    response = forged.bitable.v1.app_table_record.search(request, option)

    assert_error(response, 99991663, 400)


def test_a_wrong_secret_fails_the_token_call(sandbox: SandboxServer) -> None:
    TokenManager.cache = LocalCache()
    app, table = seed(sandbox)
    with pytest.raises(ObtainAccessTokenException) as failure:
        search(make_client(sandbox.url, secret="wrong"), app, table)
    assert failure.value.code == 10014


# -- rate limits -----------------------------------------------------------------------------------


def test_rate_limit_at_the_real_figure_answers_99991400_with_429(
    sandbox: SandboxServer, client: lark.Client
) -> None:
    app, table = seed(sandbox)
    search(client, app, table)  # spend one search, and fetch the token outside the burst
    control(sandbox, "POST", "clock", {"advance_s": 1})  # refill the bucket

    started = time.monotonic()
    responses = [search(client, app, table)]
    while responses[-1].success() and len(responses) < 200:
        responses.append(search(client, app, table))
    elapsed = time.monotonic() - started

    assert all(r.success() for r in responses[:20])  # search allows a second's worth: 20
    limited = [r for r in responses if not r.success()]
    assert len(limited) == 1, "back-to-back searches must outrun 20/s"
    assert len(responses) - 1 <= 20 + 20 * elapsed + 1  # no more than the bucket refilled
    assert_error(limited[0], 99991400, 429)
    assert limited[0].msg == "request trigger frequency limit"
    assert int(limited[0].raw.headers["x-ogw-ratelimit-reset"]) >= 1
    assert control(sandbox, "GET", "stats")["feishu"]["rate_limited"] == len(limited)

    control(
        sandbox,
        "POST",
        "clock",
        {"advance_s": int(limited[0].raw.headers["x-ogw-ratelimit-reset"])},
    )
    assert search(client, app, table).success()


def test_rate_limits_scale_and_switch_off(sandbox: SandboxServer, client: lark.Client) -> None:
    app, table = seed(sandbox)
    list_fields = ListAppTableFieldRequest.builder().app_token(app).table_id(table).build()

    control(sandbox, "POST", "limits", {"api": "feishu", "scale": 0.01})  # 20/s -> one per 5 s
    outcomes = [search(client, app, table) for _ in range(3)]
    assert [r.code for r in outcomes] == [0, 99991400, 99991400]
    assert outcomes[1].raw.headers["x-ogw-ratelimit-reset"] == "5"
    assert client.bitable.v1.app_table_field.list(list_fields).success()  # buckets are per endpoint

    control(sandbox, "POST", "limits", {"api": "feishu", "scale": 10})  # 200/s
    control(sandbox, "POST", "clock", {"advance_s": 1})
    assert all(search(client, app, table).success() for _ in range(100))

    control(sandbox, "POST", "limits", {"api": "feishu", "enabled": False})
    assert all(search(client, app, table).success() for _ in range(60))


# -- injected faults -------------------------------------------------------------------------------


def test_injected_errors_arrive_as_feishu_error_bodies(
    sandbox: SandboxServer, client: lark.Client
) -> None:
    app, table = seed(sandbox)
    assert search(client, app, table).success()  # token fetched before the faults start

    control(sandbox, "POST", "faults", {"api": "feishu", "error_rate": 1.0, "statuses": [503]})
    assert_error(search(client, app, table), 1255001, 503)

    control(sandbox, "POST", "faults", {"api": "feishu", "error_rate": 1.0, "statuses": [429]})
    limited = search(client, app, table)
    assert_error(limited, 99991400, 429)
    assert limited.raw.headers["x-ogw-ratelimit-reset"] == "1"

    control(sandbox, "POST", "faults", {"api": "feishu", "error_rate": 1.0, "statuses": [504]})
    assert_error(search(client, app, table), 1255040, 504)

    control(sandbox, "DELETE", "faults")
    assert search(client, app, table).success()
    assert control(sandbox, "GET", "stats")["feishu"]["faults"] == 3


def test_dropped_connections_and_timeouts_reach_lark_as_exceptions(sandbox: SandboxServer) -> None:
    TokenManager.cache = LocalCache()
    app, table = seed(sandbox)
    client = make_client(sandbox.url, timeout=0.3)
    assert search(client, app, table).success()

    control(sandbox, "POST", "faults", {"api": "feishu", "drop_rate": 1.0})
    with pytest.raises(requests.ConnectionError):
        search(client, app, table)

    control(sandbox, "POST", "faults", {"api": "feishu", "timeout_rate": 1.0, "timeout_s": 0.6})
    with pytest.raises(requests.exceptions.ReadTimeout):
        search(client, app, table)

    control(sandbox, "DELETE", "faults")
    assert search(client, app, table).success()
