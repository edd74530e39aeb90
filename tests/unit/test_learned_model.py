"""The classifier's learned model: the shipped numbers give scikit-learn's probabilities, and the shipped model was
trained on the development halves only, on the rows the repository holds now."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from classifier import learned

ROOT = Path(__file__).resolve().parents[2]
sklearn = pytest.importorskip("sklearn", reason="scikit-learn (a development dependency) trains the model")

from replyflow.devtools import train_classifier  # noqa: E402 - needs scikit-learn

SAMPLES = [
    ("Consulta", "Hola, ¿hacen envíos a Córdoba? ¿Cuánto tarda?"),
    ("", "do u take mercado pago or only cards??"),
    ("Re: pedido", "Buenas, quería saber si puedo cambiar un talle, gracias"),
    ("", ""),
    ("Sizes", "Hi! I'm 1.70 m and 65 kg, which size should I get? 🙏"),
]


@pytest.fixture(scope="module")
def dev_rows():
    try:
        return train_classifier.read_rows()
    except SystemExit as missing:
        pytest.skip(f"a training set is absent here: {missing}")


def assert_the_numbers_give_scikit_learns_probabilities(vectorizers, classifiers, topics, samples):
    """The model as `classifier.learned` reads it from the exported numbers gives scikit-learn's probabilities."""
    from scipy.sparse import hstack

    model = learned.from_json(train_classifier.export(vectorizers, classifiers, topics=topics), topics)
    for subject, text in samples:
        features = hstack([v.transform([learned.model_input(subject, text)]) for v in vectorizers]).tocsr()
        expected = [clf.predict_proba(features)[0][1] for clf in classifiers]
        got = model.probabilities(subject, text)
        for topic, probability in zip(model.topics, expected, strict=True):
            assert got[topic] == pytest.approx(probability, abs=1e-4), (subject, text, topic)


def test_the_shipped_numbers_give_scikit_learns_probabilities(dev_rows):
    rows = [row for row in dev_rows if row.id.startswith(("es_shop_emails", "w1.csv", "w2.csv"))]
    vectorizers, classifiers = train_classifier.fit_sklearn(rows)
    assert_the_numbers_give_scikit_learns_probabilities(vectorizers, classifiers, learned.TOPICS_MODEL_OUTPUTS, SAMPLES)


def test_the_shipped_model_was_trained_on_the_development_rows_the_repository_holds(dev_rows):
    rows = dev_rows
    trained_on = json.loads(learned.MODEL_PATH.read_text(encoding="utf-8"))["trained_on"]
    assert trained_on["split"] == "dev"
    assert (trained_on["rows"], trained_on["digest"]) == (len(rows), train_classifier.digest(rows)), (
        "the labelled sets changed since the model was trained: python -m replyflow.devtools.train_classifier"
    )


def test_training_never_reads_a_held_out_row(dev_rows):
    import csv

    held_out = set()
    for path in (ROOT / "tests" / "data" / "classifier").rglob("*.csv"):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for number, row in enumerate(csv.DictReader(fh), start=1):
                if (row.get("split") or "").strip() == "heldout":
                    held_out.add(f"{path.name}:{(row.get('id') or '').strip() or f'row {number}'}")
    assert held_out, "the labelled sets have held-out rows"
    assert not {row.id for row in dev_rows} & held_out


def test_cross_validation_keeps_each_writer_in_one_fold(dev_rows):
    written = [row for row in dev_rows if train_classifier._is_written(row)]
    by_writer: dict[int | None, set[int]] = {}
    for row in written:
        by_writer.setdefault(train_classifier.writer_of(row), set()).add(train_classifier.fold_of(row))
    assert None not in by_writer
    assert len(by_writer) > train_classifier.FOLDS
    assert all(len(folds) == 1 for folds in by_writer.values())
    assert {fold for folds in by_writer.values() for fold in folds} == set(range(train_classifier.FOLDS))
    others = {train_classifier.fold_of(row) for row in dev_rows if not train_classifier._is_written(row)}
    assert others == set(range(train_classifier.FOLDS))  # the other sets' rows are spread over every fold


def _one_feature_model(weight: float, ngram_range: list) -> str:
    topics = list(learned.TOPICS_MODEL_OUTPUTS)
    block = {
        "kind": "word",
        "ngram_range": ngram_range,
        "features": ["envios"],
        "idf": learned.pack([1.0]),
        "weights": learned.pack([weight] + [0.0] * (len(topics) - 1)),
    }
    return json.dumps(
        {
            "topics": topics,
            "intercepts": [0.0] * len(topics),
            "thresholds": dict.fromkeys(topics, 0.5),
            "blocks": [block],
        }
    )


@pytest.mark.parametrize(
    "content",
    [
        None,
        "{",
        json.dumps({"topics": ["shipping"], "intercepts": [0.0], "thresholds": {}, "blocks": []}),
        _one_feature_model(float("inf"), [1, 2]),
        _one_feature_model(1.0, [1.5, 2]),
    ],
    ids=["absent", "truncated", "other topics", "a weight damaged", "a broken n-gram range"],
)
def test_without_a_readable_model_the_rules_decide_alone(monkeypatch, tmp_path, content):
    from classifier import decide

    from shared.shop import load_shop_config

    path = tmp_path / "faq_topics.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    monkeypatch.setattr(learned, "MODEL_PATH", path)
    learned.model.cache_clear()
    try:
        assert learned.model() is None
        shop = load_shop_config(ROOT / "examples" / "shop.toml")
        result = decide.classify_text("¿Hacen envíos a Córdoba?", shop)
        assert result.decision == "faq" and not any(r.startswith("learned.") for r in result.rules)
    finally:
        learned.model.cache_clear()


def test_the_shipped_model_loads_and_reads_spanish_and_english():
    model = learned.model()
    assert model is not None
    assert model.topics == ("shipping", "payment_methods", "returns", "sizes", "stock", learned.AN_ORDER)
    assert max(model.probabilities("", "¿Hacen envíos a Córdoba?").items(), key=lambda kv: kv[1])[0] == "shipping"
    assert max(model.probabilities("", "What payment methods do you accept?").items(), key=lambda kv: kv[1])[0] == (
        "payment_methods"
    )
    assert (
        max(model.probabilities("", "¿Dónde está mi pedido? Lo compré hace dos semanas").items(), key=lambda kv: kv[1])[
            0
        ]
        == learned.AN_ORDER
    )


# ------------------------------------------------------------------------------------------ machine-made text

from replyflow.devtools import train_machine_text  # noqa: E402 - needs scikit-learn

NOTICE = (
    "Cierre por balance",
    "Estimado cliente: le comunicamos que nuestras oficinas permanecerán cerradas por balance anual del 3 al 7 de "
    "marzo. Retomamos la atención habitual el lunes 10.\n\nDepartamento Comercial\nHilados del Plata S.A.",
)
PERSON = (
    "Re: mi pedido",
    "Hola! Estoy de viaje hasta el 20, ¿me lo pueden mandar a lo de mi hermana en Quilmes? Gracias",
)


@pytest.fixture(scope="module")
def machine_rows():
    try:
        return train_machine_text.read_rows()
    except SystemExit as missing:
        pytest.skip(f"a training set is absent here: {missing}")


def test_the_machine_text_numbers_give_scikit_learns_probabilities(machine_rows):
    rows = [r for r in machine_rows if r.machine or r.id.startswith(("w1.csv", "w2.csv"))]
    vectorizers, classifiers = train_machine_text.fit_sklearn(rows)
    samples = [*SAMPLES, NOTICE, PERSON]
    assert_the_numbers_give_scikit_learns_probabilities(vectorizers, classifiers, train_machine_text.TOPICS, samples)


def test_the_shipped_machine_text_model_was_trained_on_the_development_rows_the_repository_holds(machine_rows):
    trained_on = json.loads(learned.MACHINE_TEXT_PATH.read_text(encoding="utf-8"))["trained_on"]
    assert trained_on["split"] == "dev"
    folders = [r.id for r in machine_rows if r.id.startswith(("robots/", "people/"))]
    assert folders and all(name.split("/")[2] == "dev" for name in folders)  # robots/<source>/dev/<file>
    assert {r.source for r in machine_rows if r.machine} >= {"robots/notices", "labelled sets, robots"}
    assert any(not r.machine and r.source.startswith("people/") for r in machine_rows)
    assert (trained_on["rows"], trained_on["digest"]) == (len(machine_rows), train_machine_text.digest(machine_rows)), (
        "the labelled sets or the message folders changed since the model was trained: "
        "python -m replyflow.devtools.train_machine_text"
    )


def test_the_bar_is_the_lowest_that_leaves_at_most_a_small_share_of_people_for_a_person(monkeypatch):
    monkeypatch.setattr(train_machine_text, "PEOPLE_SHARE", 0.25)
    rows = [train_machine_text.Row(name, "people", "", "hola", False) for name in "abcd"]
    rows.append(train_machine_text.Row("e", "robots", "", "auto", True))
    bar = train_machine_text.choose_bar
    assert bar(rows, {"a": 0.31, "b": 0.12, "c": 0.2, "d": 0.1, "e": 0.99}) == 0.5
    assert bar(rows, {"a": 0.62, "b": 0.12, "c": 0.2, "d": 0.1, "e": 0.99}) == 0.5  # one person in four may
    assert bar(rows, {"a": 0.62, "b": 0.71, "c": 0.2, "d": 0.1, "e": 0.99}) == 0.65
    assert bar(rows, {"a": 0.97, "b": 0.96, "c": 0.2, "d": 0.1, "e": 0.99}) == train_machine_text.NEVER > 1.0


def test_the_shipped_bar_is_the_one_cross_validation_chose():
    data = json.loads(learned.MACHINE_TEXT_PATH.read_text(encoding="utf-8"))
    assert data["thresholds"][learned.MACHINE_MADE] == data["trained_on"]["cross_validated"]["bar"]
    assert data["trained_on"]["cross_validated"]["people_share"] == train_machine_text.PEOPLE_SHARE


def test_the_shipped_machine_text_model_reads_a_notice_and_a_person():
    model = learned.machine_text_model()
    assert model is not None and model.topics == (learned.MACHINE_MADE,)
    bar = model.thresholds[learned.MACHINE_MADE]
    assert model.probabilities(*NOTICE)[learned.MACHINE_MADE] >= bar
    assert model.probabilities(*PERSON)[learned.MACHINE_MADE] < bar


def test_a_notice_only_the_model_recognises_is_left_for_a_person_and_a_person_is_answered():
    from classifier import decide

    from shared.shop import load_shop_config

    shop = load_shop_config(ROOT / "examples" / "shop.toml")
    notice = decide.classify_text(NOTICE[1], shop, subject=NOTICE[0])
    assert (notice.decision, notice.reason) == ("ignore", decide.LOOKS_AUTOMATIC)
    assert notice.reason in decide.IGNORED_FOR_A_PERSON
    assert any(r.startswith("robots.looks_automatic.machine_made=") for r in notice.rules)
    rules_alone = decide.classify_text(NOTICE[1], shop, subject=NOTICE[0], machine_text=None)
    assert rules_alone.decision != "ignore"  # no robot rule reads this notice: the model is what catches it
    assert decide.classify_text(PERSON[1], shop, subject=PERSON[0]).decision != "ignore"


@pytest.mark.parametrize("content", [None, "{", json.dumps({"topics": ["shipping"], "intercepts": [0.0]})])
def test_without_a_readable_machine_text_model_the_robot_rules_decide_alone(monkeypatch, tmp_path, content):
    path = tmp_path / "machine_text.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    monkeypatch.setattr(learned, "MACHINE_TEXT_PATH", path)
    learned.machine_text_model.cache_clear()
    try:
        assert learned.machine_text_model() is None
    finally:
        learned.machine_text_model.cache_clear()


def _one_word_machine_model(word: str, weight: float, intercept: float) -> learned.Model:
    block = {
        "kind": "word",
        "ngram_range": [1, 1],
        "features": [word],
        "idf": learned.pack([1.0]),
        "weights": learned.pack([weight]),
    }
    data = {"topics": [learned.MACHINE_MADE], "intercepts": [intercept], "thresholds": {learned.MACHINE_MADE: 0.8}}
    return learned.from_json({**data, "blocks": [block]}, (learned.MACHINE_MADE,))


def test_a_robot_rule_on_the_text_alone_that_the_model_reads_as_a_person_leaves_the_email_for_a_person():
    from classifier import decide, view

    from shared.shop import load_shop_config

    shop = load_shop_config(ROOT / "examples" / "shop.toml")
    reads_as_a_person = _one_word_machine_model("hola", -10.0, 1.0)  # "hola": 0.0001; anything else: 0.73
    greeting = view.read_text("Hola, estoy de vacaciones hasta el 20.", "Vacaciones")
    evidence = ("robots.autoreplies.subject_away",)
    kept = decide._robot("out_of_office", evidence, greeting, shop, reads_as_a_person, text_only=True)
    assert (kept.decision, kept.reason) == ("ignore", decide.ROBOT_OR_PERSON)
    assert kept.reason in decide.IGNORED_FOR_A_PERSON
    assert kept.rules[0] == "robots.autoreplies.subject_away"
    assert kept.rules[-1].startswith("robots.robot_or_person.machine_made=0.00")
    # a verdict that rests on a header or an address, or a text the model does not read as a person's, stands
    robot = decide._robot("out_of_office", evidence, greeting, shop, reads_as_a_person, text_only=False)
    assert robot.reason == "out_of_office"
    other = view.read_text("Estoy de vacaciones hasta el 20.", "Vacaciones")
    assert decide._robot("out_of_office", evidence, other, shop, reads_as_a_person, text_only=True).reason == (
        "out_of_office"
    )
    assert decide._robot("out_of_office", evidence, greeting, shop, None, text_only=True).reason == "out_of_office"
    asks = view.read_text("Estoy de vacaciones hasta el 20. ¿Me lo guardan?", "Vacaciones")
    kept = decide._robot("out_of_office", evidence, asks, shop, None, text_only=True)
    assert (kept.reason, kept.rules[-1]) == ("robot_or_person", "robots.robot_or_person.asks")


def _message(sender: str, subject: str, body: str, extra: str = ""):
    import email
    import email.policy

    raw = (
        f"From: {sender}\nTo: hola@ropadelsur.com.ar\nSubject: {subject}\nMessage-ID: <m1@example.com>\n{extra}"
        f"Content-Type: text/plain; charset=utf-8\n\n{body}\n"
    )
    return email.message_from_string(raw, policy=email.policy.default)


@pytest.mark.parametrize(
    "sender, subject, extra, text_only",
    [
        ("Flor <flor.paz@gmail.com>", "Respuesta automática: Consulta", "", True),
        ("Flor <flor.paz@gmail.com>", "Delivery Status Notification (Failure)", "", True),
        (
            "Mail Delivery Subsystem <MAILER-DAEMON@mail.example.com>",
            "Delivery Status Notification (Failure)",
            "",
            False,
        ),
        ("Flor <flor.paz@gmail.com>", "Undeliverable: hola", "List-Id: <ventas.lists.example.com>\n", False),
        ("Flor <flor.paz@gmail.com>", "Respuesta automática: Consulta", "Precedence: bulk\n", False),
        ("Soporte <soporte@acme.example>", "Respuesta automática: Consulta", "X-Mailer: Zendesk\n", False),
        ("Flor <flor.paz@gmail.com>", "Respuesta automática: Consulta", "Reply-To: tickets@helpdesk.example\n", False),
    ],
    ids=[
        "a person's address",
        "a bounce subject alone",
        "a mailer's address",
        "a list's header",
        "precedence",
        "a role address and a helpdesk's mailer",
        "a reply-to in another domain",
    ],
)
def test_a_verdict_rests_on_the_text_alone_only_when_no_header_or_address_says_the_same(
    sender, subject, extra, text_only
):
    from classifier import robots

    found = robots.verdict(_message(sender, subject, "Texto del mensaje.", extra), ["hola@ropadelsur.com.ar"])
    assert found.reason is not None
    assert found.text_only is text_only


def test_a_relay_or_a_header_verdict_never_becomes_robot_or_person():
    from classifier import decide

    from shared.shop import load_shop_config

    shop = load_shop_config(ROOT / "examples" / "shop.toml")
    reads_as_a_person = _one_word_machine_model("hola", -10.0, 0.0)
    relay = "Hola ROPADELSUR: Tenés una pregunta nueva en tu publicación: ¿tenés talle M?"
    assert decide.classify_text(relay, shop, machine_text=reads_as_a_person).reason == "relayed_message"
    bounce = _message(
        "Mail Delivery Subsystem <MAILER-DAEMON@mail.example.com>", "Delivery Status Notification (Failure)", "hola"
    )
    assert decide.classify(bounce, shop, machine_text=reads_as_a_person).reason == "delivery_report"
