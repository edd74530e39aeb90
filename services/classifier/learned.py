"""A learned second opinion on which policy questions an email asks: a linear model over word and character n-grams.

The rules (`intents.py` and `rules/`) recognise the phrasings they were written for; customers who write otherwise
are missed. The model learns the words and pieces of words that go with each topic from emails written by people
who never saw the rules.
This model was trained on the development halves of the project's labelled sets only (see
`replyflow.devtools.train_classifier`, which also records what it was trained on) and ships as numbers in
`model/faq_topics.json` (the features by name, their weights as packed doubles): no machine-learning library is
needed to run it, and a replica loads it in milliseconds.

It only ever proposes: `decide.py` asks it when the rules found no intent that rules a canned answer out, and every
check a canned answer must pass (the shop has the text in that language, the text covers what was named, no
conversation, a certain language) still applies. Precision first: a topic counts only at a probability chosen on
the development data so that canned answers stay right.

Features, as scikit-learn's TfidfVectorizer computes them (the training script checks that this module and
scikit-learn give the same probabilities): word unigrams and bigrams (tokens of two or more word characters) and
character 3- to 5-grams inside word boundaries (each word padded with one space), each block weighted by
sublinear term frequency times inverse document frequency and scaled to unit length; one logistic regression per
topic over both blocks.
"""

from __future__ import annotations

import base64
import enum
import itertools
import json
import logging
import math
import re
import sys
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from . import intents

log = logging.getLogger(__name__)
MODEL_PATH = Path(__file__).with_name("model") / "faq_topics.json"
# The second model of the same kind: whether a text was written by a program rather than a person (`decide.py`
# leaves such an email for a person; see `replyflow.devtools.train_machine_text`).
MACHINE_TEXT_PATH = Path(__file__).with_name("model") / "machine_text.json"
MACHINE_MADE = "machine_made"
# Besides the policy topics, the topics model reads whether the email is about an order that exists (where is it,
# change it, a refund, a failed payment): `decide.py` sets aside the softer order signs of the rules ("el paquete",
# "compré una vez") when the model finds this unlikely.
AN_ORDER = "an_order"
TOPICS_MODEL_OUTPUTS: tuple[str, ...] = (*intents.POLICY_INTENTS, AN_ORDER)
# Larger than any idf or logistic-regression weight the training makes (they stay well under 100).
MAX_WEIGHT = 1e4
_TOKEN = re.compile(r"(?u)\b\w\w+\b")
_SPACES = re.compile(r"\s\s+")


@dataclass(frozen=True)
class Block:
    """One vectoriser's vocabulary: each feature's row, its idf, and one weight per topic.

    The numbers are kept in flat arrays of doubles, and stored in the file as such (`pack`), rather than as a
    tuple of floats per feature: some 36,000 features take a fifth of the memory that way, and reading them leaves
    no garbage behind, which the classifier needs (each replica stays under 200 MB)."""

    kind: str  # "word" or "char_wb"
    ngram_range: tuple[int, int]
    rows: dict[str, int]  # feature -> its row
    idf: array[float]  # per row
    weights: array[float]  # row * topics + topic

    def weights_of(self, row: int, topics: int) -> array[float]:
        return self.weights[row * topics : (row + 1) * topics]


@dataclass(frozen=True)
class Model:
    topics: tuple[str, ...]
    intercepts: tuple[float, ...]
    thresholds: dict[str, float]  # the probability a topic needs to count, per topic
    blocks: tuple[Block, ...]
    trained_on: dict  # what the training script recorded: sets, split, rows, a digest of the rows

    def probabilities(self, subject: str, text: str) -> dict[str, float]:
        """Probability per topic: for the topics model, that the email asks it as a question a canned text may
        answer; for the machine-made text model, that a program wrote the text."""
        document = model_input(subject, text)
        totals = list(self.intercepts)
        topics = len(self.topics)
        for block in self.blocks:
            counts = Counter(_ngrams(block, document))
            weighted = {
                row: (1.0 + math.log(count)) * block.idf[row]
                for feature, count in counts.items()
                if (row := block.rows.get(feature)) is not None
            }
            norm = math.sqrt(sum(value * value for value in weighted.values()))
            if not norm:
                continue
            for row, value in weighted.items():
                for i, weight in enumerate(block.weights_of(row, topics)):
                    totals[i] += weight * value / norm
        return {topic: _sigmoid(total) for topic, total in zip(self.topics, totals, strict=True)}


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def model_input(subject: str, text: str) -> str:
    """What the model reads: the subject without reply prefixes and the text, folded as the rules fold them."""
    subject = intents.SUBJECT_PREFIX.sub("", subject or "")
    return intents.fold(subject) + "\n" + intents.fold(text or "")


def _ngrams(block: Block, document: str) -> list[str]:
    low, high = block.ngram_range
    if block.kind == "word":
        tokens = _TOKEN.findall(document)
        return [" ".join(tokens[i : i + n]) for n in range(low, high + 1) for i in range(len(tokens) - n + 1)]
    grams: list[str] = []
    for word in _SPACES.sub(" ", document).split():
        padded = f" {word} "
        for n in range(low, high + 1):
            # as scikit-learn's char_wb: a padded word shorter than n is one gram, and ends the longer sizes
            grams.append(padded[:n])
            grams.extend(padded[i : i + n] for i in range(1, len(padded) - n + 1))
            if len(padded) <= n:
                break
    return grams


def from_json(data: dict, topics: tuple[str, ...] = TOPICS_MODEL_OUTPUTS) -> Model:
    """A model from its numbers; ValueError when they do not fit this code (other topics, another analyser)."""
    if tuple(data["topics"]) != topics:
        raise ValueError(f"the model's topics {tuple(data['topics'])} are not {topics}")
    if any(block["kind"] not in ("word", "char_wb") for block in data["blocks"]):
        raise ValueError("the model has an analyser other than word and char_wb")
    if len(data["intercepts"]) != len(topics):
        raise ValueError(f"the model has {len(data['intercepts'])} intercepts for {len(topics)} topics")
    blocks = tuple(_block(block, len(topics)) for block in data["blocks"])
    return Model(
        topics=topics,
        intercepts=tuple(data["intercepts"]),
        # a topic without a threshold is never proposed as a topic by itself (an_order)
        thresholds={t: float(data["thresholds"][t]) for t in topics if t in data["thresholds"]},
        blocks=blocks,
        trained_on=data.get("trained_on", {}),
    )


def _block(data: dict[str, Any], topics: int) -> Block:
    names: list[str] = data["features"]
    low, high = data["ngram_range"]
    if not (isinstance(low, int) and isinstance(high, int) and 1 <= low <= high <= 10):
        raise ValueError(f"a {data['kind']} block has the n-gram range {data['ngram_range']!r}")
    idf, weights = unpack(data["idf"]), unpack(data["weights"])
    # a damaged file can still decode to doubles: weights no training produces are refused
    if not all(math.isfinite(x) and abs(x) < MAX_WEIGHT for x in itertools.chain(idf, weights)):
        raise ValueError(f"a {data['kind']} block has a weight that is not finite or beyond {MAX_WEIGHT:g}")
    if len(idf) != len(names) or len(weights) != len(names) * topics:
        raise ValueError(
            f"a {data['kind']} block has {len(names)} features, {len(idf)} idf values and {len(weights)} weights "
            f"for {topics} topics"
        )
    return Block(
        kind=data["kind"],
        ngram_range=(low, high),
        rows={name: row for row, name in enumerate(names)},
        idf=idf,
        weights=weights,
    )


def pack(numbers: Iterable[float]) -> str:
    """Doubles as the model file stores them: little-endian IEEE 754, in base64."""
    packed = array("d", numbers)
    if sys.byteorder == "big":
        packed.byteswap()
    return base64.b64encode(packed.tobytes()).decode("ascii")


def unpack(text: str) -> array[float]:
    numbers: array[float] = array("d")
    numbers.frombytes(base64.b64decode(text, validate=True))
    if sys.byteorder == "big":
        numbers.byteswap()
    return numbers


class Shipped(enum.Enum):
    """The default of a `model` parameter: the model that ships with the package."""

    MODEL = "shipped"


SHIPPED = Shipped.MODEL


def resolve(chosen: Model | Shipped | None, shipped: Callable[[], Model | None] | None = None) -> Model | None:
    """The model a caller chose, or the shipped one (`shipped`, by default the topics model)."""
    if chosen is SHIPPED:
        return (shipped or model)()
    return chosen  # type: ignore[return-value]


@cache
def model() -> Model | None:
    """The shipped topics model, or None when its file is missing or unreadable (the rules then decide alone)."""
    return _load(MODEL_PATH, TOPICS_MODEL_OUTPUTS)


@cache
def machine_text_model() -> Model | None:
    """The shipped machine-made text model, or None when its file is missing or unreadable (the robot rules then
    decide alone)."""
    return _load(MACHINE_TEXT_PATH, (MACHINE_MADE,))


def _load(path: Path, topics: tuple[str, ...]) -> Model | None:
    try:
        return from_json(json.loads(path.read_text(encoding="utf-8")), topics)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        log.warning("learned model %s not read (%s: %s): the rules decide alone", path, type(exc).__name__, exc)
        return None
