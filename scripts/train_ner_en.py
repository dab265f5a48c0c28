"""Train the English named-entity CRF (plugins/newsetl/models/ner-en.crfsuite) from GUM news.

The documents held out by newsetl.corpora.is_held_out are never read here. The articles
written for newsetl with inline names (newsetl.corpora.read_written_ner, scripts/data/ner-en)
join every training set: each cross-validation fold's and the final model's (``--gum-only``
leaves them out). ``--cv`` scores document-level k-fold cross-validation over the GUM
training documents only (each tagged by a model trained without it), for choosing the
regularisation; without it the model is trained and written out.

The regularisation (c1 = 0.15, c2 = 0.01, the defaults of tagger_en.train_model) was chosen
by the mean typed F1 of the pipeline over leave-one-out, 5- and 4-fold cross-validation.

    .venv/bin/python scripts/train_ner_en.py [--cv [--folds 19]] [--c1 0.15] [--c2 0.01]
        [--gum-only]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plugins"))

import pycrfsuite  # noqa: E402

from newsetl.corpora import is_held_out, read_gum, read_written_ner  # noqa: E402
from newsetl.entities import mentions_in  # noqa: E402
from newsetl.gazetteer import load_gazetteer  # noqa: E402
from newsetl.tagger_en import (  # noqa: E402
    DEFAULT_C1,
    DEFAULT_C2,
    MODEL_PATH,
    label_spans,
    tokenize,
    train_model,
    training_example,
)


def main() -> None:
    """Train, and either score the cross-validation folds or write the model."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--cv", action="store_true")
    parser.add_argument("--folds", type=int, default=5, help="19: leave one document out")
    parser.add_argument("--c1", type=float, default=DEFAULT_C1)
    parser.add_argument("--c2", type=float, default=DEFAULT_C2)
    parser.add_argument("--iterations", type=int, default=500)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument(
        "--gum-only", action="store_true", help="leave the written articles out of training"
    )
    args = parser.parse_args()
    gazetteer = load_gazetteer()
    documents = [d for d in read_gum() if not is_held_out(d.doc_id)]
    examples = [training_example(d, gazetteer) for d in documents]
    extra = [] if args.gum_only else [training_example(d, gazetteer) for d in read_written_ner()]
    if extra:
        print(f"{len(extra)} written documents added to every training set")
    params = {"c1": args.c1, "c2": args.c2, "iterations": args.iterations}
    if not args.cv:
        train_model(examples + extra, args.out, **params)
        count = len(examples) + len(extra)
        print(f"wrote {args.out} ({args.out.stat().st_size} bytes) from {count} documents")
        return
    folder = Path(tempfile.mkdtemp())
    counts = {"tagger": [0, 0, 0], "newsetl": [0, 0, 0]}  # gold, found, hit
    for fold in range(args.folds):
        model = folder / f"fold-{fold}.crfsuite"
        training = [e for k, e in enumerate(examples) if k % args.folds != fold]
        train_model(training + extra, model, **params)
        tagger = pycrfsuite.Tagger()
        tagger.open(str(model))
        for k in range(fold, len(documents), args.folds):
            text = documents[k].text
            truth = {(s.start, s.end, s.entity_type) for s in documents[k].spans}
            alone = set(label_spans(tokenize(text), tagger.tag(examples[k][0])))
            found = mentions_in(
                text, text.find("\n"), False, gazetteer, None, english_tagger=tagger
            )
            combined = {(m.offset, m.offset + len(m.name), m.entity_type) for m in found}
            for name, predicted in (("tagger", alone), ("newsetl", combined)):
                predicted = {p for p in predicted if p[2] in ("PERSON", "ORG", "LOCATION")}
                tally = counts[name]
                tally[0] += len(truth)
                tally[1] += len(predicted)
                tally[2] += len(truth & predicted)
    for name, (gold, found_count, hit) in counts.items():
        precision, recall = hit / max(found_count, 1), hit / max(gold, 1)
        f1 = 2 * precision * recall / max(precision + recall, 1e-9)
        print(
            f"{args.folds}-fold c1={args.c1} c2={args.c2} {name}: "
            f"P {precision:.3f} R {recall:.3f} F1 {f1:.3f} (typed, strict)"
        )


if __name__ == "__main__":
    main()
