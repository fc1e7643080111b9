"""The field dictionary: every customer field of the source documents, in one place.

Validation, the default column mapping of every connector, the import template (headers,
字段说明, dropdowns, examples) and the docs all read this table, so a field is added or
changed here and nowhere else.

The fields come from the two source documents: the core field table of the customer
database template (客户信息管理核心字段表) and the sales follow-up collection template
(客户信息收集模板). Where the two name the same thing differently (联系人姓名 / 客户姓名,
联系方式 / 联系电话, 客户名称 / 所属公司) one canonical field carries both names as header
synonyms.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType


class FieldType(StrEnum):
    """What kind of value a field holds; decides its normalizer and its column format."""

    ID = "id"  # 客户编号: C-YYYYMMDD-N
    TEXT = "text"  # one line
    LONG_TEXT = "long_text"  # free text, may hold sensitive numbers that must be masked
    PHONE = "phone"  # one or more phone numbers
    EMAIL = "email"
    ADDRESS = "address"  # free text; province / city / district derived from it
    INDUSTRY = "industry"  # GB/T 4754-2017 name
    ENUM = "enum"  # one of ``choices``
    DATE = "date"  # YYYY-MM-DD
    DATETIME = "datetime"  # YYYY-MM-DD HH:MM[:SS]
    DATED_TEXT = "dated_text"  # "2024-05-20:跟进合同签订": a date and what to do then
    AMOUNT = "amount"  # Decimal, yuan
    TAGS = "tags"  # a set of labels


class Category(StrEnum):
    """字段类别 of the source documents; groups columns in the template and the docs."""

    IDENTITY = "客户唯一标识"
    BASIC = "基础信息"
    CLASSIFICATION = "分类标签"
    FOLLOW_UP = "跟进记录"
    COOPERATION = "合作信息"
    DEMAND = "需求信息"
    OTHER = "其他信息"


@dataclass(frozen=True)
class FieldSpec:
    """One canonical field.

    Attributes:
        name: canonical name used in code, the store and config (``company_name``).
        label: the Chinese header of the template (``客户名称``); also the default column name.
        english: the English header used by the Airtable example and English-speaking teams.
        category: 字段类别 the field belongs to.
        type: kind of value; picks the normalizer.
        required: 必填 — a row without it is quarantined.
        description: 字段说明, shown as the template's notes and in the docs.
        example: 示例, a valid example value (also used for the template's example rows).
        synonyms: other header names that mean this field (联系电话, 手机号 ...).
        choices: allowed values of an ENUM field, in display order.
        choice_aliases: value synonyms accepted on input and normalized to a choice
            (``A`` -> ``重点客户``); config may add more.
        format_hint: the format people must follow, in words.
        extensible: choices may be extended from config (``enums:``) without a code change.
    """

    name: str
    label: str
    english: str
    category: Category
    type: FieldType
    required: bool = False
    description: str = ""
    example: str = ""
    synonyms: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    choice_aliases: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    format_hint: str = ""
    extensible: bool = False

    @property
    def headers(self) -> tuple[str, ...]:
        """Every header that maps to this field: label, English name, canonical name, synonyms."""
        return (self.label, self.english, self.name, *self.synonyms)


def _aliases(**pairs: str) -> Mapping[str, str]:
    return MappingProxyType(dict(pairs))


LEVELS = ("潜在客户", "普通客户", "重点客户")
FOLLOW_UP_METHODS = ("电话", "拜访", "邮件", "会议")
COOPERATION_STATUSES = ("未合作", "合作中", "暂停合作", "终止合作")
FOLLOW_UP_STATUSES = ("待跟进", "初步接触", "意向", "方案报价", "商务谈判", "已成交", "已流失")
DEMAND_TYPES = ("采购设备", "软件系统", "技术服务", "咨询培训", "售后服务", "其他")
SOURCES = ("展会", "转介绍", "线上推广", "电话营销", "官网咨询", "老客户", "其他")

FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        name="customer_id",
        label="客户编号",
        english="Customer ID",
        category=Category.IDENTITY,
        type=FieldType.ID,
        description="系统自动生成的唯一识别码,格式C-YYYYMMDD-N;留空则导入时自动生成",
        example="C-20240510-1",
        synonyms=("编号", "客户ID", "客户id", "ID", "id", "customer id"),
        format_hint="C-YYYYMMDD-N",
    ),
    FieldSpec(
        name="company_name",
        label="客户名称",
        english="Company",
        category=Category.BASIC,
        type=FieldType.TEXT,
        required=True,
        description="企业/个体工商户全称",
        example="北京星辰科技有限公司",
        synonyms=(
            "所属公司",
            "公司名称",
            "企业名称",
            "客户公司",
            "单位名称",
            "公司",
            "Company Name",
        ),
    ),
    FieldSpec(
        name="contact_name",
        label="联系人姓名",
        english="Contact",
        category=Category.BASIC,
        type=FieldType.TEXT,
        required=True,
        description="主要对接人姓名(可加尊称,如“王经理”“李女士”)",
        example="王经理",
        synonyms=("客户姓名", "联系人", "姓名", "对接人", "Contact Name"),
    ),
    FieldSpec(
        name="contact_title",
        label="联系人职位",
        english="Title",
        category=Category.BASIC,
        type=FieldType.TEXT,
        description="客户方联系人职务",
        example="采购总监",
        synonyms=("职位", "职务", "岗位", "Job Title"),
    ),
    FieldSpec(
        name="phone",
        label="联系方式",
        english="Phone",
        category=Category.BASIC,
        type=FieldType.PHONE,
        required=True,
        description="常用联系电话:手机11位数字,座机“区号-号码”;多个号码用分号分隔;展示时可隐藏中间4位",
        example="13812345678",
        synonyms=(
            "联系电话",
            "手机号",
            "手机号码",
            "电话",
            "手机",
            "电话号码",
            "Mobile",
            "Phone Number",
        ),
        format_hint="11位手机号 或 区号-号码(如010-12345678)",
    ),
    FieldSpec(
        name="email",
        label="电子邮箱",
        english="Email",
        category=Category.BASIC,
        type=FieldType.EMAIL,
        description="联系人常用邮箱",
        example="wang@example.com",
        synonyms=("邮箱", "邮件地址", "E-mail", "e-mail"),
    ),
    FieldSpec(
        name="address",
        label="企业地址",
        english="Address",
        category=Category.BASIC,
        type=FieldType.ADDRESS,
        description="注册或办公地址(省市区详细地址);省/市/区自动拆分",
        example="北京市海淀区中关村大街1号",
        synonyms=("地址", "公司地址", "办公地址", "注册地址", "详细地址"),
    ),
    FieldSpec(
        name="industry",
        label="所属行业",
        english="Industry",
        category=Category.CLASSIFICATION,
        type=FieldType.INDUSTRY,
        description="客户所属行业,按国民经济行业分类(GB/T 4754-2017)门类或大类名称",
        example="软件和信息技术服务业",
        synonyms=("行业", "行业分类", "客户行业"),
    ),
    FieldSpec(
        name="level",
        label="客户等级",
        english="Level",
        category=Category.CLASSIFICATION,
        type=FieldType.ENUM,
        description="根据合作价值或潜力划分:潜在客户/普通客户/重点客户",
        example="重点客户",
        synonyms=("等级", "客户级别", "级别"),
        choices=LEVELS,
        choice_aliases=_aliases(
            A="重点客户",
            B="普通客户",
            C="潜在客户",
            A类="重点客户",
            B类="普通客户",
            C类="潜在客户",
            重点="重点客户",
            普通="普通客户",
            潜在="潜在客户",
            VIP="重点客户",
            vip="重点客户",
            意向客户="潜在客户",
        ),
    ),
    FieldSpec(
        name="source",
        label="客户来源",
        english="Source",
        category=Category.CLASSIFICATION,
        type=FieldType.TEXT,
        description="获客渠道(展会/转介绍/线上推广等),可写具体活动名",
        example="行业展会2024",
        synonyms=("来源", "来源渠道", "获客渠道", "渠道"),
    ),
    FieldSpec(
        name="status",
        label="合作状态",
        english="Status",
        category=Category.COOPERATION,
        type=FieldType.ENUM,
        description="当前合作状态,每月核查:未合作/合作中/暂停合作/终止合作",
        example="合作中",
        synonyms=("状态", "客户状态"),
        choices=COOPERATION_STATUSES,
        choice_aliases=_aliases(
            暂停="暂停合作", 已暂停="暂停合作", 终止="终止合作", 已终止="终止合作", 进行中="合作中"
        ),
    ),
    FieldSpec(
        name="follow_up_status",
        label="跟进状态",
        english="Follow-up Status",
        category=Category.FOLLOW_UP,
        type=FieldType.ENUM,
        description="销售跟进进度:待跟进/初步接触/意向/方案报价/商务谈判/已成交/已流失",
        example="意向",
        synonyms=("跟进进度", "销售阶段"),
        choices=FOLLOW_UP_STATUSES,
        choice_aliases=_aliases(
            有意向="意向",
            意向客户="意向",
            跟进中="初步接触",
            报价="方案报价",
            谈判="商务谈判",
            成交="已成交",
            流失="已流失",
        ),
        extensible=True,
    ),
    FieldSpec(
        name="owner",
        label="跟进人",
        english="Owner",
        category=Category.FOLLOW_UP,
        type=FieldType.TEXT,
        description="负责跟进该客户的销售/客服人员",
        example="张三",
        synonyms=("负责人", "销售", "客户经理", "归属人"),
    ),
    FieldSpec(
        name="department",
        label="所属部门",
        english="Department",
        category=Category.FOLLOW_UP,
        type=FieldType.TEXT,
        description="负责该客户的部门,用于按部门共享与权限范围",
        example="华东销售部",
        synonyms=("部门", "归属部门"),
    ),
    FieldSpec(
        name="last_follow_up",
        label="最近跟进日期",
        english="Last Follow-up",
        category=Category.FOLLOW_UP,
        type=FieldType.DATE,
        description="最近一次沟通的日期",
        example="2024-05-10",
        synonyms=("跟进时间", "跟进日期", "最近跟进", "最后跟进日期"),
        format_hint="YYYY-MM-DD",
    ),
    FieldSpec(
        name="follow_up_method",
        label="跟进方式",
        english="Follow-up Method",
        category=Category.FOLLOW_UP,
        type=FieldType.ENUM,
        description="沟通渠道:电话/拜访/邮件/会议",
        example="电话",
        synonyms=("沟通方式", "联系方式类型", "沟通渠道"),
        choices=FOLLOW_UP_METHODS,
        choice_aliases=_aliases(
            电话沟通="电话",
            打电话="电话",
            致电="电话",
            上门拜访="拜访",
            面访="拜访",
            上门="拜访",
            邮件沟通="邮件",
            电子邮件="邮件",
            Email="邮件",
            email="邮件",
            线上会议="会议",
            视频会议="会议",
            开会="会议",
        ),
    ),
    FieldSpec(
        name="follow_up_content",
        label="跟进内容",
        english="Follow-up Notes",
        category=Category.FOLLOW_UP,
        type=FieldType.LONG_TEXT,
        description="本次沟通的核心事项(需求反馈/方案介绍等)",
        example="确认产品交付周期",
        synonyms=("沟通内容", "跟进记录", "沟通记录"),
    ),
    FieldSpec(
        name="next_follow_up",
        label="下次跟进计划",
        english="Next Follow-up",
        category=Category.FOLLOW_UP,
        type=FieldType.DATED_TEXT,
        description="预计下次沟通时间与重点,格式“YYYY-MM-DD:事项”",
        example="2024-05-20:跟进合同签订",
        synonyms=("下次跟进", "下次跟进时间", "下次联系计划"),
        format_hint="YYYY-MM-DD:事项",
    ),
    FieldSpec(
        name="feedback",
        label="客户反馈",
        english="Feedback",
        category=Category.FOLLOW_UP,
        type=FieldType.LONG_TEXT,
        description="客户对产品/服务/方案的反馈意见",
        example="希望缩短交付周期",
        synonyms=("反馈", "客户意见"),
    ),
    FieldSpec(
        name="project",
        label="合作项目/产品",
        english="Project",
        category=Category.COOPERATION,
        type=FieldType.TEXT,
        description="当前合作的具体内容",
        example="企业CRM系统采购",
        synonyms=("合作项目", "合作产品", "项目", "产品"),
    ),
    FieldSpec(
        name="cooperation_start",
        label="合作开始时间",
        english="Cooperation Start",
        category=Category.COOPERATION,
        type=FieldType.DATE,
        description="首次合作的日期",
        example="2023-08-01",
        synonyms=("合作开始日期", "首次合作时间", "签约日期"),
        format_hint="YYYY-MM-DD",
    ),
    FieldSpec(
        name="total_amount",
        label="累计合作金额",
        english="Total Amount",
        category=Category.COOPERATION,
        type=FieldType.AMOUNT,
        description="历史合作总金额(单位:元)",
        example="500000",
        synonyms=("合作金额", "累计金额", "成交金额", "金额"),
        format_hint="数字,单位元;可写 500,000 / 50万",
    ),
    FieldSpec(
        name="demand_type",
        label="需求类型",
        english="Demand Type",
        category=Category.DEMAND,
        type=FieldType.ENUM,
        description="客户需求分类(下拉选择)",
        example="采购设备",
        synonyms=("需求分类", "需求"),
        choices=DEMAND_TYPES,
        choice_aliases=_aliases(
            设备采购="采购设备", 软件="软件系统", 系统="软件系统", 咨询="咨询培训", 培训="咨询培训"
        ),
        extensible=True,
    ),
    FieldSpec(
        name="budget",
        label="预算范围",
        english="Budget",
        category=Category.DEMAND,
        type=FieldType.TEXT,
        description="客户预算区间(如“10-50万”)",
        example="10-50万",
        synonyms=("预算", "预算金额"),
    ),
    FieldSpec(
        name="purchase_time",
        label="采购时间",
        english="Purchase Time",
        category=Category.DEMAND,
        type=FieldType.TEXT,
        description="预计采购时间(日期或时段,如“2024-06”“2024年Q3”)",
        example="2024年Q3",
        synonyms=("预计采购时间", "采购时段"),
    ),
    FieldSpec(
        name="key_needs",
        label="关键需求",
        english="Key Needs",
        category=Category.DEMAND,
        type=FieldType.LONG_TEXT,
        description="客户当前的核心需求或痛点",
        example="提升客户管理效率",
        synonyms=("核心需求", "需求描述", "痛点"),
    ),
    FieldSpec(
        name="tags",
        label="标签",
        english="Tags",
        category=Category.OTHER,
        type=FieldType.TAGS,
        description="自定义标签(如“高意向”“需跟进售后”),多个用逗号分隔;规则标签自动添加",
        example="季度回访",
        synonyms=("客户标签", "标记"),
    ),
    FieldSpec(
        name="remarks",
        label="备注",
        english="Remarks",
        category=Category.OTHER,
        type=FieldType.LONG_TEXT,
        description="非必要信息记录在此;严禁存储证件号码、银行卡号,系统会自动脱敏",
        example="偏好下午沟通",
        synonyms=("说明", "其他", "Notes"),
    ),
    FieldSpec(
        name="updated_at",
        label="最后更新时间",
        english="Last Updated",
        category=Category.OTHER,
        type=FieldType.DATETIME,
        description="记录最后修改该条信息的时间",
        example="2024-05-10 14:30",
        synonyms=("更新时间", "修改时间", "最后修改时间"),
        format_hint="YYYY-MM-DD HH:MM",
    ),
)

FIELD_BY_NAME: Mapping[str, FieldSpec] = MappingProxyType({spec.name: spec for spec in FIELDS})
REQUIRED_FIELDS: tuple[str, ...] = tuple(spec.name for spec in FIELDS if spec.required)
ENUM_FIELDS: tuple[str, ...] = tuple(spec.name for spec in FIELDS if spec.type is FieldType.ENUM)


def field_spec(name: str) -> FieldSpec:
    """The spec of canonical field ``name``; ``KeyError`` names the unknown field."""
    try:
        return FIELD_BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown field {name!r}") from None


def header_key(header: str) -> str:
    """How headers are compared: case, spaces, full-width and '*' (required marks) ignored."""
    text = header.strip().translate(_HEADER_FOLD)
    return "".join(text.split()).rstrip("*").lower()


_HEADER_FOLD = str.maketrans(
    {**{chr(0xFF01 + i): chr(0x21 + i) for i in range(94)}, "\u3000": " ", "(": "(", ")": ")"}
)


def _build_header_index() -> Mapping[str, str]:
    index: dict[str, str] = {}
    for spec in FIELDS:
        for header in spec.headers:
            key = header_key(header)
            owner = index.setdefault(key, spec.name)
            if owner != spec.name:  # a synonym must never point at two fields
                raise AssertionError(f"header {header!r} is claimed by {owner} and {spec.name}")
    return MappingProxyType(index)


HEADER_INDEX: Mapping[str, str] = _build_header_index()


def field_for_header(header: str) -> str | None:
    """The canonical field a column header names, through labels and synonyms; else ``None``."""
    return HEADER_INDEX.get(header_key(header))


def iter_fields(category: Category | None = None) -> Iterator[FieldSpec]:
    """The fields in template order, optionally of one category."""
    return (spec for spec in FIELDS if category is None or spec.category is category)
