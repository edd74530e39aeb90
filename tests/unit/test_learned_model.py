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


def test_the_shipped_numbers_give_scikit_learns_probabilities(dev_rows):
    rows = [row for row in dev_rows if row.id.startswith(("es_shop_emails", "w1.csv", "w2.csv"))]
    vectorizers, classifiers = train_classifier.fit_sklearn(rows)
    model = learned.from_json(train_classifier.export(vectorizers, classifiers))
    from scipy.sparse import hstack

    for subject, text in SAMPLES:
        document = learned.model_input(subject, text)
        features = hstack([v.transform([document]) for v in vectorizers]).tocsr()
        expected = [clf.predict_proba(features)[0][1] for clf in classifiers]
        got = model.probabilities(subject, text)
        for topic, probability in zip(model.topics, expected, strict=True):
            assert got[topic] == pytest.approx(probability, abs=1e-4), (subject, text, topic)


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


def _one_feature_model(weight: float, ngram_range: list) -> str:
    topics = list(learned.intents.POLICY_INTENTS)
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
    assert model is not None and model.topics == ("shipping", "payment_methods", "returns", "sizes", "stock")
    assert max(model.probabilities("", "¿Hacen envíos a Córdoba?").items(), key=lambda kv: kv[1])[0] == "shipping"
    assert max(model.probabilities("", "What payment methods do you accept?").items(), key=lambda kv: kv[1])[0] == (
        "payment_methods"
    )
