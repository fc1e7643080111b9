"""Matching keys: the normalization that decides which records ever meet."""

from __future__ import annotations

import pytest

from core.dedupe.keys import (
    address_key,
    company_key,
    fold,
    fuzzy_pinyin,
    looks_like_company,
    looks_like_person,
    person_key,
    phone_key,
    pinyin_syllables,
)


@pytest.mark.parametrize(
    "name",
    [
        "北京星辰科技有限公司",
        "星辰科技(北京)有限公司",
        "星辰科技（北京）有限公司",
        "北京市星辰科技有限公司",
        "星辰科技有限公司",
        "星辰科技公司",
        "星辰科技股份有限公司",
        "北京星辰科技",
        "星辰科技(北京)有限責任公司",  # traditional characters
        "  北京 星辰科技 有限公司 ",
    ],
)
def test_company_variants_share_one_key(name: str) -> None:
    assert company_key(name).key == "星辰科技"
    assert company_key(name).pinyin == "xingchenkeji"


def test_city_in_the_name_is_kept_as_region() -> None:
    assert company_key("星辰科技(北京)有限公司").region == "beijing"
    assert company_key("上海星辰科技有限公司").region == "shanghai"
    assert company_key("星辰科技有限公司").region == ""


def test_romanized_name_meets_its_han_form_through_pinyin() -> None:
    han = company_key("星辰科技有限公司")
    for latin in (
        "Xingchen Keji Youxian Gongsi",
        "Beijing Xingchen Keji Co., Ltd.",
        "XINGCHEN KEJI",
    ):
        assert company_key(latin).pinyin == han.pinyin


def test_branches_keep_their_branch_and_share_a_root() -> None:
    beijing = company_key("星辰集团有限公司北京分公司")
    shanghai = company_key("星辰集团上海分公司")
    bracketed = company_key("星辰集团(上海分公司)")
    assert beijing.root == shanghai.root == "星辰集团"
    assert beijing.branch == "北京分公司"
    assert shanghai.branch == bracketed.branch == "上海分公司"
    assert beijing.key != shanghai.key
    assert shanghai.key == bracketed.key


def test_a_word_ending_like_a_branch_is_not_a_branch() -> None:
    # 电子公司 ends in 子公司 (subsidiary) but is an electronics company.
    assert company_key("可鹏电子公司").key == "可鹏电子"
    assert company_key("可鹏电子公司").branch == ""


def test_city_names_that_are_part_of_the_name_stay() -> None:
    assert company_key("重庆银行股份有限公司").key == "重庆银行"
    assert company_key("中山大学").key == "中山大学"


def test_person_names_fold_traditional_pinyin_and_titles() -> None:
    assert person_key("王偉").key == "王伟"
    assert person_key("王伟").pinyin == person_key("Wang Wei").pinyin == "wangwei"
    assert person_key("Wei Wang").alt_pinyin == "wangwei"
    assert person_key("王伟经理").key == "王伟"
    partial = person_key("王经理")
    assert partial.partial
    assert partial.surnames == {"wang"}
    assert person_key("欧阳女士").surnames == {"ouyang"}
    assert person_key("Yu Xiansheng").partial


def test_fuzzy_pinyin_blurs_what_input_methods_blur() -> None:
    assert fuzzy_pinyin("dingmin") == fuzzy_pinyin("dingming")
    assert fuzzy_pinyin("zhangsan") == fuzzy_pinyin("zangsan")
    assert fuzzy_pinyin("wangwei") != fuzzy_pinyin("liwei")


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("13812345678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("0086 13812345678", "13812345678"),
        ("(+86)13812345678", "13812345678"),
        ("８６１３８１２３４５６７８", "13812345678"),  # full-width digits
        ("010-12345678", "1012345678"),
        ("(010)1234-5678", "1012345678"),
        ("+86-10-12345678", "1012345678"),
        ("0755-88888888转123", "75588888888"),
        ("12345", None),
    ],
)
def test_phone_key_ignores_format(raw: str, key: str | None) -> None:
    assert phone_key(raw) == key


def test_pinyin_reads_polyphones_from_their_phrase() -> None:
    assert pinyin_syllables("重庆银行") == ("chong", "qing", "yin", "hang")
    assert pinyin_syllables("长沙") == ("chang", "sha")
    assert pinyin_syllables("吕") == ("lv",)
    assert pinyin_syllables("王伟 abc") == ("wang", "wei", "abc")


def test_fold() -> None:
    assert fold("星辰科技（北京）ＡＢＣ") == "星辰科技(北京)abc"
    assert fold("濟南馨禹電子") == "济南馨禹电子"
    assert fold("  A  b ") == "a b"


def test_address_parts() -> None:
    full = address_key("北京市海淀区中关村大街1号")
    assert (full.city, full.district, full.street) == ("北京", "海淀", "中关村大街1号")
    assert address_key("海淀区中关村大街1号").street == "中关村大街1号"
    derived = address_key("中关村大街1号", "北京市", "海淀区")
    assert (derived.city, derived.district) == ("北京", "海淀")


def test_swapped_column_detection() -> None:
    assert looks_like_company("北京星辰科技有限公司")
    assert looks_like_company("鹏衡家具")
    assert looks_like_person("王伟")
    assert looks_like_person("王经理")
    assert not looks_like_person("北京星辰科技有限公司")
    assert not looks_like_company("王伟")


def test_romanized_legal_words_are_dropped_word_by_word() -> None:
    assert company_key("Tesco").key == "tesco"  # its "co" is part of the name
    assert company_key("Tesco Co., Ltd.").key == "tesco"
    assert company_key("XingchenKejiYouxianGongsi").key == "xingchenkeji"
    assert company_key("Xingchen Keji (Beijing) Co., Ltd.").region == "beijing"
