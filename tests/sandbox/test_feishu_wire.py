"""The Feishu stand-in over plain HTTP: what lark-oapi never sends, and the seeding contract."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import requests

from sandbox import SandboxServer

TOKEN_PATH = "/open-apis/auth/v3/tenant_access_token/internal"
CREDENTIALS = {"app_id": "cli_sandbox", "app_secret": "sandbox-secret"}


def token_call(
    sandbox: SandboxServer, body: Any = None, raw: bytes | None = None
) -> requests.Response:
    data = (
        raw if raw is not None else json.dumps(body if body is not None else CREDENTIALS).encode()
    )
    # bytes with no Content-Type header, exactly as lark-oapi sends its token request
    return requests.post(sandbox.url + TOKEN_PATH, data=data, timeout=10)


def bearer(sandbox: SandboxServer) -> dict[str, str]:
    return {"Authorization": "Bearer " + token_call(sandbox).json()["tenant_access_token"]}


def seed(sandbox: SandboxServer, body: dict[str, Any]) -> requests.Response:
    return requests.post(f"{sandbox.url}/_sandbox/feishu/apps", json=body, timeout=10)


def simple_app(sandbox: SandboxServer, records: list[Any] | None = None) -> tuple[str, str]:
    response = seed(
        sandbox,
        {
            "name": "CRM",
            "tables": [
                {
                    "name": "客户",
                    "fields": [
                        {"field_name": "名称", "type": 1},
                        {"field_name": "金额", "type": 2},
                    ],
                    "records": records or [],
                }
            ],
        },
    )
    response.raise_for_status()
    return response.json()["app_token"], response.json()["tables"][0]["table_id"]


def records_url(sandbox: SandboxServer, app: str, table: str, tail: str = "") -> str:
    return f"{sandbox.url}/open-apis/bitable/v1/apps/{app}/tables/{table}/records{tail}"


def inspect(sandbox: SandboxServer, app: str) -> dict[str, Any]:
    return requests.get(f"{sandbox.url}/_sandbox/feishu/apps/{app}", timeout=10).json()


# -- tenant_access_token -------------------------------------------------------------------


def test_token_body_without_content_type_is_accepted(sandbox: SandboxServer) -> None:
    response = token_call(sandbox)

    assert "Content-Type" not in response.request.headers
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == 0 and body["msg"] == "ok"
    assert re.fullmatch(r"t-[0-9a-f]{40}", body["tenant_access_token"])
    assert body["expire"] == 7200
    assert response.headers["Content-Type"].startswith("application/json")


def test_token_reissue_rule(sandbox: SandboxServer) -> None:
    first = token_call(sandbox).json()

    requests.post(f"{sandbox.url}/_sandbox/clock", json={"advance_s": 5000}, timeout=10)
    same = token_call(sandbox).json()  # 2200 s left: more than 30 minutes, the same token
    assert same["tenant_access_token"] == first["tenant_access_token"]
    assert 2190 <= same["expire"] <= 2200

    requests.post(f"{sandbox.url}/_sandbox/clock", json={"advance_s": 500}, timeout=10)
    fresh = token_call(sandbox).json()  # 1700 s left: less than 30 minutes, a new token
    assert fresh["tenant_access_token"] != first["tenant_access_token"]
    assert fresh["expire"] == 7200

    app, table = simple_app(sandbox)
    for token in (
        first["tenant_access_token"],
        fresh["tenant_access_token"],
    ):  # the old one still works
        listed = requests.get(
            records_url(sandbox, app, table),
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert listed.json()["code"] == 0

    requests.post(f"{sandbox.url}/_sandbox/clock", json={"advance_s": 1700}, timeout=10)
    old = requests.get(
        records_url(sandbox, app, table),
        headers={"Authorization": f"Bearer {first['tenant_access_token']}"},
        timeout=10,
    )
    assert (old.status_code, old.json()["code"]) == (400, 99991663)
    new = requests.get(
        records_url(sandbox, app, table),
        headers={"Authorization": f"Bearer {fresh['tenant_access_token']}"},
        timeout=10,
    )
    assert new.json()["code"] == 0


def test_tokens_survive_a_reset(sandbox: SandboxServer) -> None:
    # lark-oapi caches tokens process-wide; a reset between tests must not strand it
    headers = bearer(sandbox)
    requests.post(f"{sandbox.url}/_sandbox/reset", timeout=10)
    app, table = simple_app(sandbox)
    assert (
        requests.get(records_url(sandbox, app, table), headers=headers, timeout=10).json()["code"]
        == 0
    )


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"app_id": "cli_sandbox", "app_secret": "wrong"}, 10014),
        ({"app_id": "cli_unknown", "app_secret": "sandbox-secret"}, 10003),
        ({"app_id": "cli_sandbox"}, 10003),
    ],
)
def test_token_failures_are_http_200_with_a_code(
    sandbox: SandboxServer, body: dict[str, str], code: int
) -> None:
    response = token_call(sandbox, body)
    assert (response.status_code, response.json()["code"]) == (200, code)
    assert "tenant_access_token" not in response.json()


def test_token_body_that_is_not_json(sandbox: SandboxServer) -> None:
    response = token_call(sandbox, raw=b"app_id=cli_sandbox")
    assert (response.status_code, response.json()["code"]) == (200, 10003)


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, 99991661),
        ({"Authorization": "t-no-bearer-prefix"}, 99991661),
        ({"Authorization": "Bearer "}, 99991661),
        ({"Authorization": "Bearer t-forged"}, 99991663),
        ({"Authorization": "Bearer u-a-user-token"}, 99991668),
    ],
)
def test_auth_failures(sandbox: SandboxServer, headers: dict[str, str], code: int) -> None:
    app, table = simple_app(sandbox)
    response = requests.get(records_url(sandbox, app, table), headers=headers, timeout=10)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code
    assert body["msg"].endswith("Please make a request with token attached.")
    assert body["error"]["log_id"] == response.headers["X-Tt-Logid"]


# -- request shapes lark-oapi does not produce -----------------------------------------------


def test_unknown_paths_and_methods_are_plain_text_404(sandbox: SandboxServer) -> None:
    app, table = simple_app(sandbox)
    for method, url in (
        ("GET", f"{sandbox.url}/open-apis/nowhere"),
        ("PATCH", records_url(sandbox, app, table)),
    ):
        response = requests.request(method, url, headers=bearer(sandbox), timeout=10)
        assert response.status_code == 404
        assert response.text == "404 page not found"
        assert response.headers["Content-Type"].startswith("text/plain")


def test_bad_bodies_and_paging_parameters(sandbox: SandboxServer) -> None:
    app, table = simple_app(sandbox)
    headers = bearer(sandbox)

    broken = requests.post(
        records_url(sandbox, app, table, "/search"), data=b"{not json", headers=headers, timeout=10
    )
    assert broken.json()["code"] == 1254000

    not_object = requests.post(
        records_url(sandbox, app, table), json=[1], headers=headers, timeout=10
    )
    assert not_object.json()["code"] == 1254001

    too_big = requests.post(
        records_url(sandbox, app, table, "/search?page_size=501"),
        json={},
        headers=headers,
        timeout=10,
    )
    assert (too_big.status_code, too_big.json()["code"]) == (400, 99992402)
    assert too_big.json()["error"]["field_violations"][0]["field"] == "page_size"

    bad_token = requests.post(
        records_url(sandbox, app, table, "/search?page_token=%%%"),
        json={},
        headers=headers,
        timeout=10,
    )
    assert bad_token.json()["code"] == 1254030

    bad_filter = {"filter": {"conjunction": "xor", "conditions": []}}
    assert (
        requests.post(
            records_url(sandbox, app, table, "/search"),
            json=bad_filter,
            headers=headers,
            timeout=10,
        ).json()["code"]
        == 1254018
    )
    bad_op = {
        "filter": {
            "conjunction": "and",
            "conditions": [{"field_name": "名称", "operator": "like", "value": ["a"]}],
        }
    }
    assert (
        requests.post(
            records_url(sandbox, app, table, "/search"), json=bad_op, headers=headers, timeout=10
        ).json()["code"]
        == 1254018
    )


def test_null_clears_a_cell_and_empty_cells_are_omitted(sandbox: SandboxServer) -> None:
    app, table = simple_app(sandbox, [{"名称": "甲", "金额": 5}])
    record_id = inspect(sandbox, app)["tables"][0]["records"][0]["record_id"]
    headers = bearer(sandbox)

    # lark-oapi strips None from bodies, so only a plain client can send null
    response = requests.put(
        records_url(sandbox, app, table, f"/{record_id}"),
        json={"fields": {"金额": None}},
        headers=headers,
        timeout=10,
    )
    assert response.json()["code"] == 0

    got = requests.get(
        records_url(sandbox, app, table, f"/{record_id}"), headers=headers, timeout=10
    ).json()
    assert got["data"]["record"]["fields"] == {"名称": "甲"}
    assert got["data"]["record"]["id"] == record_id


def test_responses_carry_the_envelope_and_a_log_id(sandbox: SandboxServer) -> None:
    app, table = simple_app(sandbox, [{"名称": "甲"}])
    response = requests.get(
        records_url(sandbox, app, table, "?page_size=1"), headers=bearer(sandbox), timeout=10
    )
    body = response.json()
    assert set(body) == {"code", "msg", "data"}
    assert (body["code"], body["msg"]) == (0, "success")
    assert body["data"]["items"][0]["fields"] == {"名称": "甲"}
    assert response.headers["X-Tt-Logid"]


# -- seeding contract ------------------------------------------------------------------------------


def test_seeding_generates_ids_in_the_real_formats(sandbox: SandboxServer) -> None:
    response = seed(
        sandbox,
        {
            "name": "CRM",
            "tables": [
                {
                    "name": "客户",
                    "fields": [{"field_name": "名称", "type": 1}],
                    "records": [{"名称": "甲"}],
                }
            ],
        },
    )

    assert response.status_code == 200
    data = response.json()
    assert re.fullmatch(r"bascn[0-9A-Za-z]{22}", data["app_token"])
    table = data["tables"][0]
    assert table["name"] == "客户"
    assert re.fullmatch(r"tbl[0-9A-Za-z]{13}", table["table_id"])
    assert re.fullmatch(r"fld[0-9A-Za-z]{7}", table["fields"]["名称"])
    assert re.fullmatch(r"rec[0-9A-Za-z]{7}", table["record_ids"][0])


def test_seeding_honours_given_ids(sandbox: SandboxServer) -> None:
    body = {
        "name": "Replay",
        "app_token": "appbcbWCzen6D8dezhoCH2RpMAh",
        "tables": [
            {
                "name": "客户",
                "table_id": "tblsRc9GRRXKqhvW",
                "fields": [{"field_name": "名称", "type": 1, "field_id": "fldob4JqjK"}],
                "records": [{"record_id": "recG70uhxh", "fields": {"名称": "甲"}}],
            }
        ],
    }
    data = seed(sandbox, body).json()

    assert data["app_token"] == "appbcbWCzen6D8dezhoCH2RpMAh"
    assert data["tables"][0]["table_id"] == "tblsRc9GRRXKqhvW"
    assert data["tables"][0]["fields"] == {"名称": "fldob4JqjK"}
    state = inspect(sandbox, "appbcbWCzen6D8dezhoCH2RpMAh")
    assert state["tables"][0]["records"][0]["record_id"] == "recG70uhxh"
    assert state["tables"][0]["fields"][0]["field_id"] == "fldob4JqjK"

    again = seed(sandbox, body)
    assert again.status_code == 400 and "already exists" in again.json()["error"]


def test_a_bad_seed_is_refused_whole(sandbox: SandboxServer) -> None:
    body = {
        "name": "CRM",
        "app_token": "bascnBadSeed",
        "tables": [
            {
                "name": "客户",
                "fields": [{"field_name": "金额", "type": 2}],
                "records": [{"金额": 1}, {"金额": "x"}],
            }
        ],
    }
    response = seed(sandbox, body)

    assert response.status_code == 400
    assert "1254061" in response.json()["error"]
    assert (
        requests.get(f"{sandbox.url}/_sandbox/feishu/apps/bascnBadSeed", timeout=10).status_code
        == 404
    )


def test_inspect_dumps_the_whole_app(sandbox: SandboxServer) -> None:
    app, _table = simple_app(sandbox, [{"名称": "甲", "金额": 1}])
    state = inspect(sandbox, app)

    assert state["app_token"] == app
    assert state["settings"]["batch_limits"] == {
        "batch_create": 1000,
        "batch_update": 1000,
        "batch_delete": 500,
        "batch_get": 100,
    }
    table = state["tables"][0]
    assert [f["field_name"] for f in table["fields"]] == ["名称", "金额"]
    assert table["views"][0]["view_id"].startswith("vew")
    assert table["records"][0]["fields"] == {"名称": "甲", "金额": 1}
