"""The shipped GB/T 4754-2017 table and synonyms are complete and consistent."""

from __future__ import annotations

from core.normalize.industry import industries, industry_code, shipped_synonyms

#: Spot checks against the National Bureau of Statistics text (code, name).
KNOWN = {
    "A": "农、林、牧、渔业",
    "C": "制造业",
    "I": "信息传输、软件和信息技术服务业",
    "T": "国际组织",
    "05": "农、林、牧、渔专业及辅助性活动",
    "11": "开采专业及辅助性活动",
    "36": "汽车制造业",
    "39": "计算机、通信和其他电子设备制造业",
    "43": "金属制品、机械和设备修理业",
    "65": "软件和信息技术服务业",
    "96": "基层群众自治组织及其他组织",
    "97": "国际组织",
}


def test_twenty_sections_and_ninety_seven_divisions() -> None:
    rows = industries()
    sections = [row for row in rows if row.level == "门类"]
    divisions = [row for row in rows if row.level == "大类"]
    assert [row.code for row in sections] == [chr(c) for c in range(ord("A"), ord("T") + 1)]
    assert [row.code for row in divisions] == [f"{n:02d}" for n in range(1, 98)]
    assert all(row.parent is None for row in sections)
    section_codes = {row.code for row in sections}
    assert all(row.parent in section_codes for row in divisions)
    # Divisions are numbered in section order.
    parents = [row.parent or "" for row in divisions]
    assert parents == sorted(parents)


def test_known_names() -> None:
    by_code = {row.code: row.name for row in industries()}
    for code, name in KNOWN.items():
        assert by_code[code] == name


def test_synonyms_point_at_real_names() -> None:
    names = {row.name for row in industries()}
    synonyms = shipped_synonyms()
    assert len(synonyms) > 150
    assert set(synonyms.values()) <= names
    assert synonyms["生产制造"] == "制造业"
    assert synonyms["软件开发"] == "软件和信息技术服务业"


def test_industry_code() -> None:
    assert industry_code("制造业") == "C"
    assert industry_code("汽车制造业") == "36"
    assert industry_code("不存在") is None
