"""The Feishu stand-in driven only through the unmodified official client, lark-oapi.

Each endpoint is exercised the way a connector would call it; state is seeded and checked through
the control API (``/_sandbox/feishu/...``), never by reaching into the stand-in.
"""

from __future__ import annotations

from typing import Any

import lark_oapi as lark
import pytest
import requests
from lark_oapi.api.bitable.v1 import (
    AppTableField,
    AppTableFieldProperty,
    AppTableFieldPropertyOption,
    AppTableRecord,
    BatchCreateAppTableRecordRequest,
    BatchCreateAppTableRecordRequestBody,
    BatchDeleteAppTableRecordRequest,
    BatchDeleteAppTableRecordRequestBody,
    BatchGetAppTableRecordRequest,
    BatchGetAppTableRecordRequestBody,
    BatchUpdateAppTableRecordRequest,
    BatchUpdateAppTableRecordRequestBody,
    ChildrenFilter,
    Condition,
    CreateAppRequest,
    CreateAppTableFieldRequest,
    CreateAppTableRecordRequest,
    CreateAppTableRequest,
    CreateAppTableRequestBody,
    DeleteAppTableRecordRequest,
    FilterInfo,
    GetAppRequest,
    GetAppTableRecordRequest,
    ListAppTableFieldRequest,
    ListAppTableRecordRequest,
    ListAppTableRequest,
    ReqApp,
    ReqTable,
    SearchAppTableRecordRequest,
    SearchAppTableRecordRequestBody,
    Sort,
    UpdateAppTableRecordRequest,
)
from lark_oapi.api.drive.v1 import ListFileRequest
from lark_oapi.core.cache import LocalCache
from lark_oapi.core.token.manager import TokenManager

from sandbox import SandboxServer

#: The seeds' customer table, one field per value shape the connector meets.
FIELDS: list[dict[str, Any]] = [
    {"field_name": "客户名称", "type": 1},
    {"field_name": "金额", "type": 2},
    {
        "field_name": "等级",
        "type": 3,
        "property": {"options": [{"name": "潜在客户"}, {"name": "普通客户"}, {"name": "重点客户"}]},
    },
    {
        "field_name": "标签",
        "type": 4,
        "property": {"options": [{"name": "展会"}, {"name": "老客户"}]},
    },
    {"field_name": "最近跟进", "type": 5},
    {"field_name": "已签约", "type": 7},
    {"field_name": "跟进人", "type": 11},
    {"field_name": "电话", "type": 13},
    {"field_name": "官网", "type": 15},
    {"field_name": "编号", "type": 1005},
    {"field_name": "创建时间", "type": 1001},
]

DAY_MS = 86_400_000
#: 2024-01-10 00:00 Asia/Shanghai
JAN_10 = 1_704_816_000_000


@pytest.fixture
def client(sandbox: SandboxServer) -> lark.Client:
    """An official client pointed at the sandbox, with lark-oapi's process-wide token cache emptied."""
    TokenManager.cache = LocalCache()
    return (
        lark.Client.builder()
        .app_id("cli_sandbox")
        .app_secret("sandbox-secret")
        .domain(sandbox.url)
        .log_level(lark.LogLevel.CRITICAL)
        .build()
    )


def seed(
    sandbox: SandboxServer, records: list[dict[str, Any]] | None = None, **extra: Any
) -> tuple[str, str]:
    body = {
        "name": "CRM",
        "tables": [{"name": "客户", "fields": FIELDS, "records": records or []}],
        **extra,
    }
    response = requests.post(f"{sandbox.url}/_sandbox/feishu/apps", json=body, timeout=10)
    response.raise_for_status()
    data = response.json()
    return data["app_token"], data["tables"][0]["table_id"]


def state(sandbox: SandboxServer, app_token: str) -> dict[str, Any]:
    response = requests.get(f"{sandbox.url}/_sandbox/feishu/apps/{app_token}", timeout=10)
    response.raise_for_status()
    return response.json()["tables"][0]


def no_limits(sandbox: SandboxServer) -> None:
    requests.post(
        f"{sandbox.url}/_sandbox/limits", json={"api": "feishu", "enabled": False}, timeout=10
    )


def search(
    client: lark.Client,
    app: str,
    table: str,
    body: SearchAppTableRecordRequestBody | None = None,
    page_size: int | None = None,
    page_token: str | None = None,
) -> Any:
    builder = SearchAppTableRecordRequest.builder().app_token(app).table_id(table)
    if page_size is not None:
        builder = builder.page_size(page_size)
    if page_token is not None:
        builder = builder.page_token(page_token)
    builder = builder.request_body(body or SearchAppTableRecordRequestBody.builder().build())
    return client.bitable.v1.app_table_record.search(builder.build())


def names(response: Any) -> list[str]:
    return [item.fields["客户名称"][0]["text"] for item in response.data.items]


def condition(field: str, operator: str, *values: str) -> Condition:
    return Condition.builder().field_name(field).operator(operator).value(list(values)).build()


def records_body(*fields: dict[str, Any]) -> list[AppTableRecord]:
    return [AppTableRecord.builder().fields(f).build() for f in fields]


# -- reads -----------------------------------------------------------------------------------------


def test_search_returns_items_total_and_has_more(
    sandbox: SandboxServer, client: lark.Client
) -> None:
    app, table = seed(sandbox, [{"客户名称": "甲公司"}, {"客户名称": "乙公司"}])

    response = search(client, app, table)

    assert response.success(), response.msg
    assert response.data.total == 2
    assert response.data.has_more is False
    assert response.data.page_token is None
    assert names(response) == ["甲公司", "乙公司"]


def test_search_pages_over_a_multi_page_table(sandbox: SandboxServer, client: lark.Client) -> None:
    app, table = seed(sandbox, [{"客户名称": f"客户{i:04d}", "金额": i} for i in range(1234)])

    seen: list[str] = []
    token: str | None = None
    pages = 0
    while True:
        response = search(client, app, table, page_size=500, page_token=token)
        assert response.success(), response.msg
        assert response.data.total == 1234
        seen += [item.record_id for item in response.data.items]
        pages += 1
        if not response.data.has_more:
            assert response.data.page_token is None
            break
        token = response.data.page_token

    assert pages == 3
    assert seen == [record["record_id"] for record in state(sandbox, app)["records"]]


def test_list_pages_with_page_token(sandbox: SandboxServer, client: lark.Client) -> None:
    app, table = seed(sandbox, [{"客户名称": f"客户{i}"} for i in range(250)])

    seen: list[str] = []
    token = None
    while True:
        builder = ListAppTableRecordRequest.builder().app_token(app).table_id(table).page_size(100)
        if token:
            builder = builder.page_token(token)
        response = client.bitable.v1.app_table_record.list(builder.build())
        assert response.success(), response.msg
        seen += [item.fields["客户名称"] for item in response.data.items]  # list: plain strings
        if not response.data.has_more:
            break
        token = response.data.page_token

    assert seen == [f"客户{i}" for i in range(250)]


def test_search_filter_with_conjunction_conditions_and_children(
    sandbox: SandboxServer, client: lark.Client
) -> None:
    app, table = seed(
        sandbox,
        [
            {"客户名称": "甲", "金额": 100, "等级": "重点客户", "标签": ["展会"]},
            {"客户名称": "乙", "金额": 5, "等级": "重点客户"},
            {"客户名称": "丙", "金额": 300, "等级": "普通客户", "标签": ["老客户"]},
            {"客户名称": "丁", "金额": 300, "等级": "潜在客户"},
        ],
    )
    # 金额 > 50 AND (等级 is 重点客户 OR 标签 contains 老客户)
    body = (
        SearchAppTableRecordRequestBody.builder()
        .filter(
            FilterInfo.builder()
            .conjunction("and")
            .conditions([condition("金额", "isGreater", "50")])
            .children(
                [
                    ChildrenFilter.builder()
                    .conjunction("or")
                    .conditions(
                        [
                            condition("等级", "is", "重点客户"),
                            condition("标签", "contains", "老客户"),
                        ]
                    )
                    .build()
                ]
            )
            .build()
        )
        .build()
    )

    response = search(client, app, table, body)

    assert response.success(), response.msg
    assert names(response) == ["甲", "丙"]
    assert response.data.total == 2


@pytest.mark.parametrize(
    ("cond", "expected"),
    [
        (("客户名称", "contains", "公司"), ["甲公司", "乙公司"]),
        (("客户名称", "doesNotContain", "公司"), ["丙"]),
        (("客户名称", "is", "丙"), ["丙"]),
        (("客户名称", "isNot", "丙"), ["甲公司", "乙公司"]),
        (("电话", "isEmpty"), ["乙公司", "丙"]),
        (("电话", "isNotEmpty"), ["甲公司"]),
        (("金额", "isLessEqual", "20"), ["甲公司", "乙公司"]),
        (("已签约", "is", "true"), ["乙公司"]),
        (("最近跟进", "is", "ExactDate", str(JAN_10 + 3_600_000)), ["甲公司"]),
        (("最近跟进", "isGreater", "ExactDate", str(JAN_10)), ["乙公司"]),
        (("跟进人", "contains", "ou_zhang"), ["甲公司"]),
    ],
)
def test_search_filter_operators(
    sandbox: SandboxServer, client: lark.Client, cond: tuple[str, ...], expected: list[str]
) -> None:
    app, table = seed(
        sandbox,
        [
            {
                "客户名称": "甲公司",
                "金额": 10,
                "电话": "13800138000",
                "最近跟进": JAN_10,
                "跟进人": [{"id": "ou_zhang"}],
            },
            {"客户名称": "乙公司", "金额": 20, "已签约": True, "最近跟进": JAN_10 + DAY_MS},
            {"客户名称": "丙", "金额": 30},
        ],
    )
    body = SearchAppTableRecordRequestBody.builder().filter(
        FilterInfo.builder().conjunction("and").conditions([condition(*cond)]).build()
    )

    response = search(client, app, table, body.build())

    assert response.success(), response.msg
    assert names(response) == expected


def test_search_sort_field_names_and_automatic_fields(
    sandbox: SandboxServer, client: lark.Client
) -> None:
    app, table = seed(
        sandbox,
        [
            {"客户名称": "甲", "金额": 2, "等级": "普通客户"},
            {"客户名称": "乙", "等级": "重点客户"},
            {"客户名称": "丙", "金额": 9, "等级": "普通客户"},
            {"客户名称": "丁", "金额": 5, "等级": "潜在客户"},
        ],
    )
    body = (
        SearchAppTableRecordRequestBody.builder()
        .sort(
            [
                Sort.builder().field_name("等级").desc(True).build(),
                Sort.builder().field_name("金额").desc(False).build(),
            ]
        )
        .field_names(["客户名称", "金额"])
        .automatic_fields(True)
        .build()
    )

    response = search(client, app, table, body)

    assert response.success(), response.msg
    # options in order 潜在 < 普通 < 重点; desc puts 重点 first; ties by 金额 ascending
    assert names(response) == ["乙", "甲", "丙", "丁"]
    assert all(set(item.fields) <= {"客户名称", "金额"} for item in response.data.items)
    first = response.data.items[0]
    assert isinstance(first.created_time, int) and first.created_time > 1_600_000_000_000
    assert first.last_modified_time >= first.created_time
    assert first.created_by.id and first.last_modified_by.id

    plain = search(client, app, table)
    assert plain.data.items[0].created_time is None  # only with automatic_fields


def test_sort_puts_empty_cells_last_both_ways(sandbox: SandboxServer, client: lark.Client) -> None:
    app, table = seed(
        sandbox, [{"客户名称": "a", "金额": 1}, {"客户名称": "b"}, {"客户名称": "c", "金额": 3}]
    )
    for desc, expected in ((False, ["a", "c", "b"]), (True, ["c", "a", "b"])):
        body = SearchAppTableRecordRequestBody.builder().sort(
            [Sort.builder().field_name("金额").desc(desc).build()]
        )
        assert names(search(client, app, table, body.build())) == expected


def test_value_shapes_as_the_real_api_returns_them(
    sandbox: SandboxServer, client: lark.Client
) -> None:
    full = {
        "客户名称": "甲公司",
        "金额": 500000.5,
        "等级": "重点客户",
        "标签": ["展会", "老客户"],
        "最近跟进": JAN_10,
        "已签约": True,
        "跟进人": [{"id": "ou_zhang"}],
        "电话": "+86 138-0013-8000",
        "官网": {"link": "https://example.cn", "text": "官网"},
    }
    users = [{"id": "ou_zhang", "name": "张三", "en_name": "Zhang San", "email": "zs@example.cn"}]
    app, table = seed(sandbox, [full, {"客户名称": "乙公司"}], users=users)

    searched = search(client, app, table).data.items
    fields = searched[0].fields
    assert fields["客户名称"] == [{"type": "text", "text": "甲公司"}]
    assert fields["金额"] == 500000.5
    assert fields["等级"] == "重点客户"
    assert fields["标签"] == ["展会", "老客户"]
    assert fields["最近跟进"] == JAN_10
    assert fields["已签约"] is True
    assert fields["跟进人"] == [
        {
            "id": "ou_zhang",
            "name": "张三",
            "en_name": "Zhang San",
            "email": "zs@example.cn",
            "avatar_url": "",
        }
    ]
    assert fields["电话"] == "+86 138-0013-8000"
    assert fields["官网"] == {"link": "https://example.cn", "text": "官网"}
    assert fields["编号"] == "1"  # auto numbers are strings
    assert isinstance(fields["创建时间"], int)
    # empty cells are omitted, not null
    assert set(searched[1].fields) == {"客户名称", "编号", "创建时间"}

    listed = client.bitable.v1.app_table_record.list(
        ListAppTableRecordRequest.builder().app_token(app).table_id(table).build()
    )
    assert listed.data.items[0].fields["客户名称"] == "甲公司"  # list: plain text
    as_array = client.bitable.v1.app_table_record.list(
        ListAppTableRecordRequest.builder()
        .app_token(app)
        .table_id(table)
        .text_field_as_array(True)
        .build()
    )
    assert as_array.data.items[0].fields["客户名称"] == [{"type": "text", "text": "甲公司"}]


def test_list_field_names_sort_and_formula_filter(
    sandbox: SandboxServer, client: lark.Client
) -> None:
    app, table = seed(
        sandbox,
        [
            {"客户名称": "甲", "金额": 5},
            {"客户名称": "乙", "金额": 50},
            {"客户名称": "丙", "金额": 500},
        ],
    )
    request = (
        ListAppTableRecordRequest.builder()
        .app_token(app)
        .table_id(table)
        .filter('OR(CurrentValue.[金额]>=50, CurrentValue.[客户名称]="甲")')
        .sort('["金额 DESC"]')
        .field_names('["客户名称"]')
        .build()
    )

    response = client.bitable.v1.app_table_record.list(request)

    assert response.success(), response.msg
    assert [item.fields for item in response.data.items] == [
        {"客户名称": "丙"},
        {"客户名称": "乙"},
        {"客户名称": "甲"},
    ]


def test_get_and_batch_get(sandbox: SandboxServer, client: lark.Client) -> None:
    app, table = seed(sandbox, [{"客户名称": "甲", "金额": 1}, {"客户名称": "乙"}])
    ids = [record["record_id"] for record in state(sandbox, app)["records"]]

    got = client.bitable.v1.app_table_record.get(
        GetAppTableRecordRequest.builder().app_token(app).table_id(table).record_id(ids[0]).build()
    )
    assert got.success(), got.msg
    assert got.data.record.record_id == ids[0]
    assert got.data.record.fields["客户名称"] == "甲"

    batch = client.bitable.v1.app_table_record.batch_get(
        BatchGetAppTableRecordRequest.builder()
        .app_token(app)
        .table_id(table)
        .request_body(
            BatchGetAppTableRecordRequestBody.builder()
            .record_ids([ids[1], "recMissing", ids[0]])
            .build()
        )
        .build()
    )
    assert batch.success(), batch.msg
    assert [record.record_id for record in batch.data.records] == [ids[1], ids[0]]
    assert batch.data.absent_record_ids == ["recMissing"]


# -- writes ----------------------------------------------------------------------------------------


def create_request(
    app: str, table: str, fields: dict[str, Any], client_token: str | None = None
) -> Any:
    builder = (
        CreateAppTableRecordRequest.builder()
        .app_token(app)
        .table_id(table)
        .request_body(AppTableRecord.builder().fields(fields).build())
    )
    if client_token:
        builder = builder.client_token(client_token)
    return builder.build()


def test_create_echoes_fields_and_stores_the_record(
    sandbox: SandboxServer, client: lark.Client
) -> None:
    app, table = seed(sandbox)

    response = client.bitable.v1.app_table_record.create(
        create_request(app, table, {"客户名称": "新客户", "等级": "新等级", "最近跟进": JAN_10})
    )

    assert response.success(), response.msg
    record = response.data.record
    assert record.record_id.startswith("rec")
    assert record.fields == {"客户名称": "新客户", "等级": "新等级", "最近跟进": JAN_10}
    stored = state(sandbox, app)
    assert stored["records"][0]["fields"] == {
        "客户名称": "新客户",
        "等级": "新等级",
        "最近跟进": JAN_10,
    }
    level = next(f for f in stored["fields"] if f["field_name"] == "等级")
    assert "新等级" in [
        option["name"] for option in level["property"]["options"]
    ]  # new option added


def test_client_token_makes_create_idempotent(sandbox: SandboxServer, client: lark.Client) -> None:
    app, table = seed(sandbox)
    token = "0b6e1b38-5f5e-4f57-9c2a-6b0f7f3b2d41"

    first = client.bitable.v1.app_table_record.create(
        create_request(app, table, {"客户名称": "甲"}, token)
    )
    retry = client.bitable.v1.app_table_record.create(
        create_request(app, table, {"客户名称": "甲"}, token)
    )
    other = client.bitable.v1.app_table_record.create(
        create_request(app, table, {"客户名称": "甲"})
    )

    assert first.success() and retry.success() and other.success()
    assert retry.data.record.record_id == first.data.record.record_id
    assert other.data.record.record_id != first.data.record.record_id
    assert len(state(sandbox, app)["records"]) == 2

    batch_token = "7d9f3c1e-2222-4a57-9c2a-6b0f7f3b2d41"
    for _ in range(2):
        response = client.bitable.v1.app_table_record.batch_create(
            BatchCreateAppTableRecordRequest.builder()
            .app_token(app)
            .table_id(table)
            .client_token(batch_token)
            .request_body(
                BatchCreateAppTableRecordRequestBody.builder()
                .records(records_body({"客户名称": "乙"}))
                .build()
            )
            .build()
        )
        assert response.success(), response.msg
    assert len(state(sandbox, app)["records"]) == 3


def test_batch_create_update_and_delete(sandbox: SandboxServer, client: lark.Client) -> None:
    app, table = seed(sandbox)

    created = client.bitable.v1.app_table_record.batch_create(
        BatchCreateAppTableRecordRequest.builder()
        .app_token(app)
        .table_id(table)
        .request_body(
            BatchCreateAppTableRecordRequestBody.builder()
            .records(
                records_body(
                    {"客户名称": "甲", "金额": 1}, {"客户名称": "乙", "金额": 2}, {"客户名称": "丙"}
                )
            )
            .build()
        )
        .build()
    )
    assert created.success(), created.msg
    ids = [record.record_id for record in created.data.records]
    assert len(set(ids)) == 3

    updated = client.bitable.v1.app_table_record.batch_update(
        BatchUpdateAppTableRecordRequest.builder()
        .app_token(app)
        .table_id(table)
        .request_body(
            BatchUpdateAppTableRecordRequestBody.builder()
            .records(
                [
                    AppTableRecord.builder().record_id(ids[0]).fields({"金额": 10}).build(),
                    AppTableRecord.builder().record_id(ids[2]).fields({"等级": "重点客户"}).build(),
                ]
            )
            .build()
        )
        .build()
    )
    assert updated.success(), updated.msg
    assert [(r.record_id, r.fields) for r in updated.data.records] == [
        (ids[0], {"金额": 10}),
        (ids[2], {"等级": "重点客户"}),
    ]

    single = client.bitable.v1.app_table_record.update(
        UpdateAppTableRecordRequest.builder()
        .app_token(app)
        .table_id(table)
        .record_id(ids[1])
        .request_body(AppTableRecord.builder().fields({"客户名称": "乙改"}).build())
        .build()
    )
    assert single.success(), single.msg

    records = {r["record_id"]: r["fields"] for r in state(sandbox, app)["records"]}
    assert records[ids[0]] == {"客户名称": "甲", "金额": 10}  # untouched fields kept
    assert records[ids[1]] == {"客户名称": "乙改", "金额": 2}
    assert records[ids[2]] == {"客户名称": "丙", "等级": "重点客户"}

    deleted = client.bitable.v1.app_table_record.delete(
        DeleteAppTableRecordRequest.builder()
        .app_token(app)
        .table_id(table)
        .record_id(ids[1])
        .build()
    )
    assert deleted.success() and deleted.data.deleted is True and deleted.data.record_id == ids[1]

    batch_deleted = client.bitable.v1.app_table_record.batch_delete(
        BatchDeleteAppTableRecordRequest.builder()
        .app_token(app)
        .table_id(table)
        .request_body(
            BatchDeleteAppTableRecordRequestBody.builder().records([ids[0], ids[2]]).build()
        )
        .build()
    )
    assert batch_deleted.success(), batch_deleted.msg
    assert [(r.record_id, r.deleted) for r in batch_deleted.data.records] == [
        (ids[0], True),
        (ids[2], True),
    ]
    assert state(sandbox, app)["records"] == []


def test_update_moves_modified_time_with_the_sandbox_clock(
    sandbox: SandboxServer, client: lark.Client
) -> None:
    app, table = seed(sandbox, [{"客户名称": "甲"}])
    record = state(sandbox, app)["records"][0]
    requests.post(f"{sandbox.url}/_sandbox/clock", json={"advance_s": 3600}, timeout=10)

    response = client.bitable.v1.app_table_record.update(
        UpdateAppTableRecordRequest.builder()
        .app_token(app)
        .table_id(table)
        .record_id(record["record_id"])
        .request_body(AppTableRecord.builder().fields({"金额": 1}).build())
        .build()
    )

    assert response.success(), response.msg
    after = state(sandbox, app)["records"][0]
    assert after["last_modified_time"] - record["last_modified_time"] >= 3_600_000
    assert after["created_time"] == record["created_time"]


# -- schema ----------------------------------------------------------------------------------------


def test_fields_list_and_create(sandbox: SandboxServer, client: lark.Client) -> None:
    app, table = seed(sandbox)

    listed = client.bitable.v1.app_table_field.list(
        ListAppTableFieldRequest.builder().app_token(app).table_id(table).page_size(100).build()
    )
    assert listed.success(), listed.msg
    assert [f.field_name for f in listed.data.items] == [f["field_name"] for f in FIELDS]
    primary = listed.data.items[0]
    assert (primary.is_primary, primary.type, primary.ui_type) == (True, 1, "Text")
    assert primary.field_id.startswith("fld")
    level = listed.data.items[2]
    assert (level.type, level.ui_type) == (3, "SingleSelect")
    assert [o.name for o in level.property.options] == ["潜在客户", "普通客户", "重点客户"]
    assert all(o.id.startswith("opt") for o in level.property.options)
    assert not any(f.is_primary for f in listed.data.items[1:])

    created = client.bitable.v1.app_table_field.create(
        CreateAppTableFieldRequest.builder()
        .app_token(app)
        .table_id(table)
        .request_body(
            AppTableField.builder()
            .field_name("来源")
            .type(3)
            .property(
                AppTableFieldProperty.builder()
                .options([AppTableFieldPropertyOption.builder().name("展会").build()])
                .build()
            )
            .build()
        )
        .build()
    )
    assert created.success(), created.msg
    assert (
        created.data.field.field_name,
        created.data.field.type,
        created.data.field.is_primary,
    ) == ("来源", 3, False)

    email = client.bitable.v1.app_table_field.create(
        CreateAppTableFieldRequest.builder()
        .app_token(app)
        .table_id(table)
        .request_body(AppTableField.builder().field_name("邮箱").type(1).ui_type("Email").build())
        .build()
    )
    assert (email.data.field.type, email.data.field.ui_type) == (1, "Email")

    paged = client.bitable.v1.app_table_field.list(
        ListAppTableFieldRequest.builder().app_token(app).table_id(table).page_size(5).build()
    )
    assert (
        paged.data.has_more is True
        and paged.data.total == len(FIELDS) + 2
        and len(paged.data.items) == 5
    )


def test_apps_and_tables(sandbox: SandboxServer, client: lark.Client) -> None:
    app, table = seed(sandbox)

    got = client.bitable.v1.app.get(GetAppRequest.builder().app_token(app).build())
    assert got.success(), got.msg
    assert (got.data.app.app_token, got.data.app.name) == (app, "CRM")

    made = client.bitable.v1.app.create(
        CreateAppRequest.builder().request_body(ReqApp.builder().name("新表格").build()).build()
    )
    assert made.success(), made.msg
    assert made.data.app.default_table_id.startswith("tbl")

    added = client.bitable.v1.app_table.create(
        CreateAppTableRequest.builder()
        .app_token(app)
        .request_body(
            CreateAppTableRequestBody.builder()
            .table(
                ReqTable.builder()
                .name("跟进记录")
                .fields([AppTableField.builder().field_name("内容").type(1).build()])
                .build()
            )
            .build()
        )
        .build()
    )
    assert added.success(), added.msg
    assert len(added.data.field_id_list) == 1

    listed = client.bitable.v1.app_table.list(ListAppTableRequest.builder().app_token(app).build())
    assert listed.success(), listed.msg
    assert [(t.table_id, t.name) for t in listed.data.items] == [
        (table, "客户"),
        (added.data.table_id, "跟进记录"),
    ]
    assert listed.data.has_more is False

    files = client.drive.v1.file.list(
        ListFileRequest.builder().build()
    )  # Bitable has no "list apps"
    assert files.success(), files.msg
    assert [(f.token, f.name, f.type) for f in files.data.files] == [
        (app, "CRM", "bitable"),
        (made.data.app.app_token, "新表格", "bitable"),
    ]
