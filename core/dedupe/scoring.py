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

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

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
    "company.contains": 3.0,
    "company.similar": 2.0,
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
    "email.local": 2.0,
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

    index: int
    key: str
    existing: bool
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


def build_profile(record: DedupeRecord, index: int, *, existing: bool) -> Profile:
    """Compute the matching keys of one record.

    A row whose company and contact columns were filled the wrong way round (a person's name
    under 客户名称, a company under 联系人) is read the right way round here, so that it still
    meets its twin.
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
        index=index,
        key=record.key,
        existing=existing,
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
        yield "n:" + p.person.pinyin
        if p.person.alt_pinyin != p.person.pinyin:
            yield "n:" + p.person.alt_pinyin
    if p.customer_id:
        yield "id:" + p.customer_id
    if p.address and p.address.district and p.address.street:
        yield f"a:{p.address.district}:{p.address.street[:6]}"


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


Level = Literal["same", "pinyin", "alike", "contains", "similar", "branch", "different"]


class CustomerJudge:
    """Scores pairs of :class:`Profile` under one :class:`DedupeSettings`."""

    def __init__(self, settings: DedupeSettings) -> None:
        self.settings = settings
        self.weights = {**DEFAULT_WEIGHTS, **settings.weights}
        self.rules = [frozenset(rule) for rule in settings.rules]
        self.vetoes = frozenset(settings.vetoes)

    # --- field comparisons: (level, reason) or None when a side has no value ---------------

    @staticmethod
    def company(a: Profile, b: Profile) -> tuple[str, str]:
        ca, cb = a.company, b.company
        if ca.key == cb.key:
            return "same", f"same company {ca.key.replace('#', ' ')}"
        if ca.root and (ca.root == cb.root or ca.pinyin == cb.pinyin):
            if ca.branch != cb.branch:
                return "branch", (
                    f"different branches of {ca.root}: {a.company_name} / {b.company_name}"
                )
            return "pinyin", f"company names agree in pinyin ({a.company_name} / {b.company_name})"
        if ca.branch != cb.branch and ca.branch and cb.branch:
            similar_root = ratio(ca.root, cb.root) >= 85
            if similar_root:
                return "branch", f"different branches: {a.company_name} / {b.company_name}"
        han = ratio(ca.root, cb.root)
        latin = ratio(ca.pinyin, cb.pinyin) if ca.pinyin and cb.pinyin else 0.0
        both_han = ca.root != ca.pinyin and cb.root != cb.pinyin
        # Two Han names are judged on their characters; pinyin only bridges a Han name and a
        # romanized one (新城 and 星辰 are close in pinyin, far apart in characters).
        similarity = han if both_han else max(han, latin)
        if similarity >= 90:
            return "alike", f"company names {similarity:.0f}% alike"
        shorter, longer = sorted((ca.root, cb.root), key=len)
        if len(shorter) >= 2 and shorter in longer and len(shorter) * 2 >= len(longer):
            return "contains", f"company name {shorter} within {longer}"
        if similarity >= 75:
            return "similar", f"company names {similarity:.0f}% alike"
        return "different", f"different company ({a.company_name} / {b.company_name})"

    @staticmethod
    def contact(a: Profile, b: Profile) -> tuple[str, str]:
        pa, pb = a.person, b.person
        if pa.partial or pb.partial:
            if pa.surnames & pb.surnames:
                return "surname", f"contact surname agrees ({a.contact_name} / {b.contact_name})"
            return "different", f"different contact ({a.contact_name} / {b.contact_name})"
        if pa.key == pb.key:
            return "same", f"same contact {pa.key}"
        if pa.pinyin and (
            pa.pinyin == pb.pinyin or pa.pinyin == pb.alt_pinyin or pa.alt_pinyin == pb.pinyin
        ):
            return "pinyin", f"contact names agree in pinyin ({a.contact_name} / {b.contact_name})"
        han_a = pa.key != pa.pinyin
        han_b = pb.key != pb.pinyin
        if han_a and han_b:
            if (
                len(pa.key) == len(pb.key) >= 3
                and pa.surname == pb.surname
                and Levenshtein.distance(pa.key, pb.key) == 1
            ):
                return "alike", f"contact names differ in one character ({pa.key} / {pb.key})"
        elif ratio(pa.pinyin, pb.pinyin) >= 90 or ratio(pa.alt_pinyin, pb.pinyin) >= 90:
            return "alike", f"contact names alike ({a.contact_name} / {b.contact_name})"
        return "different", f"different contact ({a.contact_name} / {b.contact_name})"

    @staticmethod
    def phone(a: Profile, b: Profile) -> tuple[str, str] | None:
        if not a.phones or not b.phones:
            return None
        shared = a.phones & b.phones
        if shared:
            return "same", f"same phone {min(shared)}"
        for x in a.phones:
            for y in b.phones:
                if len(x) == len(y) and Levenshtein.distance(x, y) == 1:
                    return "near", f"phones differ in one digit ({x} / {y})"
        return "different", "different phone"

    @staticmethod
    def email(a: Profile, b: Profile) -> tuple[str, str] | None:
        if not a.email or not b.email:
            return None
        if a.email == b.email:
            return "same", f"same e-mail {a.email}"
        if a.email.split("@")[0] == b.email.split("@")[0]:
            return "local", "same e-mail name at another domain"
        return "different", "different e-mail"

    @staticmethod
    def address(a: Profile, b: Profile) -> tuple[str, str] | None:
        x, y = a.address, b.address
        if x is None or y is None:
            return None
        if x.city and y.city and x.city != y.city:
            return "different", f"different city ({x.city} / {y.city})"
        if x.district and y.district:
            if x.district != y.district:
                return "different", f"different district ({x.district} / {y.district})"
            if x.street and y.street and ratio(x.street, y.street) >= 85:
                return "same", f"same address ({x.district} {x.street})"
            return "district", f"same district {x.district}"
        if (
            x.street
            and y.street
            and (
                ratio(x.street, y.street) >= 90
                or x.street.endswith(y.street)
                or y.street.endswith(x.street)
            )
        ):
            return "same", "same street address"
        return None

    @staticmethod
    def industry(a: Profile, b: Profile) -> tuple[str, str] | None:
        if not a.industry or not b.industry:
            return None
        if a.industry == b.industry:
            return "same", f"same industry {a.industry}"
        return "different", "different industry"

    @staticmethod
    def customer_id(a: Profile, b: Profile) -> tuple[str, str] | None:
        if not a.customer_id or not b.customer_id:
            return None
        if a.customer_id == b.customer_id:
            return "same", f"same 客户编号 {a.customer_id}"
        return "different", "different 客户编号"

    # --- the judgement ---------------------------------------------------------------------

    def judge(self, a: Profile, b: Profile) -> Verdict:
        weights = self.weights
        settings = self.settings
        bits = weights["prior"]
        positive: list[str] = []
        negative: list[str] = []
        same: set[str] = set()
        veto: str | None = None

        company_level, company_reason = self.company(a, b)
        contact_level, contact_reason = self.contact(a, b)
        outcomes: list[tuple[str, tuple[str, str] | None]] = [
            ("company_name", (company_level, company_reason)),
            ("contact_name", (contact_level, contact_reason)),
            ("phone", self.phone(a, b)),
            ("email", self.email(a, b)),
            ("address", self.address(a, b)),
            ("industry", self.industry(a, b)),
            ("customer_id", self.customer_id(a, b)),
        ]
        for field, outcome in outcomes:
            if outcome is None:
                continue
            level, reason = outcome
            weight = weights.get(f"{_PREFIX[field]}.{level}", 0.0)
            bits += weight
            (positive if weight > 0 else negative).append(reason)
            if level in ("same", "pinyin"):
                same.add(field)

        if "different_contact" in self.vetoes and contact_level == "different":
            veto = "different contact person"
        elif "different_company" in self.vetoes and company_level == "different":
            veto = "different company"
        elif "different_branch" in self.vetoes and company_level == "branch":
            veto = "different branch"
        elif (
            "different_region" in self.vetoes
            and a.company.region
            and b.company.region
            and a.company.region != b.company.region
        ):
            veto = f"company names name different cities ({a.company_name} / {b.company_name})"

        probability = 1.0 / (1.0 + 2.0 ** (-bits))
        score = probability
        rule = next((r for r in self.rules if r <= same), None)
        auto = probability >= settings.auto_merge_threshold or rule is not None
        reasons = positive + negative
        if rule is not None:
            reasons.insert(0, "rule: same " + "+".join(_RULE_LABEL[f] for f in sorted(rule)))
        if veto is not None:
            auto = False
            score = min(score, _below(settings.auto_merge_threshold))
            reasons.append(f"not merged automatically: {veto}")
        elif rule is not None:
            score = max(score, settings.auto_merge_threshold)
        related = company_level in ("same", "pinyin", "branch") or bool(
            same & {"phone", "email", "customer_id"}
        )
        if settings.review_related and related and score < settings.review_threshold:
            score = settings.review_threshold
        decision: Decision | None
        if auto:
            decision = "auto"
        elif score >= settings.review_threshold:
            decision = "review"
        else:
            decision = None
        conflict = veto is not None or probability < settings.chain_min_probability
        return Verdict(
            probability=probability,
            score=round(score, 4),
            decision=decision,
            reasons=tuple(reasons),
            conflict=conflict,
        )


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
