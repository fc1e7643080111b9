"""Unit tests of the Feishu stand-in's value, query and token rules (no socket)."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox.feishu_auth import REISSUE_BELOW_S, RateLimiter, TokenIssuer
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
    sort_records,
)
from sandbox.feishu_records import convert_fields, create
from sandbox.feishu_schema import build_table
from sandbox.feishu_values import ReadContext, render, to_stored

#: 2024-01-10 00:00 in Asia/Shanghai is 2024-01-09 16:00 UTC.
JAN_10_SHANGHAI = 1_704_816_000_000


def table_with(*fields: tuple[str, int]) -> tuple[App, Table, IdMaker]:
    ids = IdMaker()
    app = App(app_token="bascnTest", name="t")
    table = build_table(app, "t", [{"field_name": n, "type": t} for n, t in fields], ids)
    app.tables[table.table_id] = table
    return app, table, ids


def add(app: App, table: Table, ids: IdMaker, **fields: Any) -> Record:
    return create(table, convert_fields(app, table, fields), ids, now_ms=JAN_10_SHANGHAI)


@pytest.mark.parametrize(
    ("type_", "value", "stored"),
    [
        (1, "甲", "甲"),
        (1, "", None),
        (2, 12.5, 12.5),
        (3, "A", "A"),
        (4, ["a", "b", "a"], ["a", "b"]),
        (4, [], None),
        (5, 1_700_000_000_000, 1_700_000_000_000),
        (5, 1.7e12, 1_700_000_000_000),
        (7, False, False),
        (11, [{"id": "ou_1", "name": "ignored"}], [{"id": "ou_1"}]),
        (13, "+86 138-0013-8000", "+86 138-0013-8000"),
        (15, {"link": "https://a.cn"}, {"link": "https://a.cn", "text": "https://a.cn"}),
        (22, "116.397755,39.903179", "116.397755,39.903179"),
    ],
)
def test_written_values_are_stored_in_write_shape(type_: int, value: Any, stored: Any) -> None:
    _app, table, _ids = table_with(("f", type_))
    assert to_stored(table.fields[0], value, lambda _f, _r: True) == stored


@pytest.mark.parametrize(
    ("type_", "value", "code"),
    [
        (1, 5, 1254060),
        (2, "5", 1254061),
        (2, True, 1254061),
        (3, ["A"], 1254062),
        (4, "A", 1254063),
        (5, "2024-01-01", 1254064),
        (5, 1.5, 1254064),
        (7, "true", 1254065),
        (11, ["ou_1"], 1254066),
        (13, "abc", 1254072),
        (13, "12", 1254072),
        (15, "https://a.cn", 1254068),
        (17, ["tok"], 1254069),
        (1001, 5, 1254001),
        (1005, "1", 1254001),
    ],
)
def test_wrong_shapes_are_refused_with_the_type_code(type_: int, value: Any, code: int) -> None:
    _app, table, _ids = table_with(("f", type_))
    with pytest.raises(FeishuError) as failure:
        to_stored(table.fields[0], value, lambda _f, _r: True)
    assert failure.value.code == code


def test_links_must_point_at_existing_records() -> None:
    app, table, ids = table_with(("名称", 1), ("关联", 18))
    table.fields[1].property = {"table_id": table.table_id}
    target = add(app, table, ids, 名称="甲")

    linked = add(app, table, ids, 名称="乙", 关联=[target.record_id])
    with pytest.raises(FeishuError) as failure:
        convert_fields(app, table, {"关联": ["recMissing"]})
    assert failure.value.code == 1254067

    search_ctx = ReadContext(style="search", table_of=app.tables.get)
    list_ctx = ReadContext(style="list", table_of=app.tables.get)
    assert render(table.fields[1], linked, search_ctx) == {"link_record_ids": [target.record_id]}
    assert render(table.fields[1], linked, list_ctx) == [
        {
            "record_ids": [target.record_id],
            "table_id": table.table_id,
            "text": "甲",
            "text_arr": ["甲"],
            "type": "text",
        }
    ]


def test_created_and_modified_user_are_an_array_in_search_and_an_object_in_list() -> None:
    app, table, ids = table_with(("名称", 1), ("创建人", 1003))
    record = add(app, table, ids, 名称="甲")
    assert isinstance(render(table.fields[1], record, ReadContext(style="search")), list)
    assert isinstance(render(table.fields[1], record, ReadContext(style="list")), dict)


def test_date_filters_compare_calendar_days_in_the_app_time_zone() -> None:
    app, table, ids = table_with(("名称", 1), ("日期", 5))
    late_evening = JAN_10_SHANGHAI + 23 * 3_600_000  # still 2024-01-10 in Shanghai, 01-10 15:00 UTC
    next_morning = JAN_10_SHANGHAI + 25 * 3_600_000
    a = add(app, table, ids, 名称="a", 日期=late_evening)
    b = add(app, table, ids, 名称="b", 日期=next_morning)
    calendar = Calendar.of("Asia/Shanghai", now_s=(JAN_10_SHANGHAI + 3_600_000) / 1000)

    def matching(operator: str, *value: str) -> list[str]:
        spec = {
            "conjunction": "and",
            "conditions": [{"field_name": "日期", "operator": operator, "value": list(value)}],
        }
        predicate = compile_filter(spec, table, calendar)
        return [r.record_id for r in (a, b) if predicate(r)]

    assert matching("is", "ExactDate", str(JAN_10_SHANGHAI)) == [a.record_id]
    assert matching("is", "Today") == [a.record_id]
    assert matching("is", "Tomorrow") == [b.record_id]
    assert matching("isGreater", "ExactDate", str(late_evening)) == [b.record_id]
    assert matching("isLess", "Tomorrow") == [a.record_id]
    for refused in (
        ("isNot", "Today"),
        ("contains", "Today"),
        ("isGreaterEqual", "Today"),
        ("is", "NextDecade"),
    ):
        with pytest.raises(FeishuError) as failure:
            matching(*refused)
        assert failure.value.code == 1254018


def test_or_conjunction_and_negations_match_empty_cells() -> None:
    app, table, ids = table_with(("名称", 1), ("金额", 2))
    a = add(app, table, ids, 名称="甲", 金额=1)
    b = add(app, table, ids, 名称="乙")
    calendar = Calendar.of("Asia/Shanghai", 0)
    spec = {
        "conjunction": "or",
        "conditions": [
            {"field_name": "金额", "operator": "isGreater", "value": ["0"]},
            {"field_name": "名称", "operator": "is", "value": ["乙"]},
        ],
    }
    assert [r for r in (a, b) if compile_filter(spec, table, calendar)(r)] == [a, b]
    is_not = {"conditions": [{"field_name": "金额", "operator": "isNot", "value": ["1"]}]}
    assert [r for r in (a, b) if compile_filter(is_not, table, calendar)(r)] == [b]


def test_sort_by_several_keys_keeps_table_order_on_ties() -> None:
    app, table, ids = table_with(("名称", 1), ("金额", 2), ("等级", 3))
    table.fields[2].property = {
        "options": [
            {"name": "低", "id": "opt1", "color": 0},
            {"name": "高", "id": "opt2", "color": 1},
        ]
    }
    rows = [
        add(app, table, ids, 名称=n, 金额=m, 等级=g)
        for n, m, g in (("a", 1, "高"), ("b", 2, "低"), ("c", 1, "高"), ("d", 2, "高"))
    ]
    empty = add(app, table, ids, 名称="e")

    ordered = [*rows, empty]
    sort_records(
        ordered, compile_sort([{"field_name": "等级", "desc": True}, {"field_name": "金额"}], table)
    )

    assert [r.values[table.fields[0].field_id] for r in ordered] == ["a", "c", "d", "b", "e"]


def test_formula_filter_subset() -> None:
    app, table, ids = table_with(("名称", 1), ("金额", 2), ("签约", 7))
    a = add(app, table, ids, 名称="甲", 金额=10, 签约=True)
    b = add(app, table, ids, 名称="乙", 金额=200)

    def matching(formula: str) -> list[Record]:
        predicate = compile_formula(formula, table)
        return [r for r in (a, b) if predicate(r)]

    assert matching('CurrentValue.[名称]="甲"') == [a]
    assert matching("CurrentValue.[金额]>50") == [b]
    assert matching('AND(CurrentValue.[金额]>=10, NOT(CurrentValue.[名称]="乙"))') == [a]
    assert matching("CurrentValue.[签约]=TRUE()") == [a]
    assert matching('OR(CurrentValue.[名称]!="甲", CurrentValue.[金额]<5)') == [b]
    for broken in ('CurrentValue.[名称]~"甲"', "SUM(1)", "AND(CurrentValue.[金额]>1"):
        with pytest.raises(FeishuError):
            compile_formula(broken, table)
    with pytest.raises(FeishuError) as failure:
        compile_formula('CurrentValue.[无]="x"', table)
    assert failure.value.code == 1254045


def test_list_sort_strings() -> None:
    assert list_sort_spec(["金额 DESC", "名称 ASC", "备注"]) == [
        {"field_name": "金额", "desc": True},
        {"field_name": "名称", "desc": False},
        {"field_name": "备注", "desc": False},
    ]


def test_page_tokens_round_trip_and_reject_garbage() -> None:
    assert decode_page_token(encode_page_token(500)) == 500
    assert decode_page_token(None) == 0
    for garbage in ("abc", "eyJ4IjogMX0=", "%%%"):
        with pytest.raises(FeishuError) as failure:
            decode_page_token(garbage)
        assert failure.value.code == 1254030


def test_token_issuer_reissue_rule_and_expiry() -> None:
    issuer = TokenIssuer()
    token, expire = issuer.issue("cli_a", now=1000.0)
    assert expire == 7200
    assert issuer.issue("cli_a", now=1000.0 + 7200 - REISSUE_BELOW_S) == (token, REISSUE_BELOW_S)
    newer, _ = issuer.issue("cli_a", now=1001.0 + 7200 - REISSUE_BELOW_S)
    assert newer != token
    assert TokenIssuer.check(token, ["cli_a"], now=8199.0) == "cli_a"
    assert TokenIssuer.check(token, ["cli_a"], now=8200.0) is None  # expired
    assert TokenIssuer.check(token, ["cli_b"], now=1000.0) is None  # another app's signature
    tampered = token[:-1] + ("1" if token.endswith("0") else "0")
    assert TokenIssuer.check(tampered, ["cli_a"], now=1000.0) is None


def test_rate_limiter_allows_a_second_of_burst_then_refills() -> None:
    limiter = RateLimiter()
    assert [limiter.take("search", 20, now=100.0) for _ in range(21)][-2:] == [None, 1]
    assert limiter.take("search", 20, now=100.06) is None  # one request's worth refilled
    assert limiter.take("other", 20, now=100.06) is None  # buckets are per endpoint
    slow = RateLimiter()
    assert slow.take("x", 0.5, now=0.0) is None
    assert slow.take("x", 0.5, now=0.1) == 2  # one request every two seconds
