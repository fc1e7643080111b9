"""tag: rules from config add tags; entered tags are kept; the result is a normalized set."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from core.errors import ConfigError
from core.pipeline import PipelineOptions, SourceRow, process_row
from core.settings import TagRule
from core.tag import apply_tags, compile_rules

TODAY = date(2024, 6, 1)


def rule(tag: str, **when: Any) -> TagRule:
    return TagRule.model_validate({"tag": tag, "when": when})


def test_seed_examples() -> None:
    # 客户信息收集模板: 需求类型=采购设备 -> 设备采购; 来源渠道=展会 -> 展会客户
    rules = [
        TagRule.model_validate({"tag": "设备采购", "when": {"需求类型": "采购设备"}}),
        TagRule.model_validate({"tag": "展会客户", "when": {"来源渠道": "展会"}}),
    ]
    assert apply_tags({"demand_type": "采购设备", "source": "展会"}, rules, TODAY) == (
        "展会客户",
        "设备采购",
    )
    assert apply_tags({"demand_type": "软件系统", "source": "转介绍"}, rules, TODAY) == ()


def test_seed_examples_through_the_pipeline() -> None:
    options = PipelineOptions(
        tagging=(
            TagRule.model_validate({"tag": "设备采购", "when": {"需求类型": "采购设备"}}),
            TagRule.model_validate({"tag": "展会客户", "when": {"source": {"contains": "展会"}}}),
        ),
        today=TODAY,
    )
    values = {
        "company_name": "星辰科技",
        "contact_name": "王经理",
        "phone": "13812345678",
        "demand_type": "设备采购",  # a synonym, normalized to 采购设备 first
        "source": "行业展会2024",
        "tags": "高意向, 季度回访",
    }
    outcome = process_row(SourceRow("t", "2", values), options)
    assert outcome.customer is not None
    assert outcome.customer.tags == tuple(sorted(("展会客户", "季度回访", "设备采购", "高意向")))
    assert outcome.added_tags == ("设备采购", "展会客户")


@pytest.mark.parametrize(
    ("when", "values", "tagged"),
    [
        ({"source": {"equals": "展会"}}, {"source": "展会"}, True),
        ({"source": {"equals": "展会"}}, {"source": "行业展会2024"}, False),
        ({"source": "展会"}, {"source": "展会"}, True),  # shorthand for equals
        ({"source": {"not_equals": "展会"}}, {"source": "转介绍"}, True),
        ({"source": {"not_equals": "展会"}}, {}, True),
        ({"source": {"contains": "展会"}}, {"source": "行业展会2024"}, True),
        ({"source": {"contains": "ＥＸＰＯ"}}, {"source": "Tech Expo 2024"}, True),
        ({"source": {"in": ["展会", "转介绍"]}}, {"source": "转介绍"}, True),
        ({"source": {"in": ["展会", "转介绍"]}}, {"source": "官网"}, False),
        ({"source": {"regex": r"展会\d{4}$"}}, {"source": "行业展会2024"}, True),
        ({"source": {"regex": r"^展会"}}, {"source": "行业展会2024"}, False),
        ({"level": "A"}, {"level": "重点客户"}, True),  # expected value through the synonyms
        ({"level": {"in": ["A类", "B类"]}}, {"level": "普通客户"}, True),
        ({"tags": {"equals": "VIP"}}, {"tags": ("VIP", "高意向")}, True),
        ({"tags": {"contains": "意向"}}, {"tags": ("VIP", "高意向")}, True),
        ({"total_amount": {"gte": 1_000_000}}, {"total_amount": Decimal("1000000.00")}, True),
        ({"total_amount": {"gt": 1_000_000}}, {"total_amount": Decimal("1000000.00")}, False),
        ({"total_amount": {"lt": 100}}, {}, False),
        ({"total_amount": {"gte": 10, "lte": 20}}, {"total_amount": Decimal("15")}, True),
        ({"email": {"empty": True}}, {}, True),
        ({"email": {"empty": False}}, {"email": "a@b.cn"}, True),
        (
            {"next_follow_up": {"overdue": True}},
            {"next_follow_up": "2024-05-20:x", "next_follow_up_date": date(2024, 5, 20)},
            True,
        ),
        (
            {"next_follow_up": {"overdue": True}},
            {"next_follow_up": "2024-06-20:x", "next_follow_up_date": date(2024, 6, 20)},
            False,
        ),
        ({"next_follow_up": {"overdue": True}}, {"next_follow_up": "跟进合同"}, False),
        ({"next_follow_up": {"contains": "合同"}}, {"next_follow_up": "2024-06-20:跟进合同"}, True),
        (
            {"next_follow_up_date": {"within_days": 7}},
            {"next_follow_up_date": date(2024, 6, 5)},
            True,
        ),
        (
            {"next_follow_up_date": {"within_days": 7}},
            {"next_follow_up_date": date(2024, 6, 12)},
            False,
        ),
        ({"last_follow_up": {"within_days": -30}}, {"last_follow_up": date(2024, 5, 10)}, True),
        ({"last_follow_up": {"older_than_days": 90}}, {"last_follow_up": date(2024, 1, 1)}, True),
        ({"last_follow_up": {"older_than_days": 90}}, {"last_follow_up": date(2024, 5, 1)}, False),
        ({"province": {"in": ["上海市", "江苏省"]}}, {"province": "江苏省"}, True),
        (
            {"客户等级": "重点客户", "客户来源": {"contains": "展会"}},
            {"level": "重点客户", "source": "展会"},
            True,
        ),
        (
            {"客户等级": "重点客户", "客户来源": {"contains": "展会"}},
            {"level": "重点客户", "source": "官网"},
            False,
        ),
    ],
)
def test_operators(when: dict[str, Any], values: dict[str, Any], tagged: bool) -> None:
    assert ("标记" in apply_tags(values, [rule("标记", **when)], TODAY)) is tagged


def test_manual_tags_are_kept_and_the_result_is_a_set() -> None:
    rules = [rule("VIP", level="重点客户"), rule("展会客户", source={"contains": "展会"})]
    values = {"level": "重点客户", "source": "展会", "tags": ("VIP", "季度回访")}
    assert apply_tags(values, rules, TODAY) == ("VIP", "季度回访", "展会客户")  # sorted, once


def test_rule_tags_are_cleaned() -> None:
    assert apply_tags({"source": "展会"}, [rule(" ＃展会客户 ", source="展会")], TODAY) == (
        "展会客户",
    )


@pytest.mark.parametrize(
    "bad",
    [
        {"tag": "x", "when": {"no_such_field": "1"}},
        {"tag": "x", "when": {"source": {"regex": "("}}},
        {"tag": "#", "when": {"source": "展会"}},
    ],
)
def test_bad_rules_are_config_errors(bad: dict[str, Any]) -> None:
    with pytest.raises(ConfigError):
        compile_rules([TagRule.model_validate(bad)])
