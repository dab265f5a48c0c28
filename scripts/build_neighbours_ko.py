"""Write plugins/newsetl/models/neighbours-ko.tsv, each Kiwi morpheme's nearest neighbours.

Kiwi's CoNg language model (kiwipiepy-model, Apache-2.0) carries an embedding for each of its
frequent morphemes; Kiwi.most_similar_morphemes reads them (삼성 → 삼성전자, 롯데, 기아, 에스케이,
삼성그룹). The Korean entity tagger uses a morpheme's five nearest neighbours as features, so a
name the training sentences never had (엑소) fires the features of the names they had that sit
near it (소녀시대, 빅뱅). Each row: the row number, the form, the tag, and the row numbers of
the five neighbours (- where the neighbour is not a row). Rows cover the noun-like, verb,
adjective and adverb morphemes that have an embedding; where a form and tag have several
senses, the most frequent (lowest id) is kept. The search is linear in the vocabulary (about
1.5 ms a morpheme), so the table is built once and shipped.

    .venv/bin/python scripts/build_neighbours_ko.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plugins"))

from kiwipiepy import Kiwi  # noqa: E402

from newsetl.tagger import NEIGHBOURS_PATH  # noqa: E402

NEIGHBOURS = 5  # nearest morphemes per row
TAGS = frozenset({"NNP", "NNG", "SL", "SH", "NNB", "XSN", "NR", "VV", "VA", "MAG", "XR"})


def main() -> None:
    """Write the table."""
    kiwi = Kiwi(load_multi_dict=False)
    rows: dict[tuple[str, str], int] = {}  # (form, tag) → Kiwi id, the first (most frequent)
    ids: list[int] = []
    index = misses = 0
    while misses < 1000:  # ids run by frequency: the embedded ones come first
        morpheme = kiwi.morpheme(index)
        if not kiwi.most_similar_morphemes(index, 1):
            misses += 1
        else:
            misses = 0
            key = (morpheme.form, morpheme.tag)
            if morpheme.tag in TAGS and morpheme.form and key not in rows:
                rows[key] = index
                ids.append(index)
        index += 1
    row_of = {kiwi_id: row for row, kiwi_id in enumerate(ids)}
    lines = ["# row\tform\ttag\tneighbour rows; written by scripts/build_neighbours_ko.py"]
    for row, kiwi_id in enumerate(ids):
        morpheme = kiwi.morpheme(kiwi_id)
        near = [
            str(row_of[m.id]) if m.id in row_of else "-"
            for m in kiwi.most_similar_morphemes(kiwi_id, NEIGHBOURS)
        ]
        lines.append("\t".join([str(row), morpheme.form, morpheme.tag, *near]))
        if row % 5000 == 0:
            print(f"{row} of {len(ids)}", file=sys.stderr, flush=True)
    NEIGHBOURS_PATH.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {NEIGHBOURS_PATH} ({len(ids)} morphemes of {index} ids scanned)")


if __name__ == "__main__":
    main()
