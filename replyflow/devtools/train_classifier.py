"""Train the classifier's learned second opinion (`classifier.learned`) on the development halves of the project's
labelled sets, choose the probability a topic needs from cross-validation on those same rows, and write
`services/classifier/model/faq_topics.json`.

    python -m replyflow.devtools.train_classifier            # train and write the model
    python -m replyflow.devtools.train_classifier --check    # only cross-validate and print the figures

Needs scikit-learn (a development dependency: the service itself reads the model's numbers without it). The held-out
halves are never read: rows are filtered on the `split` column as they are read, and the model records the sets,
the row count and a digest of the rows it was trained on, so a test can tell that it is current and saw no
held-out row.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from classifier import decide, evaluate, learned, view
from classifier import text as text_mod
from classifier.intents import ORDER_INTENTS, POLICY_INTENTS

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
BITEXT = ROOT.parent / "shared" / "corpora" / "intents" / "bitext-customer-support" / "bitext_dev.csv"
SHOP = ROOT / "examples" / "shop.toml"

# Sets the model learns from: (path or glob under tests/data or an absolute path, label map, language of rows
# without a language column). Only rows whose split is "dev" (or sets without a split column that are the
# team's own development data) are read.
TRAINING_SETS: tuple[tuple[str, str, str | None], ...] = (
    ("classifier/written/*.csv", "builtin-intents", None),
    ("classifier/es_shop_emails.csv", "builtin-intents", "es"),
    ("classifier/en_chat_questions.csv", "builtin-intents", "en"),
    ("classifier/en_policy_questions.csv", "builtin-intents", "en"),
    (str(BITEXT), "builtin-bitext", "en"),
)
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (3, 5)
MAX_FEATURES = {"word": 10000, "char_wb": 30000}
# The written rows' weight was chosen out of fold with each writer's emails in one fold (`fold_of`): against 6, 12
# answered a few more written questions with fewer wrong canned texts. Larger weights (36), or a larger C (30), did
# better still on the written rows but made the model sure of short questions it should not be sure of ("What is the
# processing time for payments by bank transfer?" read as the payment-methods question) and unsure of plain ones
# ("¿las devoluciones tienen algún costo?"), which the regression tests hold.
C = 10.0
WRITTEN_WEIGHT = 12.0
FOLDS = 5
# Canned answers (of the whole decision, rules and model) must be right at least this often out of fold, over all
# the development rows; the per-set figures are printed next to it.
TARGET_PRECISION = 0.98
THRESHOLDS = tuple(round(0.5 + 0.05 * i, 3) for i in range(10))  # 0.5 ... 0.95


@dataclass(frozen=True)
class Row:
    id: str
    subject: str
    text: str  # cleaned as the classifier cleans a text
    language: str
    label: str
    topics: frozenset[str]  # the policy topics a canned text answers (empty: it must never get one)
    about_an_order: bool = False  # labelled with an order-level intent: an order that exists is its subject
    # the row as `replyflow eval classifier` decides it: the raw message file, or the subject and text as written
    # (a reply's quote included, which the conversation checks read)
    example: evaluate.Example | None = field(default=None, compare=False)


def read_rows() -> list[Row]:
    rows: list[Row] = []
    for pattern, map_name, language in TRAINING_SETS:
        paths = [Path(pattern)] if Path(pattern).is_absolute() else sorted(DATA.glob(pattern))
        if not paths or not all(p.exists() for p in paths):
            raise SystemExit(f"train_classifier: {pattern} is missing")
        label_map = evaluate.load_label_map(map_name)
        for path in paths:
            for e in evaluate.read_half(path, "dev", language):
                spec = label_map(e.label)
                if e.file is not None:  # a raw message next to the CSV: read as the service reads it
                    read = view.read_email(evaluate.read_message(e.file))
                    subject, text = read.subject, read.text
                else:
                    subject, text = (
                        text_mod.clean_header_value(e.subject),
                        text_mod.clean_text(e.text, note_chars=text_mod.FORWARD_NOTE_CHARS),
                    )
                rows.append(
                    Row(
                        id=f"{path.name}:{e.id}",
                        subject=subject,
                        text=text,
                        language=e.language,
                        label=e.label,
                        topics=frozenset(spec.faq),
                        about_an_order=spec.group in ORDER_INTENTS,
                        example=e,
                    )
                )
    return rows


def digest(rows: list[Row]) -> str:
    h = hashlib.sha256()
    for row in rows:
        h.update(f"{row.id}\x00{row.subject}\x00{row.text}\x00{row.label}\x01".encode())
    return h.hexdigest()


def fit(rows: list[Row]) -> dict:
    """The model's JSON (without thresholds) trained on `rows`."""
    return export(*fit_sklearn(rows))


def fit_sklearn(rows: list[Row]) -> tuple[list, list]:
    """scikit-learn's vectorisers (word, then character n-grams) and one logistic regression per policy topic, then
    one for whether the email is about an order that exists (`learned.AN_ORDER`)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    vectorizers, matrix = fit_features([learned.model_input(r.subject, r.text) for r in rows], MAX_FEATURES)
    # Both languages weigh the same in training, whatever their number of rows; whole emails written by people
    # who never saw the rules weigh more than one-line questions.
    counts = {lang: sum(r.language == lang for r in rows) for lang in {r.language for r in rows}}
    weights = np.array(
        [len(rows) / (len(counts) * counts[r.language]) * (WRITTEN_WEIGHT if _is_written(r) else 1.0) for r in rows]
    )
    classifiers = []
    for topic in learned.TOPICS_MODEL_OUTPUTS:
        if topic == learned.AN_ORDER:
            y = np.array([r.about_an_order for r in rows], dtype=int)
        else:
            y = np.array([topic in r.topics for r in rows], dtype=int)
        classifiers.append(
            LogisticRegression(C=C, solver="liblinear", max_iter=1000).fit(matrix, y, sample_weight=weights)
        )
    return vectorizers, classifiers


def fit_features(documents: list[str], max_features: dict[str, int]) -> tuple[list, Any]:
    """The features `classifier.learned` computes, fitted on `documents`: word unigrams and bigrams, then character
    3- to 5-grams inside word boundaries, each block sublinear tf-idf with at most `max_features[kind]` features;
    the vectorisers and the documents' matrix."""
    import numpy as np
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizers = [
        TfidfVectorizer(
            analyzer=kind,
            ngram_range=ngrams,
            lowercase=False,
            sublinear_tf=True,
            min_df=2,
            max_features=max_features[kind],
            dtype=np.float64,
        )
        for kind, ngrams in (("word", WORD_NGRAMS), ("char_wb", CHAR_NGRAMS))
    ]
    return vectorizers, hstack([v.fit_transform(documents) for v in vectorizers]).tocsr()


def export(vectorizers: list, classifiers: list, topics: tuple[str, ...] = learned.TOPICS_MODEL_OUTPUTS) -> dict:
    """The model as numbers for `classifier.learned`: per block the features by name, their idf and their weights
    (one per topic, a feature's in a row) as packed doubles, each rounded to 6 decimals."""
    coefs = [clf.coef_[0] for clf in classifiers]
    intercepts = [float(clf.intercept_[0]) for clf in classifiers]
    blocks, offset = [], 0
    for v in vectorizers:
        names = sorted(v.vocabulary_)
        columns = [offset + v.vocabulary_[name] for name in names]
        blocks.append(
            {
                "kind": v.analyzer,
                "ngram_range": list(v.ngram_range),
                "features": names,
                "idf": learned.pack(round(float(v.idf_[v.vocabulary_[name]]), 6) for name in names),
                "weights": learned.pack(round(float(c[column]), 6) for column in columns for c in coefs),
            }
        )
        offset += len(v.vocabulary_)
    return {
        "topics": list(topics),
        "intercepts": [round(i, 6) for i in intercepts],
        "thresholds": {t: 1.0 for t in topics if t != learned.AN_ORDER},
        "blocks": blocks,
    }


def _decisions(rows: list[Row], model: learned.Model | None, shop) -> list[decide.Classification]:
    """Each row decided as the eval decides it (the raw message, or the text as written), with `model`."""
    return [
        evaluate.classify_example(r.example, shop, model=model)
        if r.example is not None
        else decide.classify_text(r.text, shop, subject=r.subject, model=model)
        for r in rows
    ]


def _figures(rows: list[Row], decisions: list[decide.Classification]) -> tuple[int, int, int, int]:
    """(canned answers, right ones, FAQ questions, covered)."""
    answers = right = questions = covered = 0
    for row, c in zip(rows, decisions, strict=True):
        topics = set(evaluate.answered_topics(c))
        ok = bool(topics) and topics == set(row.topics)
        if c.decision == "faq":
            answers += 1
            right += ok
        if row.topics:
            questions += 1
            covered += ok
    return answers, right, questions, covered


def writer_of(row: Row) -> int | None:
    """The number of the writer of a written set's row ("w12.csv:w12-040" -> 12), None for other sets' rows."""
    found = re.fullmatch(r"w(\d+)\.csv", row.id.split(":", 1)[0])
    return int(found.group(1)) if found else None


def _is_written(row: Row) -> bool:
    return writer_of(row) is not None


def _group(row: Row) -> str:
    name = "written" if _is_written(row) else row.id.split(":", 1)[0].removesuffix(".csv")
    return f"{name} ({row.language})"


Figures = dict[str, list[int]]  # group (set and language, or "all") -> [canned answers, right, FAQ questions, covered]


def _add(totals: Figures, rows: list[Row], decisions: list[decide.Classification]) -> None:
    for row, c in zip(rows, decisions, strict=True):
        for key in ("all", _group(row)):
            cell = totals.setdefault(key, [0, 0, 0, 0])
            figures = _figures([row], [c])
            for i in range(4):
                cell[i] += figures[i]


def fold_of(row: Row) -> int:
    """The fold a row is decided in: a written set's rows all in their writer's fold (the model is measured on
    writers it did not learn, as a stranger's mail is met), other rows by a hash of their id."""
    writer = writer_of(row)
    if writer is not None:
        return writer % FOLDS
    return int(hashlib.sha256(row.id.encode()).hexdigest(), 16) % FOLDS


def cross_validate(rows: list[Row], shop) -> dict[float | None, Figures]:
    """Out-of-fold figures of the whole decision (rules and model) for every candidate threshold, per set and
    language; under None, the rules alone."""
    folds: list[list[Row]] = [[] for _ in range(FOLDS)]
    for row in rows:
        folds[fold_of(row)].append(row)
    totals: dict[float | None, Figures] = {t: {} for t in (None, *THRESHOLDS)}
    for k in range(FOLDS):
        train = [r for j, fold in enumerate(folds) if j != k for r in fold]
        base = learned.from_json(fit(train))
        _add(totals[None], folds[k], _decisions(folds[k], None, shop))
        for threshold in THRESHOLDS:
            model = dataclasses.replace(base, thresholds={t: threshold for t in POLICY_INTENTS})
            _add(totals[threshold], folds[k], _decisions(folds[k], model, shop))
        print(f"  fold {k + 1}/{FOLDS} done", file=sys.stderr)
    return totals


def _line(name: str, cell: list[int]) -> str:
    answers, right, questions, covered = cell
    precision = f"{right / answers:.3f} ({right}/{answers})" if answers else "n/a"
    coverage = f"{covered / questions:.3f} ({covered}/{questions})" if questions else "n/a"
    return f"  {name:<34} precision {precision:<20} coverage {coverage}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="cross-validate and print, write nothing")
    parser.add_argument("--output", type=Path, default=learned.MODEL_PATH)
    args = parser.parse_args(argv)
    from shared.shop import load_shop_config

    shop = load_shop_config(SHOP)
    rows = read_rows()
    print(f"train_classifier: {len(rows)} development rows", file=sys.stderr)
    figures = cross_validate(rows, shop)
    chosen = None
    for threshold in THRESHOLDS:
        answers, right, _questions, _covered = figures[threshold]["all"]
        print(_line(f"threshold {threshold:.3f}", figures[threshold]["all"]))
        if chosen is None and (right / answers if answers else 1.0) >= TARGET_PRECISION:
            chosen = threshold
    chosen = chosen if chosen is not None else THRESHOLDS[-1]
    for label, key in (("rules alone", None), (f"rules and model at {chosen:.3f}", chosen)):
        print(f"out of fold, {label}:")
        for group in sorted(figures[key]):
            print(_line(group, figures[key][group]))
    print(f"train_classifier: threshold {chosen:.3f}", file=sys.stderr)
    if args.check:
        return 0
    data = fit(rows)
    data["thresholds"] = {t: chosen for t in POLICY_INTENTS}
    cross_validated = {"folds": FOLDS, "threshold": chosen, "figures": figures[chosen]}
    size = write_model(args.output, data, set_names(TRAINING_SETS), len(rows), digest(rows), cross_validated)
    print(f"train_classifier: wrote {args.output} ({size} KB)", file=sys.stderr)
    return 0


def set_names(sets: tuple[tuple[str, str, str | None], ...]) -> list[str]:
    """The training sets as a model file records them: a glob under tests/data, or a shared file's name."""
    return [Path(pattern).name if Path(pattern).is_absolute() else pattern for pattern, _, _ in sets]


def write_model(path: Path, data: dict, sets: list[str], rows: int, row_digest: str, cross_validated: dict) -> int:
    """A model's numbers with what it was trained on (development rows only), written where the classifier reads
    them; the file's size in KB."""
    data["trained_on"] = {
        "sets": sets,
        "split": "dev",
        "rows": rows,
        "digest": row_digest,
        "cross_validated": cross_validated,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return path.stat().st_size // 1024


if __name__ == "__main__":
    raise SystemExit(main())
