"""Table-driven cases: messy cells as tables hold them, and the exact normalized result.

Each table lists (input, expected value) for values that normalize, or (input, FAIL + reason
fragment) for values that must be reported instead. A count test keeps the tables above 150
cases.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from core.normalize import (
    IndustryTable,
    normalize_address,
    normalize_amount,
    normalize_customer_id,
    normalize_date,
    normalize_dated_text,
    normalize_datetime,
    normalize_email,
    normalize_enum,
    normalize_long_text,
    normalize_phone,
    normalize_tags,
    normalize_text,
)
from core.normalize.address import AddressParts
from core.normalize.base import Normalized
from core.normalize.text import company_key

SH = ZoneInfo("Asia/Shanghai")


class Fail:
    """Expected outcome: a problem whose reason contains ``fragment``."""

    def __init__(self, fragment: str) -> None:
        self.fragment = fragment

    def __repr__(self) -> str:
        return f"Fail({self.fragment!r})"


def check(result: Normalized[Any], expected: Any) -> None:
    if isinstance(expected, Fail):
        assert result.value is None, result
        assert result.problem is not None, result
        assert expected.fragment in result.problem, result.problem
    else:
        assert result.problem is None, result.problem
        assert result.value == expected
        assert type(result.value) is type(expected)


# -- phones ------------------------------------------------------------------------------------

PHONES: list[tuple[Any, Any]] = [
    ("13812345678", ("13812345678",)),
    ("138-1234-5678", ("13812345678",)),
    ("138 1234 5678", ("13812345678",)),
    ("138.1234.5678", ("13812345678",)),
    ("+86 138 1234 5678", ("13812345678",)),
    ("(+86)18967227761", ("18967227761",)),
    ("（+86）189 6722 7761", ("18967227761",)),
    ("(+86) 10 1234 5678", ("010-12345678",)),
    ("(+44) 20 7946 0958", ("+442079460958",)),
    ("+86-13812345678", ("13812345678",)),
    ("+8613812345678", ("13812345678",)),
    ("0086 138 1234 5678", ("13812345678",)),
    ("8613812345678", ("13812345678",)),
    ("013812345678", ("13812345678",)),
    ("１３８１２３４５６７８", ("13812345678",)),
    ("１３８－１２３４－５６７８", ("13812345678",)),
    (" 13812345678\u200b ", ("13812345678",)),
    (13812345678, ("13812345678",)),
    (13812345678.0, ("13812345678",)),
    ("手机:13812345678", ("13812345678",)),
    ("Tel: 010-12345678", ("010-12345678",)),
    ("010-12345678", ("010-12345678",)),
    ("010 1234 5678", ("010-12345678",)),
    ("(010)12345678", ("010-12345678",)),
    ("（010）12345678", ("010-12345678",)),
    ("01012345678", ("010-12345678",)),
    ("+86 10 12345678", ("010-12345678",)),
    ("+86-10-12345678", ("010-12345678",)),
    ("8610-12345678", ("010-12345678",)),
    ("020-87654321", ("020-87654321",)),
    ("0571-8888888", ("0571-8888888",)),
    ("0571 88888888", ("0571-88888888",)),
    ("+86 571 88888888", ("0571-88888888",)),
    ("0755-88888888转123", ("0755-88888888转123",)),
    ("0755-88888888 转 123", ("0755-88888888转123",)),
    ("0755-88888888分机123", ("0755-88888888转123",)),
    ("0755-88888888 ext. 123", ("0755-88888888转123",)),
    ("0755-88888888#123", ("0755-88888888转123",)),
    ("0755-88888888-123", ("0755-88888888转123",)),
    ("400-800-8888", ("400-800-8888",)),
    ("4008008888", ("400-800-8888",)),
    ("13812345678;13912345678", ("13812345678", "13912345678")),
    ("13812345678；13912345678", ("13812345678", "13912345678")),
    ("13812345678, 010-12345678", ("13812345678", "010-12345678")),
    ("13812345678、13912345678", ("13812345678", "13912345678")),
    ("13812345678\n13912345678", ("13812345678", "13912345678")),
    ("13812345678 13912345678", ("13812345678", "13912345678")),
    ("13812345678/13912345678", ("13812345678", "13912345678")),
    ("010-12345678或13812345678", ("010-12345678", "13812345678")),
    ("010-12345678/87654321", ("010-12345678", "010-87654321")),
    ("手机:13812345678 座机:010-12345678", ("13812345678", "010-12345678")),
    ("13812345678; 13812345678", ("13812345678",)),
    (["13812345678", "010-12345678"], ("13812345678", "010-12345678")),
    ("+1 202-555-0123", ("+12025550123",)),
    ("001 202 555 0123", ("+12025550123",)),
    ("+852 9123 4567", ("+85291234567",)),
    ("+44 20 7946 0958", ("+442079460958",)),
    ("+12025550123 ext. 123", ("+12025550123 ext. 123",)),
    ("138****5678", Fail("隐藏")),
    ("138xxxx5678", Fail("隐藏")),
    ("1381234567", Fail("11位")),
    ("138123456789", Fail("11位")),
    ("15412345678", Fail("号段")),
    ("12345678", Fail("缺少区号")),
    ("8888888", Fail("缺少区号")),
    ("0123-4567890", Fail("区号")),
    ("95588", Fail("无法识别")),
    ("abc", Fail("无法识别")),
    ("13812345678; 12345", Fail("无法识别")),
    ("+1 555", Fail("国际")),
    ("", None),
    ("无", None),
    ("-", None),
    (None, None),
]


@pytest.mark.parametrize(("raw", "expected"), PHONES)
def test_phone(raw: Any, expected: Any) -> None:
    check(normalize_phone(raw), expected)


# -- dates -------------------------------------------------------------------------------------

D = date(2024, 5, 10)
DATES: list[tuple[Any, Any]] = [
    ("2024-05-10", D),
    ("2024/5/10", D),
    ("2024/05/10", D),
    ("2024.05.10", D),
    ("2024.5.10", D),
    ("2024年5月10日", D),
    ("2024年05月10日", D),
    ("2024年5月10号", D),
    ("2024 年 5 月 10 日", D),
    ("24年5月10日", D),
    ("二〇二四年五月十日", D),
    ("20240510", D),
    ("２０２４－０５－１０", D),
    ("13/5/2024", date(2024, 5, 13)),
    ("5/13/2024", date(2024, 5, 13)),
    ("5/5/2024", date(2024, 5, 5)),
    ("May 10, 2024", D),
    ("10 May 2024", D),
    ("10-May-2024", D),
    ("2024-05-10 14:30", D),
    ("2024-05-1014:30", D),
    ("2024-05-10T06:30:00Z", D),
    ("2024-05-10T20:30:00Z", date(2024, 5, 11)),
    (45422, D),
    (45422.0, D),
    (45422.75, D),
    (1715270400000, D),
    ("1715270400000", D),
    (1715270400, D),
    (20240510, D),
    (D, D),
    (datetime(2024, 5, 10, 9, 0), D),
    (datetime(2024, 5, 9, 20, 0, tzinfo=UTC), D),
    ("5/10/2024", Fail("歧义")),
    ("2024-02-30", Fail("不存在")),
    ("2024-13-01", Fail("不存在")),
    ("2024年5月", Fail("不完整")),
    ("5月10日", Fail("不完整")),
    ("明天", Fail("无法识别")),
    ("2024-5-114:30", Fail("无法识别")),
    ("2024-05-10 25:00", Fail("时间不存在")),
    (True, Fail("无法识别")),
    (0, Fail("无法识别")),
    ("", None),
    ("无", None),
]


@pytest.mark.parametrize(("raw", "expected"), DATES)
def test_date(raw: Any, expected: Any) -> None:
    check(normalize_date(raw), expected)


def test_ambiguous_dates_follow_the_setting() -> None:
    assert normalize_date("5/10/2024", ambiguous="mdy").value == date(2024, 5, 10)
    assert normalize_date("5/10/2024", ambiguous="dmy").value == date(2024, 10, 5)


DATETIMES: list[tuple[Any, Any]] = [
    ("2024-05-10 14:30", datetime(2024, 5, 10, 14, 30, tzinfo=SH)),
    ("2024-05-1014:30", datetime(2024, 5, 10, 14, 30, tzinfo=SH)),
    ("2024-05-10 14:30:05", datetime(2024, 5, 10, 14, 30, 5, tzinfo=SH)),
    ("2024/5/10 14:30", datetime(2024, 5, 10, 14, 30, tzinfo=SH)),
    ("2024年5月10日 14时30分", datetime(2024, 5, 10, 14, 30, tzinfo=SH)),
    ("2024年5月10日下午2:30", datetime(2024, 5, 10, 14, 30, tzinfo=SH)),
    ("2024-05-10 2:30 PM", datetime(2024, 5, 10, 14, 30, tzinfo=SH)),
    ("2024-05-10 12:05 AM", datetime(2024, 5, 10, 0, 5, tzinfo=SH)),
    ("2024-05-10T06:30:00Z", datetime(2024, 5, 10, 14, 30, tzinfo=SH)),
    ("2024-05-10T06:30:00.000Z", datetime(2024, 5, 10, 14, 30, tzinfo=SH)),
    ("2024-05-10T14:30:00+08:00", datetime(2024, 5, 10, 14, 30, tzinfo=SH)),
    ("2024-05-10T02:30:00-04:00", datetime(2024, 5, 10, 14, 30, tzinfo=SH)),
    ("2024-05-10T14:30:00+0800", datetime(2024, 5, 10, 14, 30, tzinfo=SH)),
    ("2024-05-10", datetime(2024, 5, 10, 0, 0, tzinfo=SH)),
    (1715322600000, datetime(2024, 5, 10, 14, 30, tzinfo=SH)),
    (45422.604166666664, datetime(2024, 5, 10, 14, 30, tzinfo=SH)),
    (datetime(2024, 5, 10, 14, 30), datetime(2024, 5, 10, 14, 30, tzinfo=SH)),
    (
        datetime(2024, 5, 10, 6, 30, tzinfo=UTC),
        datetime(2024, 5, 10, 14, 30, tzinfo=SH),
    ),
    ("2024-05-10 14:60", Fail("时间不存在")),
    ("下午", Fail("无法识别的时间")),
]


@pytest.mark.parametrize(("raw", "expected"), DATETIMES)
def test_datetime(raw: Any, expected: Any) -> None:
    result = normalize_datetime(raw)
    check(result, expected)
    if result.value is not None:
        assert result.value.utcoffset() == timedelta(hours=8)


DATED_TEXT: list[tuple[Any, Any]] = [
    ("2024-05-20:跟进合同签订", ("2024-05-20:跟进合同签订", date(2024, 5, 20))),
    ("2024-05-20：跟进合同签订", ("2024-05-20:跟进合同签订", date(2024, 5, 20))),
    ("2024/5/20 跟进合同签订", ("2024-05-20:跟进合同签订", date(2024, 5, 20))),
    ("2024年5月20日，跟进合同签订", ("2024-05-20:跟进合同签订", date(2024, 5, 20))),
    ("20240520跟进合同签订", ("2024-05-20:跟进合同签订", date(2024, 5, 20))),
    ("2024-05-20", ("2024-05-20", date(2024, 5, 20))),
    (1716134400000, ("2024-05-20", date(2024, 5, 20))),
    ("跟进合同签订", ("跟进合同签订", None)),
    ("2024-13-01:跟进", Fail("不存在")),
]


@pytest.mark.parametrize(("raw", "expected"), DATED_TEXT)
def test_dated_text(raw: Any, expected: Any) -> None:
    check(normalize_dated_text(raw), expected)


# -- amounts -----------------------------------------------------------------------------------

AMOUNTS: list[tuple[Any, Any]] = [
    ("500000", Decimal("500000.00")),
    ("500,000", Decimal("500000.00")),
    ("500,000.00", Decimal("500000.00")),
    ("¥500,000.00", Decimal("500000.00")),
    ("￥500,000", Decimal("500000.00")),
    ("RMB 500000", Decimal("500000.00")),
    ("人民币50万元", Decimal("500000.00")),
    ("500000元", Decimal("500000.00")),
    ("500000元整", Decimal("500000.00")),
    ("50万", Decimal("500000.00")),
    ("50万元", Decimal("500000.00")),
    ("5万元", Decimal("50000.00")),
    ("12.5万", Decimal("125000.00")),
    ("1.2亿", Decimal("120000000.00")),
    ("3千万", Decimal("30000000.00")),
    ("50w", Decimal("500000.00")),
    ("5k", Decimal("5000.00")),
    ("五十万", Decimal("500000.00")),
    ("伍拾万元整", Decimal("500000.00")),
    ("一千二百万", Decimal("12000000.00")),
    ("1亿2千万", Decimal("120000000.00")),
    ("５０万", Decimal("500000.00")),
    ("500 000", Decimal("500000.00")),
    (500000, Decimal("500000.00")),
    (500000.0, Decimal("500000.00")),
    (1234.5, Decimal("1234.50")),
    (0.1 + 0.2, Decimal("0.30")),
    (Decimal("1.5"), Decimal("1.50")),
    ("0", Decimal("0.00")),
    ("约50万", Fail("范围或约数")),
    ("50万左右", Fail("范围或约数")),
    ("10-50万", Fail("范围或约数")),
    ("$500", Fail("人民币")),
    ("500美元", Fail("人民币")),
    ("-500", Fail("负数")),
    ("500000.123", Fail("分")),
    ("1,2345", Fail("数字")),
    ("abc", Fail("数字")),
    ("1e5", Fail("数字")),
    (True, Fail("数字")),
    ("", None),
    ("无", None),
]


@pytest.mark.parametrize(("raw", "expected"), AMOUNTS)
def test_amount(raw: Any, expected: Any) -> None:
    check(normalize_amount(raw), expected)


# -- dropdowns ---------------------------------------------------------------------------------

ENUMS: list[tuple[str, Any, Any]] = [
    ("level", "重点客户", "重点客户"),
    ("level", " 重点客户 ", "重点客户"),
    ("level", "重点", "重点客户"),
    ("level", "A类", "重点客户"),
    ("level", "a类", "重点客户"),
    ("level", "A", "重点客户"),
    ("level", "VIP", "重点客户"),
    ("level", "ｖｉｐ", "重点客户"),
    ("level", "B", "普通客户"),
    ("level", "C类", "潜在客户"),
    ("level", "意向客户", "潜在客户"),
    ("level", ["重点客户"], "重点客户"),
    ("level", {"name": "普通客户"}, "普通客户"),
    ("level", "D", Fail("潜在客户/普通客户/重点客户")),
    ("level", "超级VIP", Fail("不在可选值中")),
    ("level", ["A", "B"], Fail("只能选择一个")),
    ("level", "", None),
    ("status", "已暂停", "暂停合作"),
    ("status", "进行中", "合作中"),
    ("follow_up_method", "电话沟通", "电话"),
    ("follow_up_method", "上门拜访", "拜访"),
    ("follow_up_method", "Email", "邮件"),
    ("follow_up_method", "视频会议", "会议"),
    ("follow_up_method", "微信", Fail("电话/拜访/邮件/会议")),
    ("follow_up_status", "有意向", "意向"),
    ("demand_type", "设备采购", "采购设备"),
    ("demand_type", "软件", "软件系统"),
]


@pytest.mark.parametrize(("field", "raw", "expected"), ENUMS)
def test_enum(field: str, raw: Any, expected: Any) -> None:
    check(normalize_enum(field, raw), expected)


def test_enum_configured_aliases_and_choices() -> None:
    check(normalize_enum("level", "金牌", aliases={"金牌": "重点客户"}), "重点客户")
    check(normalize_enum("demand_type", "数据服务", choices=["数据服务"]), "数据服务")


INDUSTRY: list[tuple[Any, Any]] = [
    ("制造业", "制造业"),
    ("生产制造", "制造业"),
    ("软件开发", "软件和信息技术服务业"),
    ("软件和信息技术服务业", "软件和信息技术服务业"),
    ("软件和信息技术服务", "软件和信息技术服务业"),
    ("农林牧渔业", "农、林、牧、渔业"),
    ("农、林、牧、渔业", "农、林、牧、渔业"),
    ("C", "制造业"),
    ("I65", "软件和信息技术服务业"),
    ("36", "汽车制造业"),
    ("汽车制造", "汽车制造业"),
    ("高端装备制造业", "制造业"),
    ("IT", "软件和信息技术服务业"),
    ("互联网", "互联网和相关服务"),
    ("电商", "零售业"),
    ("金融", "金融业"),
    ("医疗", "卫生"),
    (["制造业"], "制造业"),
    ("元宇宙", Fail("GB/T 4754")),
    ("服务", Fail("GB/T 4754")),
    ("制造业;批发业", Fail("一个行业")),
    ("Z", Fail("GB/T 4754")),
    ("", None),
]


@pytest.mark.parametrize(("raw", "expected"), INDUSTRY)
def test_industry(raw: Any, expected: Any) -> None:
    check(IndustryTable().normalize(raw), expected)


def test_industry_configured_alias() -> None:
    check(IndustryTable({"元宇宙": "互联网和相关服务"}).normalize("元宇宙"), "互联网和相关服务")


# -- addresses ---------------------------------------------------------------------------------

ADDRESSES: list[tuple[str, tuple[str | None, str | None, str | None]]] = [
    ("北京市海淀区中关村大街1号", ("北京市", "北京市", "海淀区")),
    ("北京海淀区中关村大街1号", ("北京市", "北京市", "海淀区")),
    ("海淀区中关村大街1号", ("北京市", "北京市", "海淀区")),
    ("广东省深圳市南山区科苑路12号", ("广东省", "深圳市", "南山区")),
    ("深圳市南山区科苑路12号", ("广东省", "深圳市", "南山区")),
    ("广东深圳南山科苑路12号", ("广东省", "深圳市", "南山区")),
    ("广东省 深圳市 南山区 科苑路12号", ("广东省", "深圳市", "南山区")),
    ("中国上海市浦东新区世纪大道100号", ("上海市", "上海市", "浦东新区")),
    ("上海浦东新区世纪大道100号", ("上海市", "上海市", "浦东新区")),
    ("浙江杭州西湖区文三路", ("浙江省", "杭州市", "西湖区")),
    ("江苏省昆山市前进路", ("江苏省", "苏州市", "昆山市")),
    ("吉林市船营区", ("吉林省", "吉林市", "船营区")),
    ("新疆乌鲁木齐市天山区", ("新疆维吾尔自治区", "乌鲁木齐市", "天山区")),
    ("黔南州都匀市", ("贵州省", "黔南布依族苗族自治州", "都匀市")),
    ("东莞市长安镇", ("广东省", "东莞市", None)),
    ("湖北省仙桃市", ("湖北省", "仙桃市", None)),
    ("深圳南山路1号", ("广东省", "深圳市", None)),
    ("朝阳区建国路1号", (None, None, None)),
    ("科苑路12号", (None, None, None)),
    ("ＡＢＣ大厦", (None, None, None)),
]


@pytest.mark.parametrize(("raw", "parts"), ADDRESSES)
def test_address(raw: str, parts: tuple[str | None, str | None, str | None]) -> None:
    result = normalize_address(raw)
    assert result.problem is None
    assert result.value is not None
    assert (result.value.province, result.value.city, result.value.district) == parts


def test_address_keeps_text_cleaned() -> None:
    assert normalize_address("  北京市海淀区\u3000中关村大街１号 ").value == AddressParts(
        "北京市海淀区 中关村大街1号", "北京市", "北京市", "海淀区"
    )


# -- text, tags, e-mail, ids, company keys -----------------------------------------------------

TEXT: list[tuple[Any, Any]] = [
    ("  北京星辰科技有限公司 ", "北京星辰科技有限公司"),
    ("北京星辰\u200b科技有限公司", "北京星辰科技有限公司"),
    ("ＡＢＣ科技\u3000有限公司", "ABC科技 有限公司"),
    ("王  经理", "王 经理"),
    ("第一行\n第二行", "第一行 第二行"),
    ("（北京）星辰，科技", "（北京）星辰，科技"),
    ([{"type": "text", "text": "王"}, {"type": "text", "text": "经理"}], "王经理"),
    ({"name": "张三", "id": "ou_1"}, "张三"),
    (["展会", "转介绍"], "展会, 转介绍"),
    (12.0, "12"),
    (True, "是"),
    ("   ", None),
    ("无", "无"),
]


@pytest.mark.parametrize(("raw", "expected"), TEXT)
def test_text(raw: Any, expected: Any) -> None:
    check(normalize_text(raw), expected)


def test_long_text_keeps_lines() -> None:
    check(normalize_long_text("第一行  \r\n\r\n\r\n  第二行\u3000 \n"), "第一行\n\n第二行")


TAGS: list[tuple[Any, Any]] = [
    ("a, b;c、d", ("a", "b", "c", "d")),
    ("高意向，季度回访；VIP", ("VIP", "季度回访", "高意向")),
    ("高意向, 高意向", ("高意向",)),
    ("#高意向 ", ("高意向",)),
    ("a|b/c", ("a", "b", "c")),
    (["VIP", "高意向"], ("VIP", "高意向")),
    (["VIP", "a,b"], ("VIP", "a", "b")),
    ("", ()),
]


@pytest.mark.parametrize(("raw", "expected"), TAGS)
def test_tags(raw: Any, expected: Any) -> None:
    check(normalize_tags(raw), expected)


EMAILS: list[tuple[Any, Any]] = [
    (" Wang.Li@Example.COM ", "Wang.Li@example.com"),
    ("mailto:a@b.cn", "a@b.cn"),
    ("ａ＠ｂ．ｃｏｍ", "a@b.com"),
    ("<a@b.com>", "a@b.com"),
    ("a@b", Fail("邮箱格式")),
    ("a..b@c.com", Fail("邮箱格式")),
    ("a@b.com; c@d.com", Fail("一个邮箱")),
    ("无", None),
]


@pytest.mark.parametrize(("raw", "expected"), EMAILS)
def test_email(raw: Any, expected: Any) -> None:
    check(normalize_email(raw), expected)


IDS: list[tuple[Any, Any]] = [
    ("C-20240510-1", "C-20240510-1"),
    (" ｃ－20240510－01 ", "C-20240510-1"),
    ("C—20240510—3", "C-20240510-3"),
    ("C_20240510_3", "C-20240510-3"),
    ("c 20240510 - 1", "C-20240510-1"),
    ("C20240510-1", "C-20240510-1"),
    ("C001", "C001"),
    ("c001", "C001"),
    ("KH-0001", "KH-0001"),
    (1001, "1001"),
    (1001.0, "1001"),
    ("C-20241340-1", Fail("日期")),
    ("C-20240510-0", Fail("格式")),
    ("C-2024051-1", Fail("格式")),
    ("客户1", Fail("不是有效的客户编号")),
    ("ABC", Fail("不是有效的客户编号")),
    ("13812345678", Fail("填错列")),
    ("", None),
    ("无", None),
]


@pytest.mark.parametrize(("raw", "expected"), IDS)
def test_customer_id(raw: Any, expected: Any) -> None:
    check(normalize_customer_id(raw), expected)


COMPANY_KEYS: list[tuple[str, str]] = [
    ("北京星辰科技有限公司", "北京星辰科技"),
    ("星辰科技（北京）有限公司", "星辰科技"),
    ("星辰科技(上海)有限责任公司", "星辰科技"),
    ("华为技术股份有限公司", "华为技术"),
    ("華為技術有限公司", "华为技术"),
    ("昊嘉科技公司", "昊嘉科技"),
    ("星辰集团有限公司", "星辰集团"),
    ("星辰科技有限公司上海分公司", "星辰科技上海分公司"),
    ("Star Tech Co., Ltd.", "startech"),
    ("STAR TECH CO.,LTD", "startech"),
    ("ＡＢＣ科技有限公司", "abc科技"),
    ("有限公司", "有限公司"),
    ("Taco Bell", "tacobell"),
]


@pytest.mark.parametrize(("name", "key"), COMPANY_KEYS)
def test_company_key(name: str, key: str) -> None:
    assert company_key(name) == key


def test_at_least_150_cases() -> None:
    tables = (PHONES, DATES, DATETIMES, DATED_TEXT, AMOUNTS, ENUMS, INDUSTRY, ADDRESSES, TEXT)
    tables += (TAGS, EMAILS, IDS, COMPANY_KEYS)  # type: ignore[assignment]
    assert sum(len(table) for table in tables) >= 150
