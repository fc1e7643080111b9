"""validate: required fields, dropdowns, formats and date bounds, as issues people can act on."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from core.errors import ConfigError
from core.issues import Severity
from core.normalize import FieldProblem, RowNormalizer
from core.settings import QualitySettings
from core.validate import required_fields, validate

TODAY = date(2024, 6, 1)
GOOD = {"company_name": "星辰科技", "contact_name": "王经理", "phone": "13812345678"}


def issues_for(raw: dict[str, Any], quality: QualitySettings | None = None) -> list[Any]:
    quality = quality or QualitySettings()
    row = RowNormalizer(quality)(raw)
    return validate(
        row.values,
        row.problems,
        quality=quality,
        today=TODAY,
        table="sales",
        row="7",
        unknown=row.unknown,
        raw=raw,
    )


def test_clean_row_has_no_issues() -> None:
    assert issues_for(GOOD) == []


@pytest.mark.parametrize("missing", ["company_name", "contact_name", "phone"])
def test_required_fields(missing: str) -> None:
    raw = {**GOOD, missing: "  "}
    [issue] = issues_for(raw)
    assert (issue.table, issue.row, issue.field, issue.reason) == (
        "sales",
        "7",
        missing,
        "必填项为空",
    )
    assert issue.severity is Severity.ERROR


def test_placeholder_phone_counts_as_missing() -> None:
    [issue] = issues_for({**GOOD, "phone": "无"})
    assert (issue.field, issue.reason) == ("phone", "必填项为空")


def test_required_from_settings() -> None:
    quality = QualitySettings(required=["company_name", "email"])
    issues = issues_for({"company_name": "星辰科技"}, quality)
    assert [(i.field, i.reason) for i in issues] == [
        ("contact_name", "必填项为空"),
        ("email", "必填项为空"),
    ]
    with pytest.raises(ConfigError):
        required_fields(QualitySettings(required=["nope"]))


def test_a_customer_needs_its_name_and_contact_whatever_the_settings_say() -> None:
    quality = QualitySettings(required=["phone"])
    assert required_fields(quality) == ("company_name", "contact_name", "phone")
    issues = issues_for({"phone": "13812345678", "company_name": "星辰科技"}, quality)
    assert [(i.field, i.reason) for i in issues] == [("contact_name", "必填项为空")]


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("level", "D级", "可选:潜在客户/普通客户/重点客户"),
        ("follow_up_method", "微信", "可选:电话/拜访/邮件/会议"),
        ("phone", "1381234567", "手机号码应为11位数字"),
        ("phone", "12345678", "座机号码缺少区号"),
        ("email", "wang#example.com", "邮箱格式不正确"),
        ("customer_id", "C-20241340-1", "日期不存在"),
        ("customer_id", "见备注", "不是有效的客户编号"),
        ("last_follow_up", "5/10/2024", "歧义"),
        ("last_follow_up", "2024-02-30", "日期不存在"),
        ("total_amount", "约50万", "范围或约数"),
        ("industry", "元宇宙", "GB/T 4754"),
    ],
)
def test_unreadable_values_are_errors_with_the_value_quoted(
    field: str, value: str, fragment: str
) -> None:
    [issue] = issues_for({**GOOD, field: value})
    assert issue.field == field
    assert issue.value == value
    assert fragment in issue.reason
    assert issue.severity is Severity.ERROR
    assert value in issue.message() and "sales row 7" in issue.message()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("last_follow_up", "1900-01-01"),
        ("cooperation_start", 1.0),  # Excel serial 1 = 1900-01-01
        ("updated_at", "2100-01-01 00:00"),
        ("next_follow_up", "2099-01-01:跟进"),
    ],
)
def test_dates_out_of_bounds(field: str, value: Any) -> None:
    [issue] = issues_for({**GOOD, field: value})
    assert issue.field == field
    assert "1950年至2054年" in issue.reason


def test_date_bounds_are_configurable() -> None:
    quality = QualitySettings(earliest_year=1900, future_years=100)
    assert issues_for({**GOOD, "last_follow_up": "1900-01-01"}, quality) == []


def test_unknown_fields_are_warnings() -> None:
    [issue] = issues_for({**GOOD, "wechat": "wx123"})
    assert (issue.field, issue.severity) == ("wechat", Severity.WARNING)


def test_a_value_that_skipped_normalizing_cannot_add_an_option() -> None:
    values = {**GOOD, "phone": ("13812345678",), "level": "钻石客户"}
    [issue] = validate(values, quality=QualitySettings(), today=TODAY, table="t", row="1")
    assert issue.field == "level"
    assert "不在可选值中" in issue.reason


def test_problems_quote_masked_values() -> None:
    problem = FieldProblem("phone", "11010519491231002X", "无法识别的电话号码")
    [issue] = validate(dict(GOOD), [problem], today=TODAY, table="t", row="1")
    assert issue.value == "110***********002X"
