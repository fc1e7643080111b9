"""`sync.py duplicates list|merge|reject` over a real store filled by a real import."""

from __future__ import annotations

import json

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

import sync
from core.store import Store

HEADERS = ["客户名称", "联系人姓名", "联系方式", "跟进时间", "跟进内容"]
UNSURE = [
    ["北京星辰科技有限公司", "王经理", "13812345678", "2024-05-10", "首次电话"],
    ["北京星辰科技有限公司", "刘主管", "13998765432", "2024-05-12", "上门拜访"],
]


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TABLESYNC_CONFIG", raising=False)
    workbook = Workbook()
    workbook.active.append(HEADERS)
    for row in UNSURE:
        workbook.active.append(row)
    workbook.save(tmp_path / "in.xlsx")
    return tmp_path


def invoke(*args):
    return CliRunner().invoke(sync.app, list(args))


def pending(workdir):
    result = invoke("duplicates", "list", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_uncertain_pair_is_listed_then_rejected_for_good(workdir):
    imported = invoke("import", "in.xlsx")
    assert imported.exit_code == 1  # a pair waits for a person
    [group] = pending(workdir)
    assert len(group["customer_ids"]) == 2 and 0 < group["score"] < 1 and group["reason"]

    assert invoke("duplicates", "reject", str(group["id"])).exit_code == 0
    assert pending(workdir) == []
    again = invoke("duplicates", "reject", str(group["id"]))
    assert again.exit_code == 2 and "already rejected" in again.output

    # The same rows imported again: the rejected pair is never proposed again.
    invoke("import", "in.xlsx")
    assert pending(workdir) == []


def test_merge_keeps_one_customer_with_provenance_and_both_follow_ups(workdir):
    invoke("import", "in.xlsx")
    [group] = pending(workdir)
    result = invoke("duplicates", "merge", str(group["id"]))
    assert result.exit_code == 0, result.output
    with Store.open("sqlite:///tablesync.db") as store:
        [survivor] = list(store.iter_customers())
        assert survivor.customer.customer_id in group["customer_ids"]
        [other] = [cid for cid in group["customer_ids"] if cid != survivor.customer.customer_id]
        assert other in survivor.merged_from
        assert store.get(other) is None
        assert {f.content for f in store.followups_of(survivor.customer.customer_id)} == {
            "首次电话",
            "上门拜访",
        }
        assert [c.status for c in store.duplicate_candidates(None)] == ["merged"]


def test_unknown_candidate_is_a_usage_error(workdir):
    result = invoke("duplicates", "merge", "999")
    assert result.exit_code == 2 and "no duplicate candidate 999" in result.output
