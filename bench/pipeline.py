"""Throughput and memory of map + normalize + validate + protect + tag.

Generates messy customer rows the way tables hold them (Chinese headers and their synonyms,
phones in every format, dates as text / Excel serials / Feishu timestamps, amounts such as
50万 and ¥500,000.00, dropdown synonyms, full-width characters, ID and bank card numbers
pasted into remarks, bad values that must be quarantined), then times the pipeline over them
on one core::

    python bench/pipeline.py                 # 100,000 records, seed 1
    python bench/pipeline.py -n 20000 --seed 7 --profile

Rows come in tables of 1,000 that each name their columns their own way (labels, synonyms,
English); "map" looks a table's header up once and pairs each row's cells with their fields,
as a connector does it. Generation is not timed. Throughput is measured in CPU time
of this process (one core; the figure other processes on a shared machine cannot distort),
and in wall-clock time. Peak memory is the process's maximum resident set size (generated
rows included), read from the OS. A calibration loop shows how fast the machine runs Python,
to compare figures between machines.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import sys
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.fields import FIELDS, field_for_header
from core.mapping import plan_headers
from core.pipeline import PipelineCounts, PipelineOptions, SourceRow, process_rows
from core.settings import QualitySettings, TagRule

TARGET_PER_SECOND = 20_000
TARGET_MEMORY_MB = 1024

# -- vocabulary ---------------------------------------------------------------------------------

CITIES = {
    "北京": (
        "北京市",
        "北京市",
        ("海淀区", "朝阳区", "东城区", "西城区", "丰台区", "昌平区"),
        "010",
    ),
    "上海": ("上海市", "上海市", ("浦东新区", "徐汇区", "静安区", "闵行区", "长宁区"), "021"),
    "广州": ("广东省", "广州市", ("天河区", "越秀区", "海珠区", "番禺区", "白云区"), "020"),
    "深圳": ("广东省", "深圳市", ("南山区", "福田区", "罗湖区", "宝安区", "龙岗区"), "0755"),
    "杭州": ("浙江省", "杭州市", ("西湖区", "滨江区", "余杭区", "拱墅区", "萧山区"), "0571"),
    "南京": ("江苏省", "南京市", ("鼓楼区", "玄武区", "江宁区", "建邺区", "秦淮区"), "025"),
    "苏州": ("江苏省", "苏州市", ("姑苏区", "吴中区", "相城区", "昆山市"), "0512"),
    "成都": ("四川省", "成都市", ("武侯区", "锦江区", "青羊区", "金牛区", "成华区"), "028"),
    "武汉": ("湖北省", "武汉市", ("江汉区", "武昌区", "洪山区", "汉阳区"), "027"),
    "西安": ("陕西省", "西安市", ("雁塔区", "碑林区", "未央区", "长安区"), "029"),
    "天津": ("天津市", "天津市", ("和平区", "南开区", "河西区", "滨海新区"), "022"),
    "重庆": ("重庆市", "重庆市", ("渝中区", "江北区", "南岸区", "九龙坡区"), "023"),
    "长沙": ("湖南省", "长沙市", ("岳麓区", "芙蓉区", "天心区", "雨花区"), "0731"),
    "郑州": ("河南省", "郑州市", ("金水区", "二七区", "中原区", "管城回族区"), "0371"),
    "青岛": ("山东省", "青岛市", ("市南区", "市北区", "黄岛区", "崂山区"), "0532"),
    "厦门": ("福建省", "厦门市", ("思明区", "湖里区", "集美区", "海沧区"), "0592"),
    "合肥": ("安徽省", "合肥市", ("蜀山区", "包河区", "庐阳区", "瑶海区"), "0551"),
    "沈阳": ("辽宁省", "沈阳市", ("和平区", "沈河区", "皇姑区", "铁西区"), "024"),
    "昆明": ("云南省", "昆明市", ("五华区", "盘龙区", "官渡区", "西山区"), "0871"),
    "乌鲁木齐": ("新疆维吾尔自治区", "乌鲁木齐市", ("天山区", "沙依巴克区", "新市区"), "0991"),
}
STREETS = ("中关村大街", "科苑路", "人民路", "解放路", "建设路", "长江路", "文三路", "天府大道",
           "世纪大道", "高新路", "滨江大道", "创业路", "学院路", "东风路", "和平路")  # fmt: skip
CORES = ("星辰", "华信", "恒通", "博远", "鼎盛", "瑞丰", "金桥", "天成", "宏图", "智联", "海纳", "远景",
         "嘉禾", "启明", "云帆", "卓越", "同创", "汇达", "永信", "新锐", "万象", "蓝海", "中科", "长城")  # fmt: skip
TRADES = ("科技", "信息技术", "软件", "贸易", "电子", "机械", "医疗器械", "建筑工程", "物流", "文化传媒",
          "食品", "化工", "新能源", "餐饮管理", "教育咨询")  # fmt: skip
SUFFIXES = ("有限公司", "有限责任公司", "股份有限公司", "公司", "集团有限公司", "", " Co., Ltd.")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = (
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "华",
    "平",
)
HONORIFICS = ("经理", "总", "女士", "先生", "主任", "总监", "工")
TITLES = (
    "采购总监",
    "采购经理",
    "总经理",
    "IT主管",
    "行政主管",
    "财务经理",
    "技术总监",
    "CEO",
    "副总裁",
    "项目经理",
    "",
)
INDUSTRIES = ("软件和信息技术服务业", "制造业", "生产制造", "软件开发", "IT", "互联网", "电商", "批发和零售业",
              "金融", "教育", "医疗", "建筑业", "C", "I65", "汽车制造", "物流", "房地产", "餐饮", "新能源",
              "农林牧渔业", "化工", "咨询", "传媒")  # fmt: skip
LEVELS = (
    "重点客户",
    "普通客户",
    "潜在客户",
    "A",
    "B",
    "C",
    "A类",
    "B类",
    "VIP",
    "重点",
    "普通",
    "潜在",
    "意向客户",
)
SOURCES = (
    "行业展会2024",
    "展会",
    "转介绍",
    "线上推广",
    "电话营销",
    "官网咨询",
    "老客户",
    "2023秋季展会",
    "百度推广",
    "朋友介绍",
)
STATUSES = ("合作中", "未合作", "暂停合作", "终止合作", "暂停", "进行中", "已终止")
FOLLOW_STATUSES = (
    "待跟进",
    "初步接触",
    "意向",
    "方案报价",
    "商务谈判",
    "已成交",
    "有意向",
    "跟进中",
    "报价",
)
METHODS = ("电话", "拜访", "邮件", "会议", "电话沟通", "上门拜访", "视频会议", "Email")
DEMANDS = ("采购设备", "软件系统", "技术服务", "咨询培训", "售后服务", "其他", "设备采购", "软件")
OWNERS = ("张三", "李四", "王五", "赵六", "钱七", "孙八", "周九", "吴十", "郑一", "冯二")
DEPARTMENTS = ("华东销售部", "华北销售部", "华南销售部", "大客户部", "渠道部", "市场部")
CONTENTS = ("确认产品交付周期", "介绍新版方案,客户反馈积极", "客户询问报价,已发送报价单", "约下周上门演示",
            "客户对价格有顾虑,需要申请折扣", "已完成技术交流,等待客户内部评审", "客户要求提供案例资料",
            "跟进合同条款,法务审核中", "售后问题已解决,客户满意", "电话未接通,稍后再联系")  # fmt: skip
TASKS = ("跟进合同签订", "上门演示", "发送报价", "技术交流", "回访满意度", "催款", "续约沟通", "")
FEEDBACK = (
    "希望缩短交付周期",
    "价格偏高",
    "功能满足需求",
    "需要定制开发",
    "服务响应及时",
    "",
    "暂无",
)
PROJECTS = (
    "企业CRM系统采购",
    "ERP升级",
    "数据中心建设",
    "办公设备采购",
    "年度维保服务",
    "培训服务",
    "",
)
BUDGETS = ("10-50万", "50-100万", "100万以上", "10万以下", "待定", "约30万")
PURCHASE = ("2024年Q3", "2024-06", "2025年上半年", "年底", "2024年Q4", "")
NEEDS = ("提升客户管理效率", "降低采购成本", "数据安全合规", "提高生产效率", "系统集成", "")
TAGS = (
    "高意向",
    "季度回访",
    "需跟进售后",
    "VIP",
    "老客户",
    "价格敏感",
    "重点维护客户",
    "高潜力客户",
)
REMARKS = (
    "偏好下午沟通",
    "",
    "周末不接电话",
    "需开增值税专用发票",
    "联系人即将离职,注意交接",
    "",
    "",
)
MOBILE_PREFIXES = ("138", "139", "136", "137", "135", "150", "151", "152", "158", "159", "186", "187", "188", "177", "199", "189", "133", "153", "180", "181")  # fmt: skip
EMAIL_DOMAINS = (
    "example.com",
    "qq.com",
    "163.com",
    "126.com",
    "company.cn",
    "sina.com",
    "Example.COM",
)
TIMES = ("09:30", "10:15", "14:30", "16:45", "11:00", "15:20", "08:05", "17:30")

# Header variants (labels, synonyms, English) per field, as different teams name their columns.
HEADERS: dict[str, tuple[str, ...]] = {
    spec.name: (spec.label, *spec.synonyms[:2], spec.english) for spec in FIELDS
}
#: The "map" stage: header -> canonical field, built once per table.
HEADER_TO_FIELD: dict[str, str] = {
    header: name
    for name, headers in HEADERS.items()
    for header in headers
    if field_for_header(header) == name
}

FULLWIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})

# -- generators ---------------------------------------------------------------------------------


def _id_number(rng: random.Random) -> str:
    area = rng.choice(("110101", "310104", "440305", "330106", "510107", "420106"))
    born = date(1960, 1, 1) + timedelta(days=rng.randrange(14000))
    body = f"{area}{born:%Y%m%d}{rng.randrange(1000):03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def _bank_card(rng: random.Random) -> str:
    body = "622202" + "".join(str(rng.randrange(10)) for _ in range(12))
    total = 0
    for index, char in enumerate(reversed(body)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            value -= 9 if value > 9 else 0
        total += value
    return body + str((10 - total % 10) % 10)


def _mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _phone(rng: random.Random, city: str) -> Any:
    roll = rng.random()
    mobile = _mobile(rng)
    if roll < 0.45:
        return mobile
    if roll < 0.55:
        return f"{mobile[:3]}-{mobile[3:7]}-{mobile[7:]}"
    if roll < 0.62:
        return f"{mobile[:3]} {mobile[3:7]} {mobile[7:]}"
    if roll < 0.67:
        return f"+86 {mobile}"
    if roll < 0.70:
        return int(mobile)  # Excel number cell
    if roll < 0.72:
        return mobile.translate(FULLWIDTH)
    area = CITIES[city][3]
    landline = f"{area}-{rng.randrange(2, 9)}{rng.randrange(10**7):07d}"
    if roll < 0.85:
        return landline
    if roll < 0.88:
        return f"({area}){landline.split('-')[1]}"
    if roll < 0.93:
        return f"{mobile}; {landline}"
    if roll < 0.95:
        return f"手机:{mobile} 座机:{landline}"
    if roll < 0.96:
        return f"{landline}转{rng.randrange(100, 999)}"
    if roll < 0.975:
        return f"{mobile[:3]}****{mobile[7:]}"  # masked: quarantined
    if roll < 0.99:
        return mobile[:-1]  # too short: quarantined
    return ""  # missing: quarantined (required)


def _day(rng: random.Random) -> date:
    return date(2022, 1, 1) + timedelta(days=rng.randrange(1200))


def _date_cell(rng: random.Random, day: date) -> Any:
    roll = rng.random()
    if roll < 0.4:
        return day.isoformat()
    if roll < 0.5:
        return f"{day.year}/{day.month}/{day.day}"
    if roll < 0.6:
        return f"{day.year}年{day.month}月{day.day}日"
    if roll < 0.67:
        return f"{day:%Y.%m.%d}"
    if roll < 0.72:
        return f"{day:%Y%m%d}"
    if roll < 0.8:
        return float((day - date(1899, 12, 30)).days)  # Excel serial
    if roll < 0.9:
        midnight = datetime(day.year, day.month, day.day) - timedelta(hours=8)
        return int((midnight - datetime(1970, 1, 1)).total_seconds() * 1000)  # Feishu ms
    if roll < 0.97:
        return day
    if roll < 0.985:
        return f"{day.month}/{day.day}/{day.year}"  # often ambiguous: quarantined
    return "1900-01-01"  # out of bounds: quarantined


def _amount(rng: random.Random) -> Any:
    value = rng.choice((5, 8, 10, 12, 15, 20, 30, 50, 80, 100, 120, 150, 200, 300, 500)) * 10_000
    roll = rng.random()
    if roll < 0.25:
        return f"{value:,}"
    if roll < 0.4:
        return f"¥{value:,}.00"
    if roll < 0.55:
        return f"{value // 10_000}万"
    if roll < 0.62:
        return f"{value // 10_000}万元"
    if roll < 0.75:
        return value
    if roll < 0.8:
        return float(value)
    if roll < 0.83:
        return "五十万"
    if roll < 0.85:
        return "1.2亿"
    if roll < 0.86:
        return "约50万"  # quarantined
    return ""


def table_headers(rng: random.Random) -> dict[str, str]:
    """How one table names its columns: field -> header, a label, synonym or English name."""
    return {name: rng.choice(headers) for name, headers in HEADERS.items()}


def make_row(
    rng: random.Random, index: int, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    city = rng.choice(tuple(CITIES))
    province, city_name, districts, _ = CITIES[city]
    district = rng.choice(districts)
    core = rng.choice(CORES) + rng.choice(CORES)
    company = f"{city}{core}{rng.choice(TRADES)}{rng.choice(SUFFIXES)}"
    if rng.random() < 0.1:
        company = f"{core}{rng.choice(TRADES)}（{city}）有限公司"
    if rng.random() < 0.03:
        company = "  " + company.translate(FULLWIDTH) + "\u200b"
    street = f"{rng.choice(STREETS)}{rng.randrange(1, 999)}号"
    address_style = rng.random()
    if address_style < 0.5:
        address = f"{province}{city_name}{district}{street}"
    elif address_style < 0.7:
        address = f"{city_name}{district}{street}"
    elif address_style < 0.8:
        address = f"{province} {city_name} {district} {street}"
    elif address_style < 0.9:
        address = f"{city}{district.removesuffix('区')}{street}"
    else:
        address = f"{district}{street}"
    name = rng.choice(SURNAMES)
    contact = name + (rng.choice(HONORIFICS) if rng.random() < 0.7 else rng.choice(GIVEN))
    remarks = rng.choice(REMARKS)
    roll = rng.random()
    if roll < 0.01:
        remarks = f"客户身份证号{_id_number(rng)},办理开户用"
    elif roll < 0.02:
        remarks = f"回款账户 {_bank_card(rng)}"
    last = _day(rng)
    next_day = last + timedelta(days=rng.randrange(1, 30))
    task = rng.choice(TASKS)
    created = last - timedelta(days=rng.randrange(0, 400))
    cid_roll = rng.random()
    if cid_roll < 0.6:
        customer_id: Any = f"C-{created:%Y%m%d}-{rng.randrange(1, 50)}"
    elif cid_roll < 0.65:
        customer_id = f"c－{created:%Y%m%d}－{rng.randrange(1, 50)}"
    elif cid_roll < 0.7:
        customer_id = f"C{index:04d}"
    elif cid_roll < 0.705:
        customer_id = "见备注"  # garbage: quarantined
    else:
        customer_id = ""
    updated = datetime.combine(last, datetime.min.time()) + timedelta(
        minutes=rng.randrange(600, 1100)
    )
    up_roll = rng.random()
    updated_cell: Any = (
        f"{updated:%Y-%m-%d %H:%M}"
        if up_roll < 0.6
        else f"{updated:%Y-%m-%d%H:%M}"
        if up_roll < 0.7
        else f"{updated:%Y-%m-%dT%H:%M:%S}+08:00"
        if up_roll < 0.85
        else updated
    )
    values: dict[str, Any] = {
        "customer_id": customer_id,
        "company_name": company,
        "contact_name": contact if rng.random() > 0.005 else "",
        "contact_title": rng.choice(TITLES),
        "phone": _phone(rng, city),
        "email": f"{['wang', 'li', 'zhang', 'liu', 'chen', 'yang'][rng.randrange(6)]}{rng.randrange(1000)}@{rng.choice(EMAIL_DOMAINS)}"
        if rng.random() < 0.7
        else "",
        "address": address,
        "industry": rng.choice(INDUSTRIES) if rng.random() > 0.01 else "元宇宙",
        "level": rng.choice(LEVELS) if rng.random() > 0.005 else "D级",
        "source": rng.choice(SOURCES),
        "status": rng.choice(STATUSES),
        "follow_up_status": rng.choice(FOLLOW_STATUSES),
        "owner": rng.choice(OWNERS),
        "department": rng.choice(DEPARTMENTS),
        "last_follow_up": _date_cell(rng, last),
        "follow_up_method": rng.choice(METHODS) if rng.random() > 0.01 else "微信",
        "follow_up_content": rng.choice(CONTENTS),
        "next_follow_up": f"{next_day.isoformat()}:{task}" if task else "",
        "feedback": rng.choice(FEEDBACK),
        "project": rng.choice(PROJECTS),
        "cooperation_start": _date_cell(rng, created) if rng.random() < 0.6 else "",
        "total_amount": _amount(rng),
        "demand_type": rng.choice(DEMANDS),
        "budget": rng.choice(BUDGETS),
        "purchase_time": rng.choice(PURCHASE),
        "key_needs": rng.choice(NEEDS),
        "tags": "、".join(rng.sample(TAGS, rng.randrange(0, 3))),
        "remarks": remarks,
        "updated_at": updated_cell,
    }
    # Each table names its columns its own way.
    headers = headers if headers is not None else table_headers(rng)
    return {headers[name]: value for name, value in values.items()}


#: Rows per generated table: every table has its own header row.
TABLE_ROWS = 1_000


def generate(count: int, seed: int) -> list[dict[str, Any]]:
    """``count`` rows, in tables of :data:`TABLE_ROWS` that each name their columns their own
    way (the rows of one table share their headers, in one order)."""
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    for index in range(count):
        if index % TABLE_ROWS == 0:
            headers = table_headers(rng)
        rows.append(make_row(rng, index, headers))
    return rows


# -- the measured work --------------------------------------------------------------------------

RULES = (
    TagRule(tag="设备采购", when={"需求类型": "采购设备"}),
    TagRule(tag="展会客户", when={"source": {"contains": "展会"}}),
    TagRule(tag="大客户", when={"total_amount": {"gte": 1_000_000}}),
    TagRule(tag="跟进逾期", when={"next_follow_up": {"overdue": True}}),
    TagRule(tag="华东", when={"province": {"in": ["上海市", "江苏省", "浙江省", "安徽省"]}}),
)


def run(rows: list[dict[str, Any]], options: PipelineOptions) -> PipelineCounts:
    counts = PipelineCounts()
    for outcome in process_rows(read_tables(rows), options):
        counts.add(outcome)
    return counts


def read_tables(rows: list[dict[str, Any]]) -> Iterator[SourceRow]:
    """The "map" stage as a connector does it (core.mapping): a table's header row is
    planned once, then each row's cells are paired with the fields of their columns."""
    for start in range(0, len(rows), TABLE_ROWS):
        table = rows[start : start + TABLE_ROWS]
        name = f"table{start // TABLE_ROWS + 1}"
        map_row = plan_headers(name, list(table[0])).map_row
        for number, raw in enumerate(table, start=2):
            yield SourceRow(name, str(number), map_row(list(raw.values())))


def calibrate() -> float:
    """Nanoseconds per step of a plain Python loop: how fast this machine runs Python now."""
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        total = 0
        for step in range(1_000_000):
            total += step
        best = min(best, time.process_time() - started)
    return best * 1000


def timed_run(
    rows: list[dict[str, Any]], profile: bool = False
) -> tuple[PipelineCounts, float, float]:
    """One full pass with fresh options (nothing remembered from an earlier pass): the
    counts, CPU seconds and wall seconds."""
    options = PipelineOptions(quality=QualitySettings(), tagging=RULES, today=date(2025, 6, 1))
    options._plan()  # compile the options up front, as a sync run does once
    gc.collect()
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
    cpu_started, started = time.process_time(), time.perf_counter()
    counts = run(rows, options)
    cpu, elapsed = time.process_time() - cpu_started, time.perf_counter() - started
    if profile:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    return counts, cpu, elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="full passes over the records; the figure is the fastest (default 3)",
    )
    parser.add_argument("--profile", action="store_true", help="print the top functions by time")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    rows = generate(args.records, args.seed)
    generated_in = time.perf_counter() - started
    started = time.perf_counter()
    PipelineOptions(quality=QualitySettings(), tagging=RULES)._plan()
    setup = time.perf_counter() - started
    memory_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    passes = []
    for _ in range(max(1, args.repeat)):
        speed = calibrate()  # how fast the machine runs Python right before this pass
        counts, cpu, elapsed = timed_run(rows, args.profile)
        passes.append((cpu, elapsed, speed))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The fastest pass is the one least slowed by other work on the machine (as timeit).
    cpu, elapsed, speed = min(passes)
    rate = counts.rows / cpu
    wall_rate = counts.rows / elapsed
    load = os.getloadavg()[0]
    print(
        f"records:        {counts.rows:,} (seed {args.seed}, generated in {generated_in:.1f} s, not timed)"
    )
    print(f"setup:          {setup:.2f} s (tables, phone metadata, rules; once per run)")
    print(
        f"time:           {cpu:.2f} s CPU, {elapsed:.2f} s wall, for map+normalize+validate+protect+tag"
        f" (fastest of {len(passes)} passes)"
    )
    print(f"throughput:     {rate:,.0f} records/s on one core (CPU time; target {TARGET_PER_SECOND:,}/s) "
          f"{'OK' if rate >= TARGET_PER_SECOND else 'BELOW TARGET'}")  # fmt: skip
    print(f"                {wall_rate:,.0f} records/s wall clock (load average {load:.1f})")
    print("passes:         " + ", ".join(
        f"{counts.rows / c:,.0f}/s at {v:.0f} ns" for c, _, v in passes))  # fmt: skip
    print(f"peak memory:    {peak_mb:,.0f} MB RSS (after generating: {memory_before:,.0f} MB; "
          f"target < {TARGET_MEMORY_MB:,} MB) {'OK' if peak_mb < TARGET_MEMORY_MB else 'OVER'}")  # fmt: skip
    print(
        f"machine speed:  {speed:.0f} ns per loop step of a reference Python loop before the "
        "fastest pass (recent laptops: roughly 20-30 ns)"
    )
    print(f"clean:          {counts.clean:,}  quarantined: {counts.quarantined:,}  "
          f"masked: {counts.masked_sensitive:,}  tagged: {counts.tagged:,}")  # fmt: skip
    print("top reasons:")
    for reason, number in counts.by_reason.most_common(8):
        print(f"  {number:>7,}  {reason}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
