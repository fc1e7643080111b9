"""Matching keys: the normalized forms that records are blocked on and compared by.

Everything here is about *comparing*, not about what is stored: a company key drops the legal
form and the city because 北京星辰科技有限公司 and 星辰科技(北京)有限公司 are one company, but the
stored name keeps both. Normalizing before blocking is where the accuracy is won: a phone written
``+86 138-1234-5678`` or a name written in traditional characters or in pinyin must land in the
same block as its plain form, or the pair is never compared at all.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import opencc
from pypinyin.phrases_dict import phrases_dict
from pypinyin.pinyin_dict import pinyin_dict


def _words(text: str) -> tuple[str, ...]:
    # Word lists are written as one string so that a long list of names stays readable.
    return tuple(text.split())


# --- text folding -------------------------------------------------------------------------------

_T2S = opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _traditional_chars() -> frozenset[str]:
    # The characters t2s changes on their own. A string without any of them is already
    # simplified and skips the converter, which most strings are.
    chars = [chr(code) for code in range(0x3400, 0xA000)]
    converted = _T2S.convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # a phrase rule joined lines: fall back to converting all
        return frozenset(chars)
    return frozenset(a for a, b in zip(chars, converted, strict=True) if a != b)


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Full-width to half-width, lower case, traditional to simplified, spaces collapsed.

    >>> fold("星辰科技（北京）有限公司 ＡＢＣ")
    '星辰科技(北京)有限公司 abc'
    >>> fold("濟南馨禹電子")
    '济南馨禹电子'
    """
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        if not _traditional_chars().isdisjoint(text):
            text = _T2S.convert(text)
    return " ".join(text.lower().split())


def is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


_NOT_WORD = re.compile(r"[^0-9a-z\u3400-\u9fff]+")


def squash(text: str) -> str:
    """Letters, digits and Han characters only (after :func:`fold`)."""
    return _NOT_WORD.sub("", text)


# --- pinyin ------------------------------------------------------------------------------------


def _toneless(reading: str) -> str:
    # pypinyin spells ü as v in its toneless style; do the same so both paths agree.
    decomposed = unicodedata.normalize("NFD", reading).replace("u\u0308", "v")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _reading_tables() -> tuple[dict[str, str], dict[str, str]]:
    single: dict[str, str] = {}
    common: dict[str, str] = {}
    for code, readings in pinyin_dict.items():
        first = _toneless(readings.split(",")[0])
        common[chr(code)] = first
        if "," not in readings:
            single[chr(code)] = first
    return single, common


#: Characters with one reading, and every character's most frequent reading (pypinyin lists
#: readings by frequency).
_SINGLE, _COMMON = _reading_tables()
_POLYPHONES = frozenset(_COMMON) - frozenset(_SINGLE)
_PHRASE_MAX = 4


@lru_cache(maxsize=1 << 16)
def _phrase(text: str) -> tuple[str, ...] | None:
    readings = phrases_dict.get(text)
    if readings is None:
        return None
    return tuple(_toneless(r[0]) for r in readings)


@lru_cache(maxsize=1 << 16)
def pinyin_syllables(text: str) -> tuple[str, ...]:
    """Toneless pinyin of the Han characters of ``text``; other letters pass as lower-case words.

    A polyphone is read from the phrase it stands in (pypinyin's phrase table: 重庆 chongqing,
    银行 yinhang), else by its most frequent reading. This is pypinyin's own answer for nearly
    every name, at a fraction of the cost of its segmenter, which dominated the whole dedupe
    run on 100k records.

    >>> pinyin_syllables("重庆银行")
    ('chong', 'qing', 'yin', 'hang')
    >>> pinyin_syllables("Wang Wei")
    ('wang', 'wei')
    """
    text = fold(text)
    if _POLYPHONES.isdisjoint(text) and all(ch in _SINGLE for ch in text):
        return tuple(_SINGLE[ch] for ch in text)
    out: list[str] = []
    word: list[str] = []
    i, size = 0, len(text)
    while i < size:
        ch = text[i]
        if not is_han(ch):
            if ch.isalnum():
                word.append(ch)
            elif word:
                out.append("".join(word))
                word = []
            i += 1
            continue
        if word:
            out.append("".join(word))
            word = []
        matched = False
        window = text[i : i + _PHRASE_MAX]
        longest = len(window) if not _POLYPHONES.isdisjoint(window) else 1
        for length in range(longest, 1, -1):
            piece = window[:length]
            if _POLYPHONES.isdisjoint(piece):
                break  # no polyphone in it: the table already gives the phrase reading
            readings = _phrase(piece)
            if readings is not None and len(readings) == length:
                out.extend(readings)
                i += length
                matched = True
                break
        if not matched:
            reading = _COMMON.get(ch)
            if reading:
                out.append(reading)
            i += 1
    if word:
        out.append("".join(word))
    return tuple(out)


def initials(syllables: tuple[str, ...]) -> str:
    return "".join(s[0] for s in syllables if s)


# --- regions -----------------------------------------------------------------------------------

#: Provinces, municipalities and the larger cities, as people write them at the start of a
#: company name ("北京星辰科技") or in brackets ("星辰科技(北京)"). Longest first when matching.
REGIONS: tuple[str, ...] = tuple(
    _words("""北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南
    广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门 中国
    石家庄 太原 沈阳 大连 长春 哈尔滨 南京 苏州 无锡 常州 南通 杭州 宁波 温州 嘉兴 绍兴 金华 台州
    合肥 芜湖 福州 厦门 泉州 南昌 济南 青岛 烟台 潍坊 郑州 洛阳 武汉 宜昌 襄阳 长沙 株洲 广州
    深圳 珠海 佛山 东莞 中山 惠州 汕头 湛江 海口 三亚 成都 绵阳 贵阳 遵义 昆明 西安 兰州 西宁
    呼和浩特 包头 南宁 桂林 柳州 拉萨 银川 乌鲁木齐 保定 唐山 徐州 扬州""")
)
_REGION_SUFFIX = r"(?:维吾尔自治区|壮族自治区|回族自治区|特别行政区|自治区|省|市)?"
_REGION_ALT = "|".join(sorted(REGIONS, key=len, reverse=True))
_REGION_PREFIX = re.compile(rf"^(?:({_REGION_ALT}){_REGION_SUFFIX})+")
_REGION_PREFIX_ONE = re.compile(rf"({_REGION_ALT}){_REGION_SUFFIX}")
_REGION_ONLY = re.compile(rf"^({_REGION_ALT}){_REGION_SUFFIX}$")
_REGION_AT_END = re.compile(rf"({_REGION_ALT}){_REGION_SUFFIX}$")


@lru_cache(maxsize=1)
def _region_pinyin() -> frozenset[str]:
    return frozenset("".join(pinyin_syllables(r)) for r in REGIONS)


# --- company names -----------------------------------------------------------------------------

#: Legal forms, longest first; removed from the end of the name (repeatedly).
_LEGAL_HAN = (
    "股份有限公司",
    "有限责任公司",
    "股份合作公司",
    "有限公司",
    "股份公司",
    "有限责任",
    "责任公司",
    "公司",
)
_LEGAL_LATIN = (
    "gufenyouxiangongsi",
    "youxianzerengongsi",
    "youxiangongsi",
    "gufengongsi",
    "gongsi",
)
#: Markers of a branch office: two branches of one group are two customers.
_BRANCH_KINDS = (
    "分公司",
    "分部",
    "办事处",
    "代表处",
    "分店",
    "分厂",
    "营业部",
    "分中心",
    "分行",
    "支行",
    "分院",
)
#: Words that are no name on their own: a city before them is part of the name (重庆银行).
_GENERIC = frozenset(
    _words("""银行 大学 学院 医院 中学 小学 幼儿园 证券 保险 日报 晚报 电视台 广播电台 机场 地铁 公交 电力
    燃气 水务 供电局 自来水 农商银行 商业银行 农村商业银行 人民医院 中医院 师范大学 理工大学 科技大学
    图书馆 博物馆 体育馆 动物园 港务 海关 税务局 烟草""")
)
_BRANCH = re.compile(rf"^(.*?)({'|'.join(_BRANCH_KINDS)})$")
_LATIN_WORD = re.compile(r"[^0-9a-z]+")
_LATIN_LEGAL = frozenset(
    _words(
        """co ltd limited inc incorporated corp corporation company llc gmbh plc youxian gongsi
        gufen zeren youxiangongsi youxianzerengongsi gufenyouxiangongsi"""
    )
)
_LATIN_BRANCH_WORDS = frozenset(_words("branch fengongsi banshichu office"))
_BRACKETS = re.compile(r"[(\[【〔{]([^)\]】〕}]*)[)\]】〕}]")


@dataclass(frozen=True)
class CompanyKey:
    """A company name taken apart for comparison.

    ``key`` is the canonical name (legal form, city prefix and bracketed city removed; the
    branch kept), ``root`` the same without the branch, ``branch`` e.g. ``北京分公司``,
    ``region`` the city or province the name itself mentions, ``pinyin`` the pinyin of
    ``root`` (so a pinyin spelling of the name meets its Han form).
    """

    key: str
    root: str
    branch: str
    region: str
    pinyin: str
    initials: str


def _strip_legal(text: str, forms: tuple[str, ...]) -> str:
    changed = True
    while changed:
        changed = False
        for form in forms:
            if text.endswith(form) and len(text) > len(form) + 1:
                text = text[: -len(form)]
                changed = True
                break
    return text


def _region_name(text: str) -> str:
    match = _REGION_ONLY.match(text)
    return match.group(1) if match else ""


@lru_cache(maxsize=1 << 16)
def company_key(name: str) -> CompanyKey:
    """Take a company name apart: canonical key, branch, region, pinyin.

    >>> company_key("星辰科技(北京)有限公司").key == company_key("北京星辰科技有限公司").key
    True
    >>> company_key("星辰集团有限公司上海分公司").branch
    '上海分公司'
    >>> company_key("Xingchen Keji Youxian Gongsi").pinyin == company_key("星辰科技公司").pinyin
    True
    """
    text = fold(name)
    region = ""
    branch = ""
    for inner in _BRACKETS.findall(text):
        part = squash(inner)
        if _BRANCH.match(part) and not branch:
            branch = part
        elif not region:
            region = _region_name(part) or (part if part in _region_pinyin() else "")
    text = squash(_BRACKETS.sub("", text))
    han = any(is_han(ch) for ch in text)
    if han:
        match = _BRANCH.match(text)
        if match and len(match.group(1)) >= 2 and not branch:
            before, kind = match.group(1), match.group(2)
            place = _REGION_AT_END.search(before)
            if place and len(before) > len(place.group(0)):
                branch = place.group(1) + kind
                text = before[: -len(place.group(0))]
            else:
                branch = before[-2:] + kind
                text = before[:-2]
        text = _strip_legal(text, _LEGAL_HAN)
        prefix = _REGION_PREFIX.match(text)
        # 重庆银行 and 中山大学 are names, not a city and a company: keep the city when what is
        # left would be a generic word.
        first = _REGION_PREFIX_ONE.match(text)
        if (
            prefix
            and first
            and len(text) - prefix.end() >= 2
            and text[prefix.end() :] not in _GENERIC
        ):
            region = region or first.group(1)
            text = text[prefix.end() :]
        text = _strip_legal(text, _LEGAL_HAN)
        syllables = pinyin_syllables(text)
        root_pinyin = "".join(syllables)
    else:
        # A romanized name: "Xingchen Keji (Beijing) Co., Ltd." or pinyin "Xingchen Keji Youxian
        # Gongsi". Legal words and a leading city are dropped word by word (so "Tesco" keeps its
        # "co"), then the words are joined to meet the Han names through their pinyin.
        words = [w for w in _LATIN_WORD.split(_BRACKETS.sub(" ", fold(name))) if w]
        if len(words) > 1 and words[-1] in _LATIN_BRANCH_WORDS:
            branch = branch or words[-1]
            words = words[:-1]
        while len(words) > 1 and words[-1] in _LATIN_LEGAL:
            words.pop()
        if len(words) > 1 and words[0] in _region_pinyin():
            region = region or words[0]
            words = words[1:]
        text = "".join(words)
        for form in _LEGAL_LATIN:  # written without spaces: "XingchenKejiYouxianGongsi"
            if text.endswith(form) and len(text) > len(form) + 3:
                text = text[: -len(form)]
                break
        syllables = (text,)
        root_pinyin = text
    if region and any(is_han(ch) for ch in region):
        region = "".join(pinyin_syllables(region))
    key = f"{text}#{branch}" if branch else text
    return CompanyKey(
        key=key,
        root=text,
        branch=branch,
        region=region,
        pinyin=root_pinyin,
        initials=initials(syllables) if han else root_pinyin[:4],
    )


# --- person names ------------------------------------------------------------------------------

#: Titles people write after a surname instead of the given name ("王经理", "李女士").
_HONORIFICS = tuple(
    sorted(
        _words("""总经理 副总经理 副总 经理 总监 主任 主管 女士 先生 小姐 老师 总 工 博士 教授 院长 处长
        科长 部长 董事长 老板 会计 助理 专员 厂长 校长 局长 书记 医生 律师"""),
        key=len,
        reverse=True,
    )
)
_COMPOUND_SURNAMES = frozenset(
    _words(
        "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 令狐 司徒 夏侯 长孙 宇文 澹台 端木 西门 南宫"
    )
)
_LATIN_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "prof"})
#: Titles written in pinyin after the surname ("Yu Xiansheng", "Wang Jingli").
_PINYIN_TITLES = frozenset(
    _words("xiansheng nvshi nushi xiaojie jingli zong laoshi zongjingli zhuren zongjian")
)
_FUZZY = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("ing", "in"), ("eng", "en"), ("ang", "an"))


def fuzzy_pinyin(syllables: str) -> str:
    """Pinyin with the distinctions input methods let people blur (模糊音): zh/z, ch/c, sh/s,
    -ing/-in, -eng/-en, -ang/-an. 丁敏 (ding min) and 丁鸣 (ding ming) agree here."""
    for blurred, plain in _FUZZY:
        syllables = syllables.replace(blurred, plain)
    return syllables


@dataclass(frozen=True)
class PersonKey:
    """A contact name for comparison.

    ``key`` is the simplified Han name (or the romanized words joined); ``pinyin`` its
    syllables joined, ``alt_pinyin`` the other word order of a romanized two-word name
    ("Wei Wang" may be 王伟); ``surname`` the pinyin of the family name; ``partial`` is true when
    only a surname and a title were written ("王经理").
    """

    key: str
    pinyin: str
    alt_pinyin: str
    surname: str
    partial: bool
    initials: str
    #: every word that may be the family name (both ends of a romanized name)
    surnames: frozenset[str] = frozenset()
    #: :func:`fuzzy_pinyin` of ``pinyin`` and ``alt_pinyin``
    fuzzy: frozenset[str] = frozenset()


@lru_cache(maxsize=1 << 16)
def person_key(name: str) -> PersonKey:
    """
    >>> person_key("王偉").pinyin == person_key("Wang Wei").pinyin == "wangwei"
    True
    >>> person_key("王经理").partial
    True
    """
    text = fold(name)
    han = [ch for ch in text if is_han(ch)]
    if han:
        core = "".join(han)
        partial = False
        for title in _HONORIFICS:
            if core.endswith(title) and len(core) > len(title):
                rest = core[: -len(title)]
                if len(rest) == 1 or rest in _COMPOUND_SURNAMES:
                    partial = True
                core = rest
                break
        syllables = pinyin_syllables(core)
        surname_len = 2 if core[:2] in _COMPOUND_SURNAMES else 1
        joined = "".join(syllables)
        return PersonKey(
            key=core,
            pinyin=joined,
            alt_pinyin=joined,
            surname="".join(syllables[:surname_len]),
            partial=partial,
            initials=initials(syllables),
            surnames=frozenset({"".join(syllables[:surname_len])}),
            fuzzy=frozenset({fuzzy_pinyin(joined)}),
        )
    words = [w for w in re.split(r"[^0-9a-z]+", text) if w]
    partial = bool(words) and words[0] in _LATIN_HONORIFICS
    words = [w for w in words if w not in _LATIN_HONORIFICS]
    if len(words) >= 2 and "".join(words[1:]) in _PINYIN_TITLES:
        words, partial = words[:1], True
    joined = "".join(words)
    alt = "".join(words[-1:] + words[:-1]) if len(words) >= 2 else joined
    return PersonKey(
        key=joined,
        pinyin=joined,
        alt_pinyin=alt,
        surname=words[0] if words else "",
        partial=partial,
        initials="".join(w[0] for w in words),
        surnames=frozenset(words[:1] + words[-1:]),
        fuzzy=frozenset({fuzzy_pinyin(joined), fuzzy_pinyin(alt)}),
    )


@lru_cache(maxsize=1 << 16)
def looks_like_company(text: str) -> bool:
    """Whether a value reads like an organisation name (used to spot swapped columns)."""
    folded = squash(fold(text))
    if _COMPANY_MARKER.search(folded):
        return True
    han = sum(1 for ch in folded if is_han(ch))
    return han >= 6


@lru_cache(maxsize=1 << 16)
def looks_like_person(text: str) -> bool:
    """Whether a value reads like a person's name: 2-4 Han characters or a title after one."""
    folded = squash(fold(text))
    if not folded or looks_like_company(text):
        return False
    if all(is_han(ch) for ch in folded):
        return 2 <= len(folded) <= 5
    return False


_COMPANY_MARKERS = (
    *_words(
        """科技 贸易 实业 商贸 机械 电子 食品 医药 生物 建材 物流 传媒 广告 咨询 化工 服装 家具 印刷
        电气 软件 网络 信息 技术 工程 装饰 能源 农业 教育 餐饮 环保 汽车 设备 制造 投资 管理 服务
        酒店 银行 医院 学校 大学"""
    ),
    "公司",
    "集团",
    "有限",
    "厂",
    "中心",
    "商行",
    "工作室",
    "研究院",
    "研究所",
    "事务所",
    "协会",
    "合作社",
    "门店",
    "gongsi",
    "ltd",
    "limited",
    "inc",
    "corp",
)
_COMPANY_MARKER = re.compile("|".join(_COMPANY_MARKERS))


# --- phones, e-mail, addresses -----------------------------------------------------------------

_NON_DIGIT = re.compile(r"[^0-9]+")
_EXTENSION = re.compile(r"(转|分机|ext\.?|x|#|,|;).*$")


@lru_cache(maxsize=1 << 16)
def phone_key(raw: str) -> str | None:
    """A format-free phone key: national number without trunk 0 or country code, no extension.

    >>> phone_key("+86 138-1234-5678") == phone_key("13812345678") == "13812345678"
    True
    >>> phone_key("(010)1234-5678") == phone_key("+86-10-12345678") == "1012345678"
    True
    """
    text = raw.lower() if raw.isascii() else fold(raw)
    text = _EXTENSION.sub("", text)
    digits = _NON_DIGIT.sub("", text)
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) in (12, 13) and digits[2] != "0":
        digits = digits[2:]
    if digits.startswith("0") and len(digits) >= 10:
        digits = digits[1:]
    return digits if len(digits) >= 7 else None


def email_key(raw: str | None) -> str | None:
    if not raw:
        return None
    text = fold(raw).replace(" ", "")
    return text if "@" in text else None


_ADDRESS = re.compile(
    r"^(?P<prov>[\u4e00-\u9fff]{2,3}?(?:省|维吾尔自治区|壮族自治区|回族自治区|自治区|特别行政区))?"
    r"(?P<city>[\u4e00-\u9fff]{2,4}?(?:市|自治州|地区|盟))?"
    r"(?P<dist>[\u4e00-\u9fff]{1,5}?(?:区|县|旗))?"
    r"(?P<rest>.*)$"
)
_PLACE_SUFFIX = re.compile(
    r"(?:维吾尔自治区|壮族自治区|回族自治区|特别行政区|自治区|自治州|省|市|区|县|旗)$"
)


def place_name(text: str | None) -> str:
    """A province/city/district without its administrative suffix (``海淀区`` -> ``海淀``)."""
    if not text:
        return ""
    folded = squash(fold(text))
    stripped = _PLACE_SUFFIX.sub("", folded)
    return stripped if len(stripped) >= 2 else folded


@dataclass(frozen=True)
class AddressKey:
    city: str
    district: str
    street: str


@lru_cache(maxsize=1 << 16)
def address_key(address: str, city: str | None = None, district: str | None = None) -> AddressKey:
    """City, district and the street part of an address, for comparison.

    The derived ``city``/``district`` of the record win when the normalize stage filled them.
    """
    text = squash(fold(address))
    match = _ADDRESS.match(text)
    assert match is not None  # the pattern matches any string
    parsed_city = match.group("city") or ""
    if not parsed_city and match.group("prov") is None:
        head = _REGION_PREFIX_ONE.match(text)
        if head:
            parsed_city = head.group(0)
    rest = match.group("rest") or ""
    if not match.group("dist") and parsed_city and text.startswith(parsed_city):
        rest = text[len(parsed_city) :]
    street = _REGION_PREFIX.sub("", rest)
    return AddressKey(
        city=place_name(city) or place_name(parsed_city),
        district=place_name(district) or place_name(match.group("dist")),
        street=street,
    )


def clear_caches() -> None:
    """Forget every cached key (benchmarks time a cold start with it)."""
    for cached in (
        fold,
        _phrase,
        pinyin_syllables,
        company_key,
        person_key,
        looks_like_company,
        looks_like_person,
        phone_key,
        address_key,
    ):
        cached.cache_clear()
