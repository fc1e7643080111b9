"""find_duplicates: what merges on its own, what waits for a person, what never comes back."""

from __future__ import annotations

from core.dedupe import CandidatePair, DedupeResult, find_duplicates
from core.settings import DedupeSettings
from tests.dedupe.helpers import rec


def pair_of(result: DedupeResult, a: str, b: str) -> CandidatePair | None:
    x, y = sorted((a, b))
    return next((p for p in result.pairs if (p.a, p.b) == (x, y)), None)


def merged(result: DedupeResult, *keys: str) -> bool:
    return any(set(keys) <= set(group) for group in result.groups)


def in_review(result: DedupeResult, a: str, b: str) -> bool:
    x, y = sorted((a, b))
    return any((p.a, p.b) == (x, y) for p in result.review)


DEFAULT = DedupeSettings()


def check_contract(result: DedupeResult, settings: DedupeSettings = DEFAULT) -> None:
    grouped = {key: i for i, group in enumerate(result.groups) for key in group}
    for group in result.groups:
        assert len(group) >= 2
        assert group == sorted(group)
    assert len(grouped) == sum(len(g) for g in result.groups), "a key in two groups"
    for pair in result.pairs:
        assert pair.a < pair.b
        assert 0.0 <= pair.score <= 1.0
        assert pair.score >= settings.review_threshold
        assert pair.reasons
    for pair in result.review:
        assert pair.decision == "review"
        assert pair in result.pairs
        assert grouped.get(pair.a, -1) != grouped.get(pair.b, -2), "review pair already merged"


# --- sure matches ---------------------------------------------------------------------------


def test_legal_form_and_bracketed_city_with_phone_formats_merge() -> None:
    result = find_duplicates(
        [
            rec("feishu:1", "北京星辰科技有限公司", "王伟", "13812345678"),
            rec("sheet:2", "星辰科技(北京)有限公司", "王伟", "+86 138-1234-5678"),
        ]
    )
    check_contract(result)
    assert result.groups == [["feishu:1", "sheet:2"]]
    pair = pair_of(result, "feishu:1", "sheet:2")
    assert pair is not None and pair.decision == "auto"
    assert "same phone 13812345678" in pair.reasons
    assert "same company 星辰科技" in pair.reasons


def test_traditional_and_simplified_merge() -> None:
    result = find_duplicates(
        [
            rec("a:1", "深圳華信電子有限公司", "陳靜", "139-0000-1111"),
            rec("b:1", "深圳华信电子有限公司", "陈静", "13900001111"),
        ]
    )
    assert result.groups == [["a:1", "b:1"]]


def test_pinyin_spelling_merges() -> None:
    result = find_duplicates(
        [
            rec("a:1", "星辰科技有限公司", "王伟", "13812345678"),
            rec("b:1", "Xingchen Keji Co., Ltd.", "Wang Wei", "+8613812345678"),
        ]
    )
    assert result.groups == [["a:1", "b:1"]]


def test_seed_rule_name_plus_phone_merges_when_the_evidence_alone_would_not() -> None:
    # 姓名+联系方式相同判定为重复客户. The company names differ in one character (a typo that is
    # no homophone), and a shared phone is made to weigh little, so the field evidence alone
    # stays below the automatic threshold: the rule decides.
    weak_phone = DedupeSettings(weights={"phone.same": 2.0})
    records = [
        rec("a:1", "华信电子有限公司", "李娜", "13700001111"),
        rec("b:1", "华倍电子有限公司", "李娜", "137 0000 1111"),
    ]
    result = find_duplicates(records, weak_phone)
    assert merged(result, "a:1", "b:1")
    pair = pair_of(result, "a:1", "b:1")
    assert pair is not None
    assert pair.reasons[0] == "rule: same 姓名+联系方式"
    assert pair.score == weak_phone.auto_merge_threshold


def test_rules_come_from_config() -> None:
    records = [
        rec("a:1", "华信电子有限公司", "李娜", "13700001111"),
        rec("b:1", "华倍电子有限公司", "李娜", "137 0000 1111"),
    ]
    no_rules = DedupeSettings(weights={"phone.same": 2.0}, rules=[["customer_id"]])
    result = find_duplicates(records, no_rules)
    assert not merged(result, "a:1", "b:1")
    assert in_review(result, "a:1", "b:1")


def test_swapped_company_and_contact_columns_merge() -> None:
    result = find_duplicates(
        [
            rec("a:1", "北京星辰科技有限公司", "王伟", "13812345678", email="wang@xc.cn"),
            rec("b:1", "王伟", "星辰科技", "13812345678", email="wang@xc.cn"),
        ]
    )
    assert result.groups == [["a:1", "b:1"]]


def test_missing_fields_are_no_evidence_against() -> None:
    result = find_duplicates(
        [
            rec("a:1", "北京星辰科技有限公司", "王伟", "13812345678", email="w@xc.cn"),
            rec("b:1", "星辰科技公司", "王伟"),  # no phone, no e-mail
        ]
    )
    assert result.groups == [["a:1", "b:1"]]


def test_surname_with_title_meets_full_name_at_same_company_and_phone() -> None:
    result = find_duplicates(
        [
            rec("a:1", "北京星辰科技有限公司", "王伟", "13812345678"),
            rec("b:1", "星辰科技", "王经理", "13812345678"),
        ]
    )
    assert result.groups == [["a:1", "b:1"]]


# --- must never merge automatically, must reach a person --------------------------------------


def test_same_company_other_contact_and_phone_goes_to_review() -> None:
    result = find_duplicates(
        [
            rec("a:1", "北京星辰科技有限公司", "王伟", "13812345678"),
            rec("b:1", "星辰科技(北京)有限公司", "李娜", "13900002222"),
        ]
    )
    check_contract(result)
    assert result.groups == []
    assert in_review(result, "a:1", "b:1")
    pair = pair_of(result, "a:1", "b:1")
    assert pair is not None
    assert pair.score < DedupeSettings().auto_merge_threshold
    assert any("different contact" in reason for reason in pair.reasons)


def test_same_person_at_two_companies_goes_to_review() -> None:
    # Name and phone agree (the seeds' rule), but the companies are clearly different.
    result = find_duplicates(
        [
            rec("a:1", "北京星辰科技有限公司", "王伟", "13812345678"),
            rec("b:1", "上海月光贸易有限公司", "王伟", "13812345678"),
        ]
    )
    assert result.groups == []
    assert in_review(result, "a:1", "b:1")
    pair = pair_of(result, "a:1", "b:1")
    assert pair is not None
    assert "not merged automatically: different company" in pair.reasons


def test_two_branches_of_one_group_go_to_review() -> None:
    result = find_duplicates(
        [
            rec("a:1", "星辰集团有限公司北京分公司", "赵磊", "13700001111"),
            rec("b:1", "星辰集团有限公司上海分公司", "钱敏", "13700002222"),
        ]
    )
    assert result.groups == []
    assert in_review(result, "a:1", "b:1")


def test_two_branches_stay_apart_even_with_the_same_contact() -> None:
    result = find_duplicates(
        [
            rec("a:1", "星辰集团北京分公司", "赵磊", "13700001111"),
            rec("b:1", "星辰集团上海分公司", "赵磊", "13700001111"),
        ]
    )
    assert result.groups == []
    assert in_review(result, "a:1", "b:1")


def test_namesakes_in_two_cities_go_to_review() -> None:
    result = find_duplicates(
        [
            rec("a:1", "北京星辰科技有限公司", "王伟", "13812345678"),
            rec("b:1", "上海星辰科技有限公司", "王伟"),
        ]
    )
    assert result.groups == []
    assert in_review(result, "a:1", "b:1")


def test_different_customers_are_not_reported_at_all() -> None:
    result = find_duplicates(
        [
            rec("a:1", "北京星辰科技有限公司", "王伟", "13812345678"),
            rec("b:1", "广州蓝海物流有限公司", "王伟", "13500009999"),
        ]
    )
    assert result.pairs == []


def test_a_chain_never_joins_two_different_customers() -> None:
    # b is a bare "王经理" that agrees with both a and c on phone or company; a and c are two
    # people at one company. a-b and b-c are sure, yet a and c must not end up in one group.
    records = [
        rec("a:1", "北京星辰科技有限公司", "王伟", "13812345678"),
        rec("b:1", "星辰科技", "王经理", "13812345678"),
        rec("c:1", "星辰科技有限公司", "王芳", "13600001111"),
        rec("d:1", "星辰科技公司", "王芳", "13600001111"),
    ]
    result = find_duplicates(records)
    check_contract(result)
    for group in result.groups:
        assert not {"a:1", "c:1"} <= set(group)
    assert merged(result, "a:1", "b:1")
    assert merged(result, "c:1", "d:1")


# --- review decisions are remembered ---------------------------------------------------------


def test_rejected_pair_is_never_proposed_again() -> None:
    records = [
        rec("a:1", "北京星辰科技有限公司", "王伟", "13812345678"),
        rec("b:1", "星辰科技(北京)有限公司", "李娜", "13900002222"),
    ]
    assert in_review(find_duplicates(records), "a:1", "b:1")
    result = find_duplicates(records, rejected=[frozenset({"a:1", "b:1"})])
    assert result.pairs == []
    assert result.review == []


def test_rejected_sure_pair_is_not_merged_nor_chained() -> None:
    records = [
        rec("a:1", "北京星辰科技有限公司", "王伟", "13812345678"),
        rec("b:1", "星辰科技(北京)有限公司", "王伟", "13812345678"),
        rec("c:1", "星辰科技公司", "王伟", "138-1234-5678"),
    ]
    assert find_duplicates(records).groups == [["a:1", "b:1", "c:1"]]
    result = find_duplicates(records, rejected=[frozenset({"a:1", "b:1"})])
    check_contract(result)
    assert pair_of(result, "a:1", "b:1") is None
    for group in result.groups:
        assert not {"a:1", "b:1"} <= set(group)


# --- new against stored ----------------------------------------------------------------------


def test_new_rows_are_compared_with_existing_but_existing_never_with_each_other() -> None:
    stored = [
        rec(
            "C-20240101-1",
            "北京星辰科技有限公司",
            "王伟",
            "13812345678",
            customer_id="C-20240101-1",
        ),
        rec("C-20240101-2", "星辰科技有限公司", "王伟", "13812345678", customer_id="C-20240101-2"),
    ]
    new = [rec("sheet:5", "星辰科技(北京)有限公司", "王偉", "+86 13812345678")]
    result = find_duplicates(new, existing=stored)
    check_contract(result)
    assert pair_of(result, "C-20240101-1", "C-20240101-2") is None
    # The new row matches both stored customers; it may join one of them, never both at once.
    for group in result.groups:
        assert not {"C-20240101-1", "C-20240101-2"} <= set(group)
    assert any("sheet:5" in group for group in result.groups)
    assert pair_of(result, "C-20240101-1", "sheet:5") is not None
    assert pair_of(result, "C-20240101-2", "sheet:5") is not None


def test_existing_only_finds_nothing() -> None:
    stored = [
        rec("C-1", "北京星辰科技有限公司", "王伟", "13812345678"),
        rec("C-2", "星辰科技有限公司", "王伟", "13812345678"),
    ]
    assert find_duplicates([], existing=stored) == DedupeResult()


def test_new_row_links_to_its_stored_customer() -> None:
    stored = [rec("C-20240101-1", "北京星辰科技有限公司", "王伟", "13812345678")]
    new = [
        rec("sheet:5", "星辰科技", "王伟", "138 1234 5678"),
        rec("sheet:6", "广州蓝海物流有限公司", "李娜", "13500009999"),
    ]
    result = find_duplicates(new, existing=stored)
    assert result.groups == [["C-20240101-1", "sheet:5"]]


def test_same_customer_id_is_one_customer() -> None:
    result = find_duplicates(
        [
            rec("feishu:1", "星辰科技", "王伟", customer_id="C-20240101-7"),
            rec("sheet:1", "北京星辰科技有限公司", "王经理", customer_id="C-20240101-7"),
        ]
    )
    assert result.groups == [["feishu:1", "sheet:1"]]


def test_keys_must_be_unique() -> None:
    import pytest

    with pytest.raises(ValueError, match="unique"):
        find_duplicates([rec("a", "星辰科技", "王伟"), rec("a", "星辰科技", "王伟")])


def test_thresholds_are_settings() -> None:
    records = [
        rec("a:1", "北京星辰科技有限公司", "王伟", "13812345678"),
        rec("b:1", "星辰科技(北京)有限公司", "李娜", "13900002222"),
    ]
    quiet = DedupeSettings(review_related=False)
    assert find_duplicates(records, quiet).pairs == []
