"""Train the Korean named-entity CRF (plugins/newsetl/models/ner-ko.crfsuite) from KLUE-NER.

The held-out fifth of the sentences (newsetl.corpora.is_held_out) is never read here.
``--dev`` trains on three of the remaining four buckets and scores the fourth, for choosing
the regularisation; without it the model is trained on all four and written out.

    .venv/bin/python scripts/train_ner_ko.py [--dev] [--c1 0.05] [--c2 0.05]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plugins"))

import pycrfsuite  # noqa: E402

from newsetl.corpora import read_klue_ner, split_of  # noqa: E402
from newsetl.entities import tokenize_korean  # noqa: E402
from newsetl.gazetteer import load_gazetteer  # noqa: E402
from newsetl.tagger import MODEL_PATH, label_spans, token_features, token_labels  # noqa: E402

_KIND = {"PERSON": "PS", "ORG": "OG", "LOCATION": "LC"}


def main() -> None:
    """Train, and either score the dev bucket or write the model."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--dev", action="store_true")
    parser.add_argument("--c1", type=float, default=0.05)
    parser.add_argument("--c2", type=float, default=0.05)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args()
    gazetteer = load_gazetteer()
    sentences = [s for s in read_klue_ner() if split_of(s.sentence_id) != 0]
    train = [s for s in sentences if not args.dev or split_of(s.sentence_id) != 1]
    dev = [s for s in sentences if args.dev and split_of(s.sentence_id) == 1]
    trainer = pycrfsuite.Trainer(verbose=False)
    tokens = tokenize_korean([s.text for s in train], gazetteer)
    for sentence, toks in zip(train, tokens, strict=True):
        spans = [(sp.start, sp.end, _KIND[sp.entity_type]) for sp in sentence.spans]
        trainer.append(token_features(sentence.text, toks, gazetteer), token_labels(toks, spans))
    trainer.set_params(
        {
            "c1": args.c1,
            "c2": args.c2,
            "max_iterations": args.iterations,
            "feature.possible_transitions": True,
            "feature.minfreq": 1,
        }
    )
    target = Path(tempfile.mkdtemp()) / "ner-ko-dev.crfsuite" if args.dev else args.out
    trainer.train(str(target))
    if not args.dev:
        print(f"wrote {target} ({target.stat().st_size} bytes) from {len(train)} sentences")
        return
    tagger = pycrfsuite.Tagger()
    tagger.open(str(target))
    gold = found = hit = 0
    for sentence, toks in zip(dev, tokenize_korean([s.text for s in dev], gazetteer), strict=True):
        predicted = set(
            label_spans(toks, tagger.tag(token_features(sentence.text, toks, gazetteer)))
        )
        truth = {(sp.start, sp.end, sp.entity_type) for sp in sentence.spans}
        gold, found, hit = gold + len(truth), found + len(predicted), hit + len(truth & predicted)
    precision, recall = hit / max(found, 1), hit / max(gold, 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-9)
    print(f"dev c1={args.c1} c2={args.c2}: P {precision:.3f} R {recall:.3f} F1 {f1:.3f}")


if __name__ == "__main__":
    main()
