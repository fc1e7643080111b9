"""Synthetic Chinese customer records with known duplicates, for tests and benchmarks.

Importable::

    from bench.gen_customers import generate
    data = generate(10_000, seed=1)
    data.records        # list[DedupeRecord], keys "table:row"
    data.true_pairs     # set of frozenset({key, key}): records that are one customer
    data.hard_negatives # kind -> pairs that look alike but are two customers

Runnable (writes a file with the field dictionary's Chinese headers, for manual import tests)::

    python bench/gen_customers.py -n 500 --seed 7 --out customers.xlsx   # or .csv

Duplicates carry the variants people really type: company names with and without the legal
form or the city (科技有限公司 / 科技公司 / (北京)), phone numbers in every format, typos that an
input method makes (homophones), traditional characters, pinyin spellings, swapped company and
contact columns and missing fields. Hard negatives are two customers that look alike: another
contact person at the same company, one person at two companies, two branches of one group,
and namesakes of a company in another city. Records are Customers with their cells as typed
(phones unformatted, names unnormalized): the dedupe stage must cope with that on its own.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import opencc
from pypinyin import lazy_pinyin

from core.dedupe.types import DedupeRecord
from core.fields import FIELD_BY_NAME, FIELDS
from core.models import Customer

# --- vocabulary ----------------------------------------------------------------------------------

#: city -> (province, districts, area code)
CITIES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "北京": ("北京市", ("海淀区", "朝阳区", "东城区", "西城区", "丰台区", "昌平区"), "010"),
    "上海": ("上海市", ("浦东新区", "徐汇区", "静安区", "闵行区", "长宁区", "杨浦区"), "021"),
    "广州": ("广东省", ("天河区", "越秀区", "海珠区", "番禺区", "白云区"), "020"),
    "深圳": ("广东省", ("南山区", "福田区", "罗湖区", "宝安区", "龙岗区"), "0755"),
    "杭州": ("浙江省", ("西湖区", "滨江区", "余杭区", "拱墅区", "萧山区"), "0571"),
    "南京": ("江苏省", ("鼓楼区", "玄武区", "江宁区", "建邺区", "秦淮区"), "025"),
    "苏州": ("江苏省", ("姑苏区", "吴中区", "相城区", "虎丘区"), "0512"),
    "成都": ("四川省", ("武侯区", "锦江区", "青羊区", "金牛区", "成华区"), "028"),
    "武汉": ("湖北省", ("江汉区", "武昌区", "洪山区", "汉阳区"), "027"),
    "西安": ("陕西省", ("雁塔区", "碑林区", "未央区", "长安区"), "029"),
    "天津": ("天津市", ("和平区", "南开区", "河西区", "滨海新区"), "022"),
    "重庆": ("重庆市", ("渝中区", "江北区", "南岸区", "九龙坡区"), "023"),
    "长沙": ("湖南省", ("岳麓区", "芙蓉区", "天心区", "开福区"), "0731"),
    "郑州": ("河南省", ("金水区", "二七区", "中原区", "管城回族区"), "0371"),
    "济南": ("山东省", ("历下区", "市中区", "槐荫区", "天桥区"), "0531"),
    "青岛": ("山东省", ("市南区", "市北区", "崂山区", "黄岛区"), "0532"),
    "合肥": ("安徽省", ("蜀山区", "包河区", "庐阳区", "瑶海区"), "0551"),
    "厦门": ("福建省", ("思明区", "湖里区", "集美区", "海沧区"), "0592"),
}
CITY_WEIGHTS = [14, 12, 8, 9, 7, 6, 5, 6, 5, 4, 4, 4, 3, 3, 3, 3, 3, 2]

#: Characters for brand names, grouped by sound so an input-method typo has somewhere to go.
HOMOPHONES: tuple[str, ...] = (
    "星兴新欣鑫馨心",
    "辰晨臣尘",
    "华化桦",
    "创川传",
    "智志致至",
    "恒衡亨",
    "瑞睿锐",
    "达大",
    "博搏",
    "远源元园原",
    "泰太",
    "盛胜圣",
    "宏鸿红弘",
    "通同彤",
    "安岸",
    "信鑫",
    "天添田",
    "云芸耘",
    "宇雨禹羽",
    "腾藤",
    "嘉佳家",
    "海",
    "鹏朋",
    "凯楷",
    "德得",
    "明鸣铭茗",
    "永勇",
    "金锦今",
    "中忠钟",
    "东冬",
    "正政征",
    "立丽利力",
    "诚成城承",
    "润闰",
    "航杭",
    "峰锋丰风枫",
    "和禾合",
    "美梅",
    "晟圣",
    "佳",
    "卓",
    "越悦岳",
    "凌灵玲",
    "维伟威",
    "致志",
    "科可",
    "聚巨",
    "易亿艺益",
    "优友",
    "蓝兰",
    "光广",
    "飞菲",
    "龙隆",
    "启奇琪",
    "宁凝",
    "舜顺",
    "昊浩豪",
    "锐瑞",
    "捷杰洁",
    "思斯丝",
)
BRAND_CHARS = "".join(HOMOPHONES) + (
    "百千万亿方圆高新精工匠心品优质尚雅致远景泓澜沐森林木水火土石玉金银铜铁宝贝珍珠翠碧青绿紫橙赤"
    "黄白彩虹霞露霜雪冰雷电风云山川河湖江海洋波涛浪潮汐岛港湾桥路街巷城都邦国家族众合群联盟友朋"
    "乐欢喜庆福禄寿康健宁静平和谐顺利旺隆昌荣耀辉煌灿华夏神州九州四海五洲八方七星北斗南极西域东"
    "方春夏秋冬晨曦暮朝阳光明亮晶莹剑锋刃盾甲弓箭鹰隼鹤燕雀鸿鹄麒麟凤凰龙虎豹狮象鹿马牛羊犀熊猫"
)
INDUSTRY_WORDS: tuple[tuple[str, str], ...] = (
    ("科技", "软件和信息技术服务业"),
    ("信息技术", "软件和信息技术服务业"),
    ("网络科技", "互联网和相关服务"),
    ("软件", "软件和信息技术服务业"),
    ("智能科技", "软件和信息技术服务业"),
    ("电子", "计算机、通信和其他电子设备制造业"),
    ("贸易", "批发业"),
    ("商贸", "批发业"),
    ("机械", "通用设备制造业"),
    ("机电设备", "专用设备制造业"),
    ("食品", "食品制造业"),
    ("医药", "医药制造业"),
    ("生物科技", "医药制造业"),
    ("建材", "非金属矿物制品业"),
    ("物流", "道路运输业"),
    ("文化传媒", "文化艺术业"),
    ("广告", "商务服务业"),
    ("咨询", "商务服务业"),
    ("教育科技", "教育"),
    ("餐饮管理", "餐饮业"),
    ("服装", "纺织服装、服饰业"),
    ("家具", "家具制造业"),
    ("化工", "化学原料和化学制品制造业"),
    ("汽车服务", "机动车、电子产品和日用产品修理业"),
    ("装饰工程", "建筑装饰、装修和其他建筑业"),
    ("印刷", "印刷和记录媒介复制业"),
    ("电气", "电气机械和器材制造业"),
    ("环保科技", "生态保护和环境治理业"),
    ("新能源", "电力、热力生产和供应业"),
    ("农业发展", "农业"),
)
LEGAL_FORMS = ("有限公司", "有限公司", "有限公司", "股份有限公司", "有限责任公司")
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏飞浩宇晨欣怡梓涵子轩博文思雨佳嘉俊丹琳婷"
    "雪颖慧鑫斌辉林峰波建国志海亮宏晓春燕凤荣梅兰倩莉洁琴云龙昊然泽睿宁晶璐蕾薇阳帆航健凯毅鸣聪铭楠玲"
)
GIVEN_HOMOPHONES = (
    "伟玮炜维",
    "芳方",
    "娜纳",
    "敏明鸣铭",
    "静晶婧",
    "丽莉立",
    "磊蕾",
    "军君均",
    "洋阳杨扬",
    "勇永",
    "艳燕雁",
    "杰洁捷",
    "平萍",
    "刚钢",
    "玉宇雨羽",
    "红宏鸿",
    "飞菲",
    "浩昊豪",
    "晨辰臣",
    "欣新鑫馨",
    "怡宜",
    "子紫梓",
    "文雯",
    "思斯",
    "佳嘉家",
    "俊峻",
    "琳林霖",
    "婷亭",
    "慧惠",
    "斌彬",
    "辉晖",
    "峰锋",
    "建健剑",
    "志智",
    "晓小",
    "云芸",
    "睿瑞",
    "楠男",
)
TITLES = (
    "采购经理",
    "采购总监",
    "总经理",
    "行政主管",
    "技术总监",
    "财务经理",
    "销售经理",
    "市场部经理",
    "IT主管",
    "董事长助理",
    "",
)
ROADS = (
    "中关村大街",
    "科苑路",
    "人民路",
    "解放路",
    "建设路",
    "中山路",
    "长安街",
    "南京路",
    "淮海路",
    "天府大道",
    "文三路",
    "高新大道",
    "滨江大道",
    "学院路",
    "创业路",
    "软件园路",
    "金融街",
    "光谷大道",
    "湖滨路",
    "新华路",
)
EMAIL_DOMAINS = ("qq.com", "163.com", "126.com", "sina.com", "foxmail.com")
SOURCES = ("行业展会2024", "转介绍", "线上推广", "电话营销", "官网咨询", "老客户")
LEVELS = ("潜在客户", "普通客户", "重点客户")
OWNERS = ("张三", "李四", "王五", "赵敏", "陈静", "刘洋")
DEPARTMENTS = ("华东销售部", "华北销售部", "华南销售部", "大客户部")
TAGS = ("高意向", "需跟进售后", "季度回访", "展会客户", "老客户")
TABLES = ("sales-feishu", "marketing-sheet", "global-airtable", "import-excel")

_S2T = opencc.OpenCC("s2t")
_HOMOPHONE_OF = {ch: group for group in (*HOMOPHONES, *GIVEN_HOMOPHONES) for ch in group}

# --- entities --------------------------------------------------------------------------------


@dataclass
class Entity:
    """One real customer: the true values every record of it starts from."""

    number: int
    city: str
    brand: str
    industry_word: str
    industry: str
    legal: str
    name_style: int  # 0 city prefix, 1 city in brackets, 2 no city
    branch: str = ""  # "北京分公司" for a branch of a group
    group_word: str = ""  # "集团" for groups
    surname: str = ""
    given: str = ""
    title: str = ""
    mobile: str = ""
    landline: str = ""
    email: str = ""
    district: str = ""
    street: str = ""
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def contact(self) -> str:
        return self.surname + self.given

    def company(self) -> str:
        if self.branch:
            return f"{self.brand}{self.group_word}有限公司{self.branch}"
        core = f"{self.brand}{self.industry_word}"
        if self.name_style == 0:
            return f"{self.city}{core}{self.legal}"
        if self.name_style == 1:
            return f"{core}({self.city}){self.legal}"
        return f"{core}{self.legal}"

    def address(self) -> str:
        province = CITIES[self.city][0]
        prefix = "" if province == f"{self.city}市" else province
        return f"{prefix}{self.city}市{self.district}{self.street}"


@dataclass
class Generated:
    """Records with the truth about them."""

    records: list[DedupeRecord]
    rows: list[dict[str, str]]  # the cells as typed, canonical field name -> text
    true_pairs: set[frozenset[str]]
    hard_negatives: dict[str, set[frozenset[str]]]
    entity_of: dict[str, int]


MOBILE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "147", "150", "151",
    "152", "153", "155", "156", "157", "158", "159", "166", "173", "175", "176", "177", "178",
    "180", "181", "182", "183", "184", "185", "186", "187", "188", "189", "191", "198", "199",
)  # fmt: skip


class _Maker:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.mobiles: set[str] = set()
        self.brands: set[str] = set()

    def mobile(self) -> str:
        while True:
            # Allocated mobile segments only: an unallocated one (148, 174 ...) is rightly
            # quarantined by the pipeline, and real customers do not have such numbers.
            prefix = self.rng.choice(MOBILE_PREFIXES)
            value = prefix + f"{self.rng.randrange(10**8):08d}"
            if value not in self.mobiles:
                self.mobiles.add(value)
                return value

    def brand(self) -> str:
        for _ in range(50):
            size = 3 if self.rng.random() < 0.15 else 2
            value = "".join(self.rng.choice(BRAND_CHARS) for _ in range(size))
            if len(set(value)) == size and value not in self.brands:
                self.brands.add(value)
                return value
        return self.rng.choice(BRAND_CHARS) + self.rng.choice(BRAND_CHARS)

    def person(self, entity: Entity) -> None:
        rng = self.rng
        entity.surname = rng.choice(SURNAMES[:20]) if rng.random() < 0.5 else rng.choice(SURNAMES)
        size = 1 if rng.random() < 0.3 else 2
        entity.given = "".join(rng.choice(GIVEN) for _ in range(size))
        entity.title = rng.choice(TITLES)
        entity.mobile = self.mobile()
        entity.landline = ""
        if rng.random() < 0.25:
            area = CITIES[entity.city][2]
            entity.landline = f"{area}-{rng.randrange(2, 9)}{rng.randrange(10**6, 10**7):07d}"
        words = lazy_pinyin(entity.contact)
        entity.email = ""
        if rng.random() < 0.6:
            local = words[0] + "".join(words[1:]) + str(rng.randrange(1, 99))
            entity.email = f"{local}@{rng.choice(EMAIL_DOMAINS)}"

    def entity(self, number: int, *, like: Entity | None = None) -> Entity:
        rng = self.rng
        if like is None:
            city = rng.choices(list(CITIES), weights=CITY_WEIGHTS)[0]
            word, industry = rng.choice(INDUSTRY_WORDS)
            entity = Entity(
                number=number,
                city=city,
                brand=self.brand(),
                industry_word=word,
                industry=industry,
                legal=rng.choice(LEGAL_FORMS),
                name_style=rng.choices((0, 1, 2), weights=(6, 2, 3))[0],
            )
            entity.district = rng.choice(CITIES[city][1])
            entity.street = f"{rng.choice(ROADS)}{rng.randrange(1, 300)}号"
            if rng.random() < 0.3:
                entity.street += f"{rng.choice('ABCDEFG')}座{rng.randrange(1, 30)}层"
        else:
            entity = Entity(**{**like.__dict__, "number": number, "fields": {}})
        self.person(entity)
        entity.fields = self.other_fields()
        return entity

    def other_fields(self) -> dict[str, str]:
        rng = self.rng
        day = datetime(2023, 1, 1) + timedelta(days=rng.randrange(700))
        values = {
            "level": rng.choice(LEVELS),
            "source": rng.choice(SOURCES),
            "owner": rng.choice(OWNERS),
            "department": rng.choice(DEPARTMENTS),
            "last_follow_up": day.strftime("%Y-%m-%d"),
            "follow_up_method": rng.choice(("电话", "拜访", "邮件", "会议")),
            "status": rng.choice(("未合作", "合作中", "暂停合作")),
        }
        if rng.random() < 0.3:
            values["tags"] = rng.choice(TAGS)
        if rng.random() < 0.3:
            values["total_amount"] = str(rng.randrange(1, 200) * 10000)
        return values


# --- variants --------------------------------------------------------------------------------


def _typo(text: str, rng: random.Random) -> str:
    """One character replaced by another of the same sound (an input-method slip)."""
    spots = [i for i, ch in enumerate(text) if len(_HOMOPHONE_OF.get(ch, "")) > 1]
    if not spots:
        return text
    i = rng.choice(spots)
    options = [ch for ch in _HOMOPHONE_OF[text[i]] if ch != text[i]]
    return text[:i] + rng.choice(options) + text[i + 1 :]


def _pinyin_words(text: str) -> list[str]:
    return [w.capitalize() for w in lazy_pinyin(text)]


def _phone_format(number: str, rng: random.Random) -> str:
    if len(number) != 11:
        return number
    a, b, c = number[:3], number[3:7], number[7:]
    return rng.choice(
        (
            number,
            f"{a}-{b}-{c}",
            f"{a} {b} {c}",
            f"+86 {number}",
            f"+86-{a}-{b}-{c}",
            f"0086{number}",
            f"(+86){number}",
            f"{a}{b}{c} ",
        )
    )


def _landline_format(number: str, rng: random.Random) -> str:
    area, local = number.split("-")
    return rng.choice(
        (number, f"({area}){local}", f"{area} {local}", f"+86-{area[1:]}-{local}", area + local)
    )


def _company_variant(entity: Entity, rng: random.Random) -> str:
    if entity.branch:
        name = entity.company()
        return rng.choice(
            (
                name,
                name.replace("有限公司", ""),
                f"{entity.brand}{entity.group_word}{entity.branch}",
            )
        )
    core = f"{entity.brand}{entity.industry_word}"
    city = entity.city
    return rng.choice(
        (
            f"{city}{core}{entity.legal}",
            f"{city}市{core}{entity.legal}",
            f"{core}({city}){entity.legal}",
            f"{core}（{city}）{entity.legal}",
            f"{core}{entity.legal}",
            f"{core}公司",
            f"{city}{core}",
            f"{city}{core}有限公司",
            core,
        )
    )


def _address_variant(entity: Entity, rng: random.Random) -> str:
    full = entity.address()
    district = entity.district
    return rng.choice(
        (
            full,
            f"{entity.city}市{district}{entity.street}",
            f"{district}{entity.street}",
            f"{entity.city}{district.rstrip('区')}{entity.street}",
            full.replace("号", "号 "),
        )
    )


def _record_cells(entity: Entity, rng: random.Random, *, original: bool) -> dict[str, str]:
    """The cells one row of ``entity`` holds; duplicates get the variants people type."""
    company = entity.company()
    contact = entity.contact
    phones = [entity.mobile] + ([entity.landline] if entity.landline else [])
    email = entity.email
    address = entity.address()
    industry = entity.industry
    title = entity.title
    if not original:
        if rng.random() < 0.7:
            company = _company_variant(entity, rng)
        if rng.random() < 0.06:
            company = _typo(company, rng)
        if rng.random() < 0.05:
            contact = _typo(contact, rng)
        elif rng.random() < 0.04:
            contact = entity.surname + rng.choice(("经理", "总", "女士", "先生"))
        elif rng.random() < 0.02:
            contact = contact + "经理"
        if rng.random() < 0.12:
            phones = []
        else:
            phones = [_phone_format(entity.mobile, rng)]
            if entity.landline and rng.random() < 0.6:
                phones.append(_landline_format(entity.landline, rng))
            if rng.random() < 0.03:
                digit = rng.randrange(3, 11)
                wrong = str((int(entity.mobile[digit]) + rng.randrange(1, 10)) % 10)
                phones[0] = entity.mobile[:digit] + wrong + entity.mobile[digit + 1 :]
            elif rng.random() < 0.04:
                phones = [_phone_format(f"1{rng.choice('3589')}{rng.randrange(10**9):09d}", rng)]
            if rng.random() < 0.1:
                rng.shuffle(phones)
        if email and rng.random() < 0.35:
            email = ""
        elif email and rng.random() < 0.15:
            email = email.upper() if rng.random() < 0.5 else email.capitalize()
        if rng.random() < 0.2:
            address = ""
        elif rng.random() < 0.5:
            address = _address_variant(entity, rng)
        if rng.random() < 0.3:
            industry = ""
        if rng.random() < 0.3:
            title = ""
        if rng.random() < 0.07:  # typed on a traditional-character system
            company, contact, address = (_S2T.convert(x) for x in (company, contact, address))
        if rng.random() < 0.03 and contact == entity.contact:  # typed in pinyin abroad
            surname = "".join(_pinyin_words(entity.surname))
            given = "".join(lazy_pinyin(entity.given))
            contact = (
                f"{given.capitalize()} {surname}" if rng.random() < 0.3 else f"{surname} {given}"
            )
            if rng.random() < 0.5 and not entity.branch:
                core = (
                    "".join(_pinyin_words(entity.brand))
                    + " "
                    + " ".join(_pinyin_words(entity.industry_word))
                )
                company = core + rng.choice(("", " Co., Ltd.", " Youxian Gongsi"))
        if rng.random() < 0.02:  # columns filled the wrong way round
            company, contact = contact, company
        if rng.random() < 0.015:  # the customer's contact person changed
            contact = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            phones = [_phone_format(f"1{rng.choice('3589')}{rng.randrange(10**9):09d}", rng)]
            email = ""
    cells = {
        "company_name": company,
        "contact_name": contact,
        "contact_title": title,
        "phone": "; ".join(phones),
        "email": email,
        "address": address,
        "industry": industry,
    }
    cells.update(entity.fields)
    return cells


def _customer(cells: dict[str, str]) -> Customer:
    values: dict[str, Any] = {k: v for k, v in cells.items() if v and k in Customer.model_fields}
    values["phone"] = tuple(p.strip() for p in cells.get("phone", "").split(";") if p.strip())
    if cells.get("tags"):
        values["tags"] = tuple(cells["tags"].split(","))
    return Customer.model_validate(values)


# --- the generator ---------------------------------------------------------------------------


def generate(
    n: int,
    *,
    seed: int = 0,
    duplicate_share: float = 0.35,
    hard_negative_share: float = 0.06,
) -> Generated:
    """About ``n`` records (exactly ``n``) of customers, some entered more than once.

    ``duplicate_share`` of the customers get 1-4 extra records; ``hard_negative_share`` of them
    get a look-alike that is another customer (same company with another contact, same person
    at another company, a sibling branch, a namesake company in another city).
    """
    rng = random.Random(seed)
    maker = _Maker(rng)
    entities: list[Entity] = []
    copies: list[int] = []
    hard: dict[str, list[tuple[int, int]]] = {
        "same_company_other_contact": [],
        "same_person_other_company": [],
        "sibling_branches": [],
        "namesake_other_city": [],
    }
    total = 0
    while total < n:
        kind = rng.random()
        if entities and kind < hard_negative_share:
            base_index = rng.randrange(len(entities))
            base = entities[base_index]
            which = rng.random()
            if which < 0.45 and not base.branch:
                twin = maker.entity(len(entities), like=base)  # another contact, same company
                hard["same_company_other_contact"].append((base_index, twin.number))
            elif which < 0.65:
                twin = maker.entity(len(entities))  # the same person at another company
                twin.surname, twin.given, twin.mobile = base.surname, base.given, base.mobile
                twin.email = base.email if rng.random() < 0.5 else ""
                hard["same_person_other_company"].append((base_index, twin.number))
            elif which < 0.85:
                city, other = rng.sample(list(CITIES), 2)
                group = maker.entity(len(entities))
                group.group_word, group.branch = "集团", f"{city}分公司"
                group.city = city
                group.district = rng.choice(CITIES[city][1])
                entities.append(group)
                copies.append(1 + (rng.random() < 0.3))
                total += copies[-1]
                twin = maker.entity(len(entities), like=group)
                twin.branch, twin.city = f"{other}分公司", other
                twin.district = rng.choice(CITIES[other][1])
                hard["sibling_branches"].append((group.number, twin.number))
            else:
                twin = maker.entity(len(entities), like=base)  # same name, another city
                twin.city = rng.choice([c for c in CITIES if c != base.city])
                twin.name_style = rng.choice((0, 1))
                twin.district = rng.choice(CITIES[twin.city][1])
                if base.name_style == 2:
                    base.name_style = 0
                hard["namesake_other_city"].append((base_index, twin.number))
            entity = twin
        else:
            entity = maker.entity(len(entities))
        entities.append(entity)
        extra = 0
        if rng.random() < duplicate_share:
            extra = rng.choices((1, 2, 3, 4), weights=(60, 24, 11, 5))[0]
        copies.append(1 + extra)
        total += 1 + extra

    rows: list[dict[str, str]] = []
    records: list[DedupeRecord] = []
    entity_of: dict[str, int] = {}
    by_entity: dict[int, list[str]] = {}
    row_numbers = dict.fromkeys(TABLES, 1)
    plan = [(e, c) for e, count in zip(entities, copies, strict=True) for c in range(count)]
    rng.shuffle(plan)
    plan = plan[:n]
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for entity, copy in plan:
        cells = _record_cells(entity, rng, original=copy == 0)
        table = rng.choice(TABLES)
        row_numbers[table] += 1
        key = f"{table}:{row_numbers[table]}"
        modified = start + timedelta(minutes=rng.randrange(600 * 24 * 60))
        cells["updated_at"] = modified.strftime("%Y-%m-%d %H:%M")
        rows.append(cells)
        records.append(
            DedupeRecord(key=key, customer=_customer(cells), table=table, modified_at=modified)
        )
        entity_of[key] = entity.number
        by_entity.setdefault(entity.number, []).append(key)

    true_pairs = {frozenset((a, b)) for keys in by_entity.values() for a, b in _pairs(keys)}
    hard_negatives = {
        kind: {
            frozenset((a, b))
            for x, y in links
            for a in by_entity.get(x, [])
            for b in by_entity.get(y, [])
        }
        for kind, links in hard.items()
    }
    return Generated(records, rows, true_pairs, hard_negatives, entity_of)


def _pairs(keys: list[str]) -> Iterable[tuple[str, str]]:
    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            yield a, b


# --- files -----------------------------------------------------------------------------------


def write_table(rows: list[dict[str, str]], path: Path) -> None:
    """Write ``rows`` under the field dictionary's Chinese headers (xlsx via openpyxl, or csv)."""
    used = [spec for spec in FIELDS if any(row.get(spec.name) for row in rows)]
    if not any(spec.name == "customer_id" for spec in used):
        used.insert(0, FIELD_BY_NAME["customer_id"])
    headers = [spec.label for spec in used]
    if path.suffix.lower() == ".csv":
        with path.open("w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle)
            writer.writerow(headers)
            writer.writerows([row.get(spec.name, "") for spec in used] for row in rows)
        return
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "客户信息"
    sheet.append(headers)
    for row in rows:
        # Text cells throughout: a phone typed as a number would lose its leading zero.
        sheet.append([row.get(spec.name, "") for spec in used])
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            cell.number_format = "@"
    book.save(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=200, help="number of records")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("customers.xlsx"), help=".xlsx or .csv")
    args = parser.parse_args(argv)
    data = generate(args.n, seed=args.seed)
    write_table(data.rows, args.out)
    hard = sum(len(pairs) for pairs in data.hard_negatives.values())
    print(
        f"wrote {len(data.rows)} rows to {args.out}: {len(data.true_pairs)} duplicate pairs, "
        f"{hard} look-alike pairs of different customers"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
