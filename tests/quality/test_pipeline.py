"""process_row end to end: messy rows in, clean customers or quarantined rows with reasons out."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bench.pipeline import HEADER_TO_FIELD, generate
from core.effects import EffectTable
from core.errors import ConfigError
from core.issues import Severity
from core.models import Customer
from core.pipeline import (
    PipelineCounts,
    PipelineOptions,
    RowOutcome,
    SourceRow,
    build_customer,
    process_row,
    process_rows,
)
from core.settings import QualitySettings, TagRule

SH = ZoneInfo("Asia/Shanghai")
TODAY = date(2024, 6, 1)

#: The example row of the source documents' field table, written as messily as tables do.
SEED_ROW: dict[str, Any] = {
    "customer_id": "c－20240510－1",
    "company_name": [{"type": "text", "text": "北京星辰科技有限公司 "}],
    "contact_name": "王经理",
    "contact_title": "采购总监",
    "phone": "+86 138-1234-5678；(010)1234 5678",
    "email": " Wang@Example.COM",
    "address": "北京市海淀区中关村大街1号",
    "industry": "软件开发",
    "level": "A类",
    "source": "行业展会2024",
    "status": "合作中",
    "last_follow_up": 1715270400000,  # Feishu: 2024-05-10 00:00 Beijing
    "follow_up_method": "电话沟通",
    "follow_up_content": "确认产品交付周期",
    "next_follow_up": "2024/5/20 跟进合同签订",
    "project": "企业CRM系统采购",
    "cooperation_start": 45139.0,  # Excel serial: 2023-08-01
    "total_amount": "500,000",
    "demand_type": "采购设备",
    "budget": "10-50万",
    "purchase_time": "2024年Q3",
    "key_needs": "提升客户管理效率",
    "tags": "季度回访、高意向",
    "remarks": "偏好下午沟通",
    "updated_at": "2024-05-1014:30",
}


def options(**kwargs: Any) -> PipelineOptions:
    return PipelineOptions(today=TODAY, **kwargs)


def test_seed_row_becomes_a_clean_customer() -> None:
    outcome = process_row(
        SourceRow("sales-feishu", "recA1", SEED_ROW),
        options(
            tagging=(TagRule.model_validate({"tag": "设备采购", "when": {"需求类型": "采购设备"}}),)
        ),
    )
    assert outcome.issues == []
    assert not outcome.quarantined
    assert outcome.customer == Customer(
        customer_id="C-20240510-1",
        company_name="北京星辰科技有限公司",
        contact_name="王经理",
        contact_title="采购总监",
        phone=("13812345678", "010-12345678"),
        email="Wang@example.com",
        address="北京市海淀区中关村大街1号",
        province="北京市",
        city="北京市",
        district="海淀区",
        industry="软件和信息技术服务业",
        level="重点客户",
        source="行业展会2024",
        status="合作中",
        last_follow_up=date(2024, 5, 10),
        follow_up_method="电话",
        follow_up_content="确认产品交付周期",
        next_follow_up="2024-05-20:跟进合同签订",
        next_follow_up_date=date(2024, 5, 20),
        project="企业CRM系统采购",
        cooperation_start=date(2023, 8, 1),
        total_amount=Decimal("500000.00"),
        demand_type="采购设备",
        budget="10-50万",
        purchase_time="2024年Q3",
        key_needs="提升客户管理效率",
        tags=("季度回访", "设备采购", "高意向"),
        remarks="偏好下午沟通",
        updated_at=datetime(2024, 5, 10, 14, 30, tzinfo=SH),
    )
    assert outcome.added_tags == ("设备采购",)


def test_absent_customer_id_stays_none() -> None:
    row = {**SEED_ROW, "customer_id": ""}
    outcome = process_row(SourceRow("t", "2", row), options())
    assert outcome.customer is not None
    assert outcome.customer.customer_id is None


def test_legacy_id_is_kept() -> None:
    outcome = process_row(SourceRow("t", "2", {**SEED_ROW, "customer_id": "C001"}), options())
    assert outcome.customer is not None
    assert outcome.customer.customer_id == "C001"


def test_bad_row_is_quarantined_with_every_reason() -> None:
    row = {
        **SEED_ROW,
        "contact_name": "",
        "phone": "138****5678",
        "level": "D级",
        "last_follow_up": "1900-01-01",
        "customer_id": "见备注",
    }
    outcome = process_row(SourceRow("sales", "12", row), options())
    assert outcome.quarantined
    assert outcome.customer is None
    fields = sorted(issue.field for issue in outcome.errors)
    assert fields == ["contact_name", "customer_id", "last_follow_up", "level", "phone"]
    for issue in outcome.issues:
        assert (issue.table, issue.row) == ("sales", "12")
        assert issue.reason
    assert {issue.value for issue in outcome.issues} >= {"138****5678", "D级", "1900-01-01"}


def test_nothing_is_silently_dropped() -> None:
    # Every non-empty raw value either reaches the customer or is named in an issue.
    rows = [
        SourceRow("bench", str(i), {HEADER_TO_FIELD[h]: v for h, v in raw.items()})
        for i, raw in enumerate(generate(400, seed=3))
    ]
    for outcome in process_rows(rows, options()):
        problem_fields = {issue.field for issue in outcome.issues}
        if outcome.customer is None:
            assert outcome.errors
            continue
        for name, raw in outcome.source.values.items():
            if raw in (None, "", ()):
                continue
            value = getattr(outcome.customer, name)
            assert (
                value not in (None, ())
                or name in problem_fields
                or str(raw).strip() in ("无", "-", "")
            )


def test_process_rows_is_lazy_and_ordered() -> None:
    rows = (
        SourceRow("t", str(n), {**SEED_ROW, "customer_id": f"C-20240510-{n}"}) for n in range(1, 4)
    )
    outcomes = process_rows(rows, options())
    first = next(outcomes)
    assert first.source.row == "1"
    assert [o.customer.customer_id for o in outcomes if o.customer] == [
        "C-20240510-2",
        "C-20240510-3",
    ]


def test_counts() -> None:
    counts = PipelineCounts()
    opts = options(
        tagging=(
            TagRule.model_validate({"tag": "展会客户", "when": {"source": {"contains": "展会"}}}),
        )
    )
    good = SourceRow("t", "2", {**SEED_ROW, "remarks": "身份证11010519491231002X"})
    bad = SourceRow("t", "3", {**SEED_ROW, "phone": "123"})
    for row in (good, bad, good):
        counts.add(process_row(row, opts))
    assert (counts.rows, counts.clean, counts.quarantined) == (3, 2, 1)
    assert counts.masked_sensitive == 2
    assert counts.tagged == 2
    assert counts.warned == 2
    assert counts.by_reason["含有身份证号码,已自动脱敏"] == 2
    assert counts.as_dict()["rows"] == 3


def test_options_are_compiled_once_and_config_errors_are_raised() -> None:
    opts = options()
    process_row(SourceRow("t", "2", SEED_ROW), opts)
    plan = opts._plan()
    process_row(SourceRow("t", "3", SEED_ROW), opts)
    assert opts._plan() is plan
    with pytest.raises(ConfigError):
        process_row(
            SourceRow("t", "2", SEED_ROW),
            options(quality=QualitySettings(enum_aliases={"level": {"金牌": "钻石"}})),
        )
    with pytest.raises(ConfigError):
        process_row(
            SourceRow("t", "2", SEED_ROW),
            options(quality=QualitySettings(industry_aliases={"电玩": "游戏业"})),
        )
    with pytest.raises(ConfigError):
        process_row(
            SourceRow("t", "2", SEED_ROW),
            options(quality=QualitySettings(enum_choices={"level": ["钻石"]})),
        )


def test_configured_aliases_and_timezone() -> None:
    opts = options(
        quality=QualitySettings(
            enum_aliases={"level": {"金牌": "重点客户"}},
            industry_aliases={"元宇宙": "互联网和相关服务"},
        ),
        timezone="America/New_York",
    )
    row = {
        **SEED_ROW,
        "level": "金牌",
        "industry": "元宇宙",
        "updated_at": "2024-05-10T14:30:00+08:00",
    }
    outcome = process_row(SourceRow("t", "2", row), opts)
    assert outcome.customer is not None
    assert outcome.customer.level == "重点客户"
    assert outcome.customer.industry == "互联网和相关服务"
    assert outcome.customer.updated_at == datetime(
        2024, 5, 10, 2, 30, tzinfo=ZoneInfo("America/New_York")
    )


def test_fast_customer_build_equals_full_validation() -> None:
    # build_customer skips pydantic's validators for the pipeline's own output; it must give
    # exactly what validation gives.
    rows = [
        SourceRow("bench", str(i), {HEADER_TO_FIELD[h]: v for h, v in raw.items()})
        for i, raw in enumerate(generate(300, seed=11))
    ]
    checked = 0
    for outcome in process_rows(rows, options()):
        if outcome.customer is None:
            continue
        values = outcome.customer.model_dump(exclude_unset=True)
        validated = Customer.model_validate(values)
        assert validated == outcome.customer
        assert validated.model_dump() == outcome.customer.model_dump()
        assert validated.model_fields_set == outcome.customer.model_fields_set
        checked += 1
    assert checked > 200


def test_build_customer_falls_back_to_validation_for_unknown_keys() -> None:
    with pytest.raises(Exception, match="extra"):
        build_customer({"company_name": "x", "contact_name": "y", "nope": 1})


def test_row_outcome_contract() -> None:
    outcome = RowOutcome(SourceRow("t", "1", {}), None, [])
    assert outcome.quarantined
    assert outcome.errors == []
    warn = process_row(SourceRow("t", "2", {**SEED_ROW, "wechat": "x"}), options())
    assert not warn.quarantined
    assert [i.severity for i in warn.issues] == [Severity.WARNING]


def test_an_unexpected_error_quarantines_the_row_without_quoting_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compute = EffectTable._compute

    def broken(self: EffectTable, field: Any, raw: Any) -> Any:
        if raw == "身份证11010519491231002X":
            raise RuntimeError("11010519491231002X")
        return compute(self, field, raw)

    monkeypatch.setattr(EffectTable, "_compute", broken)
    rows = [
        SourceRow("t", str(n), {**SEED_ROW, "customer_id": f"C-20240510-{n + 1}"}) for n in range(5)
    ]
    rows[2] = SourceRow("t", "2", {**SEED_ROW, "remarks": "身份证11010519491231002X"})
    outcomes = list(process_rows(rows, options()))
    # Only the row that met the bug is quarantined; the others in its batch go on.
    assert [o.quarantined for o in outcomes] == [False, False, True, False, False]
    [issue] = outcomes[2].issues
    assert "RuntimeError" in issue.reason and issue.row == "2"
    assert "11010519491231002X" not in repr(outcomes[2].issues)
    assert process_row(rows[2], options()).quarantined


def test_quarantine_policy_still_counts_sensitive_values() -> None:
    opts = options(quality=QualitySettings(sensitive="quarantine"))
    counts = PipelineCounts()
    counts.add(
        process_row(SourceRow("t", "2", {**SEED_ROW, "remarks": "身份证11010519491231002X"}), opts)
    )
    assert (counts.quarantined, counts.masked_sensitive) == (1, 1)


def test_a_row_without_a_contact_is_quarantined_even_when_settings_do_not_require_one() -> None:
    # The model cannot hold a customer without 联系人姓名: the row must not slip through.
    options = PipelineOptions(quality=QualitySettings(required=["phone"]))
    row = SourceRow("客户表", "2", {"phone": "13812345678", "company_name": "星辰科技"})
    outcome = process_row(row, options)
    assert outcome.quarantined
    assert [(i.field, i.reason) for i in outcome.issues] == [("contact_name", "必填项为空")]
