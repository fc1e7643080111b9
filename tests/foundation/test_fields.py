"""The field dictionary is complete, consistent, and agrees with the canonical model."""

from __future__ import annotations

import pytest

from core.fields import (
    ENUM_FIELDS,
    FIELD_BY_NAME,
    FIELDS,
    REQUIRED_FIELDS,
    FieldType,
    field_for_header,
)
from core.models import DERIVED_FIELDS, Customer

# Every field named in the source documents' field tables (seed 000 §三, seed 001 §三/§二).
SEED_000_LABELS = [
    "客户编号",
    "客户名称",
    "联系人姓名",
    "联系人职位",
    "联系方式",
    "企业地址",
    "所属行业",
    "客户等级",
    "客户来源",
    "最近跟进日期",
    "跟进方式",
    "跟进内容",
    "下次跟进计划",
    "合作项目/产品",
    "合作开始时间",
    "累计合作金额",
    "关键需求",
    "标签",
    "最后更新时间",
    "备注",
    "合作状态",
]
SEED_001_HEADERS = {
    "客户姓名": "contact_name",
    "联系电话": "phone",
    "所属公司": "company_name",
    "职位": "contact_title",
    "需求类型": "demand_type",
    "预算范围": "budget",
    "采购时间": "purchase_time",
    "跟进人": "owner",
    "跟进时间": "last_follow_up",
    "沟通内容": "follow_up_content",
    "客户反馈": "feedback",
    "行业": "industry",
    "来源渠道": "source",
    "跟进状态": "follow_up_status",
}


@pytest.mark.parametrize("label", SEED_000_LABELS)
def test_every_seed_000_field_is_in_the_dictionary(label):
    assert field_for_header(label) is not None, label
    assert FIELD_BY_NAME[field_for_header(label)].label == label


@pytest.mark.parametrize(("header", "field"), SEED_001_HEADERS.items())
def test_seed_001_headers_map_to_the_same_canonical_fields(header, field):
    assert field_for_header(header) == field


def test_headers_are_matched_loosely_but_never_ambiguously():
    assert field_for_header(" 客户名称* ") == "company_name"
    assert field_for_header("ＣＯＭＰＡＮＹ") == "company_name"  # full-width, case
    assert field_for_header("手机号") == "phone"
    assert field_for_header("不存在的列") is None


def test_required_fields_follow_the_seeds():
    assert set(REQUIRED_FIELDS) == {"company_name", "contact_name", "phone"}


def test_enums_have_the_seed_values_and_aliases():
    level = FIELD_BY_NAME["level"]
    assert level.choices == ("潜在客户", "普通客户", "重点客户")
    assert level.choice_aliases["A"] == "重点客户"
    assert FIELD_BY_NAME["follow_up_method"].choices == ("电话", "拜访", "邮件", "会议")
    assert {"合作中", "暂停合作"} <= set(FIELD_BY_NAME["status"].choices)
    assert set(ENUM_FIELDS) == {
        "level",
        "status",
        "follow_up_status",
        "follow_up_method",
        "demand_type",
    }
    for name in ENUM_FIELDS:
        spec = FIELD_BY_NAME[name]
        assert all(target in spec.choices for target in spec.choice_aliases.values()), name


def test_formats_of_the_seeds():
    assert FIELD_BY_NAME["customer_id"].format_hint == "C-YYYYMMDD-N"
    assert FIELD_BY_NAME["last_follow_up"].format_hint == "YYYY-MM-DD"
    assert FIELD_BY_NAME["total_amount"].type is FieldType.AMOUNT


def test_every_field_has_label_description_and_a_valid_example():
    for spec in FIELDS:
        assert spec.label and spec.description and spec.english, spec.name
        if spec.choices:
            assert spec.example in spec.choices, spec.name


def test_model_and_dictionary_name_the_same_fields():
    model_fields = set(Customer.model_fields) - set(DERIVED_FIELDS)
    assert model_fields == set(FIELD_BY_NAME)
