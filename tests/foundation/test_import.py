"""批量导入 end to end: a real messy workbook through the pipeline and dedupe into a real SQLite store."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook
from stdnum.cn import ric
from stdnum.luhn import calc_check_digit

from connectors.excel import read_source_rows
from core.importing import import_rows
from core.models import Customer
from core.pipeline import PipelineOptions
from core.settings import DedupeSettings, QualitySettings, TagRule
from core.store import Store

HEADERS = [
    "客户编号",
    "所属公司",
    "客户姓名",
    "联系电话",
    "企业地址",
    "行业",
    "客户等级",
    "跟进时间",
    "跟进方式",
    "跟进内容",
    "下次跟进计划",
    "累计合作金额",
    "合作开始时间",
    "来源渠道",
    "需求类型",
    "备注",
    "标签",
    "最后更新时间",
    "外部系统ID",
]
ID_NUMBER = "11010519491231002" + ric.calc_check_digit("11010519491231002?")  # digit slot included
BANK_CARD = "622202123456789012" + calc_check_digit("622202123456789012")
TODAY = date(2024, 6, 1)


def row(**cells):
    by_label = dict(zip(HEADERS, [None] * len(HEADERS), strict=True))
    by_label.update(cells)
    return [by_label[h] for h in HEADERS]


MESSY = [
    # 2: the canonical good row, Excel-typed date and number cells
    row(
        所属公司="北京星辰科技有限公司",
        客户姓名="王经理",
        联系电话=13812345678,
        企业地址="北京市海淀区中关村大街1号",
        行业="软件开发",
        客户等级="A类",
        跟进时间=datetime(2024, 5, 10),
        跟进方式="电话沟通",
        跟进内容="确认交付周期",
        下次跟进计划="2024/5/20:跟进合同签订",
        累计合作金额="500,000",
        合作开始时间="2023.08.01",
        来源渠道="行业展会2024",
        需求类型="设备采购",
        标签="高意向;季度回访",
        最后更新时间="2024-05-1014:30",
        外部系统ID="X-1",
    ),
    # 3: full-width digits, +86, 万, Chinese date, Excel serial, sensitive numbers in text
    row(
        所属公司="上海明远制造股份有限公司 ",
        客户姓名=" 李女士",
        联系电话="+86 139 1234 5678",
        企业地址="上海市浦东新区张江路88号",
        行业="生产制造",
        客户等级="B",
        跟进时间="2024年5月11日",
        跟进方式="上门拜访",
        跟进内容=f"客户卡号{BANK_CARD}请尽快核对",
        累计合作金额="50万",
        合作开始时间=45000,
        来源渠道="转介绍",
        备注=f"身份证{ID_NUMBER}",
    ),
    # 4: landline with area code and dots, amount with currency sign, ISO datetime with zone
    row(
        所属公司="杭州云帆电子商务有限公司",
        客户姓名="赵先生",
        联系电话="0571.8888.6666",
        企业地址="浙江省杭州市西湖区文三路100号",
        客户等级="潜在",
        跟进时间="20240512",
        累计合作金额="¥1,234.50",
        最后更新时间="2024-05-12T08:00:00Z",
        来源渠道="线上推广",
    ),
    # 5: missing required company -> quarantined
    row(客户姓名="孙经理", 联系电话="13700001111"),
    # 6: garbage date and amount -> quarantined, named fields
    row(
        所属公司="广州远航物流有限公司",
        客户姓名="周总",
        联系电话="13600002222",
        跟进时间="2024-13-45",
        累计合作金额="很多钱",
    ),
    # 7: unknown dropdown value and an impossible phone -> quarantined
    row(所属公司="深圳青松贸易有限公司", 客户姓名="吴经理", 联系电话="12345", 客户等级="超级客户"),
    # 8: the same customer as row 2, phone and company written differently -> merged, not duplicated
    row(
        所属公司="星辰科技(北京)有限公司",
        客户姓名="王经理",
        联系电话="138-1234-5678",
        跟进时间="2024-05-15",
        跟进方式="会议",
        跟进内容="讨论合同条款",
    ),
]


@pytest.fixture
def store(tmp_path):
    with Store.open(f"sqlite:///{tmp_path / 'hub.db'}") as opened:
        yield opened


def write_xlsx(path, rows, headers=HEADERS):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "客户信息"
    sheet.append(headers)
    for cells in rows:
        sheet.append(cells)
    workbook.save(path)
    return path


def options(**quality):
    return PipelineOptions(
        quality=QualitySettings(**quality),
        tagging=(
            TagRule.model_validate({"tag": "展会客户", "when": {"source": {"contains": "展会"}}}),
        ),
        today=TODAY,
    )


def run_import(store, path, **quality):
    source = read_source_rows(path, table=path.name)
    return import_rows(
        store,
        source.rows,
        table=path.name,
        options=options(**quality),
        dedupe=DedupeSettings(),
        blank_rows=source.blank_rows,
    )


def by_company(store):
    return {item.customer.company_name: item for item in store.iter_customers()}


def test_messy_workbook_is_cleaned_quarantined_masked_and_fully_accounted_for(store, tmp_path):
    report = run_import(store, write_xlsx(tmp_path / "messy.xlsx", MESSY))

    assert report.rows == 7
    assert (
        report.created + report.updated + report.unchanged + report.merged + report.quarantined
        == report.rows
    )
    assert (report.created, report.merged, report.quarantined) == (3, 1, 3)

    stored = by_company(store)
    assert set(stored) == {
        "北京星辰科技有限公司",
        "上海明远制造股份有限公司",
        "杭州云帆电子商务有限公司",
    }

    xingchen = stored["北京星辰科技有限公司"].customer
    assert xingchen.phone == ("13812345678",)
    assert (xingchen.province, xingchen.city, xingchen.district) == ("北京市", "北京市", "海淀区")
    assert xingchen.industry == "软件和信息技术服务业"
    assert xingchen.level == "重点客户"
    assert xingchen.follow_up_method in ("电话", "会议")
    assert xingchen.next_follow_up == "2024-05-20:跟进合同签订"
    assert xingchen.next_follow_up_date == date(2024, 5, 20)
    assert xingchen.total_amount == Decimal("500000")
    assert xingchen.cooperation_start == date(2023, 8, 1)
    assert xingchen.demand_type == "采购设备"
    assert {"高意向", "季度回访", "展会客户"} <= set(xingchen.tags)
    assert xingchen.customer_id.startswith("C-")
    # The in-file duplicate was never stored apart; the rows it came from are kept as provenance.
    assert stored["北京星辰科技有限公司"].merged_from == ["messy.xlsx:2", "messy.xlsx:8"]

    mingyuan = stored["上海明远制造股份有限公司"].customer
    assert mingyuan.contact_name == "李女士"
    assert mingyuan.phone == ("13912345678",)
    assert mingyuan.industry == "制造业"
    assert mingyuan.level == "普通客户"
    assert mingyuan.last_follow_up == date(2024, 5, 11)
    assert mingyuan.follow_up_method == "拜访"
    assert mingyuan.total_amount == Decimal("500000")
    assert mingyuan.cooperation_start == date(2023, 3, 15)  # Excel serial 45000
    assert ID_NUMBER not in (mingyuan.remarks or "") and mingyuan.remarks.startswith("身份证110")
    assert BANK_CARD not in (mingyuan.follow_up_content or "")
    assert mingyuan.follow_up_content.endswith("请尽快核对")

    yunfan = stored["杭州云帆电子商务有限公司"].customer
    assert yunfan.phone == ("0571-88886666",)
    assert yunfan.level == "潜在客户"
    assert yunfan.last_follow_up == date(2024, 5, 12)
    assert yunfan.total_amount == Decimal("1234.50")
    assert yunfan.updated_at.hour == 16  # 08:00Z in Asia/Shanghai

    errors = {(i.row, i.field) for i in report.issues if i.severity.value == "error"}
    assert ("5", "company_name") in errors
    assert {("6", "last_follow_up"), ("6", "total_amount")} <= errors
    assert {("7", "phone"), ("7", "level")} <= errors
    assert report.masked_sensitive == 2

    # Nothing sensitive anywhere in what is kept about the run.
    quarantine = store.quarantine_of(report.run_id)
    assert {(q["row"], q["field"]) for q in quarantine if q["severity"] == "error"} == errors
    dumped = str(store.list_runs()[0].summary) + str(quarantine)
    assert ID_NUMBER not in dumped and BANK_CARD not in dumped

    # Two follow-up events for 星辰 (rows 2 and 8), unioned, not overwritten.
    assert len(store.followups_of(xingchen.customer_id)) == 2


def test_reimport_updates_by_id_and_never_blanks_values(store, tmp_path):
    first = run_import(store, write_xlsx(tmp_path / "a.xlsx", MESSY[:1]))
    cid = first.customer_ids["2"]
    changed = row(
        客户编号=cid,
        所属公司="北京星辰科技有限公司",
        客户姓名="王经理",
        联系电话="13812345678",
        客户等级="普通客户",
    )
    second = run_import(store, write_xlsx(tmp_path / "b.xlsx", [changed]))
    assert (second.updated, second.created) == (1, 0)
    customer = store.get(cid).customer
    assert customer.level == "普通客户"
    assert customer.industry == "软件和信息技术服务业"  # blank cell in b.xlsx did not erase it
    assert store.get(cid).provenance["level"] == "b.xlsx"


def test_duplicate_of_a_stored_customer_is_merged_not_created(store, tmp_path):
    first = run_import(store, write_xlsx(tmp_path / "a.xlsx", MESSY[:1]))
    cid = first.customer_ids["2"]
    restated = row(
        所属公司="北京星辰科技有限公司",
        客户姓名="王经理",
        联系电话="+86 138 1234 5678",
        客户等级="重点",
    )
    report = run_import(store, write_xlsx(tmp_path / "b.xlsx", [restated]))
    assert (report.created, report.merged, report.unchanged) == (0, 0, 1)  # nothing new in it

    enriched = [*restated]
    enriched[HEADERS.index("备注")] = "新增:偏好邮件沟通"
    report = run_import(store, write_xlsx(tmp_path / "c.xlsx", [enriched]))
    assert (report.created, report.merged) == (0, 1)
    assert store.count_customers() == 1
    stored = store.get(cid)
    assert stored.customer.remarks == "新增:偏好邮件沟通"
    assert stored.customer.industry == "软件和信息技术服务业"  # kept from a.xlsx
    assert report.customer_ids == {"2": cid}


def test_uncertain_pair_is_queued_and_both_rows_kept(store, tmp_path):
    rows = [
        row(所属公司="北京星辰科技有限公司", 客户姓名="王经理", 联系电话="13812345678"),
        row(所属公司="北京星辰科技有限公司", 客户姓名="刘主管", 联系电话="13998765432"),
    ]
    report = run_import(store, write_xlsx(tmp_path / "a.xlsx", rows))
    assert report.created == 2 and report.duplicates_pending == 1
    [pair] = store.duplicate_candidates()
    assert {pair.key_a, pair.key_b} == set(report.customer_ids.values())


def test_two_rows_claiming_one_id_for_different_customers(store, tmp_path):
    rows = [
        row(
            客户编号="C-20240510-1",
            所属公司="甲科技有限公司",
            客户姓名="王经理",
            联系电话="13812345678",
        ),
        row(
            客户编号="C-20240510-1",
            所属公司="乙贸易有限公司",
            客户姓名="钱总",
            联系电话="13700000000",
        ),
    ]
    report = run_import(store, write_xlsx(tmp_path / "a.xlsx", rows))
    assert report.created == 1 and report.quarantined == 1
    [issue] = [i for i in report.issues if i.field == "customer_id"]
    assert issue.row == "3" and "第2行" in issue.reason


def test_gbk_csv_with_garbage_keeps_every_good_row(store, tmp_path):
    text = (
        "客户名称,联系人,手机号,最近跟进日期,累计合作金额\n"
        "北京星辰科技有限公司,王经理,13812345678,2024/5/10,5万元\n"
        "上海明远制造股份有限公司,李女士,13912345678,不知道,abc\n"
        "杭州云帆电子商务有限公司,赵先生,0571-88886666,2024-05-12,1.2亿\n"
    )
    path = tmp_path / "gbk.csv"
    path.write_bytes(text.encode("gbk"))
    report = run_import(store, path)
    assert (report.created, report.quarantined) == (2, 1)
    stored = by_company(store)
    assert stored["北京星辰科技有限公司"].customer.total_amount == Decimal("50000")
    assert stored["杭州云帆电子商务有限公司"].customer.total_amount == Decimal("120000000")
    problems = {(i.row, i.field) for i in report.issues}
    assert {("3", "last_follow_up"), ("3", "total_amount")} <= problems
    message = next(i for i in report.issues if i.field == "total_amount").message()
    assert message.startswith("gbk.csv row 3, 累计合作金额 (total_amount) 'abc'")


def test_quarantine_policy_for_sensitive_numbers(store, tmp_path):
    rows = [row(所属公司="甲公司", 客户姓名="王", 联系电话="13812345678", 备注=f"证件{ID_NUMBER}")]
    report = run_import(store, write_xlsx(tmp_path / "s.xlsx", rows), sensitive="quarantine")
    assert report.quarantined == 1 and store.count_customers() == 0
    assert all(ID_NUMBER not in i.value for i in report.issues)


def test_import_loads_only_the_stored_customers_it_may_match(store, tmp_path):
    others = [
        Customer(
            customer_id=f"C-20240101-{n}",
            company_name=f"第{n}号无关贸易有限公司",
            contact_name="赵" + "甲乙丙丁戊己庚辛壬癸"[n % 10] + "明",
            phone=(f"139{n:08d}",),
        )
        for n in range(1, 301)
    ]
    store.save_customers([(c, {}, None) for c in others])
    run_import(store, write_xlsx(tmp_path / "a.xlsx", MESSY[:1]))
    loaded: list[int] = []
    original = store.get_many

    def counting_get_many(ids):
        found = original(ids)
        loaded.append(len(found))
        return found

    store.get_many = counting_get_many
    variant = row(
        所属公司="星辰科技(北京)有限公司",
        客户姓名="王经理",
        联系电话="138 1234 5678",
        备注="新备注",
    )
    report = run_import(store, write_xlsx(tmp_path / "b.xlsx", [variant]))
    assert (report.created, report.merged) == (0, 1)
    assert sum(loaded) <= 2  # the one matching customer, not the 301 stored
