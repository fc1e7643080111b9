"""Scoring a pair of customer records: field evidence, rules and vetoes.

The score is a Fellegi–Sunter match probability: every field comparison lands on a *level*
(same, same in pinyin, alike, different, or missing) and each level carries a weight in bits,
log2(m/u) — how much more often that level is seen among true duplicates than among
different customers. The weights are set by hand (``DEFAULT_WEIGHTS``), overridable in config,
because a CRM has no labelled pairs to fit them on and a customer table of twenty rows is
too small for EM to learn from.

On top of the evidence sit the domain rules the source documents ask for:

* **rules** (``DedupeSettings.rules``): "姓名+联系方式相同判定为重复客户" and its siblings make a
  pair a sure match;
* **vetoes**: a different contact person, a different company, two branches of one group, or
  two cities named in the company names forbid an automatic merge — such a pair goes to a
  person, however strong the rest;
* **related** pairs (same company, a shared phone or e-mail) go to review even when the rest of
  the evidence is weak, so "same company, another contact" is seen rather than dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace

from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import ratio

from core.dedupe.keys import (
    AddressKey,
    CompanyKey,
    PersonKey,
    address_key,
    company_key,
    email_key,
    fold,
    looks_like_company,
    looks_like_person,
    person_key,
    phone_key,
    squash,
)
from core.dedupe.types import Decision, DedupeRecord
from core.settings import DedupeSettings

#: Evidence weights in bits (log2 of m/u). A level not listed weighs nothing; a missing value
#: weighs nothing. ``prior`` is the log-odds that two records sharing a blocking key are one
#: customer before any field is looked at.
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "prior": -4.0,
    "company.same": 9.0,
    "company.pinyin": 8.0,
    "company.alike": 5.0,
    "company.contains": 1.0,
    "company.similar": -2.0,
    "company.branch": -2.0,
    "company.different": -7.0,
    "contact.same": 7.0,
    "contact.pinyin": 6.0,
    "contact.alike": 2.0,
    "contact.surname": 1.5,
    "contact.different": -6.0,
    "phone.same": 10.0,
    "phone.near": 2.0,
    "phone.different": -4.0,
    "email.same": 9.0,
    "email.local": 1.0,
    "email.different": -3.0,
    "address.same": 3.0,
    "address.district": 1.0,
    "address.different": -1.5,
    "industry.same": 0.5,
    "industry.different": -0.5,
    "customer_id.same": 15.0,
    "customer_id.different": -1.0,
}


@dataclass(frozen=True, slots=True)
class Profile:
    """The comparison view of one record, computed once per record."""

    key: str
    customer_id: str | None
    company_name: str
    contact_name: str
    company: CompanyKey
    person: PersonKey
    phones: frozenset[str]
    email: str | None
    address: AddressKey | None
    industry: str | None
    swapped: bool


def build_profile(record: DedupeRecord) -> Profile:
    """Compute the matching keys of one record.

    A row whose company and contact columns were filled the wrong way round (a person's name
    under 客户名称, a company under 联系人) is read the right way round here, so that it still
    meets its twin.

    The key functions it calls cache their results per string, bounded, so repeated names and
    numbers are normalized once without a long-running process holding every record.
    """
    customer = record.customer
    company_name, contact_name = customer.company_name, customer.contact_name
    swapped = looks_like_person(company_name) and looks_like_company(contact_name)
    if swapped:
        company_name, contact_name = contact_name, company_name
    phones = frozenset(key for key in (phone_key(p) for p in customer.phone) if key)
    address = (
        address_key(customer.address, customer.city, customer.district)
        if customer.address
        else None
    )
    return Profile(
        key=record.key,
        customer_id=customer.customer_id,
        company_name=company_name,
        contact_name=contact_name,
        company=company_key(company_name),
        person=person_key(contact_name),
        phones=phones,
        email=email_key(customer.email),
        address=address,
        industry=squash(fold(customer.industry)) if customer.industry else None,
        swapped=swapped,
    )


def blocking_keys(p: Profile) -> Iterator[str]:
    """The blocks a record goes into: phone, e-mail, company key (as pinyin, so Han, traditional
    and romanized spellings meet), company and contact initials, contact pinyin, customer id,
    and district + street."""
    for phone in p.phones:
        yield "p:" + phone
    if p.email:
        yield "e:" + p.email
    if p.company.pinyin:
        yield "c:" + p.company.pinyin
    if p.company.initials and p.person.surname:
        yield f"ci:{p.company.initials}:{p.person.surname}"
    if not p.person.partial and len(p.person.pinyin) >= 4:
        # A name alone (王伟) is shared by too many customers; the first letter of the company
        # keeps the block small and still meets a company name with a typo further on.
        head = p.company.pinyin[:1]
        yield f"n:{p.person.pinyin}:{head}"
        if p.person.alt_pinyin != p.person.pinyin:
            yield f"n:{p.person.alt_pinyin}:{head}"
    if p.customer_id:
        yield "id:" + p.customer_id
    if p.address and p.address.district and p.address.street:
        yield f"a:{p.address.district}:{p.address.street[:6]}:{p.person.surname}"


def sort_key(p: Profile) -> str:
    """Order inside an oversized block: neighbours share a company, then a contact."""
    return f"{p.company.pinyin}|{p.person.pinyin}"


@dataclass(frozen=True, slots=True)
class Verdict:
    """The judgement on one pair.

    ``probability`` is what the field evidence alone says; ``score`` what is reported after
    rules, vetoes and the review floor; ``decision`` is ``None`` below the review threshold;
    ``conflict`` marks two records that must never end up in one group.
    """

    probability: float
    score: float
    decision: Decision | None
    reasons: tuple[str, ...]
    conflict: bool


class CustomerJudge:
    """Scores pairs of :class:`Profile` under one :class:`DedupeSettings`.

    The field comparisons return a level only; the words for a level are written by
    :meth:`reason`, and only for pairs that are reported (most compared pairs are not).
    """

    def __init__(self, settings: DedupeSettings) -> None:
        self.settings = settings
        self.weights = {**DEFAULT_WEIGHTS, **settings.weights}
        self.rules = [frozenset(rule) for rule in settings.rules]
        self.vetoes = frozenset(settings.vetoes)
        self._weight = {
            (field, level): self.weights.get(f"{prefix}.{level}", 0.0)
            for field, prefix in _PREFIX.items()
            for level in _LEVELS
        }

    # --- field comparisons: a level, or None when a side has no value ----------------------

    @staticmethod
    def company(a: Profile, b: Profile) -> str:
        ca, cb = a.company, b.company
        if ca.key == cb.key:
            return "same"
        if ca.root and (ca.root == cb.root or ca.pinyin == cb.pinyin):
            return "branch" if ca.branch != cb.branch else "pinyin"
        if ca.branch and cb.branch and ca.branch != cb.branch and ratio(ca.root, cb.root) >= 85:
            return "branch"
        similarity = _company_similarity(ca, cb)
        if similarity >= 90:
            return "alike"
        shorter, longer = sorted((ca.root, cb.root), key=len)
        if len(shorter) >= 2 and shorter in longer and len(shorter) * 2 >= len(longer):
            return "contains"
        if similarity >= 75:
            return "similar"
        return "different"

    @staticmethod
    def contact(a: Profile, b: Profile) -> str:
        pa, pb = a.person, b.person
        if pa.partial or pb.partial:
            return "surname" if pa.surnames & pb.surnames else "different"
        if pa.key == pb.key:
            return "same"
        if pa.pinyin and (
            pa.pinyin == pb.pinyin or pa.pinyin == pb.alt_pinyin or pa.alt_pinyin == pb.pinyin
        ):
            return "pinyin"
        if pa.fuzzy & pb.fuzzy:
            return "alike"
        # Two Han names that differ in a character that does not even sound alike are two
        # people (李梅秀 / 李梅峰): input methods make homophone slips, caught above. Only a
        # romanized name gets a spelling tolerance.
        han_a, han_b = pa.key != pa.pinyin, pb.key != pb.pinyin
        if not (han_a and han_b) and (
            ratio(pa.pinyin, pb.pinyin) >= 90 or ratio(pa.alt_pinyin, pb.pinyin) >= 90
        ):
            return "alike"
        return "different"

    @staticmethod
    def phone(a: Profile, b: Profile) -> str | None:
        if not a.phones or not b.phones:
            return None
        if not a.phones.isdisjoint(b.phones):
            return "same"
        if _near_phones(a, b):
            return "near"
        return "different"

    @staticmethod
    def email(a: Profile, b: Profile) -> str | None:
        if not a.email or not b.email:
            return None
        if a.email == b.email:
            return "same"
        if a.email.split("@")[0] == b.email.split("@")[0]:
            return "local"
        return "different"

    @staticmethod
    def address(a: Profile, b: Profile) -> str | None:
        x, y = a.address, b.address
        if x is None or y is None:
            return None
        if x.city and y.city and x.city != y.city:
            return "different"
        if x.district and y.district:
            if x.district != y.district:
                return "different"
            if x.street and y.street and ratio(x.street, y.street) >= 85:
                return "same"
            return "district"
        if (
            x.street
            and y.street
            and (
                ratio(x.street, y.street) >= 90
                or x.street.endswith(y.street)
                or y.street.endswith(x.street)
            )
        ):
            return "same"
        return None

    @staticmethod
    def industry(a: Profile, b: Profile) -> str | None:
        if not a.industry or not b.industry:
            return None
        return "same" if a.industry == b.industry else "different"

    @staticmethod
    def customer_id(a: Profile, b: Profile) -> str | None:
        if not a.customer_id or not b.customer_id:
            return None
        return "same" if a.customer_id == b.customer_id else "different"

    # --- words -----------------------------------------------------------------------------

    @staticmethod
    def reason(field: str, level: str, a: Profile, b: Profile) -> str:
        """The human-readable reason for one field comparison of a reported pair."""
        names = f"({a.company_name} / {b.company_name})"
        people = f"({a.contact_name} / {b.contact_name})"
        if field == "company_name":
            if level == "same":
                return f"same company {a.company.key.replace('#', ' ')}"
            if level == "pinyin":
                return f"company names agree in pinyin {names}"
            if level == "branch":
                return f"different branches of one group {names}"
            if level == "contains":
                return f"one company name within the other {names}"
            if level in ("alike", "similar"):
                similarity = _company_similarity(a.company, b.company)
                return f"company names {similarity:.0f}% alike {names}"
            return f"different company {names}"
        if field == "contact_name":
            return {
                "same": f"same contact {a.person.key}",
                "pinyin": f"contact names agree in pinyin {people}",
                "alike": f"contact names alike {people}",
                "surname": f"contact surname agrees {people}",
            }.get(level, f"different contact {people}")
        if field == "phone":
            if level == "same":
                return f"same phone {min(a.phones & b.phones)}"
            return "phones differ in one digit" if level == "near" else "different phone"
        if field == "email":
            return {
                "same": f"same e-mail {a.email}",
                "local": "same e-mail name at another domain",
            }.get(level, "different e-mail")
        if field == "address":
            x, y = a.address, b.address
            assert x is not None and y is not None
            if level == "same":
                return f"same address {x.district} {x.street}".replace("  ", " ")
            if level == "district":
                return f"same district {x.district}"
            return f"different address ({x.city}{x.district} / {y.city}{y.district})"
        if field == "industry":
            return f"same industry {a.industry}" if level == "same" else "different industry"
        if field == "customer_id":
            return f"same 客户编号 {a.customer_id}" if level == "same" else "different 客户编号"
        return f"{field}: {level}"

    # --- the judgement ---------------------------------------------------------------------

    def _swapped(self, a: Profile, b: Profile) -> tuple[str, str] | None:
        # One of the two rows may have its company and contact columns the wrong way round
        # without either value giving it away (鹏衡家具 reads like neither, "Su Sijian" is not
        # recognised as a name). Try each row turned round against the other as it is.
        for turned, other in ((_turn(a), b), (a, _turn(b))):
            company_level = self.company(turned, other)
            contact_level = self.contact(turned, other)
            if company_level in _CLOSE and contact_level in (*_CLOSE, "surname"):
                return company_level, contact_level
        return None

    def judge(self, a: Profile, b: Profile) -> Verdict:
        settings = self.settings
        weight = self._weight
        company_level = self.company(a, b)
        contact_level = self.contact(a, b)
        swapped = False
        if company_level == "different" and contact_level == "different":
            turned = self._swapped(a, b)
            if turned is not None:
                company_level, contact_level = turned
                swapped = True
        levels: list[tuple[str, str]] = [
            ("company_name", company_level),
            ("contact_name", contact_level),
        ]
        for field, compare in self._optional:
            level = compare(a, b)
            if level is not None:
                levels.append((field, level))
        bits = self.weights["prior"]
        same: set[str] = set()
        for field, level in levels:
            bits += weight[(field, level)]
            if level == "same" or level == "pinyin":
                same.add(field)

        veto: str | None = None
        vetoes = self.vetoes
        if contact_level == "different" and "different_contact" in vetoes:
            veto = "different contact person"
        elif company_level == "different" and "different_company" in vetoes:
            veto = "different company"
        elif company_level == "branch" and "different_branch" in vetoes:
            veto = "different branch"
        elif (
            "different_region" in vetoes
            and a.company.region
            and b.company.region
            and a.company.region != b.company.region
        ):
            veto = "the company names name different cities"

        probability = 1.0 / (1.0 + 2.0 ** (-bits))
        score = probability
        rule = next((r for r in self.rules if r <= same), None)
        auto = veto is None and (probability >= settings.auto_merge_threshold or rule is not None)
        if veto is not None:
            score = min(score, _below(settings.auto_merge_threshold))
        elif rule is not None:
            score = max(score, settings.auto_merge_threshold)
        if (
            settings.review_related
            and score < settings.review_threshold
            and (
                company_level in ("same", "pinyin", "branch")
                or not same.isdisjoint(("phone", "email", "customer_id"))
            )
        ):
            score = settings.review_threshold
        decision: Decision | None
        if auto:
            decision = "auto"
        elif score >= settings.review_threshold:
            decision = "review"
        else:
            decision = None
        conflict = veto is not None or probability < settings.chain_min_probability
        reasons: tuple[str, ...] = ()
        if decision is not None:
            words = [self.reason(field, level, a, b) for field, level in levels]
            positive = [w for (f, lv), w in zip(levels, words, strict=True) if weight[(f, lv)] > 0]
            negative = [w for (f, lv), w in zip(levels, words, strict=True) if weight[(f, lv)] <= 0]
            head: list[str] = []
            if rule is not None:
                head.append("rule: same " + "+".join(_RULE_LABEL[f] for f in _ordered(rule)))
            if swapped:
                head.append("company and contact columns swapped in one record")
            tail = [f"not merged automatically: {veto}"] if veto else []
            reasons = (*head, *positive, *negative, *tail)
        return Verdict(
            probability=probability,
            score=round(score, 4),
            decision=decision,
            reasons=reasons,
            conflict=conflict,
        )

    @property
    def _optional(self) -> tuple[tuple[str, Callable[[Profile, Profile], str | None]], ...]:
        return (
            ("phone", self.phone),
            ("email", self.email),
            ("address", self.address),
            ("industry", self.industry),
            ("customer_id", self.customer_id),
        )


def _turn(p: Profile) -> Profile:
    return replace(
        p,
        company_name=p.contact_name,
        contact_name=p.company_name,
        company=company_key(p.contact_name),
        person=person_key(p.company_name),
    )


def _company_similarity(ca: CompanyKey, cb: CompanyKey) -> float:
    han = ratio(ca.root, cb.root)
    if ca.root != ca.pinyin and cb.root != cb.pinyin:
        # Two Han names are judged on their characters; pinyin only bridges a Han name and a
        # romanized one (新城 and 星辰 are close in pinyin, far apart in characters).
        return han
    latin = ratio(ca.pinyin, cb.pinyin) if ca.pinyin and cb.pinyin else 0.0
    return max(han, latin)


def _near_phones(a: Profile, b: Profile) -> bool:
    return any(
        len(x) == len(y) and Levenshtein.distance(x, y) == 1 for x in a.phones for y in b.phones
    )


def _ordered(rule: frozenset[str]) -> list[str]:
    return [field for field in _RULE_LABEL if field in rule]


_LEVELS = (
    "same",
    "pinyin",
    "alike",
    "contains",
    "similar",
    "branch",
    "surname",
    "near",
    "local",
    "district",
    "different",
)
_CLOSE = ("same", "pinyin", "alike")


def _below(threshold: float) -> float:
    return max(0.0, threshold - 0.01)


_PREFIX = {
    "company_name": "company",
    "contact_name": "contact",
    "phone": "phone",
    "email": "email",
    "address": "address",
    "industry": "industry",
    "customer_id": "customer_id",
}
_RULE_LABEL = {
    "company_name": "客户名称",
    "contact_name": "姓名",
    "phone": "联系方式",
    "email": "邮箱",
    "customer_id": "客户编号",
    "address": "地址",
    "industry": "行业",
}
