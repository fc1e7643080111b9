"""Airtable records through the unmodified pyairtable client: list, get, create, update,
upsert, delete, cell types, typecast, computed fields, modified times and the errors of each."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import requests
from pyairtable import Api, Table
from pyairtable import formulas as F

from sandbox import SandboxServer
from tests.sandbox.airtable_support import (
    COMPUTED,
    advance,
    api,
    control,
    no_limits,
    now,
    seed,
    seed_customers,
    stats,
)

ID = re.compile(r"rec[A-Za-z0-9]{14}")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")
EVERY_TYPE: dict[str, Any] = {
    "Name": "上海某某科技有限公司",
    "Notes": "第一行\n第二行",
    "Email": "li@example.cn",
    "Phone": "+86 138 0013 8000",
    "Age": 42,
    "Amount": 500000.5,
    "Share": 0.25,
    "Active": True,
    "Since": "2024-01-15",
    "Last Contact": "2024-03-01T08:00:00.000Z",
    "Level": "重点客户",
    "Tags": ["展会", "VIP"],
}


def when(stamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def body_of(exc: pytest.ExceptionInfo[requests.HTTPError]) -> Any:
    assert exc.value.response is not None
    return exc.value.response.json()


def customers(
    sandbox: SandboxServer, records: list[dict[str, Any]] | None = None, **table: Any
) -> Table:
    no_limits(sandbox)
    return api(sandbox).table(seed_customers(sandbox, records, **table), "Customers")


def endpoint_count(sandbox: SandboxServer, name: str) -> int:
    return int(stats(sandbox)["by_endpoint"].get(name, 0))


@pytest.fixture
def crm(sandbox: SandboxServer) -> Table:
    return customers(sandbox)


# -- create / get ------------------------------------------------------------------------------


def test_create_and_get_round_trip_every_writable_type(sandbox: SandboxServer, crm: Table) -> None:
    record = crm.create(EVERY_TYPE)
    assert ID.fullmatch(record["id"])
    assert TIMESTAMP.fullmatch(record["createdTime"])
    assert abs(when(record["createdTime"]).timestamp() - now(sandbox)) < 5
    fields = record["fields"]
    assert {k: fields[k] for k in EVERY_TYPE} == EVERY_TYPE
    assert (
        fields["Created"] == fields["Modified"] == fields["Name Modified"] == record["createdTime"]
    )
    assert fields["No"] == 1
    assert fields["Label"] == "上海某某科技有限公司 (重点客户)"
    assert crm.get(record["id"]) == record


def test_empty_cells_are_left_out(crm: Table) -> None:
    record = crm.create({"Name": "x", "Notes": "", "Tags": [], "Active": False, "Age": None})
    assert set(record["fields"]) == {"Name", *COMPUTED}
    assert record["fields"]["Label"] == "x ()"


def test_auto_numbers_count_up_and_created_time_follows_the_sandbox_clock(
    sandbox: SandboxServer, crm: Table
) -> None:
    first = crm.create({"Name": "a"})
    later = advance(sandbox, 7200)
    second = crm.create({"Name": "b"})
    assert (first["fields"]["No"], second["fields"]["No"]) == (1, 2)
    assert abs(when(second["createdTime"]).timestamp() - later) < 5
    assert when(second["createdTime"]) - when(first["createdTime"]) >= dt.timedelta(hours=2)


def test_get_finds_records_by_id_only(crm: Table) -> None:
    with pytest.raises(requests.HTTPError) as exc:
        crm.get("recAAAAAAAAAAAAAA")
    assert exc.value.response is not None and exc.value.response.status_code == 404
    assert body_of(exc) == {"error": {"type": "MODEL_ID_NOT_FOUND", "message": "Record not found"}}


def test_tables_are_found_by_name_with_spaces_and_slashes_or_by_id(sandbox: SandboxServer) -> None:
    no_limits(sandbox)
    spec = {"name": "Leads / 2024", "fields": [{"name": "Name", "type": "singleLineText"}]}
    base = seed(sandbox, {"name": "B", "tables": [spec]})
    by_name = api(sandbox).table(base["id"], "Leads / 2024")
    created = by_name.create({"Name": "x"})
    by_id = api(sandbox).table(base["id"], base["tables"][0]["id"])
    assert by_id.all() == by_name.all() == [created]


# -- listing -----------------------------------------------------------------------------------


def many(count: int) -> list[dict[str, Any]]:
    return [{"Name": f"C{i:03d}", "Age": i} for i in range(count)]


def test_paging_over_a_multi_page_table(sandbox: SandboxServer) -> None:
    table = customers(sandbox, many(250))
    pages = list(table.iterate())
    assert [len(p) for p in pages] == [100, 100, 50]
    assert [r["fields"]["Name"] for p in pages for r in p] == [f"C{i:03d}" for i in range(250)]
    assert endpoint_count(sandbox, "GET /v0/{base_id}/{table}") == 3
    assert [len(p) for p in table.iterate(page_size=30)] == [30] * 8 + [10]


def test_offsets_are_opaque_and_only_present_while_records_remain(sandbox: SandboxServer) -> None:
    table = customers(sandbox, many(150))
    first = table.api.request("GET", table.urls.records)
    assert re.fullmatch(r"itr[A-Za-z0-9]{14}/rec[A-Za-z0-9]{14}", first["offset"])
    second = table.api.request("GET", table.urls.records, options={"offset": first["offset"]})
    assert len(second["records"]) == 50
    assert "offset" not in second


def test_max_records_caps_the_total_across_pages(sandbox: SandboxServer) -> None:
    table = customers(sandbox, many(250))
    assert len(table.all(max_records=150)) == 150
    assert endpoint_count(sandbox, "GET /v0/{base_id}/{table}") == 2
    assert [len(p) for p in table.iterate(max_records=25, page_size=10)] == [10, 10, 5]
    first = table.first()
    assert first is not None and first["fields"]["Name"] == "C000"


def test_a_listing_is_a_snapshot_of_matching_records(sandbox: SandboxServer) -> None:
    table = customers(sandbox, many(20))
    pages = table.iterate(page_size=10)
    first = next(pages)
    table.delete(first[-1]["id"])
    doomed = table.all(formula="{Age} = 15")[0]
    table.delete(doomed["id"])
    table.create({"Name": "late"})
    second = next(pages)
    assert [r["fields"]["Name"] for r in second] == [f"C{i:03d}" for i in range(10, 20) if i != 15]


def test_offsets_survive_a_rate_limit_pause_but_expire_after_five_minutes(
    sandbox: SandboxServer,
) -> None:
    table = customers(sandbox, many(30))
    pages = table.iterate(page_size=10)
    next(pages)
    advance(sandbox, 31)
    assert len(next(pages)) == 10
    advance(sandbox, 301)
    with pytest.raises(requests.HTTPError) as exc:
        next(pages)
    assert body_of(exc)["error"]["type"] == "LIST_RECORDS_ITERATOR_NOT_AVAILABLE"


def test_fields_limit_the_cells_returned(sandbox: SandboxServer) -> None:
    table = customers(sandbox, [EVERY_TYPE])
    assert [r["fields"] for r in table.all(fields=["Name", "Age", "Notes"])] == [
        {"Name": EVERY_TYPE["Name"], "Age": 42, "Notes": EVERY_TYPE["Notes"]}
    ]
    age_id = table.schema().field("Age").id
    assert table.all(fields=[age_id])[0]["fields"] == {"Age": 42}


def test_sort_by_numbers_text_and_select_option_order(sandbox: SandboxServer) -> None:
    rows: list[dict[str, Any]] = [
        {"Name": "b", "Age": 3, "Level": "普通客户"},
        {"Name": "A", "Age": 10, "Level": "重点客户"},
        {"Name": "c", "Level": "潜在客户"},
        {"Name": "a", "Age": 3, "Level": "重点客户"},
    ]
    table = customers(sandbox, rows)

    def order(**options: Any) -> list[str]:
        return [r["fields"]["Name"] for r in table.all(**options)]

    assert order(sort=["Age"]) == ["c", "b", "a", "A"]  # blanks first, stable
    assert order(sort=["-Age", "Name"]) == ["A", "a", "b", "c"]
    assert order(sort=["Name"]) == ["A", "a", "b", "c"]  # case-insensitive, stable
    assert order(sort=["Level", "-Name"]) == ["c", "b", "a", "A"]  # option order, not text


def test_views_filter_and_sort_and_an_explicit_sort_wins(sandbox: SandboxServer) -> None:
    rows = [
        {"Name": "a", "Age": 1, "Active": True},
        {"Name": "b", "Age": 3, "Active": True},
        {"Name": "c", "Age": 2},
    ]
    views = [{"name": "Active by age", "filterByFormula": "{Active}", "sort": ["-Age"]}]
    table = customers(sandbox, rows, views=views)
    assert [r["fields"]["Name"] for r in table.all(view="Active by age")] == ["b", "a"]
    assert [r["fields"]["Name"] for r in table.all(view="Active by age", sort=["Age"])] == [
        "a",
        "b",
    ]
    view_id = table.schema().view("Active by age").id
    assert len(table.all(view=view_id)) == 2
    assert len(table.all(view="Grid view")) == 3
    with pytest.raises(requests.HTTPError) as exc:
        table.all(view="Nope")
    assert body_of(exc) == {
        "error": {"type": "VIEW_NAME_NOT_FOUND", "message": "View Nope not found"}
    }


def test_cell_format_string_renders_like_the_ui(sandbox: SandboxServer) -> None:
    table = customers(sandbox, [EVERY_TYPE])
    [record] = table.all(cell_format="string", time_zone="Asia/Shanghai", user_locale="zh-cn")
    fields = record["fields"]
    assert fields["Amount"] == "¥500,000.50"
    assert fields["Share"] == "25.0%"
    assert fields["Age"] == "42"
    assert fields["Active"] == "checked"
    assert fields["Since"] == "2024-01-15"
    assert fields["Last Contact"] == "2024-03-01 16:00"
    assert fields["Tags"] == "展会, VIP"
    assert fields["No"] == "1"
    assert fields["Label"] == "上海某某科技有限公司 (重点客户)"


def test_fields_by_id_on_read_and_write(sandbox: SandboxServer) -> None:
    table = customers(sandbox, [{"Name": "a", "Age": 1}])
    ids = {f.name: f.id for f in table.schema().fields}
    [record] = table.all(use_field_ids=True)
    assert record["fields"][ids["Name"]] == "a" and "Name" not in record["fields"]
    by_id = Api("patSANDBOX", endpoint_url=sandbox.url, use_field_ids=True).table(
        table.base.id, table.name
    )
    created = by_id.create({ids["Name"]: "b", ids["Age"]: 2})
    assert created["fields"][ids["Age"]] == 2
    assert by_id.get(created["id"])["fields"][ids["Name"]] == "b"


def test_comment_counts_are_reported_when_asked(sandbox: SandboxServer) -> None:
    table = customers(sandbox, many(2))
    assert [r.get("commentCount") for r in table.all(count_comments=True)] == [0, 0]
    assert "commentCount" not in table.all()[0]


def test_long_formulas_move_the_listing_to_post_list_records(sandbox: SandboxServer) -> None:
    table = customers(sandbox, many(5))
    wanted = [r["id"] for r in table.all(formula="{Age} >= 3")]
    decoys = [f"rec{i:014d}" for i in range(700)]
    formula = F.OR(*[F.EQ(F.RECORD_ID(), rid) for rid in [*decoys, *wanted]])
    assert len(str(formula)) > 16000
    before = endpoint_count(sandbox, "GET /v0/{base_id}/{table}")
    pages = list(table.iterate(formula=formula, page_size=1, sort=["-Age"], fields=["Name"]))
    assert [[r["fields"] for r in p] for p in pages] == [[{"Name": "C004"}], [{"Name": "C003"}]]
    assert endpoint_count(sandbox, "POST /v0/{base_id}/{table}/listRecords") == 2
    assert endpoint_count(sandbox, "GET /v0/{base_id}/{table}") == before


def test_list_records_by_post_takes_the_same_options(sandbox: SandboxServer) -> None:
    table = customers(sandbox, many(5))
    body = {"filterByFormula": "{Age} < 4", "sort": [{"field": "Age", "direction": "desc"}],
            "fields": ["Name"], "pageSize": 2, "maxRecords": 3, "returnFieldsByFieldId": False}  # fmt: skip
    first = table.api.post(table.urls.records_post, json=body)
    assert [r["fields"] for r in first["records"]] == [{"Name": "C003"}, {"Name": "C002"}]
    second = table.api.post(table.urls.records_post, json={**body, "offset": first["offset"]})
    assert [r["fields"] for r in second["records"]] == [{"Name": "C001"}]
    assert "offset" not in second


# -- updates -----------------------------------------------------------------------------------


def test_patch_merges_and_put_replaces(crm: Table) -> None:
    record = crm.create({"Name": "a", "Age": 1, "Tags": ["VIP"]})
    patched = crm.update(record["id"], {"Age": 2})
    assert {k: patched["fields"].get(k) for k in ("Name", "Age", "Tags")} == {
        "Name": "a",
        "Age": 2,
        "Tags": ["VIP"],
    }
    replaced = crm.update(record["id"], {"Name": "b"}, replace=True)
    assert set(replaced["fields"]) == {"Name", *COMPUTED}
    cleared = crm.update(record["id"], {"Name": None})
    assert "Name" not in cleared["fields"]


def test_batches_go_in_chunks_of_ten(sandbox: SandboxServer, crm: Table) -> None:
    created = crm.batch_create([{"Name": f"n{i}"} for i in range(25)])
    assert len(created) == 25
    assert endpoint_count(sandbox, "POST /v0/{base_id}/{table}") == 3
    updated = crm.batch_update(
        [{"id": r["id"], "fields": {"Age": i}} for i, r in enumerate(created)]
    )
    assert [r["fields"]["Age"] for r in updated] == list(range(25))
    assert endpoint_count(sandbox, "PATCH /v0/{base_id}/{table}") == 3
    replaced = crm.batch_update([{"id": created[0]["id"], "fields": {"Notes": "x"}}], replace=True)
    assert "Name" not in replaced[0]["fields"]
    deleted = crm.batch_delete([r["id"] for r in created])
    assert deleted == [{"id": r["id"], "deleted": True} for r in created]
    assert endpoint_count(sandbox, "DELETE /v0/{base_id}/{table}") == 3
    assert crm.all() == []


def test_delete_one(crm: Table) -> None:
    record = crm.create({"Name": "a"})
    assert crm.delete(record["id"]) == {"id": record["id"], "deleted": True}
    with pytest.raises(requests.HTTPError) as exc:
        crm.delete(record["id"])
    assert body_of(exc)["error"]["type"] == "MODEL_ID_NOT_FOUND"


@pytest.mark.parametrize(
    ("method", "json", "params"),
    [
        ("POST", {"records": [{"fields": {"Name": "x"}}] * 11}, None),
        ("PATCH", {"records": [{"id": "recAAAAAAAAAAAAAA", "fields": {}}] * 11}, None),
        ("PUT", {"records": [{"id": "recAAAAAAAAAAAAAA", "fields": {}}] * 11}, None),
        ("DELETE", None, {"records[]": ["recAAAAAAAAAAAAAA"] * 11}),
    ],
)
def test_more_than_ten_records_per_write_is_refused(
    crm: Table, method: str, json: Any, params: Any
) -> None:
    with pytest.raises(requests.HTTPError) as exc:
        crm.api.request(method, crm.urls.records, json=json, params=params)
    error = body_of(exc)["error"]
    assert error["type"] == "INVALID_RECORDS"
    if method == "POST":
        assert error["message"] == (
            "A maximum of 10 records can be created per request but you have provided 11."
        )
    else:
        assert error["message"].startswith("You must provide an array of up to 10 record objects")
    assert crm.all() == []


def test_batch_update_of_an_unknown_record_changes_nothing(crm: Table) -> None:
    record = crm.create({"Name": "a"})
    with pytest.raises(requests.HTTPError) as exc:
        crm.batch_update(
            [
                {"id": record["id"], "fields": {"Name": "b"}},
                {"id": "recAAAAAAAAAAAAAA", "fields": {}},
            ]
        )
    assert body_of(exc) == {
        "error": {
            "type": "ROW_DOES_NOT_EXIST",
            "message": "Record ID recAAAAAAAAAAAAAA does not exist in this table",
        }
    }
    assert crm.get(record["id"])["fields"]["Name"] == "a"


# -- upsert ------------------------------------------------------------------------------------


def test_upsert_creates_and_updates_by_merge_fields(crm: Table) -> None:
    existing = crm.create({"Name": "A", "Age": 1, "Email": "a@x.cn"})
    result = crm.batch_upsert(
        [{"fields": {"Name": "B", "Age": 2}}, {"fields": {"Name": "A", "Age": 10}}],
        key_fields=["Name"],
    )
    created_id = result["records"][0]["id"]
    assert result["createdRecords"] == [created_id]
    assert result["updatedRecords"] == [existing["id"]]
    assert [r["fields"]["Age"] for r in result["records"]] == [2, 10]
    assert crm.get(existing["id"])["fields"]["Email"] == "a@x.cn"  # PATCH keeps other cells


def test_upsert_by_id_with_replace_and_repeated_keys(crm: Table) -> None:
    existing = crm.create({"Name": "A", "Age": 1, "Email": "a@x.cn"})
    result = crm.batch_upsert(
        [
            {"id": existing["id"], "fields": {"Name": "A2"}},
            {"fields": {"Name": "C", "Age": 3}},
            {"fields": {"Name": "C", "Email": "c@x.cn"}},
        ],
        key_fields=["Name"],
        replace=True,
    )
    a2, c_first, c_second = result["records"]
    assert set(a2["fields"]) == {"Name", *COMPUTED}  # PUT cleared Age and Email
    assert c_first["id"] == c_second["id"]
    assert result["createdRecords"] == [c_first["id"]]
    assert result["updatedRecords"] == [existing["id"]]
    assert "Age" not in c_second["fields"] and c_second["fields"]["Email"] == "c@x.cn"


def test_upsert_in_chunks_of_ten(sandbox: SandboxServer, crm: Table) -> None:
    rows = [{"fields": {"Name": f"n{i}", "Age": i}} for i in range(12)]
    assert len(crm.batch_upsert(rows, key_fields=["Name", "Age"])["createdRecords"]) == 12
    result = crm.batch_upsert(rows, key_fields=["Name", "Age"])
    assert (len(result["createdRecords"]), len(result["updatedRecords"])) == (0, 12)
    assert endpoint_count(sandbox, "PATCH /v0/{base_id}/{table}") == 4


def test_ambiguous_upsert_fails_the_whole_request(crm: Table) -> None:
    crm.batch_create([{"Name": "Dup"}, {"Name": "Dup"}])
    with pytest.raises(requests.HTTPError) as exc:
        crm.batch_upsert(
            [{"fields": {"Name": "New"}}, {"fields": {"Name": "Dup"}}], key_fields=["Name"]
        )
    assert body_of(exc)["error"]["type"] == "INVALID_RECORDS"
    assert sorted(r["fields"]["Name"] for r in crm.all()) == ["Dup", "Dup"]


@pytest.mark.parametrize(
    ("perform", "error_type"),
    [
        ({"fieldsToMergeOn": ["Nope"]}, "UNKNOWN_FIELD_NAME"),
        ({"fieldsToMergeOn": ["No"]}, "INVALID_REQUEST_UNKNOWN"),
        ({"fieldsToMergeOn": []}, "INVALID_REQUEST_UNKNOWN"),
        ({"fieldsToMergeOn": ["Name", "Age", "Email", "Phone"]}, "INVALID_REQUEST_UNKNOWN"),
        ({"fields": ["Name"]}, "INVALID_REQUEST_UNKNOWN"),
    ],
)
def test_upsert_merge_fields_are_checked(
    crm: Table, perform: dict[str, Any], error_type: str
) -> None:
    body = {"records": [{"fields": {"Name": "a"}}], "performUpsert": perform}
    with pytest.raises(requests.HTTPError) as exc:
        crm.api.request("PATCH", crm.urls.records, json=body)
    assert body_of(exc)["error"]["type"] == error_type


def test_upsert_record_without_a_merge_value_is_refused(crm: Table) -> None:
    body = {"records": [{"fields": {"Age": 1}}], "performUpsert": {"fieldsToMergeOn": ["Name"]}}
    with pytest.raises(requests.HTTPError) as exc:
        crm.api.request("PATCH", crm.urls.records, json=body)
    assert body_of(exc)["error"]["type"] == "INVALID_RECORDS"


# -- cell values -------------------------------------------------------------------------------


def test_typecast_converts_text_and_creates_select_options(crm: Table) -> None:
    record = crm.create(
        {
            "Name": 123,
            "Age": "1,234",
            "Amount": "¥1,000.5",
            "Share": "50%",
            "Active": "yes",
            "Since": "2024/3/5",
            "Last Contact": "2024-03-01T16:00:00+08:00",
            "Level": "新客户",
            "Tags": "展会, 新标签",
        },
        typecast=True,
    )
    assert {k: v for k, v in record["fields"].items() if k not in COMPUTED} == {
        "Name": "123",
        "Age": 1234,
        "Amount": 1000.5,
        "Share": 0.5,
        "Active": True,
        "Since": "2024-03-05",
        "Last Contact": "2024-03-01T08:00:00.000Z",
        "Level": "新客户",
        "Tags": ["展会", "新标签"],
    }
    schema = crm.schema(force=True)
    assert "新客户" in [c.name for c in schema.field("Level").options.choices]  # type: ignore[union-attr]
    assert "新标签" in [c.name for c in schema.field("Tags").options.choices]  # type: ignore[union-attr]
    empty = crm.create({"Name": "x", "Age": "many", "Since": "someday"}, typecast=True)
    assert "Age" not in empty["fields"] and "Since" not in empty["fields"]


def test_unknown_select_options_without_typecast_are_refused(crm: Table) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"Level": "VIP客户"}, "VIP客户"),
        ({"Tags": ["展会", "新"]}, "新"),
    ]
    for fields, option in cases:
        with pytest.raises(requests.HTTPError) as exc:
            crm.create(fields)
        assert exc.value.response is not None and exc.value.response.status_code == 422
        assert body_of(exc) == {
            "error": {
                "type": "INVALID_MULTIPLE_CHOICE_OPTIONS",
                "message": f'Insufficient permissions to create new select option ""{option}""',
            }
        }
    with pytest.raises(requests.HTTPError):
        crm.batch_create([{"Name": "ok", "Level": "重点客户"}, {"Name": "bad", "Level": "?"}])
    assert crm.all() == []  # a batch is all or nothing
    choices = crm.schema(force=True).field("Level").options.choices  # type: ignore[union-attr]
    assert [c.name for c in choices] == ["潜在客户", "普通客户", "重点客户"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"Age": "abc"}, 'Field "Age" cannot accept the provided value'),
        ({"Amount": "12"}, 'Field "Amount" cannot accept the provided value'),
        ({"Age": True}, 'Field "Age" cannot accept the provided value'),
        ({"Name": 5}, 'Field "Name" cannot accept the provided value'),
        ({"Email": ["a@b.cn"]}, 'Field "Email" cannot accept the provided value'),
        ({"Active": "yes"}, 'Field "Active" cannot accept the provided value'),
        ({"Since": "soon"}, 'Cannot parse value "soon" for field Since'),
        ({"Last Contact": 1700000000}, 'Field "Last Contact" cannot accept the provided value'),
        ({"Tags": "展会"}, 'Field "Tags" cannot accept the provided value'),
        ({"Level": ["展会"]}, 'Field "Level" cannot accept the provided value'),
    ],
)
def test_values_of_the_wrong_type_are_refused(
    crm: Table, fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(requests.HTTPError) as exc:
        crm.create({"Name": "x", **fields})
    assert body_of(exc) == {"error": {"type": "INVALID_VALUE_FOR_COLUMN", "message": message}}


def test_unknown_field_names_are_refused(crm: Table) -> None:
    record = crm.create({"Name": "x"})
    for call in (
        lambda: crm.create({"Nmae": "x"}),
        lambda: crm.update(record["id"], {"Nmae": "y"}),
    ):
        with pytest.raises(requests.HTTPError) as exc:
            call()
        assert body_of(exc) == {
            "error": {"type": "UNKNOWN_FIELD_NAME", "message": 'Unknown field name: "Nmae"'}
        }


@pytest.mark.parametrize("name", COMPUTED)
def test_computed_fields_refuse_writes(crm: Table, name: str) -> None:
    record = crm.create({"Name": "x"})
    expected = {
        "error": {
            "type": "INVALID_VALUE_FOR_COLUMN",
            "message": f'Field "{name}" cannot accept a value because the field is computed',
        }
    }
    for call in (
        lambda: crm.create({"Name": "y", name: "v"}),
        lambda: crm.update(record["id"], {name: None}),
    ):
        with pytest.raises(requests.HTTPError) as exc:
            call()
        assert body_of(exc) == expected


# -- modified times ----------------------------------------------------------------------------


def test_last_modified_time_per_record_and_per_field(sandbox: SandboxServer, crm: Table) -> None:
    record = crm.create({"Name": "a", "Age": 1})
    created = when(record["createdTime"])
    advance(sandbox, 60)
    updated = crm.update(record["id"], {"Age": 2})
    assert when(updated["fields"]["Modified"]) - created >= dt.timedelta(seconds=60)
    assert updated["fields"]["Name Modified"] == record["createdTime"]
    mark = created + dt.timedelta(seconds=30)
    assert [r["id"] for r in crm.all(formula=F.IS_AFTER(F.LAST_MODIFIED_TIME(), mark))] == [
        record["id"]
    ]
    assert crm.all(formula=F.IS_AFTER(F.LAST_MODIFIED_TIME(F.Field("Name")), mark)) == []
    assert len(crm.all(formula=F.IS_AFTER(F.LAST_MODIFIED_TIME(F.Field("Age")), mark))) == 1


def test_writing_the_same_value_is_not_a_modification(sandbox: SandboxServer, crm: Table) -> None:
    record = crm.create({"Name": "a", "Age": 1})
    advance(sandbox, 60)
    same = crm.update(record["id"], {"Name": "a", "Age": 1})
    assert same["fields"]["Modified"] == record["fields"]["Modified"]
    advance(sandbox, 60)
    cleared = crm.update(record["id"], {"Age": None})
    assert when(cleared["fields"]["Modified"]) - when(record["createdTime"]) >= dt.timedelta(
        minutes=2
    )


def test_inspect_shows_modified_times_per_field(sandbox: SandboxServer, crm: Table) -> None:
    record = crm.create({"Name": "a", "Age": 1})
    advance(sandbox, 60)
    crm.update(record["id"], {"Age": 2})
    dump = control(sandbox, "GET", f"airtable/bases/{crm.base.id}")
    [row] = dump["tables"][0]["records"]
    times = row["fieldModifiedTimes"]
    assert set(times) == {"Name", "Age"}
    assert times["Name"] == record["createdTime"]
    assert when(times["Age"]) - when(times["Name"]) >= dt.timedelta(seconds=60)
    assert row["lastModifiedTime"] == times["Age"]
