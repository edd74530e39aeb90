"""How well the classifier decides: intent accuracy, FAQ precision and coverage, robots replied to, and a
confusion table, on a labelled CSV and on folders of messages. `replyflow eval classifier` prints what this
module computes; nothing here trains or tunes anything.

Inputs
------
- A labelled CSV (`read_labelled_csv`): one row per email, with the text in `text` (or `instruction`, as in the
  Bitext set) and the label in `intent` (or `label`). Optional columns: `id`, `subject`, `split` (filter rows
  with `split=`), and `file`: a raw message (.eml) next to the CSV, classified from its headers and MIME parts
  instead of the text (so a labelled set can hold real messages with quoted history and signatures).
- A label map (`load_label_map`) says what each label means for replyflow (`LabelSpec`): the intents that count
  as right, the policy topics whose canned texts answer it (none: it must never get a canned answer), or that
  it is a robot (it must be ignored). Built in: `builtin-intents` (labels are replyflow's own intents, "a+b"
  for an email asking several policy questions, "robot" for mail that must be ignored) and `builtin-bitext`
  (the Bitext customer-support set, mapped as docs/classifier.md explains). Or a CSV file:
  `label,group,intents,faq`, with space-separated intents ("ignore" for a robot) and topics.
- Folders of messages (`evaluate_folders`): every file is parsed and classified with `decide.classify`, the
  service's own code path; licence and README files are skipped. With `expect="robots"`, every decision other
  than "ignore" is a robot replied to; with `expect="customers"`, every "ignore" is a customer left unanswered.

Figures (`CsvReport`)
---------------------
- intent accuracy: rows whose predicted intent is one of the label's intents (a robot row: decided "ignore");
- FAQ precision: canned answers whose topics are exactly the topics the label asks about (a canned answer to an
  email that must never get one, or a second canned text the customer did not ask for, counts as wrong);
- FAQ coverage: FAQ-type questions (labels with topics) that got the right canned answer, i.e. were answered
  without the LLM;
- language right (when the rows' language is known: a `language` column, or one language for the whole CSV):
  rows whose detected language is the customer's, and canned answers sent in another language;
- robots replied to: rows labelled as robots whose decision is not "ignore"; customers ignored: the opposite;
- confusion table: rows are the label groups, columns what the classifier did: `faq:<topic>` a canned answer,
  `ignore`, otherwise the intent handed to the LLM (or to a person, for complaints and requests for a person).
"""

from __future__ import annotations

import collections
import csv
import email
import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import decide, learned, mime_guard
from . import language as language_mod
from .intents import INTENTS, POLICY_INTENTS
from .rules import compile_all

# Files in a message folder that are not messages (licences, notices, READMEs kept with public corpora).
NOT_MESSAGES = ("LICENSE", "LICENCE", "README", "NOTICE", "MIT-LICENSE", "COPYING", "AUTHORS")
BUILTIN_MAPS = ("builtin-intents", "builtin-bitext")


class EvalError(ValueError):
    """An input the evaluation cannot read (one line for the user)."""


@dataclass(frozen=True)
class LabelSpec:
    """What one label means for replyflow."""

    group: str  # the confusion table's row
    intents: frozenset[str]  # predicted intents that count as right
    faq: frozenset[str] = frozenset()  # policy topics whose canned texts answer it; empty: never a canned answer
    robot: bool = False  # must be ignored


def _spec(group: str, intents: Iterable[str], faq: Iterable[str] = ()) -> LabelSpec:
    return LabelSpec(group=group, intents=frozenset(intents), faq=frozenset(faq))


# The Bitext customer-support set (27 English intents): delivery_options and
# delivery_period are shipping questions, check_payment_methods a payment-methods question, check_refund_policy a
# returns-policy question; every other label must never get a canned answer. The intents that count as right
# for accuracy are the nearest of replyflow's; where two of ours fit the label, both count (documented in
# docs/classifier.md).
BITEXT_LABELS: dict[str, LabelSpec] = {
    "delivery_options": _spec("shipping", {"shipping"}, {"shipping"}),
    # "how long does delivery take?" is a policy question; "when will my order arrive?" an order's status
    "delivery_period": _spec("shipping", {"shipping", "order_status"}, {"shipping"}),
    "check_payment_methods": _spec("payment_methods", {"payment_methods"}, {"payment_methods"}),
    "check_refund_policy": _spec("returns", {"returns"}, {"returns"}),
    "payment_issue": _spec("payment_problem", {"payment_problem"}),
    "get_refund": _spec("refund_request", {"refund_request"}),
    "track_refund": _spec("refund_request", {"refund_request"}),
    "track_order": _spec("order_status", {"order_status"}),
    "cancel_order": _spec("order_change", {"order_change"}),
    "change_order": _spec("order_change", {"order_change"}),
    "change_shipping_address": _spec("order_change", {"order_change"}),
    # a question about a fee we have no canned text for: the LLM, whichever of the two it is filed under
    "check_cancellation_fee": _spec("cancellation_fee", {"order_change", "other"}),
    "place_order": _spec("place_order", {"other", "product_question"}),
    "set_up_shipping_address": _spec("shipping_address", {"order_change", "other"}),
    "complaint": _spec("complaint", {"complaint"}),
    # feedback, good or bad
    "review": _spec("review", {"other", "complaint"}),
    "contact_human_agent": _spec("human_request", {"human_request"}),
    "contact_customer_service": _spec("human_request", {"human_request", "other"}),
    **{
        label: _spec("account", {"other"})
        for label in (
            "create_account",
            "delete_account",
            "edit_account",
            "recover_password",
            "registration_problems",
            "switch_account",
        )
    },
    "check_invoice": _spec("invoice", {"other"}),
    "get_invoice": _spec("invoice", {"other"}),
    "newsletter_subscription": _spec("newsletter", {"other"}),
}


def own_label(label: str) -> LabelSpec:
    """replyflow's own labels: an intent, "robot", several policy topics joined by "+" ("shipping+returns"), or
    "llm:<topic>", a question on a policy topic that the shop's canned text does not answer (it must go to the
    LLM)."""
    label = (label or "").strip()
    if label == "robot":
        return LabelSpec(group="robot", intents=frozenset({"ignore"}), robot=True)
    if label.startswith("llm:"):
        topic = label.removeprefix("llm:").strip()
        if topic not in POLICY_INTENTS:
            raise EvalError(f"label {label!r}: llm: is followed by a policy topic ({', '.join(POLICY_INTENTS)})")
        # a question on a policy topic that the shop's text does not answer: any intent that sends it to the LLM
        return _spec(label, {topic, "other", "product_question"})
    if "+" in label:
        topics = [t.strip() for t in label.split("+")]
        if len(topics) < 2 or any(t not in POLICY_INTENTS for t in topics):
            raise EvalError(
                f"label {label!r}: several questions are policy topics joined by '+' ({', '.join(POLICY_INTENTS)})"
            )
        return _spec("several", topics, topics)
    if label not in INTENTS:
        raise EvalError(
            f"unknown label {label!r}: expected one of {', '.join(INTENTS)}, 'robot', or policy topics joined by '+'"
        )
    return _spec(label, {label}, {label} if label in POLICY_INTENTS else ())


LabelMap = Callable[[str], LabelSpec]


def _from_dict(table: dict[str, LabelSpec], name: str) -> LabelMap:
    def lookup(label: str) -> LabelSpec:
        try:
            return table[label]
        except KeyError:
            raise EvalError(f"label {label!r} is not in the label map {name}") from None

    return lookup


def load_label_map(spec: str | None) -> LabelMap:
    """`builtin-intents` (the default), `builtin-bitext`, or the path of a CSV `label,group,intents,faq`."""
    if spec in (None, "", "builtin-intents"):
        return own_label
    if spec == "builtin-bitext":
        return _from_dict(BITEXT_LABELS, spec)
    path = Path(spec)
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise EvalError(
            f"label map {spec}: cannot read it ({exc}); use builtin-intents, builtin-bitext or a "
            "CSV label,group,intents,faq"
        ) from None
    table: dict[str, LabelSpec] = {}
    for number, row in enumerate(rows, start=2):
        label, intents = (row.get("label") or "").strip(), (row.get("intents") or "").split()
        if not label or not intents:
            raise EvalError(f"label map {spec}, line {number}: needs a label and intents")
        faq = (row.get("faq") or "").split()
        unknown = [i for i in intents if i not in INTENTS and i != "ignore"] + [
            t for t in faq if t not in POLICY_INTENTS
        ]
        if unknown:
            raise EvalError(f"label map {spec}, line {number}: unknown intent or topic {unknown[0]!r}")
        robot = intents == ["ignore"]
        table[label] = LabelSpec(
            group=(row.get("group") or "").strip() or label, intents=frozenset(intents), faq=frozenset(faq), robot=robot
        )
    return _from_dict(table, spec)


# --------------------------------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Example:
    id: str
    label: str
    text: str = ""
    subject: str = ""
    file: Path | None = None
    language: str = ""  # the customer's language when known (ISO 639-1)


def read_labelled_csv(path: str | Path, split: str | None = None, language: str | None = None) -> list[Example]:
    """The rows of a labelled CSV; `language` is the language of every row when the CSV has no language
    column."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            columns = set(reader.fieldnames or ())
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise EvalError(f"cannot read {path}: {exc}") from None
    text_col = next((c for c in ("text", "instruction") if c in columns), None)
    label_col = next((c for c in ("intent", "label") if c in columns), None)
    if label_col is None or (text_col is None and "file" not in columns):
        raise EvalError(
            f"{path}: needs a label column (intent or label) and a text column (text or instruction) "
            f"or a file column; it has {', '.join(sorted(columns)) or 'none'}"
        )
    if split is not None and "split" not in columns:
        raise EvalError(f"{path}: has no split column")
    examples = []
    for number, row in enumerate(rows, start=1):
        if split is not None and (row.get("split") or "").strip() != split:
            continue
        file = (row.get("file") or "").strip()
        examples.append(
            Example(
                id=(row.get("id") or "").strip() or f"row {number}",
                label=(row.get(label_col) or "").strip(),
                text=row.get(text_col) or "" if text_col else "",
                subject=row.get("subject") or "",
                file=(path.parent / file) if file else None,
                language=(row.get("language") or "").strip() or language or "",
            )
        )
    return examples


def read_message_bytes(raw: bytes) -> email.message.Message:
    """A raw message parsed as the classifier service parses it."""
    return email.message_from_bytes(raw, policy=mime_guard.POLICY)


def read_message(path: Path) -> email.message.Message:
    return read_message_bytes(path.read_bytes())


def classify_file(
    path: Path,
    shop,
    own_addresses: Collection[str] = (),
    faq_threshold: float = decide.DEFAULT_FAQ_THRESHOLD,
    model: learned.Model | learned.Shipped | None = learned.SHIPPED,
) -> decide.Classification:
    """A raw message file through the service's own decision (`decide.classify`). OSError when unreadable."""
    return decide.classify(read_message(path), shop, own_addresses, faq_threshold=faq_threshold, model=model)


def classify_example(
    example: Example,
    shop,
    own_addresses: Collection[str] = (),
    faq_threshold: float = decide.DEFAULT_FAQ_THRESHOLD,
    model: learned.Model | learned.Shipped | None = learned.SHIPPED,
) -> decide.Classification:
    """A labelled row as the eval decides it: its raw message file, or its subject and text as written. `model`: the
    learned topics model (the shipped one by default)."""
    if example.file is not None:
        try:
            return classify_file(example.file, shop, own_addresses, faq_threshold, model)
        except OSError as exc:
            raise EvalError(f"{example.id}: cannot read {example.file}: {exc.strerror or exc}") from None
    return decide.classify_text(example.text, shop, faq_threshold=faq_threshold, subject=example.subject, model=model)


def answered_topics(c: decide.Classification) -> tuple[str, ...]:
    if c.decision != "faq":
        return ()
    return tuple(c.faq_topics) or ((c.faq_topic,) if c.faq_topic else ())


def outcome(c: decide.Classification) -> str:
    """The confusion table's column for one decision."""
    if c.decision == "ignore":
        return "ignore"
    if c.decision == "faq":
        topics = answered_topics(c)
        return f"faq:{topics[0]}" if len(topics) == 1 else "faq:several"
    return c.intent


# --------------------------------------------------------------------------------------------------- figures


@dataclass
class Miss:
    id: str
    label: str
    decision: str
    intent: str
    reason: str
    text: str
    kind: str  # "wrong_faq" | "not_covered" | "intent" | "robot_replied" | "customer_ignored" | "customer_for_a_person"


@dataclass
class CsvReport:
    source: str
    split: str | None
    faq_threshold: float
    total: int = 0
    intent_right: int = 0
    faq_answers: int = 0
    faq_right: int = 0
    wrong_faq_never_canned: int = 0  # canned answers to emails that must never get one
    faq_questions: int = 0
    faq_covered: int = 0
    topic_coverage: dict[str, list[int]] = field(default_factory=dict)  # group -> [covered, total]
    human_expected: int = 0
    human_flagged: int = 0
    language_known: int = 0  # rows whose language is known (a language column, or --language)
    language_right: int = 0
    faq_wrong_language: int = 0  # canned answers to a customer whose language was detected wrongly
    robots: int = 0
    robots_replied: int = 0
    customers_ignored: int = 0  # and marked seen: nobody will see them
    customers_for_a_person: int = 0  # not answered but left unread for a person (decide.IGNORED_FOR_A_PERSON)
    seconds: float = 0.0  # CPU time spent classifying (the process's, so other work on the machine does not count)
    decisions: collections.Counter = field(default_factory=collections.Counter)
    languages: collections.Counter = field(default_factory=collections.Counter)
    confusion: dict[str, collections.Counter] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)

    @property
    def intent_accuracy(self) -> float | None:
        return self.intent_right / self.total if self.total else None

    @property
    def faq_precision(self) -> float | None:
        return self.faq_right / self.faq_answers if self.faq_answers else None

    @property
    def faq_coverage(self) -> float | None:
        return self.faq_covered / self.faq_questions if self.faq_questions else None

    @property
    def ms_per_email(self) -> float | None:
        return 1000 * self.seconds / self.total if self.total else None


def evaluate_examples(
    examples: Iterable[Example],
    label_map: LabelMap,
    shop,
    own_addresses: Collection[str] = (),
    faq_threshold: float = decide.DEFAULT_FAQ_THRESHOLD,
    source: str = "",
    split: str | None = None,
) -> CsvReport:
    report = CsvReport(source=source, split=split, faq_threshold=faq_threshold)
    for example in examples:
        spec = label_map(example.label)
        started = time.process_time()
        c = classify_example(example, shop, own_addresses, faq_threshold)
        report.seconds += time.process_time() - started
        report.total += 1
        report.decisions[c.decision] += 1
        kinds: list[str] = []
        report.languages[c.language] += 1
        if example.language and not spec.robot:
            report.language_known += 1
            report.language_right += c.language == example.language
            if c.decision == "faq" and c.language != example.language:
                report.faq_wrong_language += 1
                kinds.append("wrong_language")
        report.confusion.setdefault(spec.group, collections.Counter())[outcome(c)] += 1
        shown = example.text or (str(example.file) if example.file else "")

        right = _count_who_is_answered(report, spec, c, kinds)
        report.intent_right += right

        topics = answered_topics(c)
        faq_right = bool(topics) and bool(spec.faq) and set(topics) == set(spec.faq)
        if c.decision == "faq":
            report.faq_answers += 1
            report.faq_right += faq_right
            if not spec.faq:
                report.wrong_faq_never_canned += 1
            if not faq_right:
                kinds.append("wrong_faq")
        if spec.faq:
            report.faq_questions += 1
            report.faq_covered += faq_right
            key = next(iter(spec.faq)) if len(spec.faq) == 1 else "several"
            cell = report.topic_coverage.setdefault(key, [0, 0])
            cell[0] += faq_right
            cell[1] += 1
            if c.decision != "faq":
                kinds.append("not_covered")
        if spec.intents and spec.intents <= decide.HUMAN_INTENTS:
            report.human_expected += 1
            report.human_flagged += c.decision == "human"
        if not right and not kinds:
            kinds.append("intent")
        for kind in kinds:
            report.misses.append(Miss(example.id, example.label, c.decision, c.intent, c.reason, shown, kind))
    return report


def _count_who_is_answered(report: CsvReport, spec: LabelSpec, c: decide.Classification, kinds: list[str]) -> bool:
    """Counts a robot replied to, or a customer ignored or left for a person; whether the decision is right."""
    if spec.robot:
        report.robots += 1
        if c.decision != "ignore":
            report.robots_replied += 1
            kinds.append("robot_replied")
        return c.decision == "ignore"
    if c.decision == "ignore" and c.reason in decide.IGNORED_FOR_A_PERSON:
        report.customers_for_a_person += 1
        kinds.append("customer_for_a_person")
    elif c.decision == "ignore":
        report.customers_ignored += 1
        kinds.append("customer_ignored")
    return c.decision != "ignore" and c.intent in spec.intents


def evaluate_csv(
    path: str | Path,
    label_map: LabelMap,
    shop,
    own_addresses: Collection[str] = (),
    faq_threshold: float = decide.DEFAULT_FAQ_THRESHOLD,
    split: str | None = None,
    language: str | None = None,
) -> CsvReport:
    examples = read_labelled_csv(path, split=split, language=language)
    if not examples:
        raise EvalError(f"{path}: no rows" + (f" with split={split}" if split else ""))
    return evaluate_examples(examples, label_map, shop, own_addresses, faq_threshold, source=str(path), split=split)


@dataclass
class FolderReport:
    source: str
    expect: str | None
    files: int = 0
    skipped: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    decisions: collections.Counter = field(default_factory=collections.Counter)
    reasons: collections.Counter = field(default_factory=collections.Counter)
    languages: collections.Counter = field(default_factory=collections.Counter)
    # robots replied to (expect="robots") or customers ignored (expect="customers"): (file, decision, reason)
    wrong: list[tuple[str, str, str]] = field(default_factory=list)
    # not answered but left unread for a person, customers or robots: (file, decision, reason)
    for_a_person: list[tuple[str, str, str]] = field(default_factory=list)


def message_files(folder: Path) -> tuple[list[Path], list[Path]]:
    """(messages, skipped non-messages) under a folder, sorted."""
    files = sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )
    skipped = [p for p in files if p.name.upper().startswith(NOT_MESSAGES)]
    return [p for p in files if p not in skipped], skipped


def evaluate_folder(
    folder: str | Path,
    shop,
    own_addresses: Collection[str] = (),
    faq_threshold: float = decide.DEFAULT_FAQ_THRESHOLD,
    expect: str | None = None,
) -> FolderReport:
    if expect not in (None, "robots", "customers"):
        raise EvalError(f"expect must be robots or customers, not {expect!r}")
    folder = Path(folder)
    if not folder.is_dir():
        raise EvalError(f"{folder}: not a folder")
    report = FolderReport(source=str(folder), expect=expect)
    files, skipped = message_files(folder)
    report.skipped = [str(p.relative_to(folder)) for p in skipped]
    for path in files:
        name = str(path.relative_to(folder))
        try:
            c = classify_file(path, shop, own_addresses, faq_threshold)
        except OSError:
            report.unreadable.append(name)
            continue
        report.files += 1
        report.decisions[c.decision] += 1
        report.reasons[c.reason if c.decision == "ignore" else c.decision] += 1
        report.languages[c.language] += 1
        waiting = c.decision == "ignore" and c.reason in decide.IGNORED_FOR_A_PERSON
        if waiting:
            report.for_a_person.append((name, c.decision, c.reason))
        replied_to_a_robot = expect == "robots" and c.decision != "ignore"
        if replied_to_a_robot or (expect == "customers" and c.decision == "ignore" and not waiting):
            report.wrong.append((name, c.decision, c.reason))
    return report


# --------------------------------------------------------------------------------------------------- printing

# Short column names for the confusion table.
ABBREVIATIONS = {
    "shipping": "ship",
    "payment_methods": "paym",
    "returns": "retn",
    "sizes": "size",
    "stock": "stck",
    "product_question": "prod",
    "payment_problem": "payP",
    "refund_request": "rfnd",
    "order_change": "chng",
    "order_status": "stat",
    "complaint": "cmpl",
    "human_request": "humn",
    "other": "othr",
    "ignore": "ignr",
    "several": "sevl",
}
_COLUMN_ORDER = [
    *POLICY_INTENTS,
    "product_question",
    "order_status",
    "payment_problem",
    "refund_request",
    "order_change",
    "complaint",
    "human_request",
    "other",
]


def _ratio(right: int, total: int) -> str:
    return f"{right / total:.3f}  ({right}/{total})" if total else "n/a    (0/0)"


def _counts(counter: collections.Counter) -> str:
    return ", ".join(f"{key} {n}" for key, n in sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0])))) or "none"


def _abbrev(column: str) -> str:
    if column.startswith("faq:"):
        return "F:" + ABBREVIATIONS.get(column[4:], column[4:])
    return ABBREVIATIONS.get(column, column)


def _order(name: str) -> int:
    return _COLUMN_ORDER.index(name) if name in _COLUMN_ORDER else len(_COLUMN_ORDER) + (name != "several")


def _column_key(column: str) -> tuple:
    if column.startswith("faq:"):
        return (0, _order(column[4:]), column)
    return (2 if column == "ignore" else 1, _order(column), column)


def format_confusion(confusion: dict[str, collections.Counter]) -> str:
    columns = sorted({col for row in confusion.values() for col in row}, key=_column_key)
    groups = sorted(confusion, key=lambda g: (_order(g), g))
    heads = [_abbrev(c) for c in columns]
    widths = [max(4, len(h)) for h in heads]
    first = max([len("true label")] + [len(g) for g in groups])
    lines = [
        "  "
        + "true label".ljust(first)
        + " "
        + " ".join(h.rjust(w) for h, w in zip(heads, widths, strict=True))
        + "  total"
    ]
    for group in groups:
        row = confusion[group]
        cells = [(str(row[c]) if row[c] else ".").rjust(w) for c, w in zip(columns, widths, strict=True)]
        lines.append("  " + group.ljust(first) + " " + " ".join(cells) + f"  {sum(row.values()):5d}")
    legend = ", ".join(f"{a}={n}" for n, a in ABBREVIATIONS.items() if a in {h.replace("F:", "") for h in heads})
    lines.append(
        "  columns: F:x = canned FAQ answer for x (F:sevl = the answers of several topics together); "
        "otherwise the intent handed to the LLM or a person; ignr = ignored"
    )
    lines.append(f"  {legend}")
    return "\n".join(lines)


def format_csv_report(report: CsvReport, show_errors: int = 0) -> str:
    where = report.source + (f" (split {report.split})" if report.split else "")
    lines = [
        f"{where}: {report.total} emails, FAQ threshold {report.faq_threshold:g}",
        f"  intent accuracy       {_ratio(report.intent_right, report.total)}",
        f"  FAQ precision         {_ratio(report.faq_right, report.faq_answers)}  canned answers that answered "
        "the question asked",
        f"  FAQ coverage          {_ratio(report.faq_covered, report.faq_questions)}  FAQ-type questions "
        "answered without the LLM",
    ]
    for key in [*POLICY_INTENTS, "several"]:
        if key in report.topic_coverage:
            covered, total = report.topic_coverage[key]
            lines.append(f"    {key:<19} {covered}/{total}")
    lines += [
        f"  wrong canned answers  {report.faq_answers - report.faq_right}  "
        f"(to emails that must never get one: {report.wrong_faq_never_canned})",
        f"  flagged for a person  {report.human_flagged}/{report.human_expected}  complaints and requests for a person",
        f"  robots replied to     {report.robots_replied}/{report.robots}",
        f"  customers ignored     {report.customers_ignored}",
        f"  left for a person     {report.customers_for_a_person}  customers not answered but left unread "
        f"({', '.join(sorted(decide.IGNORED_FOR_A_PERSON))})",
        f"  decisions             {_counts(report.decisions)}",
        f"  languages             {_counts(report.languages)}",
        f"  handling time         {report.ms_per_email or 0:.2f} ms CPU per email",
    ]
    if report.language_known:
        lines += [
            f"  language right        {_ratio(report.language_right, report.language_known)}",
            f"  canned answers in another language than the customer's: {report.faq_wrong_language}",
        ]
    lines += ["  confusion (rows: true label; columns: what replyflow did)", format_confusion(report.confusion)]
    if show_errors:
        lines.append(f"  misses (first {show_errors}):")
        for m in report.misses[:show_errors]:
            text = " ".join(m.text.split())[:110]
            lines.append(f"    {m.id} [{m.kind}] label={m.label} -> {m.decision}/{m.intent} ({m.reason}): {text}")
    return "\n".join(lines)


def format_folder_report(report: FolderReport) -> str:
    lines = [
        f"{report.source}: {report.files} messages"
        + (
            f" ({len(report.skipped)} files skipped as not messages: {', '.join(report.skipped)})"
            if report.skipped
            else ""
        )
    ]
    if report.expect == "robots":
        lines.append(f"  robots replied to     {len(report.wrong)}/{report.files}")
    elif report.expect == "customers":
        lines.append(f"  customers ignored     {len(report.wrong)}/{report.files}")
    lines.append(f"  left for a person     {len(report.for_a_person)}/{report.files}  not answered, left unread")
    lines += [
        f"  decisions             {_counts(report.decisions)}",
        f"  by rule or decision   {_counts(report.reasons)}",
        f"  languages             {_counts(report.languages)}",
    ]
    if report.unreadable:
        lines.append(f"  unreadable            {', '.join(report.unreadable)}")
    for name, decision, reason in report.wrong:
        lines.append(f"    {'replied to' if report.expect == 'robots' else 'ignored'}: {name} -> {decision} ({reason})")
    for name, decision, reason in report.for_a_person:
        lines.append(f"    left for a person: {name} -> {decision} ({reason})")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------- the suite

# The project's labelled sets, relative to the repository's tests/data folder. Each CSV with a split column is
# scored on one half (`--suite heldout` is the figure to report; `dev` is the half rules and models may learn from).
# Sets without held-out rows (the team's own English policy questions, Bitext's half kept in ../shared) are only
# in the dev suite.
SUITE_CSVS: tuple[tuple[str, str, str, str | None, tuple[str, ...]], ...] = (
    # (name, path or glob, label map, language of rows without a language column, suites it belongs to)
    ("written", "classifier/written/*.csv", "builtin-intents", None, ("dev", "heldout")),
    ("es_shop_emails", "classifier/es_shop_emails.csv", "builtin-intents", "es", ("dev", "heldout")),
    ("en_chat_questions", "classifier/en_chat_questions.csv", "builtin-intents", "en", ("dev", "heldout")),
    ("en_policy_questions", "classifier/en_policy_questions.csv", "builtin-intents", "en", ("dev",)),
    (
        "bitext",
        "../../../shared/corpora/intents/bitext-customer-support/bitext_dev.csv",
        "builtin-bitext",
        "en",
        ("dev",),
    ),
)
SUITE_ROBOT_FOLDERS = "robots/*/{split}"
# People's mail that must be answered or at least left for a person: people who write like notices.
SUITE_PEOPLE_FOLDERS = "people/*/{split}"


def read_half(path: Path, split: str, language: str | None = None) -> list[Example]:
    """The rows of one half of a labelled CSV ("dev" or "heldout"), rows of the other half skipped as the file is
    read. A CSV without a split column is development data: all of it is "dev", none of it "heldout"."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        has_split = "split" in (csv.DictReader(fh).fieldnames or ())
    if has_split:
        return read_labelled_csv(path, split=split, language=language)
    return read_labelled_csv(path, language=language) if split == "dev" else []


def _suite_examples(data: Path, pattern: str, split: str, language: str | None) -> list[Example]:
    return [example for path in sorted(data.glob(pattern)) for example in read_half(path, split, language)]


def evaluate_suite(
    data: str | Path,
    split: str,
    shop,
    own_addresses: Collection[str] = (),
    faq_threshold: float = decide.DEFAULT_FAQ_THRESHOLD,
) -> tuple[list[CsvReport], list[FolderReport]]:
    """Every labelled set of the project scored on one half, one report per set and language; and the robot
    folders of that half."""
    if split not in ("dev", "heldout"):
        raise EvalError(f"the suite is scored on dev or heldout, not {split!r}")
    data = Path(data)
    if not (data / "classifier").is_dir():
        raise EvalError(f"{data}: no classifier/ folder of labelled sets (run from the repository, or give --data)")
    # the models and patterns load before the clock starts, as in the service
    compile_all()
    language_mod.warm_up()
    learned.model()
    learned.machine_text_model()
    reports: list[CsvReport] = []
    for name, pattern, map_name, language, suites in SUITE_CSVS:
        if split not in suites:
            continue
        examples = _suite_examples(data, pattern, split, language)
        by_language: dict[str, list[Example]] = collections.defaultdict(list)
        for example in examples:
            by_language[example.language or "?"].append(example)
        for lang in sorted(by_language):
            reports.append(
                evaluate_examples(
                    by_language[lang],
                    load_label_map(map_name),
                    shop,
                    own_addresses,
                    faq_threshold,
                    source=f"{name} ({lang})",
                    split=split,
                )
            )
    folders = [
        evaluate_folder(folder, shop, own_addresses, faq_threshold, expect=expect)
        for pattern, expect in ((SUITE_ROBOT_FOLDERS, "robots"), (SUITE_PEOPLE_FOLDERS, "customers"))
        for folder in sorted(data.glob(pattern.format(split=split)))
        if folder.is_dir()
    ]
    return reports, folders


def _share(right: int, total: int) -> str:
    return f"{right / total:.3f} ({right}/{total})" if total else "n/a"


def format_suite_summary(split: str, reports: list[CsvReport], folders: list[FolderReport]) -> str:
    lines = [
        f"the project's labelled sets, split {split}",
        f"  {'set':<34} {'emails':>6}  {'FAQ precision':<19} {'FAQ coverage':<19} {'robots replied':<15} "
        f"{'customers ignored':<18} {'for a person':<13} ms/email",
    ]
    for r in reports:
        lines.append(
            f"  {r.source:<34} {r.total:>6}  {_share(r.faq_right, r.faq_answers):<19} "
            f"{_share(r.faq_covered, r.faq_questions):<19} {f'{r.robots_replied}/{r.robots}':<15} "
            f"{r.customers_ignored:<18} {r.customers_for_a_person:<13} {r.ms_per_email or 0:.2f}"
        )
    for f in folders:
        source = str(Path(f.source).parent.name) + "/" + Path(f.source).name
        if f.expect == "robots":
            wrong, waiting = f"{len(f.wrong)}/{f.files}", f"{len(f.for_a_person)}/{f.files}"
            lines.append(f"  {'robots: ' + source:<34} {f.files:>6}  {'':<19} {'':<19} {wrong:<15} {'':<18} {waiting}")
        else:
            ignored, waiting = f"{len(f.wrong)}/{f.files}", f"{len(f.for_a_person)}/{f.files}"
            lines.append(
                f"  {'people: ' + source:<34} {f.files:>6}  {'':<19} {'':<19} {'':<15} {ignored:<18} {waiting}"
            )
    return "\n".join(lines)
