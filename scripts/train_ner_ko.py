"""Train the Korean named-entity CRF (plugins/newsetl/models/ner-ko.crfsuite) from KLUE-NER.

The held-out fifth of the sentences (newsetl.corpora.is_held_out) is never read here.
``--cv`` scores each regularisation pair by four-fold cross-validation over the remaining
four buckets (train on three, score the fourth, pool the counts); without it the model is
trained on all four buckets with the chosen pair and written out. Training is deterministic
(L-BFGS from zero weights), so the same data and features give the same file.

``--with-written`` adds the 880 Korean news sentences written for newsetl
(``scripts/data/ner-ko``) to the training set (to every fold's, in cross-validation; they are
never scored). The shipped model is trained without them: see that folder's README.

    .venv/bin/python scripts/train_ner_ko.py --cv --c1 0.01 0.02 0.05 --c2 0.01 0.05
    .venv/bin/python scripts/train_ner_ko.py [--c1 0.02] [--c2 0.05]
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plugins"))

import pycrfsuite  # noqa: E402

from newsetl.corpora import (  # noqa: E402
    KLUE_TYPES,
    NerSentence,
    read_klue_ner,
    read_written_ner_ko,
    split_of,
)
from newsetl.entities import tokenize_korean  # noqa: E402
from newsetl.gazetteer import Gazetteer, load_gazetteer  # noqa: E402
from newsetl.tagger import MODEL_PATH, label_spans, token_features, token_labels  # noqa: E402

_KIND = {kind: code for code, kind in KLUE_TYPES.items()}  # PERSON → PS, as the labels read
Example = tuple[NerSentence, list[object], list[list[str]], list[str]]


def examples_of(sentences: list[NerSentence], gazetteer: Gazetteer) -> list[Example]:
    """Each sentence with its Kiwi tokens, the CRF's features and the gold labels."""
    examples: list[Example] = []
    for sentence, tokens in zip(
        sentences, tokenize_korean([s.text for s in sentences], gazetteer), strict=True
    ):
        spans = [(sp.start, sp.end, _KIND[sp.entity_type]) for sp in sentence.spans]
        features = token_features(sentence.text, tokens, gazetteer)
        examples.append((sentence, tokens, features, token_labels(tokens, spans)))
    return examples


def train(examples: list[Example], c1: float, c2: float, iterations: int, target: Path) -> None:
    """Fit a CRF on the examples and write it to target."""
    trainer = pycrfsuite.Trainer(verbose=False)
    for _, _, features, labels in examples:
        trainer.append(features, labels)
    trainer.set_params(
        {
            "c1": c1,
            "c2": c2,
            "max_iterations": iterations,
            "feature.possible_transitions": True,
            "feature.minfreq": 1,
        }
    )
    trainer.train(str(target))


def cross_validate(
    examples: list[Example], written: list[Example], c1: float, c2: float, iterations: int
) -> str:
    """Pooled typed exact-span scores of four-fold cross-validation over buckets 1–4 (the
    written sentences join every fold's training set and are never scored)."""
    gold = found = hit = 0
    for fold in (1, 2, 3, 4):
        target = Path(tempfile.mkdtemp()) / f"ner-ko-fold{fold}.crfsuite"
        training = [e for e in examples if split_of(e[0].sentence_id) != fold]
        train(training + written, c1, c2, iterations, target)
        tagger = pycrfsuite.Tagger()
        tagger.open(str(target))
        for sentence, tokens, features, _ in examples:
            if split_of(sentence.sentence_id) != fold:
                continue
            predicted = set(label_spans(tokens, tagger.tag(features)))
            truth = {(sp.start, sp.end, sp.entity_type) for sp in sentence.spans}
            gold, found = gold + len(truth), found + len(predicted)
            hit += len(truth & predicted)
    precision, recall = hit / max(found, 1), hit / max(gold, 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-9)
    return f"cv c1={c1} c2={c2}: P {precision:.4f} R {recall:.4f} F1 {f1:.4f}"


def main() -> None:
    """Cross-validate the given pairs, or train on every training bucket and write the model."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--cv", action="store_true")
    parser.add_argument("--c1", type=float, nargs="+", default=[0.02])
    parser.add_argument("--c2", type=float, nargs="+", default=[0.05])
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument(
        "--with-written",
        action="store_true",
        help="train on the sentences of scripts/data/ner-ko as well (not the shipped model)",
    )
    args = parser.parse_args()
    gazetteer = load_gazetteer()
    sentences = [s for s in read_klue_ner() if split_of(s.sentence_id) != 0]
    examples = examples_of(sentences, gazetteer)
    written = examples_of(read_written_ner_ko(), gazetteer) if args.with_written else []
    if args.cv:
        for c1, c2 in itertools.product(args.c1, args.c2):
            print(cross_validate(examples, written, c1, c2, args.iterations), flush=True)
        return
    if len(args.c1) != 1 or len(args.c2) != 1:
        parser.error("training takes one --c1 and one --c2")
    train(examples + written, args.c1[0], args.c2[0], args.iterations, args.out)
    print(
        f"wrote {args.out} ({args.out.stat().st_size} bytes) from {len(examples)} KLUE"
        f" sentences and {len(written)} written ones"
    )


if __name__ == "__main__":
    main()
