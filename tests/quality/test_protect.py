"""protect: ID and bank card numbers masked in every free-text field, never leaked."""

from __future__ import annotations

import pytest

from core.issues import Severity
from core.pipeline import PipelineOptions, SourceRow, process_row
from core.protect import (
    is_bank_card,
    is_resident_id,
    mask_bank_card,
    mask_id_number,
    mask_phone,
    mask_sensitive,
    protect,
    safe_excerpt,
)
from core.settings import QualitySettings

ID_18 = "11010519491231002X"  # valid checksum (X), born 1949-12-31
ID_18_DIGIT = "110101199003074514"
ID_15 = "110105491231002"
CARD_19 = "6222021234567890128"  # passes Luhn
CARD_16 = "4111111111111111"


def test_fixtures_are_valid_numbers() -> None:
    assert is_resident_id(ID_18)
    assert is_resident_id(ID_18_DIGIT)
    assert is_resident_id(ID_15)
    assert is_bank_card(CARD_19)
    assert is_bank_card(CARD_16)


@pytest.mark.parametrize(
    ("text", "masked", "kinds"),
    [
        (f"身份证{ID_18}", "身份证110***********002X", ("id_number",)),
        (f"证件号:{ID_18_DIGIT}。", "证件号:110***********4514。", ("id_number",)),
        (
            f"证件号 {ID_18[:6]} {ID_18[6:14]} {ID_18[14:]}",
            "证件号 110***********002X",
            ("id_number",),
        ),
        (f"旧身份证{ID_15}", "旧身份证110********1002", ("id_number",)),
        (
            "身份证：１１０１０５１９４９１２３１００２Ｘ，请注意",
            "身份证：110***********002X，请注意",
            ("id_number",),
        ),
        (f"ID{ID_18}", "ID110***********002X", ("id_number",)),
        (f"卡号{CARD_19}", "卡号622************0128", ("bank_card",)),
        ("卡号 6222 0212 3456 7890 128", "卡号 622************0128", ("bank_card",)),
        (f"visa {CARD_16}", "visa 411*********1111", ("bank_card",)),
        (
            f"{ID_18}和{CARD_19}",
            "110***********002X和622************0128",
            ("id_number", "bank_card"),
        ),
        ("护照号:E12345678", "护照号:E******78", ("passport",)),
    ],
)
def test_masks_sensitive_numbers(text: str, masked: str, kinds: tuple[str, ...]) -> None:
    result = mask_sensitive(text)
    assert result.text == masked
    assert result.kinds == kinds


@pytest.mark.parametrize(
    "text",
    [
        "电话13812345678",
        "电话13812345678 13912345678 13712345678",
        "+8613812345678 / 008613812345678",
        "合同金额500000元,回款1200000.00元",
        "金额 123456789012345678 元",  # 18 digits, but no real birth date or Luhn
        "客户编号C-20240510-1",
        "时间戳1715270400000",
        "订单号2024051012345",
        "110101199013071234",  # month 13: not an ID
        "11010519491231002Y",
        "6222021234567890127",  # fails Luhn
        "E12345678",  # passport-like, but no label
        "统一社会信用代码91350100M000100Y43",
    ],
)
def test_leaves_other_numbers_alone(text: str) -> None:
    assert mask_sensitive(text).text == text
    assert not mask_sensitive(text).found


def test_masks_in_the_seeds_style() -> None:
    assert mask_id_number("110101199003074514") == "110***********4514"
    assert mask_bank_card("6222 0212 3456 7890 128") == "622************0128"


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("13812345678", "138****5678"),
        ("010-12345678", "010-****5678"),
        ("0571-8888888", "0571-***8888"),
        ("0755-88888888转123", "0755-****8888转123"),
        ("400-800-8888", "400-***-8888"),
        ("+12025550123", "+1202***0123"),
        ("+86 138 1234 5678; 0571-8888888", "138****5678; 0571-***8888"),
        ("电话 12345678901", "123****8901"),
    ],
)
def test_mask_phone(number: str, masked: str) -> None:
    assert mask_phone(number) == masked


def test_stage_masks_any_text_field_and_warns() -> None:
    values = {
        "remarks": f"客户身份证{ID_18}",
        "follow_up_content": f"回款卡号{CARD_19}",
        "company_name": "北京星辰科技有限公司",
        "tags": ("VIP", ID_18_DIGIT),
        "phone": ("13812345678",),
    }
    result = protect(values, policy="mask", table="t", row="2")
    assert result.masked == 3
    assert result.values["remarks"] == "客户身份证110***********002X"
    assert result.values["follow_up_content"] == "回款卡号622************0128"
    assert result.values["tags"] == ("110***********4514", "VIP")
    assert result.values["phone"] == ("13812345678",)
    assert values["remarks"] == f"客户身份证{ID_18}"  # the input is not changed
    assert {issue.field for issue in result.issues} == {"remarks", "follow_up_content", "tags"}
    assert all(issue.severity is Severity.WARNING for issue in result.issues)
    assert_no_leak(result.issues, result.values)


def test_stage_quarantine_policy_is_an_error() -> None:
    result = protect({"remarks": f"身份证{ID_18}"}, policy="quarantine", table="t", row="2")
    assert [issue.severity for issue in result.issues] == [Severity.ERROR]
    assert "不得保存" in result.issues[0].reason
    assert_no_leak(result.issues, result.values)


def test_safe_excerpt_masks_long_digit_runs_even_without_checksum() -> None:
    # An ID number that went through a float in a spreadsheet lost its check digit.
    assert safe_excerpt(110105194912310016.0) == "110***********0016"
    assert safe_excerpt("123456789012345678") == "123***********5678"
    assert safe_excerpt("13812345678") == "13812345678"


def test_safe_excerpt_masks_before_cutting() -> None:
    assert safe_excerpt(f"x{ID_18}") == "x110***********002X"
    long = "备注" * 30 + ID_18
    assert ID_18 not in safe_excerpt(long)


def assert_no_leak(*things: object) -> None:
    text = repr(things)
    for number in (ID_18, ID_18_DIGIT, ID_15, CARD_19, CARD_16):
        assert number not in text
        assert number[:-1] not in text


@pytest.mark.parametrize("policy", ["mask", "quarantine"])
def test_pipeline_never_leaks(policy: str) -> None:
    options = PipelineOptions(quality=QualitySettings.model_validate({"sensitive": policy}))
    values = {
        "company_name": "星辰科技",
        "contact_name": "王经理",
        "phone": ID_18_DIGIT,  # an ID number typed into the phone column
        "customer_id": CARD_19,  # a card number typed into the id column
        "total_amount": ID_15,  # and one into the amount column
        "remarks": f"身份证{ID_18},卡号{CARD_16}",
        "next_follow_up": f"2024-05-20:核对{CARD_19}",
    }
    outcome = process_row(SourceRow("t", "2", values), options)
    assert outcome.quarantined  # the phone and id columns are unusable either way
    assert_no_leak(outcome.issues, [issue.message() for issue in outcome.issues])
    fields = {issue.field for issue in outcome.issues}
    assert {"phone", "customer_id", "remarks", "next_follow_up"} <= fields


def test_pipeline_masks_and_keeps_the_row() -> None:
    values = {
        "company_name": "星辰科技",
        "contact_name": "王经理",
        "phone": "13812345678",
        "remarks": f"身份证{ID_18}",
    }
    outcome = process_row(SourceRow("t", "2", values), PipelineOptions())
    assert outcome.customer is not None
    assert outcome.customer.remarks == "身份证110***********002X"
    assert outcome.masked == 1
    assert [issue.severity for issue in outcome.issues] == [Severity.WARNING]
    assert_no_leak(outcome.customer.model_dump(), outcome.issues)
