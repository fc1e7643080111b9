"""Airtable's metadata API through pyairtable, and the sandbox's seeding, inspect and reset."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
from pyairtable.models import schema as S

from sandbox import SandboxServer
from tests.sandbox.airtable_support import (
    CUSTOMER_FIELDS,
    api,
    control,
    no_limits,
    seed,
    seed_customers,
    stats,
)


def ids(prefix: str) -> re.Pattern[str]:
    return re.compile(prefix + r"[A-Za-z0-9]{14}")


def test_schema_lists_tables_fields_types_choices_and_views(sandbox: SandboxServer) -> None:
    no_limits(sandbox)
    base_id = seed_customers(sandbox)
    schema = api(sandbox).base(base_id).schema()
    [table] = schema.tables
    assert ids("tbl").fullmatch(table.id) and table.name == "Customers"
    assert [f.name for f in table.fields] == [f["name"] for f in CUSTOMER_FIELDS]
    assert [f.type for f in table.fields] == [f["type"] for f in CUSTOMER_FIELDS]
    assert all(ids("fld").fullmatch(f.id) for f in table.fields)
    assert table.primary_field_id == table.fields[0].id
    level = table.field("Level")
    assert isinstance(level, S.SingleSelectFieldSchema)
    assert [c.name for c in level.options.choices] == ["潜在客户", "普通客户", "重点客户"]
    assert all(ids("sel").fullmatch(c.id) for c in level.options.choices)
    assert isinstance(table.field("Amount"), S.CurrencyFieldSchema)
    assert table.field("Amount").options.symbol == "¥"  # type: ignore[union-attr]
    assert isinstance(table.field("Since"), S.DateFieldSchema)
    assert isinstance(table.field("Last Contact"), S.DateTimeFieldSchema)
    assert isinstance(table.field("Active"), S.CheckboxFieldSchema)
    assert isinstance(table.field("No"), S.AutoNumberFieldSchema)
    modified = table.field("Name Modified")
    assert isinstance(modified, S.LastModifiedTimeFieldSchema)
    assert modified.options.referenced_field_ids == [table.field("Name").id]
    label = table.field("Label")
    assert isinstance(label, S.FormulaFieldSchema)
    assert label.options.formula == "{Name} & ' (' & {Level} & ')'"
    assert label.options.referenced_field_ids == [table.field("Name").id, table.field("Level").id]
    [view] = table.views
    assert (view.name, view.type) == ("Grid view", "grid") and ids("viw").fullmatch(view.id)
    assert view.visible_field_ids == [f.id for f in table.fields]
    assert stats(sandbox)["by_endpoint"] == {"GET /v0/meta/bases/{base_id}/tables": 1}


def test_bases_and_whoami(sandbox: SandboxServer) -> None:
    no_limits(sandbox)
    first = seed_customers(sandbox)
    second = seed(
        sandbox,
        {
            "name": "Other",
            "tables": [{"name": "T", "fields": [{"name": "N", "type": "singleLineText"}]}],
        },
    )
    client = api(sandbox)
    assert {(b.id, b.name) for b in client.bases()} == {(first, "CRM"), (second["id"], "Other")}
    me = client.whoami()
    assert ids("usr").fullmatch(me["id"]) and "data.records:write" in me["scopes"]


def test_create_field_then_write_to_it(sandbox: SandboxServer) -> None:
    no_limits(sandbox)
    table = api(sandbox).table(seed_customers(sandbox), "Customers")
    created = table.create_field("Region", "singleSelect", options={"choices": [{"name": "华东"}]})
    assert ids("fld").fullmatch(created.id)
    record = table.create({"Name": "a", "Region": "华东"})
    assert record["fields"]["Region"] == "华东"
    assert table.schema(force=True).field("Region").id == created.id
    with pytest.raises(requests.HTTPError) as exc:
        table.create_field("Region", "singleLineText")
    assert exc.value.response is not None and exc.value.response.status_code == 422


def test_seeding_takes_given_ids_views_and_records(sandbox: SandboxServer) -> None:
    no_limits(sandbox)
    body = {
        "id": "appaPqizdsNHDvlEm",
        "name": "Test Wrapper",
        "tables": [
            {
                "id": "tblfbOcVkVnnKxurq",
                "name": "TEST_TABLE",
                "fields": [
                    {"id": "fldzbVdWW4xJdZ1em", "name": "text", "type": "singleLineText"},
                    {"id": "fldFLyuxGuWobyMV2", "name": "number", "type": "number"},
                    {"name": "status", "type": "singleSelect", "options": {"choices": [{"name": "todo", "id": "selAAAAAAAAAAAAAA", "color": "redLight2"}]}},
                ],
                "views": [{"name": "Kanban", "type": "kanban", "id": "viwAAAAAAAAAAAAAA"}],
                "records": [
                    {"text": "plain", "number": 1},
                    {"id": "recAAAAAAAAAAAAAA", "createdTime": "2024-01-02T03:04:05.000Z", "fields": {"text": "wrapped", "status": "done"}},
                ],
            }
        ],
    }  # fmt: skip
    assert seed(sandbox, body) == {
        "id": "appaPqizdsNHDvlEm",
        "tables": [{"id": "tblfbOcVkVnnKxurq", "name": "TEST_TABLE"}],
    }
    table = api(sandbox).table("appaPqizdsNHDvlEm", "tblfbOcVkVnnKxurq")
    schema = table.schema()
    assert [v.name for v in schema.views] == ["Grid view", "Kanban"]
    assert schema.view("Kanban").id == "viwAAAAAAAAAAAAAA"
    status = schema.field("status")
    assert isinstance(status, S.SingleSelectFieldSchema)
    first = status.options.choices[0]
    assert (first.id, first.name) == ("selAAAAAAAAAAAAAA", "todo")
    assert [c.name for c in status.options.choices] == ["todo", "done"]  # seeds typecast
    wrapped = table.get("recAAAAAAAAAAAAAA")
    assert wrapped["createdTime"] == "2024-01-02T03:04:05.000Z"
    assert [r["fields"]["text"] for r in table.all(fields=["fldzbVdWW4xJdZ1em"])] == [
        "plain",
        "wrapped",
    ]


@pytest.mark.parametrize(
    "body",
    [
        {"tables": []},
        {"name": "x"},
        {"name": "x", "tables": [{"name": "T", "fields": []}]},
        {"name": "x", "tables": [{"name": "T", "fields": [{"name": "A"}]}]},
        {"name": "x", "tables": [{"name": "T", "fields": [{"name": "A", "type": "number"}] * 2}]},
        {"name": "x", "tables": [{"name": "T", "fields": [{"name": "A", "type": "formula", "options": {"formula": "{B}"}}]}]},
        {"name": "x", "tables": [{"name": "T", "fields": [{"name": "A", "type": "formula", "options": {"formula": "AND("}}]}]},
        {"name": "x", "tables": [{"name": "T", "fields": [{"name": "A", "type": "createdTime"}], "records": [{"A": "x"}]}]},
        {"name": "x", "tables": [{"name": "T", "fields": [{"name": "A", "type": "number"}], "records": [{"B": 1}]}]},
        {"name": "x", "tables": [{"name": "T", "fields": [{"name": "A", "type": "number"}], "records": [{"A": "50万"}]}]},
        {"name": "x", "tables": [{"name": "T", "fields": [{"name": "A", "type": "number"}], "records": [{"id": "r", "fields": {}}, {"id": "r", "fields": {}}]}]},
        {"name": "x", "tables": [{"name": "T", "fields": [{"name": "A", "type": "number"}], "views": [{"name": "V", "sort": ["Z"]}]}]},
        {"name": "x", "tables": [{"name": "T", "fields": [{"name": "A", "type": "number"}], "views": [{"name": "V", "filterByFormula": "{Z}"}]}]},
    ],
)  # fmt: skip
def test_bad_seeding_bodies_are_400(sandbox: SandboxServer, body: dict[str, Any]) -> None:
    response = requests.post(f"{sandbox.url}/_sandbox/airtable/bases", json=body, timeout=10)
    assert response.status_code == 400
    assert "error" in response.json()


def test_inspect_dumps_a_base_and_reset_forgets_it(sandbox: SandboxServer) -> None:
    base_id = seed_customers(sandbox, [{"Name": "a", "Level": "重点客户"}])
    dump = control(sandbox, "GET", f"airtable/bases/{base_id}")
    assert dump["id"] == base_id and dump["name"] == "CRM"
    [table] = dump["tables"]
    assert [f["name"] for f in table["fields"]] == [f["name"] for f in CUSTOMER_FIELDS]
    [record] = table["records"]
    assert record["fields"]["Label"] == "a (重点客户)"
    assert record["lastModifiedTime"] == record["createdTime"]
    assert (
        requests.get(f"{sandbox.url}/_sandbox/airtable/bases/appNOPE", timeout=10).status_code
        == 404
    )
    control(sandbox, "POST", "reset")
    assert (
        requests.get(f"{sandbox.url}/_sandbox/airtable/bases/{base_id}", timeout=10).status_code
        == 404
    )
    assert sandbox.airtable.bases == {}


def test_seeding_again_with_the_same_id_replaces_the_base(sandbox: SandboxServer) -> None:
    no_limits(sandbox)
    spec = {"name": "T", "fields": [{"name": "N", "type": "singleLineText"}]}
    seed(
        sandbox,
        {"id": "appFIXEDFIXEDFIX1", "name": "one", "tables": [{**spec, "records": [{"N": "x"}]}]},
    )
    seed(sandbox, {"id": "appFIXEDFIXEDFIX1", "name": "two", "tables": [spec]})
    assert api(sandbox).table("appFIXEDFIXEDFIX1", "T").all() == []


def test_tokens_can_be_added_from_python(sandbox: SandboxServer) -> None:
    no_limits(sandbox)
    base_id = seed_customers(sandbox)
    sandbox.airtable.tokens.add("patTEAM2")
    from pyairtable import Api

    assert Api("patTEAM2", endpoint_url=sandbox.url).table(base_id, "Customers").all() == []
    control(sandbox, "POST", "reset")
    assert sandbox.airtable.tokens == {"patSANDBOX"}
