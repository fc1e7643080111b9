"""The store over a real SQLite file."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from core.errors import StoreError
from core.issues import Issue, Severity
from core.models import Customer, FollowUp
from core.store import SCHEMA_VERSION, Store


@pytest.fixture
def store(tmp_path):
    with Store.open(f"sqlite:///{tmp_path / 'hub.db'}") as opened:
        yield opened


def customer(cid: str, company: str = "甲公司", **extra) -> Customer:
    return Customer(
        customer_id=cid,
        company_name=company,
        contact_name="王经理",
        phone=("13812345678",),
        **extra,
    )


def test_customers_round_trip_with_exact_types(store, tmp_path):
    original = customer(
        "C-20240510-1", total_amount="500000.50", tags=["b", "a"], last_follow_up=date(2024, 5, 10)
    )
    store.save_customers([(original, {"company_name": "t.xlsx"}, "t.xlsx")])
    reopened = Store.open(f"sqlite:///{tmp_path / 'hub.db'}")
    stored = reopened.get("C-20240510-1")
    assert stored is not None and stored.customer == original
    assert stored.provenance == {"company_name": "t.xlsx"} and stored.source_table == "t.xlsx"
    assert reopened.schema_version() == SCHEMA_VERSION


def test_ids_are_allocated_after_the_highest_of_the_day(store):
    store.save_customers(
        [(customer("C-20240510-7"), {}, None), (customer("C-20240511-1"), {}, None)]
    )
    allocator = store.id_allocator()
    assert allocator.allocate(date(2024, 5, 10)) == "C-20240510-8"
    assert allocator.allocate(date(2024, 5, 10)) == "C-20240510-9"
    assert allocator.allocate(date(2024, 5, 12)) == "C-20240512-1"


def test_customer_without_id_is_refused(store):
    with pytest.raises(StoreError):
        store.save_customers([(Customer(company_name="a", contact_name="b"), {}, None)])


def test_followups_are_append_only_and_deduplicated(store):
    entry = FollowUp(customer_id="C-1", entry_key="k1", content="电话沟通")
    assert store.add_followups([entry, entry]) == 1
    assert (
        store.add_followups(
            [
                FollowUp(customer_id="C-2", entry_key="k1"),
                FollowUp(customer_id="C-2", entry_key="k2"),
            ]
        )
        == 2
    )
    store.reassign_followups("C-2", "C-1")
    assert [f.entry_key for f in store.followups_of("C-1")] == ["k1", "k2"]
    assert store.followups_of("C-2") == []


def test_runs_and_quarantine_are_recorded(store):
    run_id = store.start_run("import")
    store.add_quarantine(
        run_id, [Issue("f.xlsx", "3", "phone", "123", "not a phone number", Severity.ERROR)]
    )
    store.finish_run(run_id, "needs_review", {"rows": 3, "quarantined": 1})
    [run] = store.list_runs()
    assert (run.run_id, run.status, run.summary["quarantined"]) == (run_id, "needs_review", 1)
    assert store.quarantine_of(run_id)[0]["reason"] == "not a phone number"


def test_duplicate_queue_remembers_rejections(store):
    assert store.add_duplicate_candidates([("C-2", "C-1", 0.8, ["same phone"])], None) == 1
    assert store.add_duplicate_candidates([("C-1", "C-2", 0.9, ["again"])], None) == 0
    [pending] = store.duplicate_candidates()
    assert (pending.key_a, pending.key_b) == ("C-1", "C-2")
    store.decide_duplicate(pending.id, "rejected")
    assert store.duplicate_candidates() == []
    assert store.rejected_pairs() == {frozenset({"C-1", "C-2"})}


def test_newer_schema_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    with Store.open(url) as store, store.engine.begin() as connection:
        connection.execute(text("UPDATE meta SET value = '999' WHERE key = 'schema_version'"))
    with pytest.raises(StoreError, match="newer than this tablesync"):
        Store.open(url)


def test_unusable_store_url_is_a_store_error(tmp_path):
    with pytest.raises(StoreError, match="cannot open the store") as info:
        Store.open("postgresql+psycopg://user:hunter2@127.0.0.1:1/db")
    assert "hunter2" not in str(info.value)


def test_blocking_keys_follow_customers_and_find_candidates(store):
    a = customer("C-20240510-1", "北京星辰科技有限公司")
    b = Customer(
        customer_id="C-20240510-2",
        company_name="上海明远制造股份有限公司",
        contact_name="李女士",
        phone=("13912345678",),
    )
    store.save_customers([(a, {}, None), (b, {}, None)])
    assert store.candidate_ids(["p:13812345678"]) == {"C-20240510-1"}
    assert store.candidate_ids(["p:10000000000", "nothing"]) == set()
    store.delete_customers(["C-20240510-1"])
    assert store.candidate_ids(["p:13812345678"]) == set()
    assert set(store.get_many(["C-20240510-1", "C-20240510-2"])) == {"C-20240510-2"}


def test_upgrade_from_schema_1_backfills_blocking_keys(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    with Store.open(url) as store:
        store.save_customers([(customer("C-20240510-1"), {}, None)])
        with store.engine.begin() as connection:
            connection.execute(text("DROP TABLE customer_keys"))
            connection.execute(text("UPDATE meta SET value = '1' WHERE key = 'schema_version'"))
    with Store.open(url) as upgraded:
        assert upgraded.schema_version() == SCHEMA_VERSION
        assert upgraded.candidate_ids(["p:13812345678"]) == {"C-20240510-1"}
