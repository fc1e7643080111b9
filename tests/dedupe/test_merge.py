"""merge_records: survivorship per field, unions, provenance, the surviving id."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from core.dedupe import merge_records
from core.dedupe.merge import choose_customer_id, completeness
from core.settings import DedupeSettings
from tests.dedupe.helpers import rec

OLD = datetime(2024, 1, 1, 9, 0)
NEW = datetime(2024, 6, 1, 9, 0)


def test_newest_non_empty_value_wins_per_field() -> None:
    old = rec(
        "C-20230105-2",
        "北京星辰科技有限公司",
        "王伟",
        "13812345678",
        table="feishu",
        modified=OLD,
        customer_id="C-20230105-2",
        email="wang@xc.cn",
        level="普通客户",
        address="北京市海淀区中关村大街1号",
        district="海淀区",
        city="北京市",
    )
    new = rec(
        "sheet:7",
        "星辰科技(北京)有限公司",
        "王伟",
        "138-1234-5678",
        table="marketing-sheet",
        modified=NEW,
        level="重点客户",
    )
    out = merge_records([old, new])
    survivor = out.survivor
    assert survivor.customer_id == "C-20230105-2"
    assert survivor.company_name == "星辰科技(北京)有限公司"  # newer
    assert survivor.level == "重点客户"  # newer
    assert survivor.email == "wang@xc.cn"  # only the older record has one: never lost
    assert survivor.address == "北京市海淀区中关村大街1号"
    assert out.merged_from == ("sheet:7",)
    assert out.provenance["company_name"] == "sheet:7"
    assert out.provenance["email"] == "C-20230105-2"
    assert out.provenance_tables["company_name"] == "marketing-sheet"
    assert out.provenance_tables["email"] == "feishu"
    assert out.provenance["customer_id"] == "C-20230105-2"


def test_most_complete_policy_per_field() -> None:
    full = rec(
        "a:1",
        "北京星辰科技有限公司",
        "王伟",
        "13812345678",
        modified=OLD,
        email="w@xc.cn",
        industry="软件和信息技术服务业",
        contact_title="采购总监",
        remarks="偏好下午沟通",
    )
    sparse = rec("b:1", "星辰科技", "王经理", modified=NEW, remarks="新备注")
    assert completeness(full.customer) > completeness(sparse.customer)
    settings = DedupeSettings(
        survivorship={"company_name": "most_complete", "contact_name": "most_complete"}
    )
    out = merge_records([full, sparse], settings)
    assert out.survivor.company_name == "北京星辰科技有限公司"
    assert out.survivor.contact_name == "王伟"
    assert out.survivor.remarks == "新备注"  # default policy stays "newest"
    default_all = merge_records(
        [full, sparse], DedupeSettings(default_survivorship="most_complete")
    )
    assert default_all.survivor.remarks == "偏好下午沟通"
    assert default_all.provenance["remarks"] == "a:1"


def test_tags_are_unioned_and_phones_kept_once_each() -> None:
    a = rec(
        "a:1", "星辰科技", "王伟", "13812345678", "010-12345678", modified=OLD, tags=("展会客户",)
    )
    b = rec(
        "b:1",
        "星辰科技",
        "王伟",
        "+86 138 1234 5678",
        "13900001111",
        modified=NEW,
        tags=("高意向", "展会客户"),
    )
    out = merge_records([a, b])
    assert out.survivor.tags == ("展会客户", "高意向")
    # The newest record's numbers first (its main number stays main), the same number written
    # differently only once, the older record's other number kept.
    assert out.survivor.phone == ("+86 138 1234 5678", "13900001111", "010-12345678")
    assert out.provenance["phone"] == "b:1"


def test_oldest_stored_id_survives() -> None:
    records = [
        rec("C-20240301-1", "星辰科技", "王伟", customer_id="C-20240301-1", modified=NEW),
        rec("C-20230105-9", "星辰科技", "王伟", customer_id="C-20230105-9", modified=OLD),
        rec("C-20230105-12", "星辰科技", "王伟", customer_id="C-20230105-12", modified=OLD),
        rec("sheet:1", "星辰科技", "王伟", modified=NEW),
    ]
    out = merge_records(records)
    assert out.survivor.customer_id == "C-20230105-9"
    assert set(out.merged_from) == {"C-20240301-1", "C-20230105-12", "sheet:1"}


def test_ids_in_other_formats_lose_to_generated_ones_and_none_means_none() -> None:
    imported = rec("x", "星辰科技", "王伟", customer_id="C001")
    generated = rec("y", "星辰科技", "王伟", customer_id="C-20250101-1")
    chosen = choose_customer_id([imported, generated])
    assert chosen is not None and chosen.key == "y"
    plain = [rec("a:1", "星辰科技", "王伟"), rec("b:1", "星辰科技", "王伟")]
    out = merge_records(plain)
    assert out.survivor.customer_id is None
    assert out.merged_from == ("a:1", "b:1")


def test_derived_fields_travel_with_their_source() -> None:
    old = rec(
        "a:1",
        "星辰科技",
        "王伟",
        modified=OLD,
        address="上海市浦东新区张江路5号",
        province="上海市",
        city="上海市",
        district="浦东新区",
        next_follow_up="2024-02-01:回访",
        next_follow_up_date=date(2024, 2, 1),
    )
    new = rec("b:1", "星辰科技", "王伟", modified=NEW, address="北京市海淀区中关村大街1号")
    out = merge_records([old, new])
    assert out.survivor.address == "北京市海淀区中关村大街1号"
    # The newer address has no derived parts: the older address's district must not leak in.
    assert out.survivor.district is None
    assert out.survivor.next_follow_up_date == date(2024, 2, 1)
    assert out.provenance["next_follow_up_date"] == "a:1"


def test_modified_time_falls_back_to_updated_at_and_mixes_naive_and_aware() -> None:
    shanghai = timezone(timedelta(hours=8))
    a = rec("a:1", "星辰科技", "王伟", level="普通客户", updated_at=datetime(2024, 5, 1, 12, 0))
    b = rec(
        "b:1",
        "星辰科技",
        "王伟",
        level="重点客户",
        modified=datetime(2024, 5, 1, 15, 0, tzinfo=shanghai),  # 07:00 UTC: older than a
    )
    out = merge_records([a, b])
    assert out.survivor.level == "普通客户"
    assert out.survivor.updated_at == datetime(2024, 5, 1, 12, 0)
    c = rec("c:1", "星辰科技", "王伟", level="潜在客户", modified=datetime(2024, 5, 2, tzinfo=UTC))
    assert merge_records([a, b, c]).survivor.level == "潜在客户"


def test_amounts_and_dates_survive_as_values() -> None:
    a = rec("a:1", "星辰科技", "王伟", modified=OLD, total_amount=Decimal("500000"))
    b = rec("b:1", "星辰科技", "王伟", modified=NEW, last_follow_up=date(2024, 5, 10))
    survivor = merge_records([a, b]).survivor
    assert survivor.total_amount == Decimal("500000")
    assert survivor.last_follow_up == date(2024, 5, 10)


def test_nothing_to_merge_and_duplicate_keys_are_errors() -> None:
    with pytest.raises(ValueError, match="nothing"):
        merge_records([])
    with pytest.raises(ValueError, match="unique"):
        merge_records([rec("a", "星辰科技", "王伟"), rec("a", "星辰科技", "王伟")])
